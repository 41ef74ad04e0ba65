"""The engine the options ask for (for the length of one run), and the datasets it reads."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mlci.engines.base import Engine
from mlci.engines.options import EngineOptions

__all__ = ["fingerprint", "open_data", "open_engine"]


def open_data(options: EngineOptions, path: str | Path) -> Any:
    """The dataset at ``path``, checked before any cluster is reached (bad input fails fast).

    The local engine reads one file; the Dask engine also takes a directory of partitions.
    """
    if options.is_dask:
        from mlci.engines.partitions import open_partitioned

        return open_partitioned(path)
    from mlci.io.readers import open_source

    return open_source(path)


def fingerprint(data: Any) -> str:
    """``sha256:<hex>`` of a dataset (of its partitions' paths and contents when several)."""
    from mlci.engines.partitions import Partitioned, fingerprint_partitioned
    from mlci.io.fingerprint import sha256_file

    if isinstance(data, Partitioned):
        return fingerprint_partitioned(data)
    return sha256_file(data.path)


@contextmanager
def open_engine(options: EngineOptions) -> Iterator[Engine]:
    """The local engine, or a Dask engine connected (or a local cluster started) for the run."""
    if not options.is_dask:
        from mlci.engines.local import LocalEngine

        yield LocalEngine()
        return
    from mlci.engines.dask import DaskEngine
    from mlci.engines.dask_cluster import dask_client

    with dask_client(options) as client:
        yield DaskEngine(client, options.connect_timeout)
