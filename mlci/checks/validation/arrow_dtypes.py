"""Arrow columns under a declared dtype, without pandas: the fast front end of ``typed``.

It gives exactly what ``dtypes.parse_column`` gives for the pandas Series that
``to_pandas()`` would make of the same column (an int column with gaps is float64 there,
a float NaN is missing, a bool column with gaps holds objects), for the types CSV and
Parquet hand over most: integers, floats, booleans, strings and timestamps. Anything
else, or a value whose meaning only pandas can decide (numbers written as text, dates
``pd.to_datetime`` must read, a ``format``), returns None: the caller then converts that
one column chunk to pandas and asks ``dtypes``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from mlci.checks.validation.arrow_text import filled_mask
from mlci.checks.validation.results import json_safe
from mlci.checks.validation.typed import Examples, Typed, arrow_examples
from mlci.config.schema import ColumnSpec
from mlci.io.arrow_arrays import bool_array, string_array, to_numpy

__all__ = ["FALSE_WORDS", "TRUE_WORDS", "bool_words", "iso_stamps", "typed_from_arrow"]

TRUE_WORDS = ("true", "t", "yes", "y", "1", "1.0")
FALSE_WORDS = ("false", "f", "no", "n", "0", "0.0")


def typed_from_arrow(array: Any, spec: ColumnSpec, first_row: int) -> Typed | None:
    """``array`` (one chunk of one column) under ``spec.dtype``, or None: ask pandas."""
    import pyarrow as pa

    kind = array.type
    if isinstance(array, pa.ChunkedArray) and array.num_chunks == 1:
        array = array.chunk(0)  # many chunks stay as they are: a combine would copy the column
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return _from_numbers(array, spec, first_row)
    if pa.types.is_boolean(kind):
        return _from_bools(array, spec, first_row)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _from_strings(array, spec, first_row)
    if pa.types.is_timestamp(kind):
        return _from_stamps(array, spec, first_row)
    if pa.types.is_date(kind) and not (spec.dtype == "datetime" and spec.allowed is not None):
        return _from_dates(array, spec, first_row)
    return None  # decimals, dictionaries, nested types: pandas decides


def _everything_bad(spec: ColumnSpec, missing: np.ndarray, original: Examples) -> Typed:
    """A column whose type can never hold ``spec.dtype`` (a number where text is due)."""
    kinds = {"int": "number", "float": "number", "bool": "bool", "datetime": "datetime"}
    n = len(missing)
    values: Any = [None] * n
    if spec.dtype in ("int", "float"):
        values = np.full(n, np.nan)
    elif spec.dtype == "bool":
        values = np.zeros(n, dtype=bool)
    elif spec.dtype == "datetime":
        values = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    return Typed(kinds.get(spec.dtype, "text"), values, missing, ~missing, original, original)  # type: ignore[arg-type]


def _numpy_examples(values: np.ndarray, first_row: int) -> Examples:
    return Examples(lambda p: json_safe(values[p]), first_row)


def _from_numbers(array: Any, spec: ColumnSpec, first_row: int) -> Typed:
    # What pandas holds: ints stay ints; with gaps they become float64 with NaN.
    values = to_numpy(array)
    if array.null_count and values.dtype.kind != "f":
        values = values.astype(np.float64)
    missing = np.isnan(values) if values.dtype.kind == "f" else np.zeros(len(values), dtype=bool)
    if array.null_count:
        missing |= ~filled_mask(array.is_valid())
    original = _numpy_examples(values, first_row)
    values = _widened(values)
    if spec.dtype == "int":
        bad = np.zeros(len(values), dtype=bool)
        if values.dtype.kind == "f":
            with np.errstate(invalid="ignore"):
                finite = np.isfinite(values)
                bad = ~missing & (~finite | (values != np.floor(np.where(finite, values, 0))))
            if bad.any():
                values = np.where(bad, np.nan, values)
        return Typed(
            "number", values, missing, bad, original, _int_examples(values, missing | bad, first_row)
        )
    if spec.dtype == "float":
        floats = values.astype(np.float64, copy=False)
        return Typed(
            "number",
            floats,
            missing,
            np.zeros(len(values), dtype=bool),
            original,
            _numpy_examples(floats, first_row),
        )
    if spec.dtype == "bool":
        ok = (values == 0) | (values == 1)
        return Typed("bool", values == 1, missing, ~ok & ~missing, original, original)
    return _everything_bad(spec, missing, original)


def _widened(values: np.ndarray) -> np.ndarray:
    """float32 as float64, small ints as int64: what pandas compares in, and no overflow."""
    if values.dtype.kind == "f" and values.dtype.itemsize < 8:
        return values.astype(np.float64)
    if values.dtype.kind in "iu" and values.dtype.itemsize < 8:
        return values.astype(np.int64)
    return values


def _int_examples(values: np.ndarray, invalid: np.ndarray, first_row: int) -> Examples:
    """Ints as ints (130, not 130.0), as pandas' ``astype("Int64")`` shows them."""
    if values.dtype.kind != "f":
        return _numpy_examples(values, first_row)
    # astype("Int64") fails for the whole chunk when one value is beyond int64: floats then.
    kept = values[~invalid]
    if len(kept) and not bool((np.abs(kept) < 2.0**63).all()):
        return _numpy_examples(values, first_row)
    return Examples(lambda p: int(values[p]), first_row)


def _from_bools(array: Any, spec: ColumnSpec, first_row: int) -> Typed | None:
    missing = ~filled_mask(array.is_valid()) if array.null_count else np.zeros(len(array), dtype=bool)
    original = arrow_examples(array, first_row)
    if spec.dtype == "bool":
        values = filled_mask(array)
        return Typed("bool", values, missing, np.zeros(len(array), dtype=bool), original, original)
    if spec.dtype == "datetime" and array.null_count:
        return None  # pandas holds objects here and decides
    return _everything_bad(spec, missing, original)


def _from_strings(array: Any, spec: ColumnSpec, first_row: int) -> Typed | None:
    missing = ~filled_mask(array.is_valid()) if array.null_count else np.zeros(len(array), dtype=bool)
    original = arrow_examples(array, first_row)
    none_bad = np.zeros(len(array), dtype=bool)
    if spec.dtype in ("string", "category"):
        return Typed("text", array, missing, none_bad, original, original)
    if spec.dtype == "bool":
        is_true, ok = bool_words(array, missing)
        return Typed("bool", is_true, missing, ~ok & ~missing, original, original)
    if spec.dtype == "datetime" and spec.format is None:
        stamps = iso_stamps(array)
        if stamps is not None:
            return Typed("datetime", stamps, missing, none_bad, original, original)
    return None  # numbers written as text, dates only pandas reads: pandas decides


def bool_words(array: Any, missing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(is true, is a boolean word): Arrow first, Python's strip/lower where unsure."""
    import pyarrow.compute as pc

    words = pc.utf8_lower(pc.utf8_trim_whitespace(array))
    is_true = filled_mask(pc.is_in(words, value_set=string_array(TRUE_WORDS)))
    ok = is_true | filled_mask(pc.is_in(words, value_set=string_array(FALSE_WORDS)))
    # Python's strip() also drops \x1c-\x1f, and Unicode trims may differ: ask Python.
    unsure = ~missing & ~(ok & filled_mask(pc.string_is_ascii(array)))
    if unsure.any():
        plain = [str(v).strip().lower() for v in array.filter(bool_array(unsure)).to_pylist()]
        is_true[unsure] = [w in TRUE_WORDS for w in plain]
        ok[unsure] = [w in TRUE_WORDS or w in FALSE_WORDS for w in plain]
    return is_true, ok


@lru_cache(maxsize=1)
def _text_unit() -> str:
    """The unit pandas parses ISO text to: microseconds from pandas 3, nanoseconds before."""
    from importlib.metadata import version

    return "us" if int(version("pandas").split(".")[0]) >= 3 else "ns"


def iso_stamps(array: Any) -> np.ndarray | None:
    """Arrow's ISO 8601 cast when it takes every value, else None (pandas decides).

    Arrow accepts a subset of what ``pd.to_datetime(format="ISO8601")`` does (no offsets,
    no sub-microsecond digits, zero-padded fields), and gives the same instants for it.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        stamps = pc.cast(array, pa.timestamp(_text_unit()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return to_numpy(stamps)


def _from_stamps(array: Any, spec: ColumnSpec, first_row: int) -> Typed:
    import pyarrow as pa

    missing = ~filled_mask(array.is_valid()) if array.null_count else np.zeros(len(array), dtype=bool)
    original = _stamp_examples(array, first_row)
    if spec.dtype != "datetime":
        return _everything_bad(spec, missing, original)
    tz = array.type.tz
    naive = array.cast(pa.timestamp(array.type.unit))  # the stored instants: UTC when tz is set
    values = to_numpy(naive)
    return Typed("datetime", values, missing, np.zeros(len(array), dtype=bool), original, original, tz)


def _from_dates(array: Any, spec: ColumnSpec, first_row: int) -> Typed:
    """Parquet dates: pandas holds ``datetime.date`` objects, which only a datetime takes."""
    import pyarrow as pa

    missing = ~filled_mask(array.is_valid()) if array.null_count else np.zeros(len(array), dtype=bool)
    original = arrow_examples(array, first_row)
    if spec.dtype != "datetime":
        return _everything_bad(spec, missing, original)
    values = to_numpy(array.cast(pa.timestamp("s")))  # midnight of each day; instants compare exactly
    return Typed("datetime", values, missing, np.zeros(len(array), dtype=bool), original, original)


def _stamp_examples(array: Any, first_row: int) -> Examples:
    """As ``arrow_examples``, but nanosecond stamps without nanoseconds need no pandas."""
    import pyarrow as pa

    plain = arrow_examples(array, first_row)
    if array.type.unit != "ns":
        return plain
    micro = pa.timestamp("us", array.type.tz)

    def value(position: int) -> Any:
        one = array.slice(position, 1)
        try:
            one = one.cast(micro)  # safe: refuses to drop nanoseconds
        except pa.ArrowInvalid:
            return plain.value(position)
        return arrow_examples(one, 0).value(0)

    return Examples(value, first_row)
