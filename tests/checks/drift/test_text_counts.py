"""Text categories counted and aligned on both sides, checked against plain Python counting."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from mlci.checks.drift.kinds import Prepared, prepare_column
from mlci.checks.drift.results import SkippedColumn


def many_labels(n: int, seed: int, offset: int) -> pd.Series:
    rng = np.random.default_rng(seed)
    codes = rng.zipf(1.3, n) % 3000 + offset  # thousands of categories, a long tail
    values = pd.Series([f"user{c}@example.org" for c in codes], dtype="str")
    return values.mask(rng.random(n) < 0.02)  # some gaps


@pytest.mark.parametrize("dtype", ["str", object])
def test_counts_of_every_label_on_both_sides(dtype: object) -> None:
    ref, cur = many_labels(20_000, 1, 0), many_labels(15_000, 2, 400)  # new and vanished labels
    prepared = prepare_column("email", ref.astype(dtype), cur.astype(dtype), kind="categorical")
    assert isinstance(prepared, Prepared) and prepared.counts is not None
    counts = prepared.counts
    want_ref, want_cur = Counter(ref.dropna()), Counter(cur.dropna())
    assert counts.labels == sorted(set(want_ref) | set(want_cur))
    assert counts.reference.tolist() == [want_ref[label] for label in counts.labels]
    assert counts.current.tolist() == [want_cur[label] for label in counts.labels]


def test_an_identifier_is_judged_on_the_reference_alone() -> None:
    ref = pd.Series([f"U{i:09d}" for i in range(5000)], dtype="str")
    cur = pd.Series(["same"] * 5000, dtype="str")  # categories, but the reference says identifier
    skipped = prepare_column("id", ref, cur)
    assert isinstance(skipped, SkippedColumn) and skipped.reason == "text"
    assert skipped.detail.startswith("5,000 distinct values in 5,000 rows")
