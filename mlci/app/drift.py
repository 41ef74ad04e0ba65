"""Turn a drift outcome into the report's ``drift`` section (the checks never see the report)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mlci.checks.drift import ColumnDrift, DriftOptions, DriftOutcome, SideSummary
from mlci.checks.drift.results import Categories, CategoryCount, Histogram, SkippedColumn
from mlci.config.project import ProjectConfig
from mlci.config.schema import Schema
from mlci.engines.base import Engine
from mlci.engines.options import EngineOptions
from mlci.errors import ConfigError, UsageError
from mlci.io import DEFAULT_CHUNK_ROWS, DataSource
from mlci.io.dataset import source_label
from mlci.report.drift import (
    DriftCategories,
    DriftCategory,
    DriftColumn,
    DriftDataset,
    DriftHistogram,
    DriftSection,
    DriftSide,
    DriftSkipped,
)
from mlci.report.model import Report

__all__ = [
    "DriftRequest",
    "drift_between_files",
    "drift_section",
    "drift_report",
    "locate_drift_error",
    "name_datasets",
    "project_drift",
]


Location = str | Path  # a dataset: file, directory, glob or URL


# Field by field, not ``**asdict(...)``: a field renamed on either side fails type-checking.


def _side(side: SideSummary) -> DriftSide:
    return DriftSide(
        rows=side.rows,
        tested=side.tested,
        missing=side.missing,
        missing_share=round(side.missing_share, 6),
        invalid=side.invalid,
        mean=side.mean,
        std=side.std,
        min=side.min,
        q25=side.q25,
        median=side.median,
        q75=side.q75,
        max=side.max,
    )


def _histogram(h: Histogram) -> DriftHistogram:
    return DriftHistogram(
        edges=h.edges,
        reference=h.reference,
        current=h.current,
        reference_share=h.reference_share,
        current_share=h.current_share,
    )


def _category(c: CategoryCount) -> DriftCategory:
    return DriftCategory(
        value=c.value,
        reference=c.reference,
        current=c.current,
        reference_share=c.reference_share,
        current_share=c.current_share,
    )


def _categories(c: Categories) -> DriftCategories:
    return DriftCategories(
        count=c.count,
        top=[_category(x) for x in c.top],
        other_reference=c.other_reference,
        other_current=c.other_current,
        new=[_category(x) for x in c.new],
        new_count=c.new_count,
        new_rows=c.new_rows,
        vanished=[_category(x) for x in c.vanished],
        vanished_count=c.vanished_count,
    )


def _skipped(s: SkippedColumn) -> DriftSkipped:
    return DriftSkipped(
        column=s.column,
        reason=s.reason,
        detail=s.detail,
        reference_missing=s.reference_missing,
        current_missing=s.current_missing,
    )


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
        histogram=_histogram(result.histogram) if result.histogram else None,
        categories=_categories(result.categories) if result.categories else None,
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
        skipped=[_skipped(s) for s in outcome.skipped],
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
    engine: Engine | None = None,
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
    if engine is None:
        from mlci.engines.local import LocalEngine

        engine = LocalEngine()
    try:
        outcome = engine.drift(
            reference,
            current,
            DriftOptions.from_config(drift),
            schema=schemas.get(schema_key) if schema_key is not None else None,
            chunk_rows=chunk_rows,
            progress=(
                (lambda source: progress(f"reading {source_label(source)} for drift", source.total_rows))
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
    section = drift_section(
        outcome,
        reference_path=config.datasets[drift.reference].path,
        current_path=config.datasets[drift.current].path,
    )
    return name_datasets(section, drift.reference, drift.current)


def name_datasets(section: DriftSection, reference: str, current: str) -> DriftSection:
    """Record the mlci.yml keys of both sides (metrics label series with them)."""
    update: dict[str, DriftDataset] = {}
    if section.reference is not None:
        update["reference"] = section.reference.model_copy(update={"dataset": reference})
    if section.current is not None:
        update["current"] = section.current.model_copy(update={"dataset": current})
    return section.model_copy(update=update)


@dataclass(frozen=True)
class DriftRequest:
    """``mlci drift``: two files (or mlci.yml's drift: section), and what the command line overrides."""

    reference: Location | None  # a file, directory, glob or URL (see mlci.io.dataset)
    current: Location | None
    schema_path: Path | None = None
    config_path: Path | None = None
    fail_on_drift: bool | None = None
    drift_share: float | None = None
    chunk_rows: int | None = None
    engine: EngineOptions = EngineOptions()


ProgressFactory = Callable[[str, "int | None"], Callable[[int], None]]


def drift_between_files(req: DriftRequest, progress: ProgressFactory | None = None) -> Report:
    """The report ``mlci drift`` prints: only its drift section."""
    from mlci.config.schema import load_schema
    from mlci.engines.factory import open_engine

    reference, current, schema_path = req.reference, req.current, req.schema_path
    options = DriftOptions()
    if req.config_path is not None:
        reference, current, schema_path, options = _from_config(
            req.config_path, reference, current, schema_path
        )
    if reference is None or current is None:
        raise UsageError("give REFERENCE and CURRENT datasets, or -c mlci.yml with a drift: section")
    overrides: dict[str, object] = {}
    if req.fail_on_drift is not None:
        overrides["fail_on_drift"] = req.fail_on_drift
    if req.drift_share is not None:
        overrides["drift_share"] = req.drift_share
    if overrides:
        options = dataclasses.replace(options, **overrides)  # type: ignore[arg-type]

    schema = load_schema(schema_path) if schema_path is not None else None
    ref_source, cur_source = _opened(reference), _opened(current)  # fail fast
    try:
        with open_engine(req.engine) as engine:
            outcome = engine.drift(
                ref_source,
                cur_source,
                options,
                schema=schema,
                chunk_rows=req.chunk_rows or DEFAULT_CHUNK_ROWS,
                progress=(
                    (lambda source: progress(f"reading {source_label(source)}", source.total_rows))
                    if progress is not None
                    else None
                ),
            )
    except ConfigError as exc:
        if exc.path is None and req.config_path is not None:
            raise locate_drift_error(exc, req.config_path) from None
        raise
    return drift_report(
        drift_section(outcome, reference_path=source_label(ref_source), current_path=source_label(cur_source))
    )


def _opened(data: str | Path | DataSource) -> DataSource:
    from mlci.io import open_data

    return data if isinstance(data, DataSource) else open_data(data)


def _from_config(
    path: Path, reference: Location | None, current: Location | None, schema_path: Path | None
) -> tuple[Location | DataSource | None, Location | DataSource | None, Path | None, DriftOptions]:
    """Datasets (opened, when from mlci.yml), schema and options; the command line wins."""
    from mlci.config import load_project
    from mlci.io.configured import open_configured

    project = load_project(path)
    if project.drift is None:
        if reference is None or current is None:
            raise ConfigError("no drift: section to take the datasets from", path=path)
        return reference, current, schema_path, DriftOptions()
    ref_set = project.datasets[project.drift.reference]
    cur_set = project.datasets[project.drift.current]
    if schema_path is None and ref_set.schema_ is not None:
        schema_path = project.resolve(ref_set.schema_)
    return (
        reference or open_configured(project, ref_set.path),
        current or open_configured(project, cur_set.path),
        schema_path,
        DriftOptions.from_config(project.drift),
    )
