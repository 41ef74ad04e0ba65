"""The sticky monitor issue's title and body: the marker lines, a verdict, then the report.

Everything from the data (model, dataset and column names) goes through ``escape.md``; the
first two lines are mlci's hidden marker and state, which report text cannot forge
because the markdown renderer turns every ``<`` from data into ``&lt;``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlci.render.escape import md
from mlci.render.formats import render_markdown
from mlci.report.model import Report

__all__ = ["IssueText", "headline", "issue_title", "issue_body"]


@dataclass(frozen=True)
class IssueText:
    """What the body says beyond the report; sentences written by mlci (not escaped)."""

    headline: str  # "Data drift ..." or "Resolved ..."
    retraining: str | None = None  # what happened to the retraining workflow this run


def issue_title(model: str) -> str:
    return f"mlci monitor: data drift in {model}"[:250]


def headline(report: Report, *, when: str, run_url: str | None) -> str:
    drift = report.drift
    run = f" ([run]({run_url}))" if run_url and run_url.startswith("https://") else ""
    if drift is None:
        return f"No drift section in the run of {when}{run}."
    current = md(drift.current.dataset or drift.current.path) if drift.current else "current"
    reference = md(drift.reference.dataset or drift.reference.path) if drift.reference else "reference"
    tested = len(drift.columns)
    drifted = sum(1 for c in drift.columns if c.drifted)
    share = f"{drift.drifted_share:.1%}"
    if drift.dataset_drift:
        return (
            f"**Data drift**: **{current}** drifted from **{reference}**: {drifted} of {tested} "
            f"columns ({share}) in the run of {when}{run}."
        )
    return (
        f"**Resolved**: no dataset drift of **{current}** from **{reference}** in the run of "
        f"{when}{run} ({drifted} of {tested} columns, {share}). Closing."
    )


def issue_body(
    report: Report,
    *,
    mark: str,
    state: str,
    text: IssueText,
    limit: int,
    templates: str | Path | None = None,
) -> str:
    top = [mark, state, "", text.headline]
    if text.retraining:
        top += ["", f"**Retraining**: {text.retraining}"]
    top += [
        "",
        "<sub>This issue is kept up to date by `mlci monitor`; edits to it are overwritten.</sub>",
        "",
    ]
    head_text = "\n".join(top) + "\n"
    room = max(limit - len(head_text), 2_000)
    return head_text + render_markdown(report, templates, limit=room)
