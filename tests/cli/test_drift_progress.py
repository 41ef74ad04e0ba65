"""``mlci drift`` shows its reading progress on a terminal, for Parquet as for CSV."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stubs.terminal import stderr_on_a_terminal


def drift_stderr_on_a_terminal(*args: str | Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("MLCI_")}
    argv = [sys.executable, "-m", "mlci", "drift", *args, "--chunk-rows", "1000"]
    return stderr_on_a_terminal(argv, env=env)


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_reading_progress_is_shown_and_cleared(tmp_path: Path, suffix: str) -> None:
    rng = np.random.default_rng(3)
    paths = []
    for name in ("reference", "current"):
        frame = pd.DataFrame({"x": rng.normal(0, 1, 3000), "plan": rng.choice(["a", "b", "c"], 3000)})
        path = tmp_path / f"{name}.{suffix}"
        frame.to_parquet(path) if suffix == "parquet" else frame.to_csv(path, index=False)
        paths.append(path)
    err = drift_stderr_on_a_terminal(*paths)
    assert "reading" in err and " rows" in err
    if suffix == "parquet":  # the row count is known up front
        assert "of 3,000" in err
    assert err.endswith("\x1b[2K")  # the line is cleared when done
