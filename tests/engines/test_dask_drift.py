"""``mlci drift --engine dask`` gives exactly the local engine's statistics and decisions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mlci.checks.drift import DriftOptions
from mlci.engines import EngineOptions
from mlci.engines.factory import open_engine
from mlci.io.dataset import open_data

from stubs.partitioned_data import SCHEMA, frame, split


def _drift(stdout: str) -> dict[str, object]:
    section = json.loads(stdout)["drift"]
    for side in ("reference", "current"):
        section[side].pop("path")
    return section


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_partitioned_drift_on_a_cluster_equals_local_drift_of_the_whole_files(
    mlci_process, tmp_path: Path, cluster: str, fmt: str
) -> None:
    schema = tmp_path / "schema.yml"
    schema.write_text(SCHEMA, encoding="utf-8")
    ref = split(frame(3000, seed=1), tmp_path / "ref", fmt, size=700)
    cur = split(frame(2400, seed=2, shift=0.5), tmp_path / "cur", fmt, size=1000)
    whole = [tmp_path / f"ref-whole.{fmt}", tmp_path / f"cur-whole.{fmt}"]
    local = mlci_process("drift", *whole, "-s", schema, "--format", "json")
    remote = mlci_process("drift", ref, cur, "-s", schema, "--format", "json", "--scheduler", cluster)
    assert local.exit_code == remote.exit_code == 0, remote.stderr
    got, expected = _drift(remote.stdout), _drift(local.stdout)
    assert got == expected  # every statistic, p-value, histogram and decision, exactly
    assert {c["column"]: c["drifted"] for c in got["columns"]}["spend"] is True
    assert got["reference"]["rows"] == 3000 and got["current"]["rows"] == 2400


def test_small_samples_use_ks_and_match_scipy(tmp_path: Path, cluster: str) -> None:
    rng = np.random.default_rng(5)
    ref = pd.DataFrame({"x": rng.normal(0, 1, 600), "y": rng.exponential(1, 600)})
    cur = pd.DataFrame({"x": rng.normal(0.3, 1, 500), "y": rng.exponential(1, 500)})
    for name, df in (("ref", ref), ("cur", cur)):
        (tmp_path / name).mkdir()
        for n, lo in enumerate(range(0, len(df), 150)):
            df.iloc[lo : lo + 150].to_parquet(tmp_path / name / f"{n}.parquet", index=False)
    options = EngineOptions("dask", cluster)
    with open_engine(options) as engine:
        outcome = engine.drift(
            open_data(tmp_path / "ref"),
            open_data(tmp_path / "cur"),
            DriftOptions(),
            schema=None,
            chunk_rows=1000,
        )
    for column in outcome.columns:
        oracle = stats.ks_2samp(ref[column.column], cur[column.column])
        assert column.method == "ks"
        assert column.statistic == pytest.approx(oracle.statistic, abs=1e-12)
        assert column.p_value == pytest.approx(oracle.pvalue, rel=1e-9)
