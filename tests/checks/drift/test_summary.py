"""The compact distribution summaries the report carries instead of the data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlci.checks.drift import detect_drift
from mlci.checks.drift.summary import MAX_BINS, TOP_CATEGORIES


def column(ref: pd.Series, cur: pd.Series):
    return detect_drift(pd.DataFrame({"x": ref}), pd.DataFrame({"x": cur})).columns[0]


def test_numeric_histogram_shares_bins_across_both_sides() -> None:
    rng = np.random.default_rng(1)
    ref, cur = rng.normal(0, 1, 5000), rng.normal(1, 2, 4000)
    result = column(pd.Series(ref), pd.Series(cur))
    hist = result.histogram
    assert len(hist.edges) == MAX_BINS + 1
    assert hist.edges[0] == min(ref.min(), cur.min()) and hist.edges[-1] == max(ref.max(), cur.max())
    np.testing.assert_array_equal(hist.reference, np.histogram(ref, hist.edges)[0])
    np.testing.assert_array_equal(hist.current, np.histogram(cur, hist.edges)[0])
    assert sum(hist.reference) == 5000 and sum(hist.current_share) == pytest.approx(1, abs=1e-5)


def test_numeric_side_summary_matches_numpy() -> None:
    rng = np.random.default_rng(2)
    ref = rng.lognormal(0, 1, 3001)
    side = column(pd.Series(ref), pd.Series(rng.lognormal(0, 1, 2000))).reference
    assert side.mean == pytest.approx(ref.mean())
    assert side.std == pytest.approx(ref.std())
    assert (side.min, side.max) == (ref.min(), ref.max())
    assert [side.q25, side.median, side.q75] == pytest.approx(np.quantile(ref, [0.25, 0.5, 0.75]))


def test_small_integer_ranges_get_one_bin_per_value() -> None:
    rng = np.random.default_rng(3)
    ref, cur = rng.integers(0, 12, 2000), rng.integers(2, 15, 2000)
    hist = column(pd.Series(ref), pd.Series(cur)).histogram
    assert hist.edges == [v - 0.5 for v in range(0, 16)]
    assert hist.reference[:12] == np.bincount(ref, minlength=12).tolist()


def test_top_categories_by_larger_share_then_the_rest_counted() -> None:
    labels = [f"k{i:02d}" for i in range(30)]
    ref = pd.Series(np.repeat(labels, np.arange(30, 0, -1)))  # k00 most frequent
    cur = pd.Series(["k29"] * 400 + list(ref))  # k29 rare in reference, top in current
    cats = column(ref, cur).categories
    assert cats.count == 30 and len(cats.top) == TOP_CATEGORIES
    assert cats.top[0].value == "k29" and cats.top[1].value == "k00"
    listed_ref = sum(c.reference for c in cats.top)
    assert cats.other_reference == len(ref) - listed_ref
    assert cats.top[0].current_share == pytest.approx(401 / len(cur), abs=1e-6)


def test_numeric_categories_are_plain_json_values() -> None:
    ref = pd.Series([1.0, 2.0, 3.5] * 400)
    cats = column(ref, ref.copy()).categories
    assert [c.value for c in cats.top] == [1, 2, 3.5]
    assert isinstance(cats.top[0].value, int)
