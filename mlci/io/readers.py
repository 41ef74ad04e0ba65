"""Read CSV, Parquet and JSON Lines, whole or in chunks, with errors that name the file.

Every reader yields pandas DataFrames of at most ``chunk_rows`` rows, so memory stays
bounded whatever the file size. In CSV, ``text_columns`` are read as strings, untouched:
the checks decide what a value means (dates, identifiers with leading zeros), not the
parser. Parquet and JSON Lines keep the types the file declares.

CSV goes through pyarrow (``csv_arrow``) and, for large chunks, one chunk ahead on a
worker thread; pandas' reader takes over for what pyarrow will not read, so errors and
results are pandas' own.
"""

from __future__ import annotations

import codecs
import json
import os
import queue
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlci.config.files import check_regular_file
from mlci.config.parse_limits import PARSE_LIMIT_ERRORS, parse_limit_message
from mlci.errors import DataError
from mlci.io.formats import DataFormat, detect_format

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_CHUNK_ROWS", "DataSource", "open_source", "read_frame"]

DEFAULT_CHUNK_ROWS = 250_000
_READ_AHEAD_ROWS = 10_000  # smaller chunks gain less from a second core than handing over costs
_SNIFF = 8192


@dataclass(frozen=True)
class DataSource:
    """A dataset file checked to exist, be non-empty and of a known format."""

    path: Path
    format: DataFormat
    columns: list[str]
    total_rows: int | None  # known up front for Parquet only

    def chunks(
        self,
        *,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        text_columns: Iterable[str] = (),
        columns: list[str] | None = None,
    ) -> Iterator[pd.DataFrame]:
        """Yield the data in chunks; the row index continues across chunks (0-based)."""
        text = [c for c in text_columns if c in self.columns]
        if self.format in (DataFormat.CSV, DataFormat.TSV):
            chunks = _csv_chunks(self, chunk_rows, text, columns)
            yield from _read_ahead(chunks) if chunk_rows >= _READ_AHEAD_ROWS else chunks
        elif self.format is DataFormat.PARQUET:
            yield from _parquet_chunks(self, chunk_rows, columns)
        else:
            yield from _jsonl_chunks(self, chunk_rows, columns)

    def batches(
        self,
        *,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        text_columns: Iterable[str] = (),
        columns: list[str] | None = None,
    ) -> Iterator[Any]:
        """As ``chunks``, but as Arrow Tables where pyarrow reads the file (CSV, Parquet):
        no pandas import. DataFrames where pandas reads (JSON Lines, CSV pyarrow refuses,
        from the row it refused on). Rows follow on across chunks of both kinds."""
        from mlci.io.arrow_memory import use_steady_memory_pool

        use_steady_memory_pool()  # mimalloc's eager commits cost up to 2 s of system time a read
        if type(self).chunks is not DataSource.chunks:
            # A subclass that reads otherwise (partitions, remote files): its own chunks.
            yield from self.chunks(chunk_rows=chunk_rows, text_columns=text_columns, columns=columns)
            return
        text = [c for c in text_columns if c in self.columns]
        if self.format in (DataFormat.CSV, DataFormat.TSV):
            chunks = _csv_chunks(self, chunk_rows, text, columns, arrow=True)
            yield from _read_ahead(chunks) if chunk_rows >= _READ_AHEAD_ROWS else chunks
        elif self.format is DataFormat.PARQUET:
            yield from _parquet_tables(self, chunk_rows, columns)
        else:
            yield from _jsonl_chunks(self, chunk_rows, columns)


def _num_rows(chunk: Any) -> int:
    return int(chunk.num_rows) if hasattr(chunk, "num_rows") else len(chunk)


def open_source(path: str | Path) -> DataSource:
    """Check a dataset path and read its column names (not its data)."""
    path = Path(path)
    fmt = detect_format(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DataError("file not found", path=path) from None
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror}", path=path) from None
    if path.is_dir():
        raise DataError("is a directory, expected a data file", path=path)
    check_regular_file(path, "data file", DataError)  # a FIFO or a device would block or never end
    if size == 0:
        raise DataError("file is empty", path=path)
    if fmt is DataFormat.PARQUET:
        return _open_parquet(path)
    head = _head(path)
    if head.startswith(b"PAR1"):
        raise DataError(
            f"looks like a Parquet file, not {fmt.value.upper()}: rename it to .parquet", path=path
        )
    if b"\x00" in head and not _is_compressed(path):
        raise DataError(f"binary content (NUL bytes), not a {fmt.value.upper()} text file", path=path)
    if fmt is DataFormat.JSONL:
        return DataSource(path, fmt, _jsonl_columns(path), None)
    return DataSource(path, fmt, _csv_columns(path, fmt), None)


def read_frame(path: str | Path, *, text_columns: Iterable[str] = ()) -> pd.DataFrame:
    """The whole dataset as one DataFrame (for data known to fit in memory)."""
    import pandas as pd

    source = open_source(path)
    parts = list(source.chunks(text_columns=text_columns))
    return parts[0] if len(parts) == 1 else pd.concat(parts)


# --- helpers -----------------------------------------------------------------------------


def _head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(_SNIFF)


def _is_compressed(path: Path) -> bool:
    return path.suffix.lower() in (".gz", ".bz2", ".zst", ".xz", ".zip")


def _first_bad_utf8(path: Path) -> tuple[int, int] | None:
    """(line, byte offset) of the first byte that is not UTF-8, read in blocks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    lines = 1
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return lines + block[: max(exc.start, 0)].count(b"\n"), offset + max(exc.start, 0)
            lines += block.count(b"\n")
            offset += len(block)
    return None


def _decode_error(path: Path) -> DataError:
    where = None if _is_compressed(path) else _first_bad_utf8(path)
    if where is None:
        return DataError("is not valid UTF-8 text", path=path)
    line, offset = where
    return DataError(f"is not valid UTF-8 (byte offset {offset}); save it as UTF-8", path=path, line=line)


def _sep(fmt: DataFormat) -> str:
    return "\t" if fmt is DataFormat.TSV else ","


def _csv_columns(path: Path, fmt: DataFormat) -> list[str]:
    plain = _plain_header(path, fmt)
    if plain is not None:
        return plain
    import pandas as pd

    try:
        header = pd.read_csv(path, sep=_sep(fmt), nrows=0, encoding="utf-8")
    except UnicodeDecodeError:
        raise _decode_error(path) from None
    except pd.errors.EmptyDataError:
        raise DataError("file is empty (no header row)", path=path) from None
    except (pd.errors.ParserError, ValueError, OSError, EOFError) as exc:
        raise DataError(f"cannot parse {fmt.value.upper()}: {_first_line(exc)}", path=path) from None
    columns = [str(c) for c in header.columns]
    _check_column_names(path, _raw_header(path, fmt))  # pandas renames a repeat to "a.1"
    return columns


def _plain_header(path: Path, fmt: DataFormat) -> list[str] | None:
    """The header as pandas reads it, when it is plain enough to read without pandas:
    UTF-8 without a byte-order mark, on the first line, every name given and distinct."""
    if _is_compressed(path) or _head(path).startswith(b"\xef\xbb\xbf"):
        return None
    try:
        names = _raw_header(path, fmt)
    except (UnicodeDecodeError, OSError, ValueError):
        return None  # pandas names the problem
    odd = any(not n.strip() or any(c in n for c in "\n\r\ufffd") for n in names)
    if not names or odd or len(set(names)) != len(names):
        return None  # a repeat, a blank name, bytes that are not UTF-8: pandas' answer
    return names


def _raw_header(path: Path, fmt: DataFormat) -> list[str]:
    import csv

    if _is_compressed(path) and path.suffix.lower() != ".gz":
        return []  # pandas decompresses these; a repeated name is rare enough to skip here
    with _text_opener(path, errors="replace")() as handle:
        return next(csv.reader(handle, delimiter=_sep(fmt)), [])


def _check_column_names(path: Path, columns: list[str]) -> None:
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise DataError(f"duplicate column name {name!r} in the header", path=path, line=1)
        seen.add(name)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _csv_chunks(
    source: DataSource, chunk_rows: int, text: list[str], columns: list[str] | None, *, arrow: bool = False
) -> Iterator[Any]:
    """DataFrames, or Arrow Tables with ``arrow`` (pandas' DataFrames where pyarrow refuses)."""
    rows = 0
    if _arrow_can_read(source.path):
        import pyarrow as pa

        from mlci.io.csv_arrow import NotForArrow, arrow_csv_chunks, arrow_csv_tables

        read = arrow_csv_tables if arrow else arrow_csv_chunks
        try:
            for chunk in read(
                source.path,
                delimiter=_sep(source.format),
                header=source.columns,
                chunk_rows=chunk_rows,
                text=text,
                columns=columns,
            ):
                rows += _num_rows(chunk)
                yield chunk
        except pa.ArrowInvalid as exc:
            if "columns, got" in str(exc):
                # A row with too few or too many fields: pandas would pad a short one
                # with missing values; it is a malformed file either way.
                raise _ragged_row(source) from None
            # Otherwise pandas reads on from here and names the problem, if any.
        except (pa.ArrowException, NotForArrow):
            pass  # pandas reads on from here and names the problem, if any
        else:
            if rows == 0:
                raise DataError("has a header but no data rows", path=source.path)
            return
    yield from _pandas_csv_chunks(source, chunk_rows, text, columns, skip=rows)


def _ragged_row(source: DataSource) -> DataError:
    """Error path only: find the first record whose field count differs from the header's."""
    import csv

    expected = len(source.columns)
    if source.path.suffix.lower() in (".gz", ".csv", ".tsv"):
        with _text_opener(source.path, errors="replace")() as handle:
            reader = csv.reader(handle, delimiter=_sep(source.format))
            next(reader, None)
            for record in reader:
                if record and len(record) != expected:
                    return DataError(
                        f"ragged row: expected {expected} fields, found {len(record)}",
                        path=source.path,
                        line=reader.line_num,
                    )
    return DataError(f"ragged row: a row does not have {expected} fields", path=source.path)


def _arrow_can_read(path: Path) -> bool:
    # pyarrow decompresses .gz and .bz2 by extension; pandas handles zip, xz and zstd.
    return not _is_compressed(path) or path.suffix.lower() in (".gz", ".bz2")


def _read_ahead(chunks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Parse the next chunk on a worker thread while the caller checks this one.

    The parsers release the GIL, so reading overlaps the caller's work on another core.
    The worker starts a chunk only once the caller has taken the previous one: at most
    two chunks are alive, one in the caller's hands and one being read. Errors reach
    the caller as if the file were read inline.
    """
    ready: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
    turn = threading.Semaphore(1)
    stop = threading.Event()

    def work() -> None:
        try:
            while True:
                while not turn.acquire(timeout=0.05):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                chunk = next(chunks, None)
                if chunk is None:
                    ready.put(("end", None))
                    return
                ready.put(("chunk", chunk))
        except BaseException as exc:  # handed to the caller, raised there
            ready.put(("error", exc))
        finally:
            chunks.close()  # type: ignore[attr-defined]

    worker = threading.Thread(target=work, name="mlci-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            kind, item = ready.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            turn.release()
            yield item
            del item
    finally:
        stop.set()
        worker.join()


# --- CSV with pandas: compressed files, and the files pyarrow refuses ------------------


def _pandas_csv_chunks(
    source: DataSource, chunk_rows: int, text: list[str], columns: list[str] | None, skip: int = 0
) -> Iterator[pd.DataFrame]:
    """Chunks from row ``skip`` on (the rows before it were already read by pyarrow)."""
    import pandas as pd

    path = source.path
    dtype: dict[str, Any] = {c: str for c in text}
    rows = 0
    try:
        reader = pd.read_csv(
            path,
            sep=_sep(source.format),
            dtype=dtype or None,
            usecols=columns,
            chunksize=chunk_rows,
            encoding="utf-8",
        )
        with reader:
            for chunk in reader:
                chunk.index = pd.RangeIndex(rows, rows + len(chunk))
                rows += len(chunk)
                if rows > skip:
                    yield chunk.iloc[max(0, skip - (rows - len(chunk))) :]
    except UnicodeDecodeError:
        raise _decode_error(path) from None
    except pd.errors.EmptyDataError:
        raise DataError("file is empty (no header row)", path=path) from None
    except pd.errors.ParserError as exc:
        raise _parser_error(path, exc) from None
    except (ValueError, OSError, EOFError) as exc:
        raise DataError(
            f"cannot parse {source.format.value.upper()}: {_first_line(exc)}", path=path
        ) from None
    if rows == 0:
        raise DataError("has a header but no data rows", path=path)


_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _parser_error(path: Path, exc: Exception) -> DataError:
    # pandas says: "Error tokenizing data. C error: Expected 3 fields in line 5, saw 4"
    match = _RAGGED.search(str(exc))
    if match:
        expected, line, found = (int(g) for g in match.groups())
        return DataError(f"ragged row: expected {expected} fields, found {found}", path=path, line=line)
    return DataError(f"cannot parse CSV: {_first_line(exc)}", path=path)


def _open_parquet(path: Path) -> DataSource:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
        columns = [str(n) for n in meta.schema.to_arrow_schema().names]
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataError(f"not a valid Parquet file: {_first_line(exc)}", path=path) from None
    _check_column_names(path, columns)
    if meta.num_rows == 0:
        raise DataError("has columns but no data rows", path=path)
    return DataSource(path, DataFormat.PARQUET, columns, int(meta.num_rows))


def _parquet_tables(source: DataSource, chunk_rows: int, columns: list[str] | None) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(source.path)
        yield from handle.iter_batches(batch_size=chunk_rows, columns=columns)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"not a valid Parquet file: {_first_line(exc)}", path=source.path) from None


def _parquet_chunks(source: DataSource, chunk_rows: int, columns: list[str] | None) -> Iterator[pd.DataFrame]:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 0
    try:
        handle = pq.ParquetFile(source.path)
        for batch in handle.iter_batches(batch_size=chunk_rows, columns=columns):
            chunk = batch.to_pandas()
            chunk.index = pd.RangeIndex(rows, rows + len(chunk))
            rows += len(chunk)
            yield chunk
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"not a valid Parquet file: {_first_line(exc)}", path=source.path) from None


def _jsonl_columns(path: Path) -> list[str]:
    """Column names from the first object (later objects may add keys; see the chunks)."""
    opener = _text_opener(path)
    try:
        with opener() as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(
                        f"invalid JSON: {exc.msg}", path=path, line=number, column=exc.colno
                    ) from None
                except PARSE_LIMIT_ERRORS as exc:
                    raise DataError(parse_limit_message(exc), path=path, line=number) from None
                if not isinstance(record, dict):
                    raise DataError(
                        f"expected a JSON object per line, got {type(record).__name__}",
                        path=path,
                        line=number,
                    )
                return [str(k) for k in record]
    except UnicodeDecodeError:
        raise _decode_error(path) from None
    raise DataError("file is empty (no JSON objects)", path=path)


def _text_opener(path: Path, errors: str = "strict") -> Any:
    if path.suffix.lower() == ".gz":
        import gzip

        return lambda: gzip.open(path, "rt", encoding="utf-8", errors=errors)
    return lambda: open(path, encoding="utf-8", errors=errors)


def _jsonl_chunks(source: DataSource, chunk_rows: int, columns: list[str] | None) -> Iterator[pd.DataFrame]:
    import pandas as pd

    path = source.path
    rows = 0
    try:
        reader = pd.read_json(path, lines=True, chunksize=chunk_rows, encoding="utf-8", **_json_as_is())
        with reader:
            for chunk in reader:
                chunk.columns = [str(c) for c in chunk.columns]
                if columns is not None:
                    chunk = chunk.reindex(columns=columns)
                chunk.index = pd.RangeIndex(rows, rows + len(chunk))
                rows += len(chunk)
                yield chunk
    except UnicodeDecodeError:
        raise _decode_error(path) from None
    except ValueError as exc:
        line, column, msg = _locate_bad_json(path)
        raise DataError(
            msg or f"invalid JSON Lines: {_first_line(exc)}", path=path, line=line, column=column
        ) from None
    if rows == 0:
        raise DataError("file is empty (no JSON objects)", path=path)


def _json_as_is() -> dict[str, Any]:
    """Keep JSON's own types: no guessing of dates from column names. pandas 3 deprecates
    convert_dates and turns it off with dtype=False; pandas 2 needs it said explicitly."""
    import pandas as pd

    if int(pd.__version__.split(".")[0]) >= 3:
        return {"dtype": False}
    return {"dtype": False, "convert_dates": False}


def _locate_bad_json(path: Path) -> tuple[int | None, int | None, str | None]:
    """Error path only: find the first line that is not a JSON object."""
    with _text_opener(path)() as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                return number, exc.colno, f"invalid JSON: {exc.msg}"
            except PARSE_LIMIT_ERRORS as exc:
                return number, None, parse_limit_message(exc)
            if not isinstance(record, dict):
                return number, None, f"expected a JSON object per line, got {type(record).__name__}"
    return None, None, None


def file_size(path: str | Path) -> int:
    return os.path.getsize(path)
