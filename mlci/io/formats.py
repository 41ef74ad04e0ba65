"""Which reader a dataset path needs, decided by its extension."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from mlci.errors import DataError

__all__ = ["DataFormat", "detect_format"]


class DataFormat(str, Enum):
    CSV = "csv"
    TSV = "tsv"
    PARQUET = "parquet"
    JSONL = "jsonl"


_SUFFIXES = {
    ".csv": DataFormat.CSV,
    ".tsv": DataFormat.TSV,
    ".parquet": DataFormat.PARQUET,
    ".pq": DataFormat.PARQUET,
    ".jsonl": DataFormat.JSONL,
    ".ndjson": DataFormat.JSONL,
}
_COMPRESSION = (".gz", ".bz2", ".zst", ".xz", ".zip")


def detect_format(path: str | Path) -> DataFormat:
    """``data.csv`` -> CSV, ``data.jsonl.gz`` -> JSONL; anything else is a clear error."""
    path = Path(path)
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _COMPRESSION:
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    known = ", ".join(sorted(_SUFFIXES))
    raise DataError(f"unknown data format (expected one of {known})", path=path)
