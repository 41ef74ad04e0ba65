"""``mlci validate --engine dask`` on a real cluster gives the local engine's results, field by field.

Violations are planted in different partitions and duplicates repeat values of earlier
partitions; example rows must be the global row numbers a single-file run reports.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlci.checks.validation import validate_frame
from mlci.config.schema import load_schema
from mlci.engines import EngineOptions
from mlci.engines.factory import open_engine
from mlci.io.dataset import open_data

from stubs.partitioned_data import SCHEMA, frame, planted, split


def _entry(run_stdout: str) -> dict[str, object]:
    entry = json.loads(run_stdout)["validation"][0]
    for key in ("dataset", "path", "fingerprint"):
        entry.pop(key, None)
    return entry


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_partitions_on_a_cluster_match_the_whole_file_locally(
    mlci_process, tmp_path: Path, cluster: str, fmt: str
) -> None:
    schema = tmp_path / "schema.yml"
    schema.write_text(SCHEMA, encoding="utf-8")
    parts = split(planted(), tmp_path / "events", fmt)
    local = mlci_process("validate", tmp_path / f"events-whole.{fmt}", "-s", schema, "--format", "json")
    remote = mlci_process("validate", parts, "-s", schema, "--format", "json", "--scheduler", cluster)
    assert local.exit_code == remote.exit_code == 1, remote.stderr
    assert _entry(remote.stdout) == _entry(local.stdout)
    violations = {(v["column"], v["check"]): v for v in _entry(remote.stdout)["violations"]}
    # Global row numbers, from every partition (row 1 is the first record).
    assert violations[("age", "max")]["example_rows"] == [4, 3000]
    assert violations[("age", "min")]["example_rows"] == [1501]
    assert violations[("id", "unique")]["failed_count"] == 2
    assert violations[("id", "unique")]["example_rows"] == [2501, 2701]
    assert violations[("id", "unique")]["examples"] == ["C000010", "C001100"]
    assert violations[("code", "unique")]["example_rows"] == [1002, 2002]


def test_a_clean_partitioned_dataset_passes_with_the_engine_from_the_environment(
    mlci_process, tmp_path: Path, cluster: str
) -> None:
    schema = tmp_path / "schema.yml"
    schema.write_text(SCHEMA, encoding="utf-8")
    parts = split(frame(2500), tmp_path / "clean", "parquet")
    env = {"MLCI_ENGINE": "dask", "DASK_SCHEDULER_ADDRESS": cluster}
    run = mlci_process("validate", parts, "-s", schema, "--format", "json", env=env)
    assert run.exit_code == 0, run.stderr
    entry = json.loads(run.stdout)["validation"][0]
    assert entry["rows"] == 2500 and entry["violations"] == []
    assert entry["fingerprint"].startswith("sha256:")


@pytest.mark.parametrize("cuts", [[1], [7, 8, 400], [250, 251, 252, 900]])
def test_any_split_into_partitions_equals_one_validation(
    tmp_path: Path, cluster: str, cuts: list[int]
) -> None:
    rng = np.random.default_rng(len(cuts))
    df = frame(1000)
    df.loc[rng.choice(1000, 40, replace=False), "id"] = "C000999"  # one value, many rows
    df.loc[rng.choice(1000, 30, replace=False), "age"] = 200
    root = tmp_path / "split"
    root.mkdir()
    bounds = [0, *cuts, len(df)]
    for n, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        df.iloc[lo:hi].to_parquet(root / f"p{n:03d}.parquet", index=False)
    schema = load_schema(_schema_file(tmp_path))
    expected = validate_frame(df, schema)
    options = EngineOptions("dask", cluster)
    with open_engine(options) as engine:
        got = engine.validate(open_data(root), schema, chunk_rows=1000)
    assert got == expected


def _schema_file(tmp_path: Path) -> Path:
    path = tmp_path / "schema.yml"
    path.write_text(SCHEMA, encoding="utf-8")
    return path


def test_an_unreadable_partition_is_bad_input_naming_the_file(
    mlci_process, tmp_path: Path, cluster: str
) -> None:
    parts = split(frame(2000), tmp_path / "broken", "csv")
    bad = parts / "part-00001.csv"
    bad.write_text("id,code,age,spend,plan,joined\nC1,1,2\n", encoding="utf-8")
    run = mlci_process("validate", parts, "-s", _schema_file(tmp_path), "--scheduler", cluster)
    assert run.exit_code == 2
    assert str(bad) in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_a_single_file_runs_on_the_cluster_too(tmp_path: Path, cluster: str) -> None:
    df = planted()
    path = tmp_path / "one.parquet"
    df.to_parquet(path, index=False)
    schema = load_schema(_schema_file(tmp_path))
    options = EngineOptions("dask", cluster)
    with open_engine(options) as engine:
        got = engine.validate(open_data(path), schema, chunk_rows=1000)
    assert got == validate_frame(pd.read_parquet(path), schema)


def test_without_an_address_mlci_starts_a_local_cluster_for_the_run(mlci_process, tmp_path: Path) -> None:
    schema = _schema_file(tmp_path)
    parts = split(planted(), tmp_path / "events", "parquet")
    local = mlci_process("validate", tmp_path / "events-whole.parquet", "-s", schema, "--format", "json")
    remote = mlci_process("validate", parts, "-s", schema, "--format", "json", "--engine", "dask")
    assert remote.exit_code == local.exit_code == 1, remote.stderr
    assert _entry(remote.stdout) == _entry(local.stdout)
    assert remote.stderr.strip() == ""  # the cluster's own logging stays out of mlci's output
