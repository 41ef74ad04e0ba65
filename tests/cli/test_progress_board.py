"""Two bars that run together (two files read at once) share one line; a finished step leaves it."""

from __future__ import annotations

import os
import sys

from stubs.terminal import stderr_on_a_terminal

SCRIPT = """
import time
from mlci.cli.progress import ProgressBars

with ProgressBars() as bars:
    first = bars.start("validating a.csv", None)
    first(5)
    time.sleep(0.3)  # past the redraw interval
    ref, cur = bars.start("reading r.csv", None), bars.start("reading c.parquet", 40)
    ref(10)
    time.sleep(0.3)
    cur(20)
"""


def terminal_stderr(script: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    return stderr_on_a_terminal([sys.executable, "-c", script], env=env, timeout=60)


def test_bars_started_together_share_the_line_and_a_finished_step_leaves_it() -> None:
    err = terminal_stderr(SCRIPT)
    lines = [part for part in err.split("\r\x1b[2K") if part]
    assert lines[0].startswith("validating a.csv: 5 rows")
    assert lines[1].startswith("reading r.csv: 10 rows,")
    together = lines[2]
    assert together.startswith("reading r.csv: 10 rows,")
    assert "  |  reading c.parquet: 20 rows of 40 (50%)" in together
    assert "validating" not in together
    assert err.endswith("\r\x1b[2K")
