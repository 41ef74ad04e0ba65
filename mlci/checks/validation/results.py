"""Results of schema validation: failures are data, with reason codes and examples."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mlci.vocab import CHECK_ORDER, ViolationCheck

__all__ = ["MAX_EXAMPLES", "ViolationResult", "ValidationOutcome", "Tally", "json_safe"]

MAX_EXAMPLES = 5


@dataclass
class ViolationResult:
    column: str | None
    check: ViolationCheck
    failed_count: int
    examples: list[Any] = field(default_factory=list)
    example_rows: list[int] = field(default_factory=list)  # 1-based
    expected: str | None = None


@dataclass
class ValidationOutcome:
    rows: int
    columns: int
    violations: list[ViolationResult]
    # Every check that ran, as (column, check); column None for table-level checks.
    checks: list[tuple[str | None, str]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.violations


def json_safe(value: Any) -> Any:
    """A value from a DataFrame as plain JSON: numpy scalars unwrapped, NaN/NaT -> None."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None if math.isnan(value) else str(value)
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (bool, int, float, str)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


class Tally:
    """Counts failures per (column, check) across chunks and keeps the first examples."""

    def __init__(self) -> None:
        self._items: dict[tuple[str | None, str], ViolationResult] = {}

    def add(
        self,
        column: str | None,
        check: ViolationCheck,
        mask: pd.Series | np.ndarray,
        original: pd.Series | None,
        expected: str | None = None,
    ) -> None:
        """Count the rows ``mask`` marks (aligned with ``original``) and keep a few examples."""
        mask = np.asarray(mask, dtype=bool)
        count = int(np.count_nonzero(mask))
        if count == 0:
            return
        item = self._items.get((column, check))
        if item is None:
            item = ViolationResult(column, check, 0, expected=expected)
            self._items[(column, check)] = item
        item.failed_count += count
        room = MAX_EXAMPLES - len(item.examples)
        if room > 0 and original is not None:
            # One value at a time: a take on Arrow-backed text would copy the whole column.
            for position in np.flatnonzero(mask)[:room].tolist():
                item.examples.append(json_safe(original.iloc[position]))
                item.example_rows.append(int(original.index[position]) + 1)

    def add_one(self, column: str | None, check: ViolationCheck, example: Any, expected: str) -> None:
        self._items[(column, check)] = ViolationResult(
            column, check, 1, [json_safe(example)] if example is not None else [], [], expected
        )

    def put(self, item: ViolationResult) -> None:
        self._items[(item.column, item.check)] = item

    def results(self, order: list[str | None]) -> list[ViolationResult]:
        """Violations in schema column order, then by the canonical order of checks."""
        rank = {name: i for i, name in enumerate(order)}
        return sorted(
            self._items.values(),
            key=lambda v: (
                -1 if v.column is None else rank.get(v.column, len(rank)),
                CHECK_ORDER.index(v.check),
            ),
        )
