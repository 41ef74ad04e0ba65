"""Which allocator Arrow reads into: one whose cost does not swing with the machine's state.

pyarrow's default pool on Linux is mimalloc, which commits its arenas eagerly. On VMs
with transparent huge pages in ``madvise`` mode, reading two 1M-row Parquet files then
costs from 0.2 to 5.5 s of *system* time from one run to the next (the same read with
``MIMALLOC_ARENA_EAGER_COMMIT=0``, jemalloc or the system allocator: a steady 0.3 s).
Large reads therefore use jemalloc where pyarrow has it, else the system allocator.
A user's own choice (``ARROW_DEFAULT_MEMORY_POOL``) is left alone.
"""

from __future__ import annotations

import os
import threading

__all__ = ["use_steady_memory_pool"]

_lock = threading.Lock()
_done = False


def use_steady_memory_pool() -> None:
    """Make jemalloc (or the system allocator) Arrow's default pool, once per process."""
    global _done
    with _lock:
        if _done:
            return
        _done = True
        if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
            return
        import pyarrow as pa

        if pa.default_memory_pool().backend_name != "mimalloc":
            return
        try:
            pool = pa.jemalloc_memory_pool()
        except NotImplementedError:  # a build without jemalloc (Windows, some conda builds)
            pool = pa.system_memory_pool()
        pa.set_memory_pool(pool)
