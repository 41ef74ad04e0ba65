"""Schema inference: sensible dtypes and bounds, and data always validates against it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlci.checks.infer import infer_schema
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
    assert cols["age"].min == train["age"].min() and cols["age"].max == train["age"].max()
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


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 200), chunk=st.integers(10, 80))
def test_a_dataset_always_validates_against_its_inferred_schema(
    tmp_path: Path, seed: int, n: int, chunk: int
) -> None:
    frame = random_frame(np.random.default_rng(seed), n)
    for ext in ("csv", "parquet", "jsonl"):
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
