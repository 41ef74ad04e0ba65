"""Schema validation end to end on real files: every reason code, examples, chunking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlci.checks.validation import validate_frame, validate_source
from mlci.config.schema import load_schema
from mlci.io import open_source
from mlci.report.validation import VIOLATION_CHECKS

SCHEMA = """\
version: 1
strict: true
rows: {min: 2, max: 100}
columns:
  id:     {dtype: string, unique: true, pattern: '^C\\d{3}$', min_length: 4, max_length: 4}
  age:    {dtype: int, min: 18, max: 120}
  plan:   {dtype: category, allowed: [free, pro]}
  spend:  {dtype: float, min: 0, nullable: true}
  signup: {dtype: datetime, min: 2020-01-01, max: 2025-12-31}
  churn:  {dtype: bool}
  gone:   {dtype: int}
"""

DATA = """\
id,age,plan,spend,signup,churn,extra
C001,30,free,1.5,2021-01-01,true,1
C002,,pro,,2022-03-04 10:00:00,0,2
C002,1.5,gold,-3,not a date,maybe,3
C004,130,free,2,2019-05-05,F,4
X5,17,pro,abc,2026-01-01T00:00:00,yes,5
C0061,40,free,0,2021-06-01,no,6
"""


def run(write, data: str = DATA, schema: str = SCHEMA, name: str = "d.csv", chunk_rows: int = 1000):
    return validate_source(
        open_source(write(name, data)), load_schema(write("s.yml", schema)), chunk_rows=chunk_rows
    )


def by_check(outcome) -> dict[tuple[str | None, str], object]:
    return {(v.column, v.check): v for v in outcome.violations}


def test_every_violation_is_collected_with_examples_and_rows(write) -> None:
    outcome = run(write)
    found = by_check(outcome)
    assert outcome.rows == 6
    expected = {
        ("id", "unique"): (["C002"], [3]),
        ("id", "pattern"): (["X5", "C0061"], [5, 6]),
        ("id", "min_length"): (["X5"], [5]),
        ("id", "max_length"): (["C0061"], [6]),
        ("age", "dtype"): ([1.5], [3]),
        ("age", "nullable"): ([None], [2]),
        ("age", "min"): ([17], [5]),
        ("age", "max"): ([130], [4]),
        ("plan", "allowed"): (["gold"], [3]),
        ("spend", "dtype"): (["abc"], [5]),
        ("spend", "min"): ([-3], [3]),
        ("signup", "dtype"): (["not a date"], [3]),
        ("signup", "min"): (["2019-05-05"], [4]),
        ("signup", "max"): (["2026-01-01T00:00:00"], [5]),
        ("churn", "dtype"): (["maybe"], [3]),
        ("gone", "missing_column"): ([], []),
        ("extra", "extra_column"): ([], []),
    }
    assert set(found) == set(expected)
    for key, (examples, rows) in expected.items():
        v = found[key]
        assert v.examples == examples, key
        assert v.example_rows == rows, key
        assert v.failed_count == max(1, len(examples)), key
        assert v.expected, key


def test_reason_codes_are_the_documented_ones(write) -> None:
    outcome = run(write)
    assert {v.check for v in outcome.violations} <= set(VIOLATION_CHECKS)


def test_row_bounds(write) -> None:
    small = run(write, "id,age,plan,spend,signup,churn,gone\nC001,30,free,1,2021-01-01,t,1\n")
    assert by_check(small)[(None, "rows_min")].examples == [1]
    schema = SCHEMA.replace("max: 100}", "max: 3}")
    big = run(write, schema=schema)
    assert by_check(big)[(None, "rows_max")].examples == [6]


def test_passing_data_passes(write) -> None:
    data = (
        "id,age,plan,spend,signup,churn,gone\n"
        "C001,30,free,,2021-01-01,true,1\n"
        "C002,44,pro,3.5,2024-12-31,0,2\n"
    )
    outcome = run(write, data)
    assert outcome.passed, outcome.violations


def test_not_strict_ignores_extra_columns(write) -> None:
    schema = SCHEMA.replace("strict: true", "strict: false")
    assert ("extra", "extra_column") not in by_check(run(write, schema=schema))


def test_at_most_five_examples_but_every_failure_counted(write) -> None:
    rows = "\n".join(f"{i},{i}" for i in range(200))
    outcome = run(write, "a,b\n" + rows + "\n", "columns:\n  a: {dtype: int, max: 9}\n  b: {dtype: int}\n")
    (violation,) = outcome.violations
    assert violation.failed_count == 190
    assert violation.examples == [10, 11, 12, 13, 14]
    assert violation.example_rows == [11, 12, 13, 14, 15]


def test_unique_holds_across_chunks(write) -> None:
    ids = [f"C{i:03d}" for i in range(50)] + ["C007", "C049", "C007"]
    data = "id\n" + "\n".join(ids) + "\n"
    schema = "columns:\n  id: {dtype: string, unique: true}\n"
    whole = run(write, data, schema, chunk_rows=1000)
    chunked = run(write, data, schema, chunk_rows=7)
    assert whole.violations == chunked.violations
    (violation,) = chunked.violations
    assert violation.failed_count == 3
    assert violation.examples == ["C007", "C049", "C007"]
    assert violation.example_rows == [51, 52, 53]


def test_unique_ignores_missing_values(write) -> None:
    outcome = run(write, "id\n1\n\n\n2\n", "columns:\n  id: {dtype: int, unique: true, nullable: true}\n")
    assert outcome.passed


def test_unique_compares_parsed_values(write) -> None:
    outcome = run(write, "n\n1\n1.0\n2\n", "columns:\n  n: {dtype: int, unique: true}\n")
    assert by_check(outcome)[("n", "unique")].failed_count == 1


def test_pattern_uses_search_semantics(write) -> None:
    schema = "columns:\n  s: {dtype: string, pattern: 'b'}\n"
    outcome = run(write, "s\nabc\nxyz\n", schema)
    assert by_check(outcome)[("s", "pattern")].examples == ["xyz"]


def test_numeric_allowed_values(write) -> None:
    outcome = run(write, "n\n1\n2\n5\n", "columns:\n  n: {dtype: int, allowed: [1, 2, 3]}\n")
    assert by_check(outcome)[("n", "allowed")].examples == [5]


def test_timezone_aware_dates_against_naive_bounds(write) -> None:
    schema = "columns:\n  t: {dtype: datetime, min: 2024-01-01}\n"
    outcome = run(write, "t\n2023-12-31T23:00:00Z\n2024-01-02T00:00:00+02:00\n", schema)
    assert by_check(outcome)[("t", "min")].examples == ["2023-12-31T23:00:00Z"]


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_typed_formats_give_the_same_violations_as_csv(tmp_path: Path, write, fmt: str) -> None:
    frame = pd.DataFrame(
        {
            "id": ["C001", "C002", "C002", "C004"],
            "age": [30, None, 150, 17],
            "plan": ["free", "pro", "gold", "free"],
        }
    )
    schema = load_schema(
        write(
            "s.yml",
            "columns:\n  id: {dtype: string, unique: true}\n  age: {dtype: int, min: 18, max: 120}\n"
            "  plan: {dtype: category, allowed: [free, pro]}\n",
        )
    )
    csv = tmp_path / "d.csv"
    frame.to_csv(csv, index=False)
    other = tmp_path / f"d.{fmt}"
    if fmt == "parquet":
        frame.to_parquet(other, index=False)
    else:
        frame.to_json(other, orient="records", lines=True)
    from_csv = validate_source(open_source(csv), schema)
    from_other = validate_source(open_source(other), schema)
    assert [(v.column, v.check, v.failed_count, v.example_rows) for v in from_csv.violations] == [
        (v.column, v.check, v.failed_count, v.example_rows) for v in from_other.violations
    ]
    assert len(from_csv.violations) == 5


def messy_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    ints = rng.integers(-5, 200, n).astype(object)
    ints[rng.random(n) < 0.05] = None
    ints[rng.random(n) < 0.02] = 1.5
    words = rng.choice(["free", "pro", "team", "gold", None], n).astype(object)
    ids = [f"C{i:03d}" for i in rng.integers(0, n * 3, n)]
    dates = rng.choice(["2021-01-01", "2019-05-05", "bad", None, "2024-02-29T10:00:00"], n)
    return pd.DataFrame({"id": ids, "n": ints, "plan": words, "d": dates, "x": rng.normal(size=n)})


MESSY_SCHEMA = """\
rows: {min: 10}
columns:
  id:   {dtype: string, unique: true, pattern: '^C\\d{3}$'}
  n:    {dtype: int, min: 0, max: 150}
  plan: {dtype: category, allowed: [free, pro, team]}
  d:    {dtype: datetime, min: 2020-01-01, nullable: true}
  x:    {dtype: float, min: -1, max: 1}
"""


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 400), chunk=st.integers(1, 50))
def test_chunked_validation_equals_whole_file(tmp_path: Path, seed: int, n: int, chunk: int) -> None:
    rng = np.random.default_rng(seed)
    frame = messy_frame(rng, n)
    path = tmp_path / "messy.csv"
    frame.to_csv(path, index=False)
    schema_path = tmp_path / "s.yml"
    schema_path.write_text(MESSY_SCHEMA)
    schema = load_schema(schema_path)
    source = open_source(path)
    whole = validate_source(source, schema, chunk_rows=10_000)
    # chunk_rows is clamped to >= 1000 on the CLI; the library accepts any size.
    chunked = validate_source(source, schema, chunk_rows=chunk)
    assert whole.violations == chunked.violations
    assert whole.rows == chunked.rows == n


def test_validate_frame_matches_validate_source(write) -> None:
    schema = load_schema(write("s.yml", SCHEMA))
    path = write("d.csv", DATA)
    from mlci.checks.validation.validator import text_columns

    frame = pd.read_csv(path, dtype={c: str for c in text_columns(schema)})
    assert validate_frame(frame, schema).violations == validate_source(open_source(path), schema).violations
