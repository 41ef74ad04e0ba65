"""``mlci monitor``: scheduled drift of production data, and what to do when it drifts.

One run: drift of ``monitor.current`` against ``monitor.reference`` (and validation of the
current data when it has a schema) -> the report file -> metrics to the Pushgateway (when
one is set) -> on GitHub, when the dataset drifted: the model's sticky issue opened or
updated and the retraining workflow dispatched unless the cooldown holds; when it did not
drift: an open issue says so and closes.

Order matters so that a rerun finishes whatever a failure left undone: the issue is
written before the dispatch (so a new issue's URL can go into the inputs) and again after
it with the dispatch time in its hidden state; a dispatch that GitHub refuses leaves the
issue saying so and the state unchanged, so the next run tries again. A failed push does
not stop the GitHub part; its error is raised once that is done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mlci.app.check import ProgressFactory, preflight
from mlci.config.drift import DriftConfig
from mlci.config.monitor import MonitorConfig
from mlci.config.project import ProjectConfig, load_project
from mlci.errors import EXIT_CHECK_FAILED, EXIT_OK, ConfigError, InputError, MlciError, UsageError
from mlci.io import DEFAULT_CHUNK_ROWS
from mlci.platforms.github.context import GitHubContext
from mlci.platforms.github.issues import Issue, MonitorState
from mlci.report.model import ModelInfo, Report

__all__ = ["MonitorOutcome", "load_monitor", "monitor_report", "run_monitor"]


@dataclass
class MonitorOutcome:
    report: Report
    drifted: bool
    pushed: str | None = None  # the group URL
    issue_url: str | None = None
    issue_action: str | None = None  # created | updated | reopened | closed
    dispatched: bool = False
    cooldown_until: dt.datetime | None = None
    notes: list[str] = field(default_factory=list)  # for the log: what was skipped and why

    @property
    def exit_code(self) -> int:
        return EXIT_CHECK_FAILED if self.report.status == "failed" else EXIT_OK


def load_monitor(config_path: Path) -> tuple[ProjectConfig, MonitorConfig]:
    config = load_project(config_path)
    if config.monitor is None:
        raise ConfigError(
            "no monitor: section (mlci monitor needs monitor: {reference: ..., current: ...}; "
            "see docs/monitoring.md)",
            path=config_path,
            key="monitor",
        )
    return config, config.monitor


def _drift_config(config: ProjectConfig, monitor: MonitorConfig) -> DriftConfig:
    """The drift: section's settings (methods, thresholds, columns) on the monitor's datasets."""
    base = config.drift.model_dump() if config.drift is not None else {}
    base.update(reference=monitor.reference, current=monitor.current, fail_on_drift=monitor.fail_on_drift)
    return DriftConfig.model_validate(base)


def monitor_report(
    config: ProjectConfig,
    monitor: MonitorConfig,
    config_path: Path,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: ProgressFactory | None = None,
) -> Report:
    from mlci.app.drift import project_drift
    from mlci.checks.validation import validate_source
    from mlci.io import sha256_file
    from mlci.report.builder import validation_entry
    from mlci.report.provenance import current_run

    # Only the two datasets the monitor reads: the others may not exist on a scheduled runner.
    names = dict.fromkeys((monitor.reference, monitor.current))
    scoped = config.model_copy(
        update={
            "datasets": {n: config.datasets[n] for n in names},
            "drift": _drift_config(config, monitor),
        }
    )
    sources, schemas = preflight(scoped, config_path)
    validation = None
    current = config.datasets[monitor.current]
    if current.schema_ is not None:
        source = sources[monitor.current]
        outcome = validate_source(
            source,
            schemas[current.schema_],
            chunk_rows=chunk_rows,
            progress=progress(f"validating {monitor.current}", source.total_rows) if progress else None,
        )
        validation = [
            validation_entry(
                monitor.current,
                current.path,
                outcome,
                schema_path=current.schema_,
                fingerprint=sha256_file(source.path),
            )
        ]
    drift = project_drift(
        scoped, sources, schemas, config_path=config_path, chunk_rows=chunk_rows, progress=progress
    )
    model = ModelInfo(name=config.model.name) if config.model is not None else None
    report = Report(
        model=model,
        validation=validation,
        drift=drift,
        run=current_run(config.root),
        config_path=str(config_path),
    )
    return report.with_status()


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
class _GitHubStep:
    """The GitHub half of a run: the sticky issue and the dispatch."""

    report: Report
    monitor: MonitorConfig
    ctx: GitHubContext
    now: dt.datetime
    templates: str | Path | None
    outcome: MonitorOutcome
    ref_name: str | None = None  # GITHUB_REF_NAME: the branch a scheduled run is on

    def run(self) -> None:
        from mlci.platforms.github.client import GitHubClient, RetryPolicy
        from mlci.platforms.github.comments import is_app_token
        from mlci.platforms.github.issues import StickyIssue

        assert self.ctx.repository is not None
        model = self.report.model.name if self.report.model else "unnamed"
        client = GitHubClient(self.ctx.token, self.ctx.api_url, RetryPolicy.from_env())
        with client:
            self.client = client
            self.sticky = StickyIssue(
                client, self.ctx.repository, f"monitor/{model}", bots_only=is_app_token(self.ctx.token)
            )
            self.model = model
            existing = self.sticky.find() if self.monitor.on_drift.issue else None
            if self.outcome.drifted:
                self._drifted(existing)
            elif existing is not None and existing.is_open:
                self._resolved(existing)

    def _body(self, state: MonitorState, retraining: str | None) -> str:
        from mlci.platforms.github.issues import ISSUE_LIMIT, state_line
        from mlci.render.monitor_issue import IssueText, headline, issue_body

        when = self.now.strftime("%Y-%m-%d %H:%M UTC")
        text = IssueText(headline(self.report, when=when, run_url=self.ctx.run_url), retraining)
        return issue_body(
            self.report,
            mark=self.sticky.mark,
            state=state_line(state),
            text=text,
            limit=ISSUE_LIMIT,
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
        from mlci.platforms.github.dispatch import dispatch_workflow

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
            "run_url": self.ctx.run_url or "",
        }
        try:
            dispatch_workflow(
                self.client,
                self.ctx.repository or "",
                dispatch.workflow_id,
                ref,
                _inputs(self.monitor, values),
            )
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


def run_monitor(
    config_path: Path,
    *,
    output: Path,
    pushgateway: str | None = None,
    environ: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: ProgressFactory | None = None,
    write: Callable[[str, Path], None],
    warn: Callable[[str], None],
) -> MonitorOutcome:
    """Everything one scheduled run does; ``write`` stores the report, ``warn`` logs a line."""
    import os

    from mlci.platforms.github.context import load_context

    env = os.environ if environ is None else environ
    config, monitor = load_monitor(config_path)
    report = monitor_report(config, monitor, config_path, chunk_rows=chunk_rows, progress=progress)
    write(report.to_json(), output)
    drifted = bool(report.drift is not None and report.drift.dataset_drift)
    outcome = MonitorOutcome(report=report, drifted=drifted)

    push_error: MlciError | None = None
    url = pushgateway or monitor.pushgateway or env.get("MLCI_PUSHGATEWAY") or None
    if url:
        from mlci.app.push import push_report

        try:
            outcome.pushed = push_report(report, url, job=monitor.job, environ=env).url
        except MlciError as exc:
            push_error = exc
            warn(f"push failed: {exc}")
    else:
        outcome.notes.append(
            "no Pushgateway set (monitor.pushgateway or MLCI_PUSHGATEWAY): metrics not pushed"
        )

    on_drift = monitor.on_drift
    if on_drift.issue or on_drift.dispatch is not None:
        ctx = load_context(env)
        missing = ctx.missing_for_api()
        if missing and drifted:
            raise UsageError(
                "the dataset drifted but mlci cannot act on GitHub: missing " + " and ".join(missing)
            )
        if missing:
            outcome.notes.append("not on GitHub (no repository or token): the monitor issue was not checked")
        else:
            templates = config.resolve(config.report.templates) if config.report.templates else None
            step = _GitHubStep(
                report,
                monitor,
                ctx,
                now or dt.datetime.now(dt.timezone.utc),
                templates,
                outcome,
                ref_name=env.get("GITHUB_REF_NAME") or None,
            )
            try:
                step.run()
            except InputError as exc:
                # Refusals name a key of mlci.yml (monitor.on_drift...): say which file.
                if exc.path is None and (exc.key or "").startswith("monitor."):
                    exc.path = str(config_path)
                raise
    if push_error is not None:
        raise push_error
    return outcome
