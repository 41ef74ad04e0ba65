"""Partials fed on disjoint rows, merged in any order, give the whole-frame validation."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlci.checks.validation import Validator, unique, validate_frame
from mlci.checks.validation.results import ValidationOutcome
from mlci.config.schema import Schema, load_schema

SCHEMA = """\
strict: true
rows: {min: 3, max: 40}
columns:
  id:    {dtype: string, unique: true, pattern: '^C\\d{2}$'}
  n:     {dtype: int, unique: true, min: 0, max: 9}
  plan:  {dtype: category, allowed: [free, pro]}
  when:  {dtype: datetime, min: 2020-01-01, unique: true}
  score: {dtype: float, max: 1}
  gone:  {dtype: bool}
"""

IDS = ["C01", "C02", "C03", "C04", "x", None]
NUMBERS: list[object] = [0, 1, 2, 3, 12, -1, None, "x"]
PLANS = ["free", "pro", "gold", None]
WHENS = ["2019-12-31", "2020-01-01", "2021-06-30", "2021-02-30", None]
SCORES = [0.1, 0.5, 1.5, float("nan")]


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Schema:
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    path.write_text(SCHEMA)
    return load_schema(path)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(1, 45))

    def column(values: list[object]) -> list[object]:
        return draw(st.lists(st.sampled_from(values), min_size=rows, max_size=rows))

    return pd.DataFrame(
        {
            "id": pd.Series(column(IDS), dtype=object),
            "n": pd.Series(column(NUMBERS), dtype=object),
            "plan": pd.Series(column(PLANS), dtype=object),
            "when": pd.Series(column(WHENS), dtype=object),
            "score": pd.Series(column(SCORES), dtype="float64"),
            "extra": 1,
        }
    )


@st.composite
def splits(draw: st.DrawFn, rows: int) -> list[tuple[int, int]]:
    """Disjoint row ranges covering ``range(rows)``."""
    cuts = sorted(set(draw(st.lists(st.integers(1, max(rows - 1, 1)), max_size=6))) - {rows})
    bounds = [0, *cuts, rows]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def fields(outcome: ValidationOutcome) -> list[tuple[object, ...]]:
    return [
        (v.column, v.check, v.failed_count, v.examples, v.example_rows, v.expected)
        for v in outcome.violations
    ]


def partial(frame: pd.DataFrame, schema: Schema, start: int, stop: int, chunk: int) -> Validator:
    """One partial, fed its rows in chunks of ``chunk``, numbered by global row."""
    validator = Validator(schema, list(frame.columns))
    for at in range(start, stop, chunk):
        piece = frame.iloc[at : min(at + chunk, stop)].reset_index(drop=True)
        validator.feed(piece, first_row=at)
    return validator


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), frame=frames())
def test_any_split_merged_in_any_order_equals_the_whole_frame(
    schema: Schema, data: st.DataObject, frame: pd.DataFrame
) -> None:
    whole = validate_frame(frame, schema)
    ranges = data.draw(splits(len(frame)))
    chunk = data.draw(st.integers(1, 20))
    partials = [partial(frame, schema, a, b, chunk) for a, b in ranges]
    shipped = data.draw(st.lists(st.booleans(), min_size=len(partials), max_size=len(partials)))
    partials = [pickle.loads(pickle.dumps(p)) if s else p for p, s in zip(partials, shipped, strict=True)]
    order = data.draw(st.permutations(range(len(partials))))
    merged = partials[order[0]]
    for i in order[1:]:
        merged = merged.merge(partials[i])
    outcome = merged.finish(lambda column, rows: frame[column].iloc[rows].tolist())
    assert fields(outcome) == fields(whole)
    assert (outcome.rows, outcome.columns, outcome.checks) == (whole.rows, whole.columns, whole.checks)


def test_a_value_repeated_across_partials_is_a_duplicate_at_the_later_row(schema: Schema) -> None:
    frame = pd.DataFrame({"id": ["C01", "C02", "C03", "C01", "C02", "C01"], "n": [0, 1, 2, 3, 4, 5]})
    late = partial(frame, schema, 3, 6, 2)
    early = partial(frame, schema, 0, 3, 2)
    outcome = late.merge(early).finish(lambda column, rows: frame[column].iloc[rows].tolist())
    found = {(v.column, v.check): v for v in outcome.violations}
    # pandas' own answer on the whole column is the oracle.
    assert found[("id", "unique")].failed_count == frame["id"].duplicated().sum() == 3
    assert found[("id", "unique")].example_rows == [4, 5, 6]
    assert found[("id", "unique")].examples == ["C01", "C02", "C01"]


def test_spilled_partials_travel_by_pickle_and_merge(
    schema: Schema, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(unique, "SPILL_ROWS", 1_000)  # spill to disk as a big partition would
    rng = np.random.default_rng(5)
    rows = 12_000
    ids = np.array([f"C{i:02d}" for i in rng.integers(0, 100, rows)], dtype=object)
    frame = pd.DataFrame({"id": ids, "n": rng.permutation(rows) % 9_000})
    whole = validate_frame(frame, schema)
    partials = [partial(frame, schema, a, a + 3_000, 700) for a in range(0, rows, 3_000)]
    assert all(p.unique["id"]._spill is not None for p in partials)  # the state is on disk
    shipped = [pickle.loads(pickle.dumps(p)) for p in reversed(partials)]
    merged = shipped[0]
    for other in shipped[1:]:
        merged.merge(other)
    outcome = merged.finish(lambda column, rows: frame[column].iloc[rows].tolist())
    assert fields(outcome) == fields(whole)
    found = {(v.column, v.check): v.failed_count for v in outcome.violations}
    assert found[("id", "unique")] == frame["id"].duplicated().sum()
    assert found[("n", "unique")] == frame["n"].duplicated().sum() == 3_000


def test_partials_of_different_columns_do_not_merge(schema: Schema) -> None:
    with pytest.raises(ValueError, match="one dataset"):
        Validator(schema, ["id"]).merge(Validator(schema, ["id", "n"]))
