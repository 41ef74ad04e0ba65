"""Content fingerprints of data files, for lineage in reports and the registry."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mlci.errors import DataError

__all__ = ["sha256_file"]

_BLOCK = 1 << 20


def sha256_file(path: str | Path) -> str:
    """``sha256:<hex>`` of the file's bytes, read in blocks (bounded memory)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(_BLOCK), b""):
                digest.update(block)
    except FileNotFoundError:
        raise DataError("file not found", path=path) from None
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror}", path=path) from None
    return f"sha256:{digest.hexdigest()}"
