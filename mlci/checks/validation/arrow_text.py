"""Text checks on Arrow strings: fast, and exactly what Python's ``re`` and ``len`` say.

pandas 3 keeps text as Arrow strings, and pyarrow's kernels (RE2 for regular expressions)
run over them without building a Python object per value. RE2 and Python's ``re``
disagree on a few things, so RE2 only answers where they provably agree:

- the pattern is ASCII, compiles in RE2, and uses no syntax the two read differently
  (``{,n}`` is a quantifier in Python and text in RE2; ``[:alpha:]`` is a class in RE2);
- the value is ASCII (Python's ``\\d``, ``\\w``, ``\\s``, ``\\b`` and case folding are
  Unicode-aware, RE2's are ASCII);
- when the pattern has ``$``, ``\\s`` or ``\\S``: the value holds no newline, vertical
  tab or \\x1c-\\x1f (Python's ``$`` also matches before a final newline, and its ``\\s``
  covers those characters).

Every other value goes through Python's ``re``, so the answer never depends on the engine.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from mlci.io.arrow_arrays import bool_array, filled_bools, string_array, to_numpy

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Text", "arrow_strings", "filled_mask", "is_in", "search", "text_lengths", "value_bytes"]

# Text values: an Arrow string array, a pandas Series, or a Python list (None where missing).
Text = Union["pd.Series", list[Any], Any]

_SPACE_SENSITIVE = re.compile(r"\$|\\[sS]")
_NOT_RE2_SAFE = ("{,", "[:")
_LINE_CHARS = "[\n\x0b\x1c-\x1f]"


def arrow_strings(series: Text) -> Any | None:
    """The Arrow strings behind ``series`` (no copy when Arrow-backed), or None if not text."""
    import pyarrow as pa

    if isinstance(series, list):
        return None
    if isinstance(series, (pa.Array, pa.ChunkedArray)):
        if not (pa.types.is_string(series.type) or pa.types.is_large_string(series.type)):
            return None
        return series if isinstance(series, pa.ChunkedArray) else pa.chunked_array([series])
    import pandas as pd  # a Series: pandas is already imported

    dtype = series.dtype
    if not isinstance(dtype, (pd.StringDtype, pd.ArrowDtype)) and dtype != np.dtype(object):
        return None
    try:
        array = pa.array(series.array, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        # Not all text (typed files; Python ints beyond int64): the caller takes the pandas path.
        return None
    if not isinstance(array, pa.ChunkedArray):
        array = pa.chunked_array([array])
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array
    return None


@lru_cache(maxsize=256)
def _re2_can_answer(pattern: str) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pattern.isascii() or any(s in pattern for s in _NOT_RE2_SAFE):
        return False
    try:
        pc.match_substring_regex(string_array([""]), pattern=pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False  # backreferences, lookarounds, possessive quantifiers...
    return True


@lru_cache(maxsize=256)
def _python_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def python_values(values: Text, mask: np.ndarray | None = None) -> list[Any]:
    """The values (where ``mask``) as Python objects, missing as None or NaN."""
    import pyarrow as pa

    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        found: list[Any] = (values if mask is None else values.filter(bool_array(mask))).to_pylist()
        return found
    if isinstance(values, list):
        return values if mask is None else [v for v, keep in zip(values, mask, strict=True) if keep]
    found = (values if mask is None else values[mask]).astype(object).tolist()
    return found


def _present(values: Text) -> np.ndarray:
    import pyarrow as pa

    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return filled_mask(values.is_valid())
    if isinstance(values, list):
        return np.array([isinstance(v, str) for v in values], dtype=bool)
    return values.notna().to_numpy()


def _python_search(values: Text, pattern: str, mask: np.ndarray | None = None) -> np.ndarray:
    # Python's re backtracks: a deadline stops a pattern such as ^(a+)+$ (regex_deadline).
    from mlci.checks.validation.regex_deadline import bounded_search

    _python_regex(pattern)  # a pattern the schema check let through compiles
    return np.array(bounded_search(pattern, python_values(values, mask)), dtype=bool)


def search(series: Text, pattern: str) -> np.ndarray:
    """``re.search(pattern, value)`` for each value as a bool array; missing -> False."""
    import pyarrow.compute as pc

    array = arrow_strings(series) if _re2_can_answer(pattern) else None
    if array is None:
        return _python_search(series, pattern)
    shape = _fixed_shape(pattern)
    if shape is not None:
        found = _fixed_shape_match(array, shape)
    else:
        found = filled_mask(pc.match_substring_regex(array, pattern=pattern))
    # Whole-buffer byte scans first: most columns are plain ASCII, and then all agree.
    data = value_bytes(array)
    if all(b.max(initial=0) < 0x80 for b in data):
        agree = np.ones(len(found), dtype=bool)
    else:
        agree = filled_mask(pc.string_is_ascii(array))
    if _SPACE_SENSITIVE.search(pattern) and any(b.min(initial=0xFF) < 0x20 for b in data):
        agree &= ~filled_mask(pc.match_substring_regex(array, pattern=_LINE_CHARS))
    if not agree.all():
        unsure = ~agree & _present(series)
        if unsure.any():
            found[unsure] = _python_search(series, pattern, unsure)
    return found


@lru_cache(maxsize=256)
def _fixed_shape(pattern: str) -> tuple[np.ndarray, ...] | None:
    """For ``^...$`` patterns of fixed-width ASCII classes (``^C\\d{6}$``, ``^[A-Z]{2}-\\d{4}$``,
    the usual codes and ids): one 256-entry byte table per position, else None.

    Such a pattern needs no regex engine: a value matches when it has that many bytes
    and each byte is in its position's table, checked for all rows at once.
    """
    try:
        from re import _parser as sre  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_parse as sre

    try:
        items = list(sre.parse(pattern))
        flags = sre.parse(pattern).state.flags
    except Exception:  # noqa: BLE001 - any doubt: leave it to the regex engine
        return None
    if flags != re.UNICODE or len(items) < 2:
        return None
    (first_op, first), (last_op, last) = items[0], items[-1]
    if str(first_op) != "AT" or str(first) != "AT_BEGINNING":
        return None
    if str(last_op) != "AT" or str(last) not in ("AT_END", "AT_END_STRING"):
        return None
    tables: list[np.ndarray] = []
    for op, arg in items[1:-1]:
        count = 1
        if str(op) in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, sub = arg
            if low != high or len(sub) != 1:
                return None
            count, (op, arg) = low, sub[0]
        table = _byte_table(str(op), arg)
        if table is None:
            return None
        tables.extend([table] * count)
    return tuple(tables)


def _byte_table(op: str, arg: Any) -> np.ndarray | None:
    table = np.zeros(256, dtype=bool)
    members = [(op, arg)] if op == "LITERAL" else arg if op == "IN" else None
    if members is None:
        return None
    for kind, value in members:
        kind = str(kind)
        if kind == "LITERAL" and value < 0x80:
            table[value] = True
        elif kind == "RANGE" and value[1] < 0x80:
            table[value[0] : value[1] + 1] = True
        elif kind == "CATEGORY" and str(value) == "CATEGORY_DIGIT":
            table[ord("0") : ord("9") + 1] = True
        else:
            return None  # negated sets, \w, \s...: the regex engine decides
    return table


def _fixed_shape_match(array: Any, tables: tuple[np.ndarray, ...]) -> np.ndarray:
    """Which values have exactly ``len(tables)`` bytes, each in its table (nulls: no)."""
    parts = [_fixed_shape_chunk(chunk, tables) for chunk in array.chunks]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _fixed_shape_chunk(chunk: Any, tables: tuple[np.ndarray, ...]) -> np.ndarray:
    import pyarrow as pa

    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    _, offsets_buffer, data_buffer = chunk.buffers()
    if offsets_buffer is None:
        return np.zeros(len(chunk), dtype=bool)
    offsets = np.frombuffer(
        offsets_buffer, dtype=width, count=len(chunk) + 1, offset=chunk.offset * np.dtype(width).itemsize
    )
    data = np.frombuffer(data_buffer or b"", dtype=np.uint8)
    size = len(tables)
    first, n = int(offsets[0]), len(chunk)
    if not chunk.null_count and int(offsets[-1]) - first == n * size and n:
        # Every value has the width (the usual id column): the bytes are an n x width matrix.
        lengths_ok = bool((np.diff(offsets) == size).all())
        if lengths_ok:
            return _matrix_match(data[first : first + n * size].reshape(n, size), tables)
    starts: np.ndarray = offsets[:-1]
    fits: np.ndarray = (offsets[1:] - starts) == size
    if chunk.null_count:
        fits &= filled_mask(chunk.is_valid())
    at = starts[fits]
    good = np.ones(len(at), dtype=bool)
    for position, table in enumerate(tables):
        good &= table[data[at + position]]
    fits[fits] = good
    return fits


def _matrix_match(matrix: np.ndarray, tables: tuple[np.ndarray, ...]) -> np.ndarray:
    """Rows of a bytes matrix whose every column is in its table; equal tables in one pass."""
    good = np.ones(len(matrix), dtype=bool)
    start = 0
    while start < len(tables):
        stop = start + 1
        while stop < len(tables) and tables[stop] is tables[start]:
            stop += 1
        block = tables[start][matrix[:, start:stop]]
        good &= block.all(axis=1) if stop - start > 1 else block[:, 0]
        start = stop
    return good


def value_bytes(array: Any) -> list[np.ndarray]:
    """The UTF-8 bytes of each chunk of an Arrow string array (no copy)."""
    import pyarrow as pa

    out = []
    for chunk in array.chunks:
        if len(chunk) == 0:
            continue
        _, offsets_buffer, data_buffer = chunk.buffers()
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(
            offsets_buffer, dtype=width, count=len(chunk) + 1,
            offset=chunk.offset * np.dtype(width).itemsize,
        )  # fmt: skip
        data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else None
        if data is not None:
            out.append(data[offsets[0] : offsets[-1]])
    return out


def text_lengths(series: Text) -> np.ndarray:
    """Characters per value (Python's ``len``: code points) as floats; missing -> NaN."""
    import pyarrow.compute as pc

    array = arrow_strings(series)
    if array is None:
        return np.array(
            [len(v) if isinstance(v, str) else np.nan for v in python_values(series)], dtype="float64"
        )
    if all(b.max(initial=0) < 0x80 for b in value_bytes(array)):
        lengths = pc.binary_length(array)  # ASCII: a byte is a character, and 5x faster
    else:
        lengths = pc.utf8_length(array)
    return np.asarray(to_numpy(lengths), dtype="float64")


def is_in(series: Text, allowed: list[str]) -> np.ndarray:
    """``value in allowed`` for text values as a bool array; missing -> False."""
    import pyarrow.compute as pc

    array = arrow_strings(series)
    if array is None:
        members = set(allowed)
        return np.array([isinstance(v, str) and v in members for v in python_values(series)], dtype=bool)
    return filled_mask(pc.is_in(array, value_set=string_array(allowed).cast(array.type)))


def filled_mask(mask: Any) -> np.ndarray:
    """An Arrow boolean array as numpy, nulls as False."""
    return filled_bools(mask)
