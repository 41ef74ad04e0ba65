"""Drift by distances (Wasserstein, Jensen-Shannon) never imports scipy.stats (~0.9 s)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

_PROBE = """
import sys
from click.testing import CliRunner
from mlci.cli.main import cli
result = CliRunner().invoke(cli, ["drift", sys.argv[1], sys.argv[2], "--format", "json"])
assert result.exit_code == 0, result.output
print("scipy.stats" in sys.modules)
"""


def _frame(seed: int, rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {"x": rng.normal(size=rows), "plan": rng.choice(["free", "pro", "team", "edu"], size=rows)}
    )


def _drift_imports_scipy_stats(tmp_path: Path, rows: int) -> bool:
    ref, cur = tmp_path / "ref.csv", tmp_path / "cur.csv"
    _frame(1, rows).to_csv(ref, index=False)
    _frame(2, rows).to_csv(cur, index=False)
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(ref), str(cur)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout.strip() == "True"


def test_large_data_drift_uses_distances_without_scipy_stats(tmp_path: Path) -> None:
    # Over 1000 reference values: Wasserstein for numbers, Jensen-Shannon for categories.
    assert not _drift_imports_scipy_stats(tmp_path, 2000)


def test_small_data_drift_imports_it_for_its_p_value_tests(tmp_path: Path) -> None:
    assert _drift_imports_scipy_stats(tmp_path, 200)  # KS and chi-square need it
