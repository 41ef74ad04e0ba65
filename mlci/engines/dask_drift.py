"""Drift on a Dask cluster: the local engine's statistics exactly, one column at a time.

Exact KS and Wasserstein need each column's whole distribution in order. Workers read
their partitions' values of one column (in parallel, each partition read only for the
columns tested); the client joins the pieces in partition order and runs the same
``prepare_column`` / ``compare_column`` code as the local engine, so statistics and
decisions are identical, not approximations. Cost: the client holds the column being
tested (8 bytes a row for numbers) for both datasets, a few columns at a time, as the
local engine does; no worker holds more than one partition's column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from mlci.checks.drift.reading import ColumnStore, read_columns
from mlci.engines.dask_cluster import gather
from mlci.engines.dask_validate import count_rows
from mlci.io.dataset import Partition, open_partition
from mlci.io.readers import DEFAULT_CHUNK_ROWS

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["DaskColumns"]


def _column(partition: Partition, name: str, text: list[str], chunk_rows: int) -> pd.Series:
    source = open_partition(partition)
    return read_columns(source, [name], text_columns=text, chunk_rows=chunk_rows).pop(name)


class DaskColumns:
    """A partitioned dataset's columns, each read on the workers when it is tested.

    Satisfies drift's ``Columns`` protocol; ``pop`` may be called from several threads
    (the client is thread-safe), so a few columns are read at the same time.
    """

    def __init__(
        self,
        client: Client,
        partitions: list[Partition],
        *,
        text_columns: list[str],
        timeout: float,
        chunk_rows: int = DEFAULT_CHUNK_ROWS,
    ) -> None:
        self._client = client
        self._partitions = partitions
        self._text = text_columns
        self._timeout = timeout
        self._chunk_rows = chunk_rows
        rows = [p.rows for p in partitions]
        if any(r is None for r in rows):
            futures = client.map(count_rows, partitions, chunk_rows=chunk_rows, pure=False)
            rows = gather(client, futures, timeout)
        self.rows = sum(int(r or 0) for r in rows)

    def pop(self, name: str) -> pd.Series:
        futures = [
            self._client.submit(_column, p, name, self._text, self._chunk_rows, pure=False)
            for p in self._partitions
        ]
        store = ColumnStore()
        for piece in gather(self._client, futures, self._timeout):
            store.add(piece.to_frame(name), copy=False)
        return store.pop(name)
