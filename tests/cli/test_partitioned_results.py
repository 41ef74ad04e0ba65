"""A partitioned dataset gives, field by field, the results of the same rows in one file.

Violations are planted in different partitions, a duplicate spans two partitions, and
the example row numbers must be the global ones (row 1 is the first row of the first
partition), for CSV and Parquet partitions, plain directories, globs and hive layouts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "churn"
SCHEMA = EXAMPLE / "schema.yml"
TRAIN = EXAMPLE / "data" / "train.csv"
PARTITION_ROWS = 700


def planted() -> pd.DataFrame:
    frame = pd.read_csv(TRAIN, dtype={"customer_id": str, "signup_date": str})
    frame.loc[9, "age"] = 130  # partition 0
    frame.loc[2499, "age"] = 131  # partition 3
    frame.loc[1499, "plan"] = "enterprise"  # partition 2
    frame.loc[3899, "customer_id"] = frame.loc[4, "customer_id"]  # repeats row 5: partitions 0 and 5
    return frame


def write(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)


def split(frame: pd.DataFrame, root: Path, fmt: str) -> None:
    for number, start in enumerate(range(0, len(frame), PARTITION_ROWS)):
        write(frame.iloc[start : start + PARTITION_ROWS], root / f"part-{number:05d}.{fmt}", fmt)


def without_location(entry: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in entry.items() if k not in ("dataset", "path", "fingerprint")}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_validate_directory_equals_one_file(mlci, tmp_path: Path, fmt: str) -> None:
    frame = planted()
    write(frame, tmp_path / f"whole.{fmt}", fmt)
    split(frame, tmp_path / "parts", fmt)
    args = ("-s", SCHEMA, "--format", "json", "--chunk-rows", "1000")
    whole = mlci("validate", tmp_path / f"whole.{fmt}", *args)
    parts = mlci("validate", tmp_path / "parts", *args)
    assert whole.exit_code == parts.exit_code == 1, parts.stderr
    one = json.loads(whole.stdout)["validation"][0]
    many = json.loads(parts.stdout)["validation"][0]
    assert without_location(many) == without_location(one)
    found = {v["check"]: v for v in many["violations"]}
    assert found["max"]["example_rows"] == [10, 2500]  # global row numbers, across partitions
    assert found["allowed"]["example_rows"] == [1500]
    assert found["unique"]["failed_count"] == 1 and found["unique"]["example_rows"] == [3900]
    assert many["path"] == str(tmp_path / "parts") and many["dataset"] == "parts"
    assert many["fingerprint"].startswith("sha256:") and many["fingerprint"] != one["fingerprint"]


def test_glob_and_file_url_read_the_same_rows(mlci, tmp_path: Path) -> None:
    frame = planted()
    split(frame, tmp_path / "parts", "parquet")
    (tmp_path / "parts" / "notes.txt").write_text("not data")
    args = ("-s", SCHEMA, "--format", "json")
    by_dir = json.loads(mlci("validate", tmp_path / "parts", *args).stdout)["validation"][0]
    by_glob = json.loads(mlci("validate", f"{tmp_path}/parts/part-*.parquet", *args).stdout)["validation"][0]
    by_url = json.loads(mlci("validate", f"file://{tmp_path}/parts/", *args).stdout)["validation"][0]
    assert without_location(by_glob) == without_location(by_dir) == without_location(by_url)
    assert by_dir["rows"] == 4000
    assert by_glob["fingerprint"] == by_dir["fingerprint"] == by_url["fingerprint"]


def test_hive_keys_are_columns_like_the_same_column_in_one_file(mlci, tmp_path: Path) -> None:
    frame = planted()
    frame["region"] = frame["region"].where(frame.index != 3100, "mars")  # partition region=...
    frame = frame.sort_values(["region"], kind="stable").reset_index(drop=True)
    write(
        frame[[c for c in frame.columns if c != "region"] + ["region"]], tmp_path / "whole.parquet", "parquet"
    )
    for region, rows in frame.groupby("region", sort=True):
        write(
            rows.drop(columns="region"), tmp_path / "hive" / f"region={region}" / "part-0.parquet", "parquet"
        )
    args = ("-s", SCHEMA, "--format", "json")
    whole = json.loads(mlci("validate", tmp_path / "whole.parquet", *args).stdout)["validation"][0]
    hive = json.loads(mlci("validate", tmp_path / "hive", *args).stdout)["validation"][0]
    assert without_location(hive) == without_location(whole)
    allowed = {(v["column"], v["check"]): v for v in hive["violations"]}[("region", "allowed")]
    assert allowed["examples"] == ["mars"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_drift_between_partitioned_datasets_equals_one_file(mlci, tmp_path: Path, fmt: str) -> None:
    reference = pd.read_csv(TRAIN, dtype={"customer_id": str, "signup_date": str})
    current = reference.sample(frac=1.0, random_state=3).reset_index(drop=True)
    current["age"] = current["age"] + 4  # moves; the other columns do not
    for name, frame in (("ref", reference), ("cur", current)):
        write(frame, tmp_path / f"{name}.{fmt}", fmt)
        split(frame, tmp_path / name, fmt)
    one = mlci("drift", tmp_path / f"ref.{fmt}", tmp_path / f"cur.{fmt}", "-s", SCHEMA, "--format", "json")
    many = mlci(
        "drift", tmp_path / "ref", tmp_path / "cur", "-s", SCHEMA, "--format", "json", "--chunk-rows", "1000"
    )
    assert one.exit_code == many.exit_code == 0, many.stderr
    a, b = json.loads(one.stdout)["drift"], json.loads(many.stdout)["drift"]
    assert b["columns"] == a["columns"]  # statistics, p-values, decisions, histograms
    for key in ("status", "drifted_share", "dataset_drift"):
        assert b[key] == a[key]
    assert b["reference"]["rows"] == 4000 and b["reference"]["path"] == str(tmp_path / "ref")
    assert {c["column"] for c in b["columns"] if c["drifted"]} == {"age"}


def test_schema_infer_on_partitions_equals_one_file(mlci, tmp_path: Path) -> None:
    frame = planted()
    write(frame, tmp_path / "whole.csv", "csv")
    split(frame, tmp_path / "parts", "csv")
    one = mlci("schema", "infer", tmp_path / "whole.csv", "--chunk-rows", "1000")
    many = mlci("schema", "infer", tmp_path / "parts", "--chunk-rows", "1000")
    assert one.exit_code == many.exit_code == 0, many.stderr
    assert many.stdout.splitlines()[0].startswith("# Inferred by `mlci schema infer` from parts on ")
    assert many.stdout.splitlines()[1:] == one.stdout.splitlines()[1:]


def test_json_lines_partitions_whose_objects_have_different_keys(mlci, write, tmp_path: Path) -> None:
    # In one file the first object's keys name the columns and later objects may add or
    # leave out keys; split into partitions, the same rows give the same answers.
    rows = ['{"a": 1, "b": 2}', '{"a": 2}', '{"a": 300, "c": 9}', '{"a": 4, "b": null}']
    write("one.jsonl", "\n".join(rows) + "\n")
    write("parts/0.jsonl", "\n".join(rows[:2]) + "\n")
    write("parts/1.jsonl", "\n".join(rows[2:]) + "\n")
    schema = write("schema.yml", "strict: true\ncolumns:\n  a: {dtype: int, max: 100}\n  b: {dtype: int}\n")
    one = mlci("validate", tmp_path / "one.jsonl", "-s", schema, "--format", "json")
    many = mlci("validate", tmp_path / "parts", "-s", schema, "--format", "json")
    assert one.exit_code == many.exit_code == 1, many.stderr
    a, b = json.loads(one.stdout)["validation"][0], json.loads(many.stdout)["validation"][0]
    assert without_location(b) == without_location(a)
    assert {(v["column"], v["check"]): v["example_rows"] for v in b["violations"]} == {
        ("a", "max"): [3],
        ("b", "nullable"): [2, 3, 4],
    }
    infer_one = mlci("schema", "infer", tmp_path / "one.jsonl").stdout.splitlines()[1:]
    assert mlci("schema", "infer", tmp_path / "parts").stdout.splitlines()[1:] == infer_one
