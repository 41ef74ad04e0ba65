"""``mlci drift`` shows its reading progress on a terminal, for Parquet as for CSV."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


def stderr_on_a_terminal(*args: str | Path) -> str:
    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("MLCI_")}
    proc = subprocess.run(
        [sys.executable, "-m", "mlci", "drift", *[str(a) for a in args], "--chunk-rows", "1000"],
        stdout=subprocess.PIPE, stderr=child, env=env, timeout=120, check=False,
    )  # fmt: skip
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert proc.returncode == 0
    return b"".join(chunks).decode()


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_reading_progress_is_shown_and_cleared(tmp_path: Path, suffix: str) -> None:
    rng = np.random.default_rng(3)
    paths = []
    for name in ("reference", "current"):
        frame = pd.DataFrame({"x": rng.normal(0, 1, 3000), "plan": rng.choice(["a", "b", "c"], 3000)})
        path = tmp_path / f"{name}.{suffix}"
        frame.to_parquet(path) if suffix == "parquet" else frame.to_csv(path, index=False)
        paths.append(path)
    err = stderr_on_a_terminal(*paths)
    assert "reading" in err and " rows" in err
    if suffix == "parquet":  # the row count is known up front
        assert "of 3,000" in err
    assert err.endswith("\x1b[2K")  # the line is cleared when done
