"""The comment use case: the report as one sticky comment, the job summary, outputs, annotations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlci.platforms.base import CommentMode, CommentResult, Platform
from mlci.report.model import Report

__all__ = ["CommentOutcome", "comment_key", "publish_report"]

# Room left in the job summary for what other steps write there.
SUMMARY_HEADROOM = 64_000


@dataclass(frozen=True)
class CommentOutcome:
    result: CommentResult | None  # None: no comment (off, a fork, no pull request)
    summary: Path | None


def comment_key(report: Report, platform: Platform, key: str | None) -> str:
    """``--key``, else ``WORKFLOW/MODEL``: one sticky comment per workflow and model."""
    if key is not None:
        return key
    model = report.model.name if report.model else "data"
    return f"{platform.place().workflow or 'mlci'}/{model}"


def publish_report(
    report: Report,
    report_path: Path,
    platform: Platform,
    *,
    key: str,
    body: str,
    mode: str,
    templates: Path | None = None,
) -> CommentOutcome:
    """Summary, annotations, the sticky comment (unless ``mode`` is off), then the outputs."""
    from mlci.render.formats import render_markdown

    # The job summary keeps the detail a comment must shed.
    summary = None
    if platform.summary_limit > SUMMARY_HEADROOM:
        limit = platform.summary_limit - SUMMARY_HEADROOM
        summary = platform.write_summary(render_markdown(report, templates, limit=limit))
    platform.annotate(report)
    result: CommentResult | None = None
    try:
        if mode.lower() != "off":
            result = platform.post_comment(
                key, body, CommentMode(mode.lower()), have_summary=summary is not None
            )
    finally:
        platform.write_outputs(
            {
                "status": report.status,
                "report-path": str(report_path.resolve()),
                "comment-url": result.url if result else "",
                "comment-id": str(result.id) if result else "",
            }
        )
    return CommentOutcome(result, summary)
