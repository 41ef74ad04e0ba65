"""``-o FILE`` writes atomically, but never replaces a device or a pipe with a regular file."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from mlci.report import Report


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_output_to_a_pipe_writes_through_it(mlci, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    report.write_text(Report().with_status().to_json())
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()), daemon=True)
    reader.start()
    run = mlci("report", report, "--format", "text", "-o", pipe)
    reader.join(timeout=30)
    assert run.exit_code == 0, run.stderr
    # Replacing it (rename over it) would leave a regular file and a reader waiting forever;
    # the same happens to /dev/null when mlci runs as root.
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert received and "mlci: passed" in received[0]


def test_output_to_a_regular_file_is_replaced_whole(mlci, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    report.write_text(Report().with_status().to_json())
    out = tmp_path / "out" / "report.md"
    run = mlci("report", report, "-o", out)
    assert run.exit_code == 0, run.stderr
    assert out.read_text().startswith("## ✅ mlci passed")
    assert not list(out.parent.glob(".*.tmp"))
