"""The platform half of ``mlci monitor``: the model's sticky issue and the retraining dispatch.

When the dataset drifted: the issue is opened or updated (a closed one reopened) and the
workflow dispatched unless the last dispatch, kept in the issue's hidden state, is younger
than the cooldown. A new issue is written before the dispatch (its URL may be an input) and
every issue write after it records what happened; a refused dispatch leaves the state
unchanged so the next run tries again. When it did not drift: an open issue says so and
closes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlci.config.monitor import MonitorConfig
from mlci.errors import ConfigError, MlciError
from mlci.platforms.base import Platform
from mlci.platforms.issues import Issue, MonitorState, state_line
from mlci.report.model import Report

if TYPE_CHECKING:
    from mlci.app.monitor import MonitorOutcome

__all__ = ["MonitorResponse"]


def _inputs(monitor: MonitorConfig, values: Mapping[str, str]) -> dict[str, str]:
    dispatch = monitor.on_drift.dispatch
    assert dispatch is not None
    if dispatch.inputs is None:
        return {"model": values["model"], "drifted_share": values["drifted_share"]}
    out = {}
    for name, template in dispatch.inputs.items():
        try:
            out[name] = template.format_map(values)
        except (KeyError, ValueError, IndexError) as exc:
            known = ", ".join("{" + k + "}" for k in values)
            raise ConfigError(
                f"input {name!r}: {template!r} names an unknown placeholder ({exc}); known: {known}",
                key="monitor.on_drift.dispatch.inputs",
            ) from None
    return out


@dataclass
class MonitorResponse:
    """The platform half of a run: the sticky issue and the dispatch."""

    report: Report
    monitor: MonitorConfig
    platform: Platform
    now: dt.datetime
    templates: str | Path | None
    outcome: MonitorOutcome
    ref_name: str | None = None  # GITHUB_REF_NAME: the branch a scheduled run is on

    def run(self) -> None:
        model = self.report.model.name if self.report.model else "unnamed"
        self.sticky = self.platform.sticky_issue(f"monitor/{model}")
        self.model = model
        existing = self.sticky.find() if self.monitor.on_drift.issue else None
        if self.outcome.drifted:
            self._drifted(existing)
        elif existing is not None and existing.is_open:
            self._resolved(existing)

    def _body(self, state: MonitorState, retraining: str | None) -> str:
        from mlci.render.monitor_issue import IssueText, headline, issue_body

        when = self.now.strftime("%Y-%m-%d %H:%M UTC")
        text = IssueText(headline(self.report, when=when, run_url=self.platform.place().run_url), retraining)
        return issue_body(
            self.report,
            mark=self.sticky.mark,
            state=state_line(state),
            text=text,
            limit=self.platform.issue_limit,
            templates=self.templates,
        )

    def _write(self, issue: Issue | None, state: MonitorState, retraining: str | None) -> Issue:
        from mlci.render.monitor_issue import issue_title

        body = self._body(state, retraining)
        if issue is None:
            created = self.sticky.create(issue_title(self.model), body, self.monitor.on_drift.labels)
            self.outcome.issue_action = "created"
            return created
        reopen = not issue.is_open
        updated = self.sticky.update(issue, body=body, state="open" if reopen else None)
        if self.outcome.issue_action is None:
            self.outcome.issue_action = "reopened" if reopen else "updated"
        return updated

    def _drifted(self, existing: Issue | None) -> None:
        on_drift = self.monitor.on_drift
        state = existing.monitor_state if existing is not None else MonitorState()
        dispatch = on_drift.dispatch
        issue = existing
        if dispatch is None:
            if on_drift.issue:
                self.outcome.issue_url = self._write(issue, state, None).url
            return
        last = state.last_dispatch
        # A time in the future (a clock gone wrong) must not silence retraining for long.
        if last is not None and last <= self.now and (self.now - last).total_seconds() < on_drift.cooldown:
            until = last + dt.timedelta(seconds=on_drift.cooldown)
            self.outcome.cooldown_until = until
            note = (
                f"{_code(dispatch.workflow_id)} was dispatched at {_stamp(last)}; the cooldown "
                f"holds until {_stamp(until)}, so no new run was started."
            )
            if on_drift.issue:
                self.outcome.issue_url = self._write(issue, state, note).url
            return
        ref = dispatch.ref or self.ref_name or "main"
        if on_drift.issue and issue is None:
            issue = self._write(None, state, f"dispatching {_code(dispatch.workflow_id)} on {_code(ref)}.")
        drift = self.report.drift
        values = {
            "model": self.model,
            "drifted_share": f"{drift.drifted_share:g}" if drift else "0",
            "dataset": (drift.current.dataset or drift.current.path) if drift and drift.current else "",
            "issue_url": issue.url if issue is not None else "",
            "run_url": self.platform.place().run_url or "",
        }
        try:
            self.platform.dispatch_workflow(dispatch.workflow_id, ref, _inputs(self.monitor, values))
        except MlciError as exc:
            if on_drift.issue:
                failed = (
                    f"dispatching {_code(dispatch.workflow_id)} failed: {md_name(str(exc), 300)}. "
                    "The next run tries again."
                )
                self.outcome.issue_url = self._write(issue, state, failed).url
            raise
        self.outcome.dispatched = True
        state = state.dispatched(self.now)
        note = (
            f"dispatched {_code(dispatch.workflow_id)} on {_code(ref)} at {_stamp(self.now)} "
            f"(dispatch {state.dispatches})."
        )
        if on_drift.issue:
            self.outcome.issue_url = self._write(issue, state, note).url

    def _resolved(self, issue: Issue) -> None:
        body = self._body(issue.monitor_state, None)
        closed = self.sticky.update(issue, body=body, state="closed")
        self.outcome.issue_action = "closed"
        self.outcome.issue_url = closed.url


def md_name(value: str, limit: int = 100) -> str:
    from mlci.render.escape import md

    return md(value, limit)


def _code(value: str) -> str:
    from mlci.render.escape import md_code

    return md_code(value, 100)


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
