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

import numpy as np
import pandas as pd

__all__ = ["Parsed", "parse_column", "TRUE_WORDS", "FALSE_WORDS"]

TRUE_WORDS = ("true", "t", "yes", "y", "1", "1.0")
FALSE_WORDS = ("false", "f", "no", "n", "0", "0.0")


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
    if text.map(type, na_action="ignore").eq(bool).any():
        values = values.mask(text.map(type, na_action="ignore").eq(bool))
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
    words = series.astype(object).where(~missing).astype(str).str.strip().str.lower()
    is_true = words.isin(TRUE_WORDS)
    is_false = words.isin(FALSE_WORDS)
    ok = is_true | is_false
    return Parsed(is_true.where(ok), missing, ~ok & ~missing)


def _parse_datetime(series: pd.Series, missing: pd.Series, fmt: str | None) -> Parsed:
    kind = _kind(series)
    if kind == "datetime":
        return Parsed(series, missing, pd.Series(False, index=series.index))
    if kind != "object" and kind != "categorical":
        # Epoch numbers are ambiguous (seconds? milliseconds?): not a datetime.
        return Parsed(pd.Series(pd.NaT, index=series.index), missing, ~missing)
    text = series.astype(object).where(~missing)
    values = _to_datetime(text, fmt)
    return Parsed(values, missing, values.isna() & ~missing)


def _to_datetime(text: pd.Series, fmt: str | None) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pd.to_datetime(text, errors="coerce", format=fmt or "ISO8601")
        except (ValueError, TypeError):
            # Mixed UTC offsets: compare everything in UTC.
            return pd.to_datetime(text, errors="coerce", format=fmt or "ISO8601", utc=True)


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
