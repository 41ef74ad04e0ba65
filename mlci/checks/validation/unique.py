"""``unique`` across a whole file read in chunks, in memory proportional to 8 bytes a row."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from mlci.checks.validation.results import MAX_EXAMPLES, ViolationResult, json_safe

__all__ = ["UniqueTracker", "FetchRows"]

# (column, 0-based row numbers) -> the original values at those rows
FetchRows = Callable[[str, list[int]], list[object]]


class UniqueTracker:
    """Keeps a 64-bit hash of each present value; duplicates are found once, at the end.

    A duplicate is a row whose value appeared on an earlier row (pandas ``duplicated()``).
    Missing values are never duplicates of each other.
    """

    def __init__(self, column: str, expected: str) -> None:
        self.column = column
        self.expected = expected
        self._hashes: list[np.ndarray] = []
        self._rows: list[np.ndarray] = []

    def feed(self, values: pd.Series, present: pd.Series) -> None:
        kept = values[present.to_numpy()]
        if kept.empty:
            return
        if kept.dtype == object:
            # Hash text and numbers alike: "7" and 7 in a JSON id column are the same id.
            kept = kept.astype(str)
        self._hashes.append(pd.util.hash_pandas_object(kept, index=False).to_numpy())
        self._rows.append(kept.index.to_numpy(dtype=np.int64))

    def finish(self, fetch: FetchRows) -> ViolationResult | None:
        if not self._hashes:
            return None
        hashes = np.concatenate(self._hashes)
        rows = np.concatenate(self._rows)
        self._hashes.clear()
        self._rows.clear()
        duplicated = pd.Series(hashes).duplicated(keep="first").to_numpy()
        count = int(duplicated.sum())
        if count == 0:
            return None
        first = rows[duplicated][:MAX_EXAMPLES].tolist()
        examples = [json_safe(v) for v in fetch(self.column, first)]
        return ViolationResult(
            self.column, "unique", count, examples, [r + 1 for r in first], self.expected
        )
