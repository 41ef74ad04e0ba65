"""CSV through pyarrow: the fast path behind ``readers.DataSource.chunks`` for CSV and TSV.

pyarrow parses in C++ without holding the GIL and hands text over as Arrow strings,
which pandas 3 keeps as they are (pandas' own chunked reader is ~4x slower once text
columns are read as ``str``). The frames are what pandas' reader gives: ``text`` columns
as text; other columns typed as pandas' C parser types them (int, else float, else
True/False, else text), with pandas' missing-value markers.

Types come from the first block and are then handed to pyarrow, which converts while it
parses. Should a later block not fit them (an int column that turns to text), reading
starts again from the first row not yet yielded with every column as text, typed chunk
by chunk. Whatever pyarrow refuses (short rows, bad UTF-8, a header it reads otherwise)
raises ``NotForArrow`` or a ``pyarrow.ArrowException`` between chunks: the caller lets
pandas read on from there, and name the problem if there is one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mlci.io.arrow_arrays import string_array

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NotForArrow", "arrow_csv_chunks", "arrow_csv_tables"]

_BLOCK_BYTES = 1 << 20
# pandas' default missing-value markers (pyarrow's own lack "<NA>" and "None").
_NA_VALUES = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
    "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
]  # fmt: skip
_TRUE = ["True", "TRUE", "true"]  # what pandas' C parser reads as booleans
_FALSE = ["False", "FALSE", "false"]


class NotForArrow(Exception):
    """This file is for pandas' reader (pyarrow would read its header differently)."""


def arrow_csv_chunks(
    path: Path,
    *,
    delimiter: str,
    header: list[str],
    chunk_rows: int,
    text: list[str],
    columns: list[str] | None,
) -> Iterator[pd.DataFrame]:
    """Frames of ``chunk_rows`` rows with a continuous RangeIndex; ``header`` from pandas."""
    rows = 0
    tables = arrow_csv_tables(
        path, delimiter=delimiter, header=header, chunk_rows=chunk_rows, text=text, columns=columns
    )
    for table in tables:
        yield _frame(table, rows)
        rows += table.num_rows


def arrow_csv_tables(
    path: Path,
    *,
    delimiter: str,
    header: list[str],
    chunk_rows: int,
    text: list[str],
    columns: list[str] | None,
) -> Iterator[Any]:
    """Arrow Tables of ``chunk_rows`` rows, typed as ``arrow_csv_chunks``' frames are."""
    import pyarrow as pa

    wanted = header if columns is None else [c for c in header if c in columns]
    if columns is not None and len(wanted) != len(set(columns)):
        raise NotForArrow  # an unknown column: pandas' error message says which
    as_text = set(text) & set(wanted)
    reading = _Reading(path, delimiter, wanted, chunk_rows)
    first = reading.first_batch()
    if first is None:
        return
    types, retype = {}, set()
    for name in wanted:
        kind = pa.string() if name in as_text else _type_of(first.column(name))
        types[name] = kind
        if kind == pa.null():  # nothing to go by yet: typed chunk by chunk
            types[name] = pa.string()
            retype.add(name)
    rows = 0
    try:
        for table in reading.tables(types, retype, skip=0):
            rows += table.num_rows
            yield table
    except pa.ArrowInvalid as exc:
        if "CSV conversion error" not in str(exc):
            raise
        every = {name: pa.string() for name in wanted}
        yield from reading.tables(every, set(wanted) - as_text, skip=rows)


class _Reading:
    def __init__(self, path: Path, delimiter: str, wanted: list[str], chunk_rows: int) -> None:
        self.path = path
        self.delimiter = delimiter
        self.wanted = wanted
        self.chunk_rows = chunk_rows

    def _open(self, types: dict[str, Any]) -> Any:
        import pyarrow.csv as pacsv

        reader = pacsv.open_csv(
            self.path,
            read_options=pacsv.ReadOptions(block_size=_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=self.delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=self.wanted,
                null_values=_NA_VALUES,
                strings_can_be_null=True,
                true_values=_TRUE,
                false_values=_FALSE,
            ),
        )
        if reader.schema.names != self.wanted:
            reader.close()
            raise NotForArrow
        return reader

    def first_batch(self) -> Any | None:
        import pyarrow as pa

        reader = self._open({name: pa.string() for name in self.wanted})
        try:
            for batch in reader:
                if batch.num_rows:
                    return batch
            return None
        finally:
            reader.close()

    def tables(self, types: dict[str, Any], retype: set[str], skip: int) -> Iterator[Any]:
        """Chunks from data row ``skip`` on; ``retype`` columns are typed chunk by chunk."""
        import pyarrow as pa

        reader = self._open(types)
        size = self.chunk_rows
        pending: list[Any] = []
        count = 0
        seen = 0  # rows read, including those skipped
        try:
            for batch in reader:
                if seen + batch.num_rows <= skip:
                    seen += batch.num_rows
                    continue
                if seen < skip:
                    batch = batch.slice(skip - seen)
                    seen = skip
                pending.append(batch)
                count += batch.num_rows
                while count >= size:
                    table = pa.Table.from_batches(pending, schema=reader.schema)
                    yield _retyped(table.slice(0, size), retype)
                    seen += size
                    pending = table.slice(size).to_batches()
                    count -= size
            if count:
                yield _retyped(pa.Table.from_batches(pending, schema=reader.schema), retype)
        finally:
            reader.close()


def _retyped(table: Any, retype: set[str]) -> Any:
    import pyarrow as pa

    if not retype:
        return table
    names = table.column_names
    return pa.table(
        [_typed(c) if n in retype else c for n, c in zip(names, table.columns, strict=True)], names=names
    )


def _frame(table: Any, start: int) -> pd.DataFrame:
    import pandas as pd
    import pyarrow as pa

    names = table.column_names
    typed = table.columns
    frame: pd.DataFrame = table.to_pandas()
    for name, col in zip(names, typed, strict=True):
        if pa.types.is_boolean(col.type) and col.null_count:
            # pandas gives True/False/NaN objects here; Arrow's conversion gives None.
            values = frame[name].to_numpy(dtype=object, copy=True)
            values[col.is_null().to_numpy(zero_copy_only=False)] = np.nan
            frame[name] = values
    frame.index = pd.RangeIndex(start, start + len(frame))
    return frame


def _type_of(col: Any) -> Any:
    """The type pandas' C parser gives a text column: int64, uint64, float64, bool or text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if col.null_count == len(col):
        return pa.null()
    for target in (pa.int64(), pa.uint64(), pa.float64()):
        try:
            pc.cast(col, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        return target
    words = pc.sum(pc.is_in(col, value_set=string_array(_TRUE + _FALSE))).as_py() or 0
    return pa.bool_() if words == len(col) - col.null_count else pa.string()


def _typed(col: Any) -> Any:
    """A text column of one chunk, typed as pandas would type that chunk."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = _type_of(col)
    if kind == pa.null():
        return pc.cast(col, pa.float64())  # pandas: an empty column is all-NaN floats
    if kind == pa.bool_():
        is_true = pc.is_in(col, value_set=string_array(_TRUE))
        return pc.if_else(pc.is_null(col), pa.nulls(len(col), pa.bool_()), is_true)
    return col if kind == pa.string() else pc.cast(col, kind)
