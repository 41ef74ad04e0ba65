"""Turn a drift outcome into the report's ``drift`` section (the checks never see the report)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from mlci.checks.drift import (
    ColumnDrift,
    DriftOptions,
    DriftOutcome,
    SideSummary,
    detect_drift_sources,
)
from mlci.config.project import ProjectConfig
from mlci.config.schema import Schema
from mlci.errors import ConfigError
from mlci.io import DEFAULT_CHUNK_ROWS, DataSource
from mlci.report.drift import (
    DriftCategories,
    DriftColumn,
    DriftDataset,
    DriftHistogram,
    DriftSection,
    DriftSide,
    DriftSkipped,
)
from mlci.report.model import Report

__all__ = ["drift_section", "drift_report", "locate_drift_error", "project_drift"]


def _side(side: SideSummary) -> DriftSide:
    return DriftSide(**asdict(side), missing_share=round(side.missing_share, 6))


def _column(result: ColumnDrift) -> DriftColumn:
    return DriftColumn(
        column=result.column,
        kind=result.kind,
        method=result.method,
        statistic=result.statistic,
        p_value=result.p_value,
        threshold=result.threshold,
        drifted=result.drifted,
        comparison=result.comparison,  # type: ignore[arg-type]
        auto_method=result.auto_method,
        severity=result.severity,
        reference=_side(result.reference),
        current=_side(result.current),
        histogram=DriftHistogram(**asdict(result.histogram)) if result.histogram else None,
        categories=DriftCategories(**asdict(result.categories)) if result.categories else None,
    )


def drift_section(
    outcome: DriftOutcome,
    *,
    reference_path: str | Path | None = None,
    current_path: str | Path | None = None,
) -> DriftSection:
    untested = outcome.untested_reason
    return DriftSection(
        status="skipped" if untested is not None else "failed" if outcome.failed else "passed",
        reason=untested,
        drifted_share=round(outcome.drifted_share, 6),
        dataset_drift=outcome.dataset_drift,
        columns=[_column(c) for c in outcome.columns],
        drift_share=outcome.drift_share,
        drifted_count=outcome.drifted_count,
        fail_on_drift=outcome.fail_on_drift,
        reference=(
            DriftDataset(path=str(reference_path), rows=outcome.reference_rows)
            if reference_path is not None
            else None
        ),
        current=(
            DriftDataset(path=str(current_path), rows=outcome.current_rows)
            if current_path is not None
            else None
        ),
        skipped=[DriftSkipped(**asdict(s)) for s in outcome.skipped],
    )


def locate_drift_error(exc: ConfigError, config_path: str | Path) -> ConfigError:
    """A drift config error from the checks, pointed at its place in mlci.yml."""
    from mlci.checks.drift.column_names import UnknownDriftColumn
    from mlci.config.problems import ConfigProblems, problem
    from mlci.config.yaml_source import load_yaml

    doc = load_yaml(config_path)
    found = exc.problems if isinstance(exc, ConfigProblems) else [exc]
    located = [
        problem(doc, e.loc, e.message)
        if isinstance(e, UnknownDriftColumn)
        else ConfigError(e.message, path=config_path, key=e.key)
        for e in found
    ]
    return ConfigProblems(located)


def drift_report(section: DriftSection) -> Report:
    """The report ``mlci drift`` prints: only its section, the others null."""
    return Report(drift=section).with_status()


def project_drift(
    config: ProjectConfig,
    sources: dict[str, DataSource],
    schemas: dict[str, Schema],
    *,
    config_path: str | Path | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Callable[[str, int | None], Callable[[int], None]] | None = None,
) -> DriftSection | None:
    """The drift section ``mlci check`` adds, from mlci.yml's ``drift:`` (None without one).

    ``sources`` and ``schemas`` are the opened datasets (by name) and loaded schemas (by
    path as written in mlci.yml); the reference dataset's schema decides column kinds.
    """
    drift = config.drift
    if drift is None:
        return None
    reference, current = sources[drift.reference], sources[drift.current]
    schema_key = config.datasets[drift.reference].schema_
    try:
        outcome = detect_drift_sources(
            reference,
            current,
            DriftOptions.from_config(drift),
            schema=schemas.get(schema_key) if schema_key is not None else None,
            chunk_rows=chunk_rows,
            progress=(
                (lambda source: progress(f"reading {source.path} for drift", source.total_rows))
                if progress is not None
                else None
            ),
        )
    except ConfigError as exc:
        if exc.path is None and config_path is not None:
            raise locate_drift_error(exc, config_path) from None
        raise
    # Paths as written in mlci.yml, like the validation section: the report reads the same
    # whichever directory mlci ran from.
    return drift_section(
        outcome,
        reference_path=config.datasets[drift.reference].path,
        current_path=config.datasets[drift.current].path,
    )
