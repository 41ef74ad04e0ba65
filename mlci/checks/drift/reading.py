"""Read the columns drift needs from a dataset, chunk by chunk, in compact form.

Row formats (CSV, JSON Lines) are parsed once: CSV arrives as Arrow tables, whose numbers
go straight into arrays (``arrow_parts``); what pandas reads arrives as DataFrames, whose
numbers are kept as views of the chunk (which holds only the columns drift reads). The
dataset ends up held once, column by column, as the exact tests (KS, Wasserstein) need.
Parquet is columnar: columns are read in blocks when they are first tested, straight
from Arrow (``arrow_parts``: numbers never pass through a DataFrame), then let go.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from mlci.errors import DataError
from mlci.io.formats import DataFormat
from mlci.io.readers import DEFAULT_CHUNK_ROWS, DataSource

__all__ = [
    "Columns",
    "ColumnStore",
    "ParquetColumns",
    "read_columns",
    "frame_columns",
    "open_columns",
]

Progress = Callable[[int], None]
Part = np.ndarray | pd.Series


class Columns(Protocol):
    """The values of some columns of one dataset; ``pop`` hands each over exactly once."""

    rows: int

    def pop(self, name: str) -> pd.Series: ...


@dataclass
class ColumnStore:
    """The values of some columns of one dataset; ``pop`` hands each over exactly once."""

    rows: int = 0
    parts: dict[str, list[Part]] = field(default_factory=dict)

    def add(self, chunk: pd.DataFrame, *, copy: bool = True, keep: set[str] | None = None) -> None:
        self.rows += len(chunk)
        for name in chunk.columns:
            if keep is not None and name not in keep:
                continue
            series = chunk[name]
            dtype = series.dtype
            if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
                part: Part = series.to_numpy(copy=copy)
            else:
                part = series.reset_index(drop=True)
            self.parts.setdefault(str(name), []).append(part)

    def pop(self, name: str) -> pd.Series:
        parts = self.parts.pop(name, [])
        if not parts:
            return pd.Series([], dtype=float)
        if all(isinstance(p, np.ndarray) for p in parts):
            values = parts[0] if len(parts) == 1 else np.concatenate(parts)
            return pd.Series(values, copy=False)
        if len(parts) == 1:
            return pd.Series(parts[0], copy=False)
        return pd.concat([pd.Series(p, copy=False) for p in parts], ignore_index=True)


def read_columns(
    source: DataSource,
    columns: list[str],
    *,
    text_columns: Iterable[str] = (),
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Progress | None = None,
) -> ColumnStore:
    """Read ``columns`` (possibly none: the rows are still counted) of a dataset file."""
    store = ColumnStore()
    # Reading no column at all is not possible in every format: read one, keep none.
    wanted = columns or source.columns[:1]
    keep = set(columns)
    for chunk in source.batches(chunk_rows=chunk_rows, text_columns=text_columns, columns=wanted):
        if isinstance(chunk, pd.DataFrame):  # what pandas reads (JSON Lines, odd CSV)
            store.add(chunk, copy=False, keep=keep)
        else:  # an Arrow table: numbers straight from Arrow, the rest through to_pandas
            from mlci.checks.drift.arrow_parts import batch_parts, numpy_columns

            store.rows += chunk.num_rows
            for name, part in batch_parts(chunk, numpy_columns(chunk.schema), keep):
                store.parts.setdefault(name, []).append(part)
        if progress is not None:
            progress(store.rows)
    return store


def frame_columns(frame: pd.DataFrame) -> ColumnStore:
    """An in-memory DataFrame as a store; its numeric columns are used in place, not copied."""
    store = ColumnStore()
    store.add(frame, copy=False)
    return store


class ParquetColumns:
    """A Parquet file read a block of columns at a time, as the columns are tested.

    One open handle serves every column, and columns are read in blocks: each read walks
    the file's metadata, which describes every column, so reading one column at a time
    is quadratic on wide tables. Memory stays bounded by one block of columns. Only the
    ``columns`` asked for are read; ``progress`` hears the rows read of each block.
    """

    BLOCK = 64

    def __init__(
        self,
        source: DataSource,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        *,
        columns: Iterable[str] | None = None,
        progress: Progress | None = None,
    ) -> None:
        import pyarrow.parquet as pq

        self.source = source
        self.chunk_rows = chunk_rows
        self.rows = source.total_rows or 0
        wanted = set(columns) if columns is not None else None
        self._names = [n for n in source.columns if wanted is None or n in wanted]
        self._progress = progress
        self._handle = pq.ParquetFile(source.path)
        self._lock = threading.Lock()  # columns are tested on several threads
        self._ready: dict[str, pd.Series] = {}
        self._done: set[str] = set()

    def read_first_block(self) -> None:
        """Read the first block now (drift reads both files' first blocks at the same time)."""
        with self._lock:
            if self._names and not self._ready and not self._done:
                self._read_block(self._names[0])

    def pop(self, name: str) -> pd.Series:
        with self._lock:
            if name not in self._ready:
                self._read_block(name)
            self._done.add(name)
            return self._ready.pop(name)

    def _read_block(self, name: str) -> None:
        import pyarrow as pa

        from mlci.checks.drift.arrow_parts import NumberColumn, batch_parts, numpy_columns

        names = self._names
        start = names.index(name) if name in names else 0
        block = [name] + [n for n in names[start + 1 :] if n not in self._done and n not in self._ready][
            : self.BLOCK - 1
        ]
        numeric = numpy_columns(self._handle.schema_arrow)
        numbers = {n: NumberColumn(self.rows) for n in block if n in numeric}
        others = ColumnStore()
        try:
            for batch in self._handle.iter_batches(batch_size=self.chunk_rows, columns=block):
                for n, part in batch_parts(batch, numeric, block):
                    if isinstance(part, np.ndarray) and n in numbers:
                        numbers[n].add(part)
                    else:
                        others.parts.setdefault(n, []).append(part)
                others.rows += batch.num_rows
                if self._progress is not None:
                    self._progress(others.rows)
        except (pa.ArrowException, OSError) as exc:
            raise DataError(f"not a valid Parquet file: {exc}", path=self.source.path) from None
        for n in block:
            self._ready[n] = numbers[n].series() if n in numbers else others.pop(n)


def open_columns(
    source: DataSource,
    columns: list[str],
    *,
    text_columns: Iterable[str] = (),
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Progress | None = None,
) -> Columns:
    """The columns of a dataset file: Parquet a block of columns at a time, other formats now."""
    if source.format is not DataFormat.JSONL:  # read through Arrow
        from mlci.io.arrow_memory import use_steady_memory_pool

        use_steady_memory_pool()
    # Only a plain Parquet file is read through its own handle: a dataset of partitions
    # (or a partition with hive columns) reads through its own ``chunks``.
    plain_file = type(source).chunks is DataSource.chunks
    if source.format is DataFormat.PARQUET and source.total_rows and plain_file:
        parquet = ParquetColumns(source, chunk_rows, columns=columns, progress=progress)
        parquet.read_first_block()
        return parquet
    return read_columns(source, columns, text_columns=text_columns, chunk_rows=chunk_rows, progress=progress)
