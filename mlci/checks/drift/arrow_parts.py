"""Arrow record batches -> the per-column parts drift keeps, converted as pandas would.

Numeric columns become numpy arrays straight from Arrow's buffers (zero-copy without
nulls; nulls become NaN in float64, which is what ``to_pandas`` gives), so a batch is
never turned into a DataFrame only to copy its columns out again. Everything else (text,
booleans, dates, pandas' nullable dtypes recorded in the file) still goes through
``to_pandas``, so its values and dtypes are exactly those of reading the file with pandas.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["NumberColumn", "numpy_columns", "batch_parts"]

Part = np.ndarray | pd.Series


def _plain_numpy(name: object) -> bool:
    try:
        return np.dtype(str(name)).kind in "iuf"
    except TypeError:  # "Int64", "Float64", ...: pandas' nullable dtypes, not numpy's
        return False


def numpy_columns(schema: pa.Schema) -> set[str]:
    """Columns whose values convert to a plain numpy array of numbers."""
    meta = schema.pandas_metadata or {}
    declared = {c.get("field_name", c.get("name")): c.get("numpy_type") for c in meta.get("columns", [])}
    found = set()
    for field in schema:
        kind = field.type
        if not (pa.types.is_integer(kind) or pa.types.is_float32(kind) or pa.types.is_float64(kind)):
            continue
        numpy_type = declared.get(field.name)
        if numpy_type is None or _plain_numpy(numpy_type):
            found.add(field.name)
    return found


def batch_parts(
    batch: pa.RecordBatch | pa.Table, numeric: set[str], keep: Iterable[str]
) -> Iterator[tuple[str, Part]]:
    """(name, part) for each kept column of a batch or table; ``numeric`` from :func:`numpy_columns`."""
    kept = set(keep)
    names = [n for n in batch.schema.names if n in kept]
    rest = [n for n in names if n not in numeric]
    for name in names:
        if name in numeric:
            # Read-only views of Arrow's buffers, which hold this column only (a table's
            # column of several chunks is joined into one array).
            yield name, batch.column(name).to_numpy(zero_copy_only=False)
    if rest:
        frame = batch.select(rest).to_pandas()
        for name in rest:
            yield name, frame[name].reset_index(drop=True)


class NumberColumn:
    """A numeric column filled batch by batch into one array, sized up front.

    Concatenating batches at the end would hold the column twice; filling one array
    holds it once, and each batch's Arrow buffers are free for the next batch. The
    dtype is what concatenating the batches gives: ints turn to float64 from the first
    batch with a gap on (pandas gives that batch as float64 with NaN).
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: np.ndarray | None = None
        self._filled = 0

    def add(self, part: np.ndarray) -> None:
        if self._values is None:
            self._values = np.empty(max(self._size, part.size), dtype=part.dtype)
        kind = np.result_type(self._values.dtype, part.dtype)
        if kind != self._values.dtype:
            self._values = self._values.astype(kind)
        end = self._filled + part.size
        if end > self._values.size:  # more rows than the metadata said: grow
            self._values = np.concatenate([self._values[: self._filled], np.empty(end - self._filled, kind)])
        self._values[self._filled : end] = part
        self._filled = end

    def series(self) -> pd.Series:
        values = self._values[: self._filled] if self._values is not None else np.empty(0)
        return pd.Series(values, copy=False)
