"""The hash-group reduction behind ``unique`` on Dask equals pandas ``duplicated()`` on the column."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mlci.checks.validation.results import MAX_EXAMPLES
from mlci.checks.validation.unique import value_hashes
from mlci.engines.dask_unique import GROUP_BYTES, GroupedHashes, duplicates_in_group, group_bits


def _reduce(values: pd.Series, cuts: list[int], bits: int) -> tuple[int, list[int]]:
    """Partitions at ``cuts`` fed to one tracker each, grouped, each group reduced, then summed."""
    bounds = [0, *sorted(set(cuts)), len(values)]
    partials = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        tracker = GroupedHashes()
        part = values.iloc[lo:hi].dropna()
        tracker.add(value_hashes(part), part.index.to_numpy())
        partials.append(tracker.groups(bits))
    count, rows = 0, []
    for group in range(1 << bits):
        found, first = duplicates_in_group(*[p[group] for p in partials])
        count += found
        rows += first
    return count, sorted(rows)[:MAX_EXAMPLES]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.integers(0, 30)), min_size=1, max_size=300),
    cuts=st.lists(st.integers(0, 300), max_size=6),
    bits=st.integers(0, 4),
)
def test_any_partitioning_and_grouping_finds_pandas_duplicates(
    values: list[int | None], cuts: list[int], bits: int
) -> None:
    series = pd.Series([str(v) if v is not None else None for v in values], dtype=object)
    present = series.dropna()
    repeated = present[present.duplicated(keep="first")]
    expected = (len(repeated), repeated.index[:MAX_EXAMPLES].tolist())
    assert _reduce(series, [c for c in cuts if c <= len(values)], bits) == expected


def test_text_ids_repeating_across_many_groups() -> None:
    ids = pd.Series([f"C{i:06d}" for i in range(5000)] + ["C000007", "C004999", "C000007"])
    assert _reduce(ids, [1000, 2500, 5001], bits=3) == (3, [5000, 5001, 5002])


def test_groups_grow_with_the_rows_so_one_group_stays_small() -> None:
    assert group_bits(1000) == 0
    for rows in (10_000_000, 50_000_000, 500_000_000):
        assert 16 * rows / (1 << group_bits(rows)) <= GROUP_BYTES
    assert group_bits(50_000_000) < group_bits(500_000_000)


def test_a_group_split_keeps_every_pair_once_in_row_order() -> None:
    tracker = GroupedHashes()
    values = pd.Series(np.arange(1000) % 97, index=pd.RangeIndex(5000, 6000))
    tracker.add(value_hashes(values), values.index.to_numpy())
    pieces = tracker.groups(3)
    assert len(pieces) == 8
    rows = np.concatenate([p[1] for p in pieces])
    assert sorted(rows.tolist()) == list(range(5000, 6000))
    assert all(bool((p[1][1:] > p[1][:-1]).all()) for p in pieces if len(p[1]) > 1)
