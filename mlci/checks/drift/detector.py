"""Drift between a reference and a current dataset, column by column.

Each column gets Evidently's default method unless the ``drift:`` config names one:

=================  ======================  ==================================
reference rows     numeric (> 5 values)    categorical (or <= 5 values)
=================  ======================  ==================================
<= 1000            ``ks``, p <= 0.05       ``chisquare`` p < 0.05 (> 2 values),
                                           ``z`` p < 0.05 (binary)
> 1000             ``wasserstein`` >= 0.1   ``jensenshannon`` >= 0.1
=================  ======================  ==================================

The dataset drifts when the share of drifted columns reaches ``drift_share`` (0.5).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd

from mlci.checks.drift.column_names import check_column_names
from mlci.checks.drift.kinds import Kind, Prepared, prepare_column
from mlci.checks.drift.reading import Columns, frame_columns, open_columns
from mlci.checks.drift.results import ColumnDrift, DriftOutcome, SkippedColumn
from mlci.checks.drift.stattests import METHODS, Counts, Method, Sample
from mlci.checks.drift.summary import distribution, side_summary
from mlci.config.drift import DriftConfig
from mlci.config.schema import Schema
from mlci.errors import ConfigError, DataError
from mlci.io.readers import DEFAULT_CHUNK_ROWS, DataSource

__all__ = [
    "SMALL_REFERENCE",
    "ColumnOptions",
    "DriftOptions",
    "default_method",
    "detect_drift",
    "detect_drift_sources",
    "detect_drift_columns",
    "compare_column",
]

# Up to this many reference values, the defaults are hypothesis tests; beyond, distances.
SMALL_REFERENCE = 1000
# Columns tested at the same time.
THREADS = max(1, min(4, os.cpu_count() or 1))
# Severity of "p-value 0" and other unbounded scores (keeps the JSON finite).
MAX_SEVERITY = 1000.0

ProgressFactory = Callable[[DataSource], Callable[[int], None] | None]


@dataclass(frozen=True)
class ColumnOptions:
    method: str | None = None
    threshold: float | None = None
    kind: Kind | None = None


@dataclass(frozen=True)
class DriftOptions:
    drift_share: float = 0.5
    fail_on_drift: bool = False
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    columns: Mapping[str, ColumnOptions] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: DriftConfig) -> DriftOptions:
        return cls(
            drift_share=config.drift_share,
            fail_on_drift=config.fail_on_drift,
            include=tuple(config.include) if config.include is not None else None,
            exclude=tuple(config.exclude),
            columns={
                name: ColumnOptions(c.method, c.threshold, c.kind) for name, c in config.columns.items()
            },
        )


def default_method(prepared: Prepared) -> str:
    """Evidently's choice for a column, by its kind and the size of the reference."""
    small = prepared.reference.tested <= SMALL_REFERENCE
    if prepared.counts is not None:
        if small:
            return "chisquare" if len(prepared.counts.labels) > 2 else "z"
        return "jensenshannon"
    return "ks" if small else "wasserstein"


def _method_data(method: Method, prepared: Prepared) -> Counts | tuple[Sample, Sample]:
    """The form of the column the method works on; a method that cannot apply is an error."""
    samples, counts = prepared.samples, prepared.counts
    where = f"drift.columns.{prepared.name}.method"
    if method.name in ("ks", "wasserstein"):
        if samples is None:
            raise ConfigError(
                f"{method.name} compares numbers, but column '{prepared.name}' holds categories",
                key=where,
            )
        return samples
    if method.name in ("chisquare", "z"):
        if counts is None:
            raise ConfigError(
                f"{method.name} compares categories, but column '{prepared.name}' is numeric "
                "(set kind: categorical to compare its values as categories)",
                key=where,
            )
        return counts
    if prepared.kind == "numeric" and samples is not None:
        return samples
    assert counts is not None
    return counts


def _severity(method: Method, statistic: float, p_value: float | None, threshold: float) -> float:
    """How far the score is past the threshold, on one scale: >= 1 means drifted."""
    if method.uses_p_value:
        if p_value is None or math.isnan(p_value):
            return 0.0
        if p_value <= 0:
            return MAX_SEVERITY
        value = math.log(p_value) / math.log(threshold) if p_value < 1 else 0.0
    else:
        value = statistic / threshold if math.isfinite(statistic) else MAX_SEVERITY
    return round(min(max(value, 0.0), MAX_SEVERITY), 4)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def compare_column(prepared: Prepared, options: ColumnOptions | None = None) -> ColumnDrift:
    options = options or ColumnOptions()
    name = options.method or default_method(prepared)
    method = METHODS[name]
    threshold = options.threshold if options.threshold is not None else method.threshold
    outcome = method.compute(_method_data(method, prepared))
    histogram, categories = distribution(prepared)
    return ColumnDrift(
        column=prepared.name,
        kind=prepared.kind,
        method=name,
        statistic=_finite(outcome.statistic),
        p_value=_finite(outcome.p_value),
        threshold=threshold,
        drifted=method.drifted(outcome, threshold),
        comparison=method.comparison,
        auto_method=options.method is None,
        severity=_severity(method, outcome.statistic, outcome.p_value, threshold),
        reference=side_summary(prepared.reference),
        current=side_summary(prepared.current),
        histogram=histogram,
        categories=categories,
    )


@dataclass
class _Plan:
    tested: list[str]
    skipped: list[SkippedColumn]


def _plan(reference: list[str], current: list[str], options: DriftOptions) -> _Plan:
    check_column_names(
        reference, current, include=options.include, exclude=options.exclude, columns=options.columns
    )
    in_ref, in_cur = set(reference), set(current)
    if options.include is not None:
        wanted = list(dict.fromkeys(options.include))
    else:
        wanted = reference + [c for c in current if c not in in_ref]
    excluded = set(options.exclude)
    plan = _Plan([], [])
    for name in wanted:
        if name in excluded:
            continue
        if name in in_ref and name in in_cur:
            plan.tested.append(name)
        elif name in in_ref:
            plan.skipped.append(SkippedColumn(name, "only_in_reference", "not in the current data"))
        elif name in in_cur:
            plan.skipped.append(SkippedColumn(name, "only_in_current", "not in the reference"))
        else:
            plan.skipped.append(SkippedColumn(name, "not_found", "listed under include, in neither file"))
    return plan


def _text_columns(schema: Schema | None) -> list[str]:
    if schema is None:
        return []
    return [n for n, c in schema.columns.items() if c.dtype in ("string", "category", "datetime")]


def _one(
    name: str, reference: Columns, current: Columns, options: DriftOptions, schema: Schema | None
) -> ColumnDrift | SkippedColumn:
    column_options = options.columns.get(name, ColumnOptions())
    spec = schema.columns.get(name) if schema is not None else None
    prepared = prepare_column(
        name,
        reference.pop(name),
        current.pop(name),
        dtype=spec.dtype if spec is not None else None,
        kind=column_options.kind,
    )
    if isinstance(prepared, SkippedColumn):
        return prepared
    return compare_column(prepared, column_options)


def _compare(
    plan: _Plan, reference: Columns, current: Columns, options: DriftOptions, schema: Schema | None
) -> DriftOutcome:
    # Columns are independent and numpy / Arrow release the GIL while sorting and
    # counting: a few threads use the cores, holding a few columns' copies at a time.
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        done = list(pool.map(lambda name: _one(name, reference, current, options, schema), plan.tested))
    return DriftOutcome(
        columns=[r for r in done if isinstance(r, ColumnDrift)],
        skipped=plan.skipped + [r for r in done if isinstance(r, SkippedColumn)],
        drift_share=options.drift_share,
        fail_on_drift=options.fail_on_drift,
        reference_rows=reference.rows,
        current_rows=current.rows,
    )


def detect_drift(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    options: DriftOptions | None = None,
    *,
    schema: Schema | None = None,
) -> DriftOutcome:
    """Drift between two in-memory DataFrames (their numeric columns are not copied)."""
    options = options or DriftOptions()
    for frame, side in ((reference, "reference"), (current, "current")):
        if len(frame) == 0:
            raise DataError(f"the {side} data has no rows")
    # Column names as text, as files have them (no data is copied).
    reference, current = reference.rename(columns=str), current.rename(columns=str)
    plan = _plan(list(reference.columns), list(current.columns), options)
    ref = frame_columns(reference[plan.tested] if plan.tested else reference.iloc[:, :0])
    cur = frame_columns(current[plan.tested] if plan.tested else current.iloc[:, :0])
    ref.rows, cur.rows = len(reference), len(current)
    return _compare(plan, ref, cur, options, schema)


def detect_drift_sources(
    reference: DataSource,
    current: DataSource,
    options: DriftOptions | None = None,
    *,
    schema: Schema | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: ProgressFactory | None = None,
) -> DriftOutcome:
    """Drift between two dataset files, read in chunks (each held once, column by column).

    Both files are read at the same time: the parsers release the GIL, so on two cores
    the reads take the time of the longer one, not of both.
    """
    options = options or DriftOptions()
    plan = _plan(reference.columns, current.columns, options)
    text = _text_columns(schema)
    bars = [progress(source) if progress is not None else None for source in (reference, current)]

    def read(side: int) -> Columns:
        source = (reference, current)[side]
        return open_columns(
            source, plan.tested, text_columns=text, chunk_rows=chunk_rows, progress=bars[side]
        )

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="mlci-drift-read") as pool:
        reading = [pool.submit(read, side) for side in (0, 1)]
        stores = [future.result() for future in reading]  # the reference's error first
    return _compare(plan, stores[0], stores[1], options, schema)


def detect_drift_columns(
    reference: Columns,
    current: Columns,
    reference_names: list[str],
    current_names: list[str],
    options: DriftOptions | None = None,
    *,
    schema: Schema | None = None,
) -> DriftOutcome:
    """Drift between two datasets whose columns are read elsewhere (e.g. on a Dask cluster)."""
    options = options or DriftOptions()
    plan = _plan(reference_names, current_names, options)
    return _compare(plan, reference, current, options, schema)
