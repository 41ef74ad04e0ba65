"""Results of schema validation: failures are data, with reason codes and examples."""

from __future__ import annotations

import datetime as dt
import math
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from mlci.checks.validation.typed import Examples
from mlci.vocab import CHECK_ORDER, ViolationCheck

__all__ = ["MAX_EXAMPLES", "ViolationResult", "ValidationOutcome", "Tally", "json_safe"]

MAX_EXAMPLES = 5
# Found from the column names alone, before any row: every partial holds the same finding.
_SAME_IN_EVERY_PARTIAL = ("missing_column", "extra_column")


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
    """A value from a DataFrame or an Arrow array as plain JSON: numpy scalars unwrapped,
    NaN/NaT -> None."""
    pd = sys.modules.get("pandas")  # a pandas value can only come from an imported pandas
    if value is None or (pd is not None and value is pd.NaT):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None if math.isnan(value) else str(value)
    if isinstance(value, (dt.datetime, dt.date)):  # pandas.Timestamp is a datetime
        return value.isoformat()
    if isinstance(value, (bool, int, float, str)):
        return value
    if pd is not None:
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
        mask: np.ndarray,
        examples: Examples | None,
        expected: str | None = None,
    ) -> None:
        """Count the rows ``mask`` marks and keep the first few examples (by global row)."""
        count = int(np.count_nonzero(mask))
        if count == 0:
            return
        item = self._items.get((column, check))
        if item is None:
            item = ViolationResult(column, check, 0, expected=expected)
            self._items[(column, check)] = item
        item.failed_count += count
        if examples is None:
            return
        positions = np.flatnonzero(mask)[:MAX_EXAMPLES].tolist()
        full = len(item.examples) >= MAX_EXAMPLES
        if full and examples.row(positions[0]) + 1 > item.example_rows[-1]:
            return  # the usual case: chunks come in row order and the first examples are kept
        # One value at a time: a take on Arrow-backed text would copy the whole column.
        _keep_first(item, [(examples.row(p) + 1, examples.value(p)) for p in positions])

    def merge(self, other: Tally) -> None:
        """Add the counts of a partial fed on other rows; keep the first examples of both."""
        for key, theirs in other._items.items():
            mine = self._items.get(key)
            if mine is None:
                self._items[key] = ViolationResult(
                    theirs.column, theirs.check, theirs.failed_count,
                    list(theirs.examples), list(theirs.example_rows), theirs.expected,
                )  # fmt: skip
            elif key[1] not in _SAME_IN_EVERY_PARTIAL:
                mine.failed_count += theirs.failed_count
                _keep_first(mine, list(zip(theirs.example_rows, theirs.examples, strict=True)))

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


def _keep_first(item: ViolationResult, found: list[tuple[int, Any]]) -> None:
    """Keep the MAX_EXAMPLES examples with the lowest (1-based) row numbers, in row order."""
    merged = sorted([*zip(item.example_rows, item.examples, strict=True), *found], key=lambda p: p[0])
    merged = merged[:MAX_EXAMPLES]
    item.example_rows[:] = [row for row, _ in merged]
    item.examples[:] = [value for _, value in merged]
