"""The partitions of a dataset, as plain picklable data a worker process can re-open.

A stand-in until ``mlci.io.dataset`` (partitioned and fsspec datasets) lands: a file is
one partition; a directory is every data file under it, in path order, hidden files and
``_SUCCESS``/``_metadata``-style files ignored. Parquet partitions know their row count
from the footer, so their global row numbers are known before any is read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from mlci.errors import DataError
from mlci.io.formats import DataFormat, detect_format
from mlci.io.readers import DataSource, open_source

__all__ = [
    "Partition",
    "Partitioned",
    "count_rows",
    "fingerprint_partitioned",
    "open_partitioned",
    "open_partition",
]


@dataclass(frozen=True)
class Partition:
    location: str
    format: DataFormat
    rows: int | None  # known up front for Parquet (footer), else None


@dataclass(frozen=True)
class Partitioned:
    """A dataset as its partitions; ``columns`` are the first partition's."""

    path: Path
    partitions: list[Partition]
    columns: list[str]

    @property
    def total_rows(self) -> int | None:
        rows = [p.rows for p in self.partitions]
        return None if any(r is None for r in rows) else sum(r for r in rows if r is not None)


def open_partition(partition: Partition) -> DataSource:
    return open_source(partition.location)


def count_rows(partition: Partition, chunk_rows: int) -> int:
    """A partition's rows: the footer's count for Parquet, else a read of one column."""
    source = open_partition(partition)
    if source.total_rows is not None:
        return source.total_rows
    return sum(len(c) for c in source.chunks(chunk_rows=chunk_rows, columns=source.columns[:1]))


def fingerprint_partitioned(data: Partitioned) -> str:
    """A file's sha256; for several partitions, the sha256 of each one's relative path and sha256."""
    from mlci.io.fingerprint import sha256_file

    if len(data.partitions) == 1 and not data.path.is_dir():
        return sha256_file(data.partitions[0].location)
    digest = hashlib.sha256()
    for p in data.partitions:
        relative = Path(p.location).relative_to(data.path).as_posix()
        digest.update(f"{relative}\0{sha256_file(p.location)}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def _data_files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if any(p.startswith((".", "_")) for p in parts) or not path.is_file():
            continue
        try:
            detect_format(path)
        except DataError:
            continue
        found.append(path)
    return found


def open_partitioned(path: str | Path) -> Partitioned:
    """A file or a directory of partitions, checked to exist and hold data."""
    path = Path(path)
    files = _data_files(path) if path.is_dir() else [path]
    if not files:
        raise DataError("no data files (CSV, TSV, Parquet, JSON Lines) in this directory", path=path)
    sources = [open_source(f) for f in files]
    partitions = [Partition(str(s.path), s.format, s.total_rows) for s in sources]
    return Partitioned(path, partitions, sources[0].columns)
