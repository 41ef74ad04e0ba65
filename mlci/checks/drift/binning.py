"""Histograms and frequency vectors built the way Evidently builds them.

Evidently's binned methods (``jensenshannon``, ``psi``, ``kl_div``) compare *percent*
vectors: for a numeric column whose reference has more than 20 distinct values, the
shares of each side in Sturges bins spanning both samples; otherwise the share of each
distinct value. ``psi`` and ``kl_div`` then replace empty cells by a tiny share so the
logarithms stay finite. Everything here works on already sorted arrays, so a histogram
costs a ``searchsorted`` of the edges instead of a pass over the data.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "BINNED_MIN_DISTINCT",
    "sturges_edges",
    "sorted_histogram",
    "fill_zeroes",
    "distinct_count",
]

# Evidently bins numeric data only when the reference has more than this many values.
BINNED_MIN_DISTINCT = 20


def sturges_edges(low: float, high: float, size: int, *, integer: bool = False) -> np.ndarray:
    """``np.histogram_bin_edges(a, bins="sturges")`` from a's min, max and size alone.

    ``integer`` mirrors numpy's rule that integer data never gets bins narrower than 1.
    """
    ptp = high - low
    width = ptp / (math.log2(size) + 1.0) if size > 0 else 0.0
    first, last = (low - 0.5, high + 0.5) if low == high else (low, high)
    if width:
        if integer and width < 1:
            width = 1
        bins = int(np.ceil((last - first) / width))
    else:
        bins = 1
    return np.linspace(first, last, bins + 1, endpoint=True, dtype=np.float64)


def sorted_histogram(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """``np.histogram(values, edges)[0]`` for sorted ``values``: last bin closed, as numpy."""
    cuts = np.searchsorted(values, edges[:-1], side="left")
    end = np.searchsorted(values, edges[-1], side="right")
    return np.diff(np.append(cuts, end)).astype(np.int64)


def fill_zeroes(percents: np.ndarray) -> np.ndarray:
    """Evidently's ``feel_zeroes``: empty cells get a share far below any observed one."""
    out = percents.astype(np.float64, copy=True)
    nonzero = out[out != 0]
    if nonzero.size == 0:
        return out
    smallest = float(nonzero.min())
    out[out == 0] = smallest / 10**6 if smallest <= 0.0001 else 0.0001
    return out


def distinct_count(values: np.ndarray) -> int:
    """How many different values a sorted array holds."""
    if values.size == 0:
        return 0
    return int(np.count_nonzero(values[1:] != values[:-1])) + 1
