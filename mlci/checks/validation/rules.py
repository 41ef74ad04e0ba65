"""The per-column rules of a schema, applied to one parsed chunk at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlci.checks.validation.arrow_text import is_in, search, text_lengths
from mlci.checks.validation.dtypes import Parsed
from mlci.checks.validation.regex_deadline import PatternTimeout
from mlci.checks.validation.results import Tally
from mlci.config.schema import ColumnSpec, parse_datetime_bound
from mlci.vocab import CHECK_ORDER, ViolationCheck

__all__ = ["CHECK_ORDER", "apply_rules", "expected_text"]


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


def apply_rules(name: str, spec: ColumnSpec, original: pd.Series, parsed: Parsed, tally: Tally) -> None:
    """Record every rule ``original`` breaks; ``unique`` is tracked separately (whole file)."""
    tally.add(name, "dtype", parsed.bad, original, expected_text(spec, "dtype"))
    if not spec.nullable:
        tally.add(name, "nullable", parsed.missing, original, expected_text(spec, "nullable"))
    valid = ~(parsed.missing.to_numpy(dtype=bool) | parsed.bad.to_numpy(dtype=bool))
    if not valid.any():
        return
    # Checks run on whole columns, masked by ``valid``: no filtered copies of each column.
    values = parsed.values
    shown: list[pd.Series] = []

    def record(check: ViolationCheck, broken: object) -> None:
        mask = _mask(broken) & valid
        if mask.any():
            if not shown:
                shown.append(_examples(spec, original, values))
            tally.add(name, check, mask, shown[0], expected_text(spec, check))

    bounds: tuple[ViolationCheck, ...] = ("min", "max")
    for check in bounds:
        limit = getattr(spec, check)
        if limit is None:
            continue
        bound = _bound(spec, limit, values)
        record(check, values < bound if check == "min" else values > bound)
    if spec.allowed is not None:
        allowed_ok: pd.Series | np.ndarray
        if spec.dtype in ("int", "float"):
            allowed_ok = values.isin([float(v) for v in spec.allowed])
        elif spec.dtype == "bool":
            allowed_ok = values.isin([bool(v) for v in spec.allowed])
        elif spec.dtype in ("string", "category"):
            allowed_ok = is_in(values, [str(v) for v in spec.allowed])
        else:
            allowed_ok = values.astype(str).isin([str(v) for v in spec.allowed])
        record("allowed", ~_mask(allowed_ok))
    if spec.dtype in ("string", "category"):
        if spec.pattern is not None:
            try:
                record("pattern", ~search(values, spec.pattern))
            except PatternTimeout as exc:
                exc.key = f"columns.{name}.pattern"
                raise
        if spec.min_length is not None or spec.max_length is not None:
            lengths = text_lengths(values)
            if spec.min_length is not None:
                record("min_length", lengths < spec.min_length)
            if spec.max_length is not None:
                record("max_length", lengths > spec.max_length)


def _examples(spec: ColumnSpec, original: pd.Series, values: pd.Series) -> pd.Series:
    """What examples show: numbers as numbers whatever shares the chunk (130, not "130")."""
    if spec.dtype == "int":
        try:
            return values.astype("Int64")
        except (TypeError, ValueError, OverflowError):
            return values  # beyond int64: shown as a float
    if spec.dtype == "float":
        return values
    return original


def _mask(values: object) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype == np.bool_:
        return values
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    return series.to_numpy(dtype=bool, na_value=False)
