"""The per-column rules of a schema, applied to one parsed chunk at a time."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from mlci.checks.validation.dtypes import Parsed
from mlci.checks.validation.results import Tally
from mlci.config.schema import ColumnSpec, parse_datetime_bound

__all__ = ["CHECK_ORDER", "apply_rules", "expected_text"]

CHECK_ORDER = [
    "rows_min",
    "rows_max",
    "missing_column",
    "extra_column",
    "dtype",
    "nullable",
    "unique",
    "min",
    "max",
    "allowed",
    "pattern",
    "min_length",
    "max_length",
]


def _short_list(values: list[object], limit: int = 10) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f", … ({len(values)} in all)" if len(values) > limit else "")


def expected_text(spec: ColumnSpec, check: str) -> str:
    """What the schema asked for, in words a reviewer reads at a glance."""
    return {
        "dtype": spec.dtype + (f" ({spec.format})" if spec.format else ""),
        "nullable": "no missing values",
        "unique": "unique values",
        "min": f">= {spec.min}",
        "max": f"<= {spec.max}",
        "allowed": f"one of {_short_list(spec.allowed or [])}",
        "pattern": f"matches {spec.pattern}",
        "min_length": f"at least {spec.min_length} characters",
        "max_length": f"at most {spec.max_length} characters",
    }[check]


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _bound(spec: ColumnSpec, value: object, values: pd.Series) -> object:
    if spec.dtype != "datetime":
        return value
    bound = parse_datetime_bound(value)
    tz = getattr(values.dtype, "tz", None)
    if tz is not None and bound.tzinfo is None:
        return bound.tz_localize(tz)
    if tz is None and bound.tzinfo is not None:
        return bound.tz_convert("UTC").tz_localize(None)
    return bound


def _as_text(values: pd.Series) -> pd.Series:
    # Object dtype keeps Python's re semantics for patterns (RE2 in Arrow differs).
    return values.astype(object)


def apply_rules(
    name: str, spec: ColumnSpec, original: pd.Series, parsed: Parsed, tally: Tally
) -> None:
    """Record every rule ``original`` breaks; ``unique`` is tracked separately (whole file)."""
    tally.add(name, "dtype", parsed.bad, original, expected_text(spec, "dtype"))
    if not spec.nullable:
        tally.add(name, "nullable", parsed.missing, original, expected_text(spec, "nullable"))
    valid = parsed.valid
    if not valid.any():
        return
    values = parsed.values[valid]
    # Examples show numbers as numbers whatever else shares the chunk (130, not "130" or 130.0).
    if spec.dtype == "int":
        kept = values.astype("Int64")
    elif spec.dtype == "float":
        kept = values
    else:
        kept = original[valid]
    for check in ("min", "max"):
        limit = getattr(spec, check)
        if limit is None:
            continue
        bound = _bound(spec, limit, values)
        broken = values < bound if check == "min" else values > bound
        tally.add(name, check, _mask(broken), kept, expected_text(spec, check))
    if spec.allowed is not None:
        if spec.dtype in ("int", "float"):
            allowed_ok = values.isin([float(v) for v in spec.allowed])
        elif spec.dtype == "bool":
            allowed_ok = values.isin([bool(v) for v in spec.allowed])
        else:
            allowed_ok = values.astype(str).isin([str(v) for v in spec.allowed])
        tally.add(name, "allowed", _mask(~allowed_ok), kept, expected_text(spec, "allowed"))
    if spec.dtype in ("string", "category"):
        text = _as_text(values)
        if spec.pattern is not None:
            matches = text.str.contains(_regex(spec.pattern), regex=True, na=False)
            tally.add(name, "pattern", _mask(~matches), kept, expected_text(spec, "pattern"))
        if spec.min_length is not None or spec.max_length is not None:
            lengths = text.str.len()
            if spec.min_length is not None:
                short = lengths < spec.min_length
                tally.add(name, "min_length", _mask(short), kept, expected_text(spec, "min_length"))
            if spec.max_length is not None:
                long = lengths > spec.max_length
                tally.add(name, "max_length", _mask(long), kept, expected_text(spec, "max_length"))


def _mask(series: pd.Series) -> pd.Series:
    return series.fillna(False).astype(np.bool_) if series.dtype != np.bool_ else series
