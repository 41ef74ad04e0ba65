"""What a value means under a declared dtype: parse a column, mark what does not fit.

The rules users hit every day:
- an int column with missing values (which pandas reads as float 1.0/NaN) is still int;
  1.5 is not;
- booleans accept true/false, t/f, yes/no, y/n and 0/1 in any case;
- datetimes are ISO 8601 unless the schema gives a ``format``; anything else is a dtype
  violation, never a silent NaT;
- string and category accept any text; in typed files (Parquet, JSON) a number is not text.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mlci.checks.validation.arrow_dtypes import FALSE_WORDS, TRUE_WORDS, bool_words, iso_stamps
from mlci.checks.validation.arrow_text import arrow_strings
from mlci.checks.validation.results import json_safe
from mlci.checks.validation.typed import Examples, Typed
from mlci.config.schema import ColumnSpec

__all__ = ["Parsed", "parse_column", "typed_from_pandas", "TRUE_WORDS", "FALSE_WORDS"]


@dataclass(frozen=True)
class Parsed:
    """A column under its dtype: typed ``values`` (NaN/NaT where missing or bad)."""

    values: pd.Series
    missing: pd.Series  # the file holds no value
    bad: pd.Series  # the file holds a value the dtype cannot take

    @property
    def valid(self) -> pd.Series:
        return ~(self.missing | self.bad)


def _kind(series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    return "object"


def _numeric(series: pd.Series, missing: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers from any column; bad = present but not a number (or a boolean)."""
    kind = _kind(series)
    if kind in ("int", "float"):
        values = series.astype("float64") if kind == "float" else series
        return values, pd.Series(False, index=series.index)
    if kind in ("bool", "datetime"):
        return pd.Series(np.nan, index=series.index), ~missing
    text = series.astype(object)
    values = pd.to_numeric(text, errors="coerce")
    # Python bools inside an object column (JSON) convert to 0/1; they are not numbers.
    is_bool = text.map(type, na_action="ignore").isin([bool])
    if is_bool.any():
        values = values.mask(is_bool)
    return values, values.isna() & ~missing


def _parse_int(series: pd.Series, missing: pd.Series) -> Parsed:
    values, bad = _numeric(series, missing)
    if pd.api.types.is_float_dtype(values.dtype):
        finite = np.isfinite(values.to_numpy(dtype="float64", na_value=np.nan))
        fractional = values.notna() & (~finite | (values != np.floor(values.where(finite, 0))))
        bad = bad | fractional
        values = values.mask(fractional)
    return Parsed(values, missing, bad)


def _parse_float(series: pd.Series, missing: pd.Series) -> Parsed:
    values, bad = _numeric(series, missing)
    return Parsed(values.astype("float64"), missing, bad)


def _parse_bool(series: pd.Series, missing: pd.Series) -> Parsed:
    kind = _kind(series)
    if kind == "bool":
        return Parsed(series.astype(bool), missing, pd.Series(False, index=series.index))
    if kind in ("int", "float"):
        ok = series.isin([0, 1])
        return Parsed((series == 1).where(ok), missing, ~ok & ~missing)
    if kind == "datetime":
        return Parsed(pd.Series(np.nan, index=series.index), missing, ~missing)
    is_true, ok = _bool_words(series, missing)
    return Parsed(is_true.where(ok), missing, ~ok & ~missing)


def _bool_words(series: pd.Series, missing: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(is true, is a boolean word) for text or Python bools; Arrow first, Python if unsure."""
    if pd.api.types.infer_dtype(series, skipna=True) == "boolean":
        is_true = np.equal(series.to_numpy(dtype=object), True)
        return pd.Series(is_true, index=series.index), ~missing  # JSON, or CSV bools with gaps
    array = arrow_strings(series)
    if array is None:
        return _python_bool_words(series, missing)
    is_true, ok = bool_words(array, missing.to_numpy(dtype=bool))  # the Arrow front end's words
    return pd.Series(is_true, index=series.index), pd.Series(ok, index=series.index)


def _python_bool_words(series: pd.Series, missing: pd.Series) -> tuple[pd.Series, pd.Series]:
    words = series.astype(object).where(~missing).astype(str).str.strip().str.lower()
    is_true = words.isin(TRUE_WORDS)
    return is_true, is_true | words.isin(FALSE_WORDS)


def _parse_datetime(series: pd.Series, missing: pd.Series, fmt: str | None) -> Parsed:
    kind = _kind(series)
    if kind == "datetime":
        return Parsed(series, missing, pd.Series(False, index=series.index))
    if kind != "object" and kind != "categorical":
        # Epoch numbers are ambiguous (seconds? milliseconds?): not a datetime.
        return Parsed(pd.Series(pd.NaT, index=series.index), missing, ~missing)
    values = _iso_datetime_arrow(series) if fmt is None else None
    if values is None:
        values = _to_datetime(series.astype(object).where(~missing), fmt)
    return Parsed(values, missing, values.isna() & ~missing)


def _iso_datetime_arrow(series: pd.Series) -> pd.Series | None:
    """Arrow's ISO 8601 cast when it takes every value, else None (pandas decides)."""
    array = arrow_strings(series)
    stamps = None if array is None else iso_stamps(array)
    return None if stamps is None else pd.Series(stamps, index=series.index)


def _to_datetime(text: pd.Series, fmt: str | None) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            values = pd.to_datetime(text, errors="coerce", format=fmt or "ISO8601")
        except (ValueError, TypeError):
            values = None
        if values is None or values.dtype == object:
            # Mixed UTC offsets (pandas 3 raises, pandas 2 gives objects): compare in UTC.
            values = pd.to_datetime(text, errors="coerce", format=fmt or "ISO8601", utc=True)
        return values


def _parse_text(series: pd.Series, missing: pd.Series) -> Parsed:
    kind = _kind(series)
    if kind == "object":
        inferred = pd.api.types.infer_dtype(series, skipna=True)
        if inferred in ("string", "empty"):
            return Parsed(series, missing, pd.Series(False, index=series.index))
        # Typed files can put numbers or objects in a text column: those are not text.
        is_text = series.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False)
        bad = ~is_text.astype(bool) & ~missing
        return Parsed(series.where(~bad), missing, bad)
    if kind == "categorical":
        return Parsed(series.astype(object), missing, pd.Series(False, index=series.index))
    return Parsed(series.where(missing, None), missing, ~missing)


def parse_column(series: pd.Series, dtype: str, fmt: str | None = None) -> Parsed:
    """Interpret ``series`` as ``dtype``; see the module docstring for the rules."""
    missing = series.isna()
    if dtype == "int":
        return _parse_int(series, missing)
    if dtype == "float":
        return _parse_float(series, missing)
    if dtype == "bool":
        return _parse_bool(series, missing)
    if dtype == "datetime":
        return _parse_datetime(series, missing, fmt)
    return _parse_text(series, missing)


def typed_from_pandas(
    series: pd.Series, spec: ColumnSpec, first_row: int, rows: np.ndarray | None = None
) -> Typed:
    """``series`` under ``spec`` in the one form the rules run on (see ``typed``)."""
    parsed = parse_column(series, spec.dtype, spec.format)
    missing = parsed.missing.to_numpy(dtype=bool)
    bad = parsed.bad.to_numpy(dtype=bool)
    original = _series_examples(series, first_row, rows)
    values = parsed.values
    if spec.dtype in ("int", "float"):
        shown = (
            _series_examples(values, first_row, rows)
            if spec.dtype == "float"
            else _ints(values, first_row, rows)
        )
        return Typed("number", _numbers(values), missing, bad, original, shown)
    if spec.dtype == "bool":
        is_true = np.equal(values.to_numpy(dtype=object), True).astype(bool)
        return Typed("bool", is_true, missing, bad, original, original)
    if spec.dtype == "datetime":
        stamps, tz = _instants(values)
        return Typed("datetime", stamps, missing, bad, original, original, tz)
    text = arrow_strings(values)
    return Typed(
        "text", values.astype(object).tolist() if text is None else text, missing, bad, original, original
    )


def _series_examples(series: pd.Series, first_row: int, rows: np.ndarray | None) -> Examples:
    # One value at a time: a take on Arrow-backed text would copy the whole column.
    return Examples(lambda p: json_safe(series.iloc[p]), first_row, rows)


def _ints(values: pd.Series, first_row: int, rows: np.ndarray | None) -> Examples:
    """Numbers as ints (130, not 130.0); converted on the first example only."""
    converted: list[pd.Series] = []

    def value(position: int) -> Any:
        if not converted:
            try:
                converted.append(values.astype("Int64"))
            except (TypeError, ValueError, OverflowError):
                converted.append(values)  # beyond int64: shown as a float
        return json_safe(converted[0].iloc[position])

    return Examples(value, first_row, rows)


def _numbers(values: pd.Series) -> np.ndarray:
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
        numbers = values.to_numpy()
        if dtype.itemsize < 8:  # compared as float64 / int64: no float32 rounding, no overflow
            numbers = numbers.astype(np.float64 if dtype.kind == "f" else np.int64)
        return numbers
    if values.hasnans:  # nullable ints with gaps: as floats, NaN where missing
        return values.to_numpy(dtype="float64", na_value=np.nan)
    try:
        return values.to_numpy(dtype="int64" if pd.api.types.is_integer_dtype(dtype) else "float64")
    except (TypeError, ValueError, OverflowError):
        return values.to_numpy(dtype="float64", na_value=np.nan)


def _instants(values: pd.Series) -> tuple[np.ndarray, str | None]:
    """Instants in UTC (as written when naive) and the column's zone."""
    dtype = values.dtype
    if not pd.api.types.is_datetime64_any_dtype(dtype):
        return np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]"), None
    tz = getattr(dtype, "tz", None)
    if tz is None:
        return values.to_numpy(), None
    return values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(), str(tz)
