"""One chunk of one column under its declared dtype: the one form every rule runs on.

Two front ends build it: ``arrow_dtypes`` from Arrow columns (CSV and Parquet, no pandas)
and ``dtypes`` from pandas Series (JSON Lines, DataFrames, and the few Arrow columns whose
meaning pandas decides). The rules (``rules``) and ``unique`` see only this form, so each
check is written once whatever read the data.

Values by kind, valid where ``missing`` and ``bad`` are both False (elsewhere anything):
- ``number``: a numpy int or float array;
- ``bool``: a numpy bool array;
- ``datetime``: numpy ``datetime64`` instants in UTC (naive columns: as written), with the
  column's time zone in ``tz``;
- ``text``: an Arrow string array, or a Python list when Arrow cannot hold the values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from mlci.checks.validation.results import json_safe

__all__ = ["Examples", "Kind", "Typed", "arrow_examples"]

Kind = Literal["number", "bool", "datetime", "text"]


@dataclass(frozen=True)
class Examples:
    """What a failing row shows: its value (as JSON) and its global 0-based row number."""

    value: Callable[[int], Any]  # position in the chunk -> a JSON-safe value
    first_row: int  # rows of the chunk are first_row, first_row + 1, ...
    rows: np.ndarray | None = None  # or these row numbers, when not contiguous

    def row(self, position: int) -> int:
        return self.first_row + position if self.rows is None else int(self.rows[position])


@dataclass(frozen=True)
class Typed:
    kind: Kind
    values: Any
    missing: np.ndarray
    bad: np.ndarray
    original: Examples  # the value as the file holds it (dtype, nullable and text checks)
    shown: Examples  # the value under its dtype (bounds: 130, not "130")
    tz: str | None = None

    @property
    def valid(self) -> np.ndarray:
        valid: np.ndarray = ~(self.missing | self.bad)
        return valid


def arrow_examples(array: Any, first_row: int) -> Examples:
    """Examples read one value at a time from an Arrow array (no conversion of the column)."""

    def value(position: int) -> Any:
        scalar = array[position]
        if not scalar.is_valid:
            return None
        return json_safe(scalar.as_py())

    return Examples(value, first_row)
