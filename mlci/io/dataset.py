"""A dataset of one or many files, local or behind an fsspec URL, read like one file.

The contract other layers (and the Dask engine) code against::

    open_dataset(spec, allow=None) -> Dataset
                                           file, directory, glob or URL; DataError (exit 2);
                                           ``allow(path)`` vets each local partition first
    Partition                              plain, picklable: location, format, rows, ...
    Dataset(DataSource)                    partitions, columns, format, total_rows, location
        .chunks(chunk_rows=, text_columns=, columns=) -> Iterator[DataFrame]
                                           partitions in order; the row index is global
    open_partition(p) -> DataSource        one partition, readable in any process; its
                                           row index starts at 0 (add ``p.first_row``)
    open_data(spec) -> DataSource          what the commands call: a plain ``DataSource``
                                           for one local file (exactly as before), else a Dataset
    sha256_data(source) -> "sha256:<hex>"  lineage of a file or of a whole dataset
                                           (also named ``fingerprint`` here)
    source_label(source) -> str            how to name it to users (URLs redacted)

A ``Dataset`` *is* a ``DataSource`` (same fields, same ``chunks``), so every check that
reads a file reads a dataset unchanged. Its ``path`` is the spec as a Path, for labels
only; ``location`` is the spec as given, redacted. Hive ``key=value`` directories become
columns (``mlci.io.hive``); which files count and their order: ``mlci.io.partitions``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlci.errors import DataError, MlciError
from mlci.io.formats import detect_format
from mlci.io.hive import add_hive_columns, add_hive_columns_arrow
from mlci.io.locations import has_glob, is_url, local_path, redact_url
from mlci.io.partitions import Partition, find_partitions
from mlci.io.readers import DEFAULT_CHUNK_ROWS, DataSource, open_source
from mlci.io.staging import copies_in_turn, local_copy

if TYPE_CHECKING:  # pandas only where DataFrames are read: validation on Arrow runs without it
    import pandas as pd

__all__ = [
    "Dataset",
    "Partition",
    "PartitionSource",
    "fingerprint",
    "sha256_data",
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
        with local_copy(self.partition) as path:
            yield from self.chunks_at(path, chunk_rows=chunk_rows, text_columns=text_columns, columns=columns)

    def batches(
        self,
        *,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        text_columns: Iterable[str] = (),
        columns: list[str] | None = None,
    ) -> Iterator[Any]:
        """As ``chunks``, as the file's ``DataSource.batches`` gives them (Arrow Tables
        where pyarrow reads it, else DataFrames), hive key columns added."""
        with local_copy(self.partition) as path:
            yield from self.chunks_at(
                path, chunk_rows=chunk_rows, text_columns=text_columns, columns=columns, arrow=True
            )

    def chunks_at(
        self,
        path: Path,
        *,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        text_columns: Iterable[str] = (),
        columns: list[str] | None = None,
        arrow: bool = False,
    ) -> Iterator[Any]:
        """The chunks (``arrow``: batches) read from ``path``: the partition or a local copy."""
        part = self.partition
        text = frozenset(text_columns)
        own = list(part.columns)
        hive = [h for h in part.hive_columns if columns is None or h.name in columns]
        keys = {h.name for h in part.hive_columns}
        read = None if columns is None else [c for c in columns if c not in keys]
        keep_none = read is not None and not read
        if keep_none:
            read = own[:1]  # not every format can read no column at all: read one, drop it
        values = dict(part.hive)
        try:
            # A local partition was opened (checked, its header read) when it was found; a
            # copy of a remote one is checked now, as a local file would have been.
            probed = Path(part.location) == path and part.columns
            source = DataSource(path, part.format, own, part.rows) if probed else open_source(path)
            reader: Callable[..., Iterator[Any]] = source.batches if arrow else source.chunks
            for chunk in reader(
                chunk_rows=chunk_rows, text_columns=[c for c in text if c in own], columns=read
            ):
                if _is_arrow(chunk):
                    chunk = chunk.select([]) if keep_none else chunk
                    yield add_hive_columns_arrow(chunk, hive, values, text)
                else:
                    chunk = chunk.iloc[:, :0] if keep_none else chunk
                    yield add_hive_columns(chunk, hive, values, text)
        except MlciError as exc:
            if exc.path == str(path):
                exc.path = part.shown  # the staged copy's name means nothing to the user
            raise


def _is_arrow(chunk: Any) -> bool:
    return hasattr(chunk, "schema") and hasattr(chunk, "num_rows")


def open_partition(partition: Partition) -> DataSource:
    """One partition, readable in this or any other process (nothing is opened yet)."""
    return _partition_source(partition)


def _partition_source(partition: Partition) -> PartitionSource:
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
        import pandas as pd

        text = list(text_columns)
        rows = 0
        for part, path in copies_in_turn(self.partitions):  # a remote one is fetched ahead
            source = _partition_source(part)
            for chunk in source.chunks_at(path, chunk_rows=chunk_rows, text_columns=text, columns=columns):
                if columns is None and list(chunk.columns) != self.columns:
                    chunk = self._as_one_file(chunk)
                chunk.index = pd.RangeIndex(rows, rows + len(chunk))
                rows += len(chunk)
                yield chunk

    def batches(
        self,
        *,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
        text_columns: Iterable[str] = (),
        columns: list[str] | None = None,
    ) -> Iterator[Any]:
        """Each partition's ``batches`` in order: Arrow Tables, whose rows follow on from the
        chunk before, and DataFrames, whose index is made global."""
        text = list(text_columns)
        rows = 0
        for part, path in copies_in_turn(self.partitions):  # a remote one is fetched ahead
            source = _partition_source(part)
            for chunk in source.chunks_at(
                path, chunk_rows=chunk_rows, text_columns=text, columns=columns, arrow=True
            ):
                if _is_arrow(chunk):
                    rows += int(chunk.num_rows)
                else:
                    import pandas as pd

                    if columns is None and list(chunk.columns) != self.columns:
                        chunk = self._as_one_file(chunk)
                    chunk.index = pd.RangeIndex(rows, rows + len(chunk))
                    rows += len(chunk)
                yield chunk

    def _as_one_file(self, chunk: pd.DataFrame) -> pd.DataFrame:
        """The columns one file would give: a CSV header may list them in another order;
        a JSON Lines partition may lack keys that a chunk of one file has (as missing)."""
        extra = [c for c in chunk.columns if c not in self.columns]
        return chunk.reindex(columns=self.columns + extra)


def open_dataset(spec: str | os.PathLike[str], *, allow: Callable[[Path], object] | None = None) -> Dataset:
    """Find and probe every partition of ``spec`` (a file counts as one); reads no rows.

    ``allow`` vets each local partition before it is opened (raise to refuse it).
    """
    text = os.fspath(spec)
    partitions = find_partitions(text, allow=allow)
    first = partitions[0]
    columns = list(first.columns) + [h.name for h in first.hive_columns]
    counts = [p.rows for p in partitions]
    total = sum(c for c in counts if c is not None) if all(c is not None for c in counts) else None
    location = redact_url(text) if is_url(text) else text
    return Dataset(Path(location), first.format, columns, total, partitions, location)


def open_data(spec: str | os.PathLike[str], *, allow: Callable[[Path], object] | None = None) -> DataSource:
    """What a command reads: one local file as a plain ``DataSource``, anything else a Dataset."""
    text = os.fspath(spec)
    if not is_url(text):
        path = local_path(text)
        missing = not path.exists()
        folder_like = missing and (has_glob(str(path)) or not _has_data_suffix(path))
        if not path.is_dir() and not folder_like:
            return open_source(path)  # one file: exactly as before, errors included
    return open_dataset(text, allow=allow)


def _has_data_suffix(path: Path) -> bool:
    try:
        detect_format(path)
    except DataError:
        return False
    return True


def source_label(source: DataSource) -> str:
    """The name users know the data by (a URL without its credentials)."""
    return source.location if isinstance(source, Dataset) else str(source.path)


def sha256_data(source: DataSource) -> str:
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


# The name the dataset-api commit gave it (``mlci.io`` exports it as ``sha256_data``: the
# package already has a ``fingerprint`` submodule).
fingerprint = sha256_data


def _sha256_remote(part: Partition) -> str:
    from mlci.io.remote import RemoteFile, filesystem, fs_call, open_remote

    fs = filesystem(part.location)
    file = RemoteFile(fs, fs._strip_protocol(part.location))
    digest = hashlib.sha256()
    with open_remote(file) as handle:
        for block in iter(lambda: fs_call(file.url, lambda: handle.read(1 << 20)), b""):
            digest.update(block)
    return digest.hexdigest()
