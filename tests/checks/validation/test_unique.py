"""``unique`` finds what pandas' ``duplicated()`` finds, whatever the chunks and spills."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlci.checks.validation import unique
from mlci.checks.validation.unique import UniqueTracker, value_hashes


def track(values: pd.Series, chunk: int) -> tuple[int, list[int]] | None:
    tracker = UniqueTracker("x", "unique values")
    for start in range(0, len(values), chunk):
        part = values.iloc[start : start + chunk]
        tracker.feed(part, part.notna().to_numpy())
    found = tracker.finish(lambda column, rows: rows)
    return None if found is None else (found.failed_count, found.example_rows)


@pytest.mark.parametrize("spill_rows", [10**9, 5000, 100])
def test_duplicates_match_pandas_in_memory_and_spilled(monkeypatch, spill_rows: int) -> None:
    monkeypatch.setattr(unique, "SPILL_ROWS", spill_rows)
    rng = np.random.default_rng(7)
    numbers = pd.Series(rng.integers(0, 40_000, 30_000))
    words = pd.Series([f"id{v}" for v in numbers], dtype="str")
    for values in (numbers, words):
        expected = values.duplicated(keep="first")
        rows = (np.flatnonzero(expected)[:5] + 1).tolist()
        assert track(values, 2_000) == (int(expected.sum()), rows)


def test_no_duplicates_is_none(monkeypatch) -> None:
    monkeypatch.setattr(unique, "SPILL_ROWS", 100)
    assert track(pd.Series(np.arange(5_000)), 700) is None


def test_one_key_per_value_whatever_the_chunk_dtype() -> None:
    assert (value_hashes(pd.Series([1, 2, 130])) == value_hashes(pd.Series([1.0, 2.0, 130.0]))).all()
    stamps = pd.to_datetime(pd.Series(["2024-01-01", "2024-01-02T03:04:05"]), format="ISO8601")
    for unit in ("s", "ms", "us"):
        assert (
            value_hashes(stamps.astype(f"datetime64[{unit}]"))
            == value_hashes(stamps.astype("datetime64[ns]"))
        ).all()
    aware = stamps.dt.tz_localize("UTC").dt.tz_convert("Europe/Paris")
    assert (value_hashes(aware) == value_hashes(stamps)).all()
    assert (
        value_hashes(pd.Series([True, False], dtype=object)) == value_hashes(pd.Series([True, False]))
    ).all()
    text = ["a", "", "é", "x" * 100, "7"]
    assert (value_hashes(pd.Series(text, dtype="str")) == value_hashes(pd.Series(text, dtype=object))).all()
    assert (value_hashes(pd.Series([7], dtype=object)) == value_hashes(pd.Series(["7"], dtype="str"))).all()


def test_text_hashes_tell_values_apart() -> None:
    values = [f"{'x' * (i % 37)}{i}" for i in range(100_000)] + [
        "",
        "ab",
        "ab\x00",
        "abcdefgh",
        "abcdefgh\x00",
    ]
    hashes = value_hashes(pd.Series(values, dtype="str"))
    assert len(set(hashes.tolist())) == len(values)
    # The same text hashes the same wherever it sits in the buffer.
    shuffled = pd.Series(values[::-1], dtype="str")
    assert (value_hashes(shuffled)[::-1] == hashes).all()


def test_far_dates_and_odd_floats_are_keys_too() -> None:
    far = pd.Series(np.array(["3000-01-01", "1500-06-01", "2024-01-01"], dtype="datetime64[us]"))
    assert len(set(value_hashes(far).tolist())) == 3
    odd = pd.Series([np.inf, -np.inf, 1.5, 2.0**70, -0.5])
    assert len(set(value_hashes(odd).tolist())) == 5
