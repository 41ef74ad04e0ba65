"""The per-column rules of a schema, applied to one parsed chunk at a time."""

from __future__ import annotations

import datetime as dt

import numpy as np

from mlci.checks.validation.arrow_text import is_in, search, text_lengths
from mlci.checks.validation.regex_deadline import PatternTimeout
from mlci.checks.validation.results import Tally
from mlci.checks.validation.typed import Typed
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


def apply_rules(name: str, spec: ColumnSpec, typed: Typed, tally: Tally) -> None:
    """Record every rule the chunk breaks; ``unique`` is tracked separately (whole file)."""
    tally.add(name, "dtype", typed.bad, typed.original, expected_text(spec, "dtype"))
    if not spec.nullable:
        tally.add(name, "nullable", typed.missing, typed.original, expected_text(spec, "nullable"))
    valid = typed.valid
    if not valid.any():
        return
    # Checks run on whole columns, masked by ``valid``: no filtered copies of each column.
    values = typed.values

    def record(check: ViolationCheck, broken: np.ndarray) -> None:
        mask = broken & valid
        if mask.any():
            tally.add(name, check, mask, typed.shown, expected_text(spec, check))

    bounds: tuple[ViolationCheck, ...] = ("min", "max")
    for check in bounds:
        limit = getattr(spec, check)
        if limit is None:
            continue
        if typed.kind == "datetime":
            limit = _datetime_bound(limit, typed.tz)
        with np.errstate(invalid="ignore"):
            record(check, values < limit if check == "min" else values > limit)
    if spec.allowed is not None:
        record("allowed", ~_allowed(spec, typed))
    if typed.kind == "text":
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


def _allowed(spec: ColumnSpec, typed: Typed) -> np.ndarray:
    allowed = spec.allowed or []
    if typed.kind == "number":
        return np.isin(typed.values, [float(v) for v in allowed])
    if typed.kind == "bool":
        return np.isin(typed.values, [bool(v) for v in allowed])
    if typed.kind == "text":
        return is_in(typed.values, [str(v) for v in allowed])
    # Dates are compared as pandas writes them ("2024-01-01 00:00:00"): pandas decides.
    import pandas as pd

    stamps = pd.Series(typed.values)
    if typed.tz is not None:
        stamps = stamps.dt.tz_localize("UTC").dt.tz_convert(typed.tz)
    return stamps.astype(str).isin([str(v) for v in allowed]).to_numpy(dtype=bool)


def _datetime_bound(value: object, tz: str | None) -> np.datetime64:
    """A schema bound as an instant comparable with the column's (UTC when it has a zone)."""
    bound = parse_datetime_bound(value)
    aware = bound.tzinfo is not None
    if aware:
        bound = bound.astimezone(dt.timezone.utc).replace(tzinfo=None)
    elif tz is not None and tz not in ("UTC", "utc", "+00:00", "Etc/UTC"):
        # A naive bound on a zoned column is a wall time in that zone (as pandas localizes it).
        import pandas as pd

        bound = pd.Timestamp(bound).tz_localize(tz).tz_convert("UTC").tz_localize(None)
    if hasattr(bound, "to_datetime64"):
        return bound.to_datetime64()  # type: ignore[no-any-return]
    return np.datetime64(bound, "us")
