"""A dataset of one or many files, local or behind an fsspec URL, read like one file.

The contract other layers (and the Dask engine) code against::

    open_dataset(spec) -> Dataset          file, directory, glob or URL; DataError (exit 2)
    Partition                              plain, picklable: location, format, rows, ...
    Dataset(DataSource)                    partitions, columns, format, total_rows, location
        .chunks(chunk_rows=, text_columns=, columns=) -> Iterator[DataFrame]
                                           partitions in order; the row index is global
    open_partition(p) -> DataSource        one partition, readable in any process; its
                                           row index starts at 0 (add ``p.first_row``)
    open_data(spec) -> DataSource          what the commands call: a plain ``DataSource``
                                           for one local file (exactly as before), else a Dataset
    fingerprint(source) -> "sha256:<hex>"  lineage of a file or of a whole dataset
    source_label(source) -> str            how to name it to users (URLs redacted)

A ``Dataset`` *is* a ``DataSource`` (same fields, same ``chunks``), so every check that
reads a file reads a dataset unchanged. Its ``path`` is the spec as a Path, for labels
only; ``location`` is the spec as given, redacted. Hive ``key=value`` directories become
columns (``mlci.io.hive``); which files count and their order: ``mlci.io.partitions``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mlci.errors import MlciError
from mlci.io.hive import add_hive_columns
from mlci.io.locations import has_glob, is_url, local_path, redact_url
from mlci.io.partitions import Partition, find_partitions
from mlci.io.readers import DEFAULT_CHUNK_ROWS, DataSource, open_source

__all__ = [
    "Dataset",
    "Partition",
    "PartitionSource",
    "fingerprint",
    "open_data",
    "open_dataset",
    "open_partition",
    "source_label",
]


@dataclass(frozen=True)
class PartitionSource(DataSource):
    """One partition as a ``DataSource``: its file's rows plus its hive key columns."""

    partition: Partition

    def chunks(
        self,
        *,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        text_columns: Iterable[str] = (),
        columns: list[str] | None = None,
    ) -> Iterator[pd.DataFrame]:
        """Yield the partition in chunks; the row index starts at 0 in every partition."""
        part = self.partition
        text = frozenset(text_columns)
        own = list(part.columns)
        hive = [h for h in part.hive_columns if columns is None or h.name in columns]
        read = None if columns is None else [c for c in columns if c in own]
        keep_none = read is not None and not read
        if keep_none:
            read = own[:1]  # not every format can read no column at all: read one, drop it
        values = dict(part.hive)
        with _readable(part) as path:
            try:
                source = open_source(path)
                for chunk in source.chunks(
                    chunk_rows=chunk_rows, text_columns=[c for c in text if c in own], columns=read
                ):
                    if keep_none:
                        chunk = chunk.iloc[:, :0]
                    yield add_hive_columns(chunk, hive, values, text)
            except MlciError as exc:
                if exc.path == str(path):
                    exc.path = part.shown  # the staged copy's name means nothing to the user
                raise


@contextmanager
def _readable(part: Partition) -> Iterator[Path]:
    """A local file with the partition's bytes: itself, or a copy of a remote one."""
    if not is_url(part.location):
        yield Path(part.location)
        return
    from mlci.io.remote import RemoteFile, filesystem, stage

    fs = filesystem(part.location)
    name = Path(part.relative or part.location.rsplit("/", 1)[-1]).name
    suffix = "".join(Path(name).suffixes[-2:])  # .csv.gz keeps both: the reader goes by them
    copy = stage(RemoteFile(fs, fs._strip_protocol(part.location)), suffix)
    try:
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def open_partition(partition: Partition) -> DataSource:
    """One partition, readable in this or any other process (nothing is opened yet)."""
    names = list(partition.columns) + [
        h.name for h in partition.hive_columns if h.name not in partition.columns
    ]
    return PartitionSource(Path(partition.shown), partition.format, names, partition.rows, partition)


@dataclass(frozen=True)
class Dataset(DataSource):
    """Every partition of a dataset, read in order as one table."""

    partitions: list[Partition]
    location: str  # the spec as given, URL redacted: how users name it

    def chunks(
        self,
        *,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        text_columns: Iterable[str] = (),
        columns: list[str] | None = None,
    ) -> Iterator[pd.DataFrame]:
        """Yield every partition's chunks in order; the row index runs on across partitions."""
        text = list(text_columns)
        rows = 0
        for part in self.partitions:
            for chunk in open_partition(part).chunks(
                chunk_rows=chunk_rows, text_columns=text, columns=columns
            ):
                if columns is None and list(chunk.columns) != self.columns:
                    chunk = chunk[self.columns]  # a CSV partition may order its header differently
                chunk.index = pd.RangeIndex(rows, rows + len(chunk))
                rows += len(chunk)
                yield chunk


def open_dataset(spec: str | os.PathLike[str]) -> Dataset:
    """Find and probe every partition of ``spec`` (a file counts as one); reads no rows."""
    text = os.fspath(spec)
    partitions = find_partitions(text)
    first = partitions[0]
    columns = list(first.columns) + [h.name for h in first.hive_columns]
    counts = [p.rows for p in partitions]
    total = sum(c for c in counts if c is not None) if all(c is not None for c in counts) else None
    location = redact_url(text) if is_url(text) else text
    return Dataset(Path(location), first.format, columns, total, partitions, location)


def open_data(spec: str | os.PathLike[str]) -> DataSource:
    """What a command reads: one local file as a plain ``DataSource``, anything else a Dataset."""
    text = os.fspath(spec)
    if not is_url(text):
        path = local_path(text)
        if not path.is_dir() and not (has_glob(str(path)) and not path.exists()):
            return open_source(path)  # one file: exactly as before, errors included
    return open_dataset(text)


def source_label(source: DataSource) -> str:
    """The name users know the data by (a URL without its credentials)."""
    return source.location if isinstance(source, Dataset) else str(source.path)


def fingerprint(source: DataSource) -> str:
    """``sha256:<hex>`` of a file's bytes; for a Dataset, of its partitions' list.

    A dataset's fingerprint is the sha256 of one line per partition, in order:
    ``<path below the root>\\0<sha256 hex of its bytes>\\n``. Renaming, adding,
    removing, reordering or changing a partition changes it; where the dataset lives
    (which directory, bucket or machine) does not.
    """
    from mlci.io.fingerprint import sha256_file

    if not isinstance(source, Dataset):
        return sha256_file(source.path)
    digest = hashlib.sha256()
    for part in source.partitions:
        if is_url(part.location):
            content = _sha256_remote(part)
        else:
            content = sha256_file(part.location).removeprefix("sha256:")
        digest.update(f"{part.relative}\0{content}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def _sha256_remote(part: Partition) -> str:
    from mlci.io.remote import RemoteFile, filesystem, fs_call, open_remote

    fs = filesystem(part.location)
    file = RemoteFile(fs, fs._strip_protocol(part.location))
    digest = hashlib.sha256()
    with open_remote(file) as handle:
        for block in iter(lambda: fs_call(file.url, lambda: handle.read(1 << 20)), b""):
            digest.update(block)
    return digest.hexdigest()
