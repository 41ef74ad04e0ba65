"""Recognise values a column of a schema cannot describe: lists, objects, raw bytes.

Parquet struct/list/map columns and JSON Lines arrays or objects arrive in pandas as
Python dicts, lists or arrays; binary columns as bytes. Schemas describe scalar columns,
so the checks turn such a column into a located error naming it, not a crash.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mlci.errors import DataError, InputError

__all__ = ["nested_kind", "nested_column_error"]

_KINDS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (dict, "objects (a struct or map)"),
    ((list, tuple, np.ndarray), "lists"),
    ((bytes, bytearray, memoryview), "binary values"),
)


def nested_kind(series: pd.Series) -> str | None:
    """What non-scalar values ``series`` holds ("lists", ...), or None if it holds none.

    Only object columns can hold them; called on the error path, so a Python pass is fine.
    """
    if series.dtype != np.dtype(object):
        return None
    for types, kind in _KINDS:
        if series.map(lambda value, types=types: isinstance(value, types)).any():
            return kind
    return None


def nested_column_error(
    column: str, kind: str, path: str | Path | None, error: type[InputError] = DataError
) -> InputError:
    return error(
        f"column {column!r} holds {kind}; mlci checks columns of single values "
        "(numbers, text, dates): flatten the column or leave it out",
        path=path,
    )
