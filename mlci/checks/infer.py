"""Infer a ``schema.yml`` from a dataset, chunk by chunk.

The guarantees users rely on: a dataset always validates against the schema inferred from
it, and so does a fresh sample of the same data. Inference therefore uses the validator's
own parser (``parse_column``) to decide each dtype, and takes bounds from the values that
parser produced, widened and rounded outward (``infer_bounds``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mlci.checks.infer_bounds import widen_bounds
from mlci.checks.nested import nested_column_error, nested_kind
from mlci.checks.validation.dtypes import parse_column
from mlci.checks.validation.unique import UniqueTracker
from mlci.config.schema import ColumnSpec, RowBounds, Schema
from mlci.io.dataset import source_label
from mlci.io.readers import DEFAULT_CHUNK_ROWS, DataSource

__all__ = ["infer_schema", "DEFAULT_MAX_CATEGORIES"]

DEFAULT_MAX_CATEGORIES = 50
# Order matters: the first dtype every value fits wins.
_CANDIDATES = ("bool", "int", "float", "datetime", "string")
_ID_NAME = re.compile(r"(^|[_\-\s])(id|key|uuid|guid)$|^(id|uuid|guid)[_\-]|Id$", re.IGNORECASE)


@dataclass
class _ColumnState:
    name: str
    candidates: list[str] = field(default_factory=lambda: list(_CANDIDATES))
    missing: int = 0
    present: int = 0
    lows: dict[str, Any] = field(default_factory=dict)
    highs: dict[str, Any] = field(default_factory=dict)
    distinct: set[Any] | None = field(default_factory=set)
    # Tracked only while the column may be an identifier: memory is 8 bytes a row.
    unique: UniqueTracker | None = None
    code_length: int | None = None  # the one length of every value, while there is one
    fixed_length: bool = True
    lossy_int: bool = False  # integers beyond 2**53, which the validator compares as floats


def _update_bounds(state: _ColumnState, dtype: str, values: pd.Series) -> None:
    if dtype not in ("int", "float", "datetime") or values.empty:
        return
    low, high = values.min(), values.max()
    if dtype == "int" and values.dtype.kind == "f" and max(abs(low), abs(high)) >= 2**53:
        state.lossy_int = True  # parsed as floats: distinct digits may compare equal
    if dtype in state.lows:
        low, high = min(low, state.lows[dtype]), max(high, state.highs[dtype])
    state.lows[dtype], state.highs[dtype] = low, high


def _feed(state: _ColumnState, series: pd.Series, max_categories: int) -> None:
    missing = series.isna()
    state.missing += int(missing.sum())
    state.present += int((~missing).sum())
    numeric_native = pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )
    kept: list[str] = []
    for dtype in state.candidates:
        # 0/1 numbers are ints, not booleans: keep the label column an int.
        if dtype == "bool" and numeric_native and not missing.all():
            continue
        parsed = parse_column(series, dtype)
        if parsed.bad.any():
            continue
        kept.append(dtype)
        _update_bounds(state, dtype, parsed.values[parsed.valid])
    state.candidates = kept
    if state.distinct is not None:
        values = series[~missing]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            state.distinct.update(values.unique().tolist())
        else:
            state.distinct.update(values.astype(str).unique().tolist())
        if len(state.distinct) > max_categories:
            state.distinct = None
    _track_identifier(state, series, missing, numeric_native)


def _track_identifier(
    state: _ColumnState, series: pd.Series, missing: pd.Series, numeric_native: bool
) -> None:
    """Ids are named like ids, or are codes of one fixed length (C000123, UUIDs)."""
    if state.fixed_length:
        text = series[~missing]
        if numeric_native or not (text.dtype == object or pd.api.types.is_string_dtype(text.dtype)):
            state.fixed_length = False
        elif not text.empty:
            lengths = text.astype(str).str.len()
            low, high = int(lengths.min()), int(lengths.max())
            if low != high or state.code_length not in (None, low):
                state.fixed_length = False
            state.code_length = low
    if state.unique is not None and not (state.fixed_length or _ID_NAME.search(state.name)):
        state.unique = None
    if state.unique is not None:
        state.unique.feed(series.astype(str).where(~missing), ~missing)


def _plain(value: Any) -> Any:
    """A bound as YAML should hold it: ints as int, timestamps as ISO text."""
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return value
    return value


def _column_spec(state: _ColumnState, rows: int, max_categories: int) -> ColumnSpec:
    nullable = state.missing > 0
    if state.present == 0:
        return ColumnSpec(dtype="string", nullable=True)
    dtype = state.candidates[0] if state.candidates else "string"
    spec: dict[str, Any] = {"dtype": dtype, "nullable": nullable}
    if dtype in state.lows:
        low, high = _plain(state.lows[dtype]), _plain(state.highs[dtype])
        if not (isinstance(low, float) and (math.isinf(low) or math.isinf(high))):
            # Padded and rounded outward: a fresh sample must pass too (see infer_bounds).
            low, high = widen_bounds(dtype, low, high)
            bounds = {"min": _plain(low), "max": _plain(high)}
            spec.update({k: v for k, v in bounds.items() if v is not None})
    if dtype == "string" and state.distinct is not None:
        # Few distinct values that repeat: a category.
        if len(state.distinct) <= max_categories and len(state.distinct) * 2 <= state.present:
            spec.update(dtype="category", allowed=sorted(str(v) for v in state.distinct))
    return ColumnSpec(**spec)


def infer_schema(
    source: DataSource,
    *,
    max_categories: int = DEFAULT_MAX_CATEGORIES,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
) -> Schema:
    """A strict schema the data satisfies: dtypes, nullability, bounds, categories, ids."""
    states = {name: _ColumnState(name) for name in source.columns}
    for name, state in states.items():
        state.unique = UniqueTracker(name, "unique values")
    rows = 0
    for chunk in source.chunks(chunk_rows=chunk_rows):
        rows += len(chunk)
        for name, state in states.items():
            try:
                _feed(state, chunk[name], max_categories)
            except (TypeError, UnicodeDecodeError):
                kind = nested_kind(chunk[name])
                if kind is None:
                    raise
                raise nested_column_error(name, kind, source_label(source)) from None
        if progress is not None:
            progress(rows)
    columns: dict[str, ColumnSpec] = {}
    for name, state in states.items():
        spec = _column_spec(state, rows, max_categories)
        tracker = state.unique
        lossy = spec.dtype == "int" and state.lossy_int  # unique as text, maybe not as numbers
        if tracker is not None and spec.dtype in ("string", "int") and state.present > 1 and not lossy:
            if tracker.finish(lambda column, wanted: [None] * len(wanted)) is None:
                spec = spec.model_copy(update={"unique": True})
        columns[name] = spec
    bounds = RowBounds(min=max(1, rows // 10), max=rows * 10)
    return Schema(strict=True, rows=bounds, columns=columns)
