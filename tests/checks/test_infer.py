"""Schema inference: sensible dtypes and bounds, and data always validates against it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlci.checks.infer import infer_schema
from mlci.checks.infer_bounds import widen_bounds
from mlci.checks.validation import validate_source
from mlci.config.schema import dump_schema, load_schema
from mlci.io import open_source

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "churn" / "data"


def infer_and_validate(path: Path, tmp_path: Path, **kwargs: object):
    source = open_source(path)
    schema = infer_schema(source, **kwargs)  # type: ignore[arg-type]
    # Through YAML and back, as a user would commit it.
    schema_file = tmp_path / "inferred.yml"
    schema_file.write_text(dump_schema(schema))
    reloaded = load_schema(schema_file)
    assert reloaded == schema
    return schema, validate_source(source, reloaded)


def test_example_data_infers_what_a_person_would_write(tmp_path: Path) -> None:
    schema, outcome = infer_and_validate(EXAMPLE / "train.csv", tmp_path)
    assert outcome.passed, outcome.violations
    cols = schema.columns
    assert {n: c.dtype for n, c in cols.items()} == {
        "customer_id": "string",
        "age": "int",
        "plan": "category",
        "region": "category",
        "tenure_months": "float",
        "monthly_spend": "float",
        "support_tickets": "int",
        "signup_date": "datetime",
        "churned": "bool",
    }
    assert cols["customer_id"].unique is True
    assert cols["age"].unique is False
    assert cols["plan"].allowed == ["free", "pro", "team"]
    assert cols["monthly_spend"].nullable is True and cols["age"].nullable is False
    train = pd.read_csv(EXAMPLE / "train.csv")
    assert (train["age"].min(), train["age"].max()) == (18, 83)
    assert (cols["age"].min, cols["age"].max) == (0, 300)  # padded, rounded outward
    assert cols["signup_date"].min is not None and cols["signup_date"].max is None
    assert schema.strict is True
    assert schema.rows is not None and schema.rows.min == 400 and schema.rows.max == 40_000


def test_max_categories(tmp_path: Path) -> None:
    schema, _ = infer_and_validate(EXAMPLE / "train.csv", tmp_path, max_categories=2)
    assert schema.columns["plan"].dtype == "string"


def test_zero_one_labels_are_ints_and_words_are_bools(write, tmp_path: Path) -> None:
    path = write("d.csv", "label,flag\n0,yes\n1,no\n1,yes\n")
    schema, outcome = infer_and_validate(path, tmp_path)
    assert schema.columns["label"].dtype == "int"
    assert schema.columns["flag"].dtype == "bool"
    assert outcome.passed


def test_all_missing_column(write, tmp_path: Path) -> None:
    schema, outcome = infer_and_validate(write("d.csv", "a,b\n1,\n2,\n"), tmp_path)
    assert schema.columns["b"].nullable is True
    assert outcome.passed


def test_id_named_int_column_is_unique(write, tmp_path: Path) -> None:
    schema, _ = infer_and_validate(write("d.csv", "user_id,n\n10,1\n11,2\n12,3\n"), tmp_path)
    assert schema.columns["user_id"].unique is True
    assert schema.columns["n"].unique is False


def random_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    mixed = rng.choice(["a", "b", "1", "2.5", None], n).astype(object)
    return pd.DataFrame(
        {
            "i": rng.integers(-1000, 1000, n),
            "f": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n) * 1e6),
            "tiny": rng.normal(size=n) * 1e-12,
            "c": rng.choice(["x", "y", "z"], n),
            "mixed": mixed,
            "b": rng.choice(["true", "false"], n),
            "d": pd.Timestamp("2020-01-01")
            + pd.to_timedelta(rng.integers(0, 10**9, n), unit="s")
            + pd.to_timedelta(rng.integers(0, 999, n), unit="ns"),
            "code": [f"K{v:05d}" for v in rng.permutation(n)],
        }
    )


def odd_columns(rng: np.random.Generator, n: int, csv: bool) -> pd.DataFrame:
    """Names YAML or a CSV reader could mangle; in CSV, an empty header over 25-digit ints."""
    odd = {
        "n\u0085el": rng.integers(0, 5, n),
        "sep\u2028line": rng.normal(size=n),
        "tab\tname": rng.choice(["x", "y"], n),
    }
    if csv:  # Parquet and JSON cannot hold integers beyond 64 bits
        odd[""] = [10**24 + int(v) for v in rng.integers(0, 10**6, n)]
    return pd.DataFrame(odd)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 200),
    chunk=st.integers(10, 80),
    odd_names=st.booleans(),
)
def test_a_dataset_always_validates_against_its_inferred_schema(
    tmp_path: Path, seed: int, n: int, chunk: int, odd_names: bool
) -> None:
    base = random_frame(np.random.default_rng(seed), n)
    for ext in ("csv", "parquet", "jsonl"):
        frame = base
        if odd_names:
            frame = pd.concat([base, odd_columns(np.random.default_rng(seed), n, ext == "csv")], axis=1)
        path = tmp_path / f"r.{ext}"
        if ext == "csv":
            frame.to_csv(path, index=False)
        elif ext == "parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_json(path, orient="records", lines=True, date_format="iso")
        source = open_source(path)
        schema = infer_schema(source, chunk_rows=chunk)
        schema_file = tmp_path / "inferred.yml"
        schema_file.write_text(dump_schema(schema))
        outcome = validate_source(source, load_schema(schema_file), chunk_rows=chunk)
        assert outcome.passed, (ext, outcome.violations)


@pytest.mark.parametrize("csv", [True, False])
def test_odd_header_names_survive_the_round_trip(tmp_path: Path, csv: bool) -> None:
    frame = odd_columns(np.random.default_rng(0), 20, csv)
    path = tmp_path / ("d.csv" if csv else "d.parquet")
    frame.to_csv(path, index=False) if csv else frame.to_parquet(path, index=False)
    schema, outcome = infer_and_validate(path, tmp_path)
    assert outcome.passed, outcome.violations
    assert "n\u0085el" in schema.columns and "sep\u2028line" in schema.columns
    assert '"n\\Nel"' in dump_schema(schema)  # escaped, so YAML cannot fold it into a space


SKLEARN_DATASETS = ("breast_cancer", "wine", "diabetes")


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("name", SKLEARN_DATASETS)
def test_a_fresh_sample_passes_the_schema_inferred_from_the_rest(
    tmp_path: Path, name: str, seed: int
) -> None:
    from sklearn import datasets

    frame = getattr(datasets, f"load_{name}")(as_frame=True).frame
    order = np.random.default_rng(seed).permutation(len(frame))
    cut = int(len(frame) * 0.7)
    train, fresh = tmp_path / "train.csv", tmp_path / "fresh.csv"
    frame.iloc[order[:cut]].to_csv(train, index=False)
    frame.iloc[order[cut:]].to_csv(fresh, index=False)
    schema_file = tmp_path / "schema.yml"
    schema_file.write_text(dump_schema(infer_schema(open_source(train))))
    outcome = validate_source(open_source(fresh), load_schema(schema_file))
    assert outcome.passed, [(v.column, v.check, v.examples[:3]) for v in outcome.violations]
    # Bounds remain: a value ten times the largest seen still fails.
    schema = load_schema(schema_file)
    assert all(c.max is not None for c in schema.columns.values() if c.dtype in ("int", "float"))


@pytest.mark.parametrize(
    ("dtype", "low", "high", "bounds"),
    [
        ("int", 18, 79, (0, 300)),  # non-negative stays non-negative
        ("int", -5, 5, (-30, 30)),
        ("int", 7, 7, (4, 10)),  # constant: half the value either side
        ("int", 10**24, 10**24 + 999, (10**24 - 2000, 10**24 + 3000)),  # exact beyond 2**53
        ("float", 0.1, 0.3, (0.0, 0.7)),
        ("float", -0.137, 0.171, (-0.8, 0.8)),
        ("float", 1e-12, 3e-12, (0.0, 8e-12)),
        ("float", 0.0, 0.0, (0.0, 1.0)),
        ("float", -1e308, 1e308, (-1e308, 1e308)),  # no room to pad: the extremes
    ],
)
def test_bounds_are_padded_and_rounded_outward(dtype, low, high, bounds) -> None:
    assert widen_bounds(dtype, low, high) == bounds


def test_datetimes_get_a_padded_min_and_no_max() -> None:
    low, high = pd.Timestamp("2024-03-10 12:00"), pd.Timestamp("2024-03-20 12:00")
    assert widen_bounds("datetime", low, high) == (pd.Timestamp("2024-02-19"), None)
