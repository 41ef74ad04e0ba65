"""``unique`` across partitions on a cluster, without shipping every row's hash to the client.

On each worker a partition's present values become (64-bit hash, global row) pairs, the
same hashes the local engine uses, split by the hash's top bits into groups. Equal values
share a group, so each group is reduced on its own, on a worker, over the pieces of every
partition in partition order: the client receives only counts and the first few rows.
The pairs cost 16 bytes a row of a unique column, spread over the workers; the largest
object any task holds is one group, about ``GROUP_BYTES``, however many rows there are.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from mlci.checks.validation.results import MAX_EXAMPLES
from mlci.checks.validation.typed import Typed
from mlci.checks.validation.unique import typed_hashes

__all__ = ["GROUP_BYTES", "GroupedHashes", "Piece", "duplicates_in_group", "group_bits"]

GROUP_BYTES = 64 << 20  # one group's pairs, reduced by one task
_MAX_BITS = 10

Piece = tuple[np.ndarray, np.ndarray]  # (hashes, ascending global rows) of one group


def group_bits(rows: int) -> int:
    """Top bits that split ``rows`` pairs into groups of at most about ``GROUP_BYTES``."""
    groups = max(1, math.ceil(16 * rows / GROUP_BYTES))
    return min(_MAX_BITS, math.ceil(math.log2(groups)))


class GroupedHashes:
    """Takes a partial ``Validator``'s place of ``UniqueTracker`` on a worker.

    It receives exactly what the tracker receives (each chunk's typed values and their
    global rows) and hashes them the same way, so ``unique`` means what it means locally.
    """

    def __init__(self) -> None:
        self._hashes: list[np.ndarray] = []
        self._rows: list[np.ndarray] = []

    def feed_typed(self, typed: Typed, rows: np.ndarray) -> None:
        """The valid values of a typed chunk; ``rows`` are their global row numbers."""
        present = typed.valid
        if present.any():
            self.add(typed_hashes(typed, present), rows[present])

    def add(self, hashes: np.ndarray, rows: np.ndarray) -> None:
        """(hash, global row) pairs of present values, rows ascending."""
        self._hashes.append(hashes)
        self._rows.append(rows.astype(np.int64, copy=False))

    def finish(self, fetch: Any) -> None:
        return None  # the groups are reduced on the cluster instead

    def groups(self, bits: int) -> list[Piece]:
        """The pairs split into ``2**bits`` groups, rows ascending within each."""
        empty = (np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64))
        if not self._hashes:
            return [empty] * (1 << bits)
        hashes, rows = np.concatenate(self._hashes), np.concatenate(self._rows)
        self._hashes.clear()
        self._rows.clear()
        if bits == 0:
            return [(hashes, rows)]
        keys = (hashes >> np.uint64(64 - bits)).astype(np.int64)
        order = np.argsort(keys, kind="stable")  # rows keep ascending within a group
        bounds = np.searchsorted(keys[order], np.arange((1 << bits) + 1))
        hashes, rows = hashes[order], rows[order]
        return [
            (hashes[lo:hi].copy(), rows[lo:hi].copy()) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
        ]


def duplicates_in_group(*pieces: Piece) -> tuple[int, list[int]]:
    """(rows that repeat an earlier row's value, the first few such rows), pieces in row order."""
    hashes = np.concatenate([p[0] for p in pieces]) if pieces else np.empty(0, dtype=np.uint64)
    if hashes.size < 2:
        return 0, []
    ordered = np.sort(hashes)  # most groups have no repeat: a sort says so cheaply
    if not (ordered[1:] == ordered[:-1]).any():
        return 0, []
    rows = np.concatenate([p[1] for p in pieces])
    repeated = pd.Series(hashes, copy=False).duplicated(keep="first").to_numpy()
    return int(repeated.sum()), rows[repeated][:MAX_EXAMPLES].tolist()
