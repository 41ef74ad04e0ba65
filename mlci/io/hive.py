"""Hive-style partition keys: ``year=2024/month=05/part-0.parquet`` adds columns.

Spark, Hive and ``pyarrow.dataset`` turn each ``key=value`` directory into a column, and
users of them expect to check those columns like any other, so mlci does too. The
columns come after the files' own columns, in directory order. Their type is decided
once for the whole dataset, as Spark does: ``int`` when every value is an integer,
``float`` when every value is a number, else ``string``; a column the schema reads as
text (``dtype: string`` / ``category``) keeps the directory's text as written. Values
are URL-decoded (Hive escapes ``/``, ``=`` and ``%`` that way) and
``__HIVE_DEFAULT_PARTITION__`` (Hive's null) or an empty value is missing.

A key that is also a column inside the files is not added: the files' values win.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

import numpy as np
import pandas as pd

__all__ = ["HiveColumn", "add_hive_columns", "hive_columns", "hive_pairs"]

NULL_VALUES = ("", "__HIVE_DEFAULT_PARTITION__")
_INT = re.compile(r"^[+-]?\d{1,18}$")


def hive_pairs(directories: Sequence[str]) -> tuple[tuple[str, str | None], ...]:
    """``("year=2024", "raw", "m=5")`` -> ``(("year", "2024"), ("m", "5"))``."""
    pairs = []
    for name in directories:
        key, sep, value = name.partition("=")
        if sep and key:
            text = unquote(value)
            pairs.append((unquote(key), None if text in NULL_VALUES else text))
    return tuple(pairs)


@dataclass(frozen=True)
class HiveColumn:
    name: str
    kind: str  # "int", "float" or "string"


def hive_columns(values: dict[str, list[str | None]]) -> list[HiveColumn]:
    """The type of each key, decided over every partition's value of it."""
    return [HiveColumn(name, _kind([v for v in found if v is not None])) for name, found in values.items()]


def _kind(values: list[str]) -> str:
    if values and all(_INT.match(v) for v in values):
        return "int"
    try:
        if values:
            [float(v) for v in values]  # a few distinct directory names, not rows
            return "float"
    except ValueError:
        pass
    return "string"


def add_hive_columns(
    chunk: pd.DataFrame,
    columns: Sequence[HiveColumn],
    values: dict[str, str | None],
    text_columns: frozenset[str],
) -> pd.DataFrame:
    """``chunk`` with one constant column per key (a scalar broadcast, no per-row work)."""
    if not columns:
        return chunk
    added = {
        column.name: _constant(column, values.get(column.name), chunk.index, text_columns)
        for column in columns
    }
    return chunk.assign(**added)


def _constant(column: HiveColumn, value: str | None, index: pd.Index, text: frozenset[str]) -> pd.Series:
    if column.kind == "string" or column.name in text:
        return pd.Series(np.nan if value is None else value, index=index, dtype=str)
    if value is None:
        return pd.Series(np.nan, index=index, dtype=np.float64)  # as a CSV column with a gap reads
    if column.kind == "int":
        return pd.Series(int(value), index=index, dtype=np.int64)
    return pd.Series(float(value), index=index, dtype=np.float64)
