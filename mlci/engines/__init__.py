"""Where the checks run: ``local`` (this process, chunks and threads) or ``dask`` (a cluster).

Both engines run the same check code (the validation accumulators, drift's statistics)
and give the same results; only where the partitions are read and fed differs. Nothing
here imports dask until ``--engine dask`` asks for it.
"""

from mlci.engines.options import DEFAULT_CONNECT_TIMEOUT, ENGINE_NAMES, EngineName, EngineOptions

__all__ = ["ENGINE_NAMES", "DEFAULT_CONNECT_TIMEOUT", "EngineName", "EngineOptions"]
