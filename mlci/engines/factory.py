"""The engine the options ask for, for the length of one run.

Both engines take what ``mlci.io.open_data`` opens: a file, or a Dataset of partitions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mlci.engines.base import Engine
from mlci.engines.options import EngineOptions

__all__ = ["open_engine"]


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
