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

from mlci.app.check import ProgressFactory, no_progress, preflight, validate_dataset
from mlci.config.drift import DriftConfig
from mlci.config.monitor import MonitorConfig
from mlci.config.project import ProjectConfig, load_project
from mlci.errors import EXIT_CHECK_FAILED, EXIT_OK, ConfigError, InputError, MlciError, UsageError
from mlci.io import DEFAULT_CHUNK_ROWS
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

    def log_lines(self, output: Path) -> list[str]:
        """What the run did, one line each, for the job log."""
        lines = []
        drift = self.report.drift
        if drift is not None:
            verdict = "DATASET DRIFT" if drift.dataset_drift else "no dataset drift"
            drifted = sum(1 for c in drift.columns if c.drifted)
            lines.append(
                f"{verdict}: {drifted} of {len(drift.columns)} columns drifted "
                f"({drift.drifted_share:.1%}); report written to {output}"
            )
        if self.pushed:
            lines.append(f"pushed metrics to {self.pushed}")
        if self.issue_action:
            lines.append(f"{self.issue_action} issue {self.issue_url}")
        if self.dispatched:
            lines.append("dispatched the retraining workflow")
        elif self.cooldown_until is not None:
            until = self.cooldown_until.strftime("%Y-%m-%d %H:%M UTC")
            lines.append(f"retraining not dispatched: cooldown until {until}")
        return lines + self.notes


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
        validation = [
            validate_dataset(
                monitor.current,
                current,
                sources[monitor.current],
                schemas[current.schema_],
                chunk_rows=chunk_rows,
                progress=progress or no_progress,
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
        from mlci.platforms.detect import open_platform

        platform = open_platform(environ=env)
        missing = platform.monitor_problems()
        where = {"github": "GitHub", "gitlab": "GitLab"}.get(platform.name, platform.name)
        if missing and drifted:
            raise UsageError(f"the dataset drifted but mlci cannot act on {where}: " + "; ".join(missing))
        if missing:
            outcome.notes.append(f"not on {where} ({'; '.join(missing)}): the monitor issue was not checked")
        else:
            from mlci.app.monitor_response import MonitorResponse

            templates = config.resolve(config.report.templates) if config.report.templates else None
            step = MonitorResponse(
                report,
                monitor,
                platform,
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
            finally:
                platform.close()
    if push_error is not None:
        raise push_error
    return outcome
