"""Compact, data-free summaries of a column's two distributions, for the report.

Numeric columns get the same at most 20 equal-width bins on both sides (one bin per
value for small integer ranges) and a five-number summary; categorical columns get their
top categories with counts on both sides, and the categories that appeared or vanished.
"""

from __future__ import annotations

import math

import numpy as np

from mlci.checks.drift.binning import sorted_histogram
from mlci.checks.drift.kinds import Prepared, SideValues
from mlci.checks.drift.results import Categories, CategoryCount, Histogram, SideSummary
from mlci.checks.drift.stattests import Counts, Sample

__all__ = ["MAX_BINS", "TOP_CATEGORIES", "side_summary", "histogram", "categories", "plain_value"]

MAX_BINS = 20
TOP_CATEGORIES = 10
LISTED_CHANGES = 5  # new / vanished categories listed by name


def _float(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _quantile(values: np.ndarray, q: float) -> float:
    """numpy's default (linear) quantile of a sorted array, without re-partitioning it."""
    at = (values.size - 1) * q
    low = int(math.floor(at))
    high = min(low + 1, values.size - 1)
    return float(values[low] + (at - low) * (values[high] - values[low]))


def side_summary(side: SideValues) -> SideSummary:
    summary = SideSummary(rows=side.rows, tested=side.tested, missing=side.missing, invalid=side.invalid)
    if side.sample is not None and side.sample.values.size:
        values = side.sample.values  # sorted
        q25, median, q75 = (_quantile(values, q) for q in (0.25, 0.5, 0.75))
        summary.mean = _float(float(values.mean()))
        summary.std = _float(side.sample.std)
        summary.min = float(values[0])
        summary.q25, summary.median, summary.q75 = q25, median, q75
        summary.max = float(values[-1])
    return summary


def _edges(low: float, high: float, integer: bool) -> np.ndarray:
    if low == high:
        return np.array([low - 0.5, high + 0.5])
    if integer and high - low < MAX_BINS:
        # One bin per integer value: no empty bins between neighbours.
        return np.arange(low - 0.5, high + 1.0, 1.0)
    return np.linspace(low, high, MAX_BINS + 1)


def _shares(counts: np.ndarray, total: int) -> list[float]:
    return [round(float(c) / total, 6) if total else 0.0 for c in counts]


def histogram(ref: Sample, cur: Sample) -> Histogram:
    low = min(float(ref.values[0]), float(cur.values[0]))
    high = max(float(ref.values[-1]), float(cur.values[-1]))
    edges = _edges(low, high, ref.integer and cur.integer)
    ref_counts = sorted_histogram(ref.values, edges)
    cur_counts = sorted_histogram(cur.values, edges)
    return Histogram(
        edges=[float(e) for e in edges],
        reference=ref_counts.tolist(),
        current=cur_counts.tolist(),
        reference_share=_shares(ref_counts, ref.values.size),
        current_share=_shares(cur_counts, cur.values.size),
    )


def plain_value(value: object) -> object:
    """A category label as plain JSON: numpy scalars unwrapped, 3.0 shown as 3."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    return str(value)


def _entries(counts: Counts, index: np.ndarray, n_ref: int, n_cur: int) -> list[CategoryCount]:
    return [
        CategoryCount(
            value=plain_value(counts.labels[i]),
            reference=int(counts.reference[i]),
            current=int(counts.current[i]),
            reference_share=round(int(counts.reference[i]) / n_ref, 6) if n_ref else 0.0,
            current_share=round(int(counts.current[i]) / n_cur, 6) if n_cur else 0.0,
        )
        for i in index
    ]


def categories(counts: Counts) -> Categories:
    ref, cur = counts.reference, counts.current
    n_ref, n_cur = int(ref.sum()), int(cur.sum())
    share = np.maximum(ref / max(n_ref, 1), cur / max(n_cur, 1))
    # Most frequent on either side first; ties by label order (stable sort).
    order = np.argsort(-share, kind="stable")
    top = order[:TOP_CATEGORIES]
    new = np.flatnonzero((ref == 0) & (cur > 0))
    new = new[np.argsort(-cur[new], kind="stable")]
    vanished = np.flatnonzero((cur == 0) & (ref > 0))
    vanished = vanished[np.argsort(-ref[vanished], kind="stable")]
    return Categories(
        count=len(counts.labels),
        top=_entries(counts, top, n_ref, n_cur),
        other_reference=n_ref - int(ref[top].sum()),
        other_current=n_cur - int(cur[top].sum()),
        new=_entries(counts, new[:LISTED_CHANGES], n_ref, n_cur),
        new_count=int(new.size),
        new_rows=int(cur[new].sum()),
        vanished=_entries(counts, vanished[:LISTED_CHANGES], n_ref, n_cur),
        vanished_count=int(vanished.size),
    )


def distribution(prepared: Prepared) -> tuple[Histogram | None, Categories | None]:
    """The histogram of a numeric column, or the categories of a categorical one."""
    if prepared.kind == "numeric":
        samples = prepared.samples
        assert samples is not None
        return histogram(*samples), None
    assert prepared.counts is not None
    return None, categories(prepared.counts)
