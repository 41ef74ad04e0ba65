"""Layer 2: read datasets (whole or in chunks, one file or partitions, local or fsspec URLs),
fingerprint files, run git, talk HTTP.

Submodules are imported on first use: ``mlci.io.http`` must not pull in pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "DataFormat",
    "DataSource",
    "Dataset",
    "Partition",
    "detect_format",
    "fingerprint",
    "open_data",
    "open_dataset",
    "open_partition",
    "open_source",
    "read_frame",
    "sha256_file",
]

_HOMES = {
    "sha256_file": "mlci.io.fingerprint",
    "DataFormat": "mlci.io.formats",
    "detect_format": "mlci.io.formats",
    "DEFAULT_CHUNK_ROWS": "mlci.io.readers",
    "DataSource": "mlci.io.readers",
    "open_source": "mlci.io.readers",
    "read_frame": "mlci.io.readers",
    "Dataset": "mlci.io.dataset",
    "Partition": "mlci.io.dataset",
    "fingerprint": "mlci.io.dataset",
    "open_data": "mlci.io.dataset",
    "open_dataset": "mlci.io.dataset",
    "open_partition": "mlci.io.dataset",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'mlci.io' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
