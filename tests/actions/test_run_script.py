"""``actions/setup/run.sh`` with the real mlci: an error report is posted before the job fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "actions" / "setup" / "run.sh"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "ref.csv").write_text("x\n1\n2\n")
    (tmp_path / "cur.csv").write_text("x\n")  # header only: the run cannot use it
    (tmp_path / "schema.yml").write_text("columns:\n  x: {dtype: int}\n")
    (tmp_path / "mlci.yml").write_text(
        "version: 1\ndatasets:\n  ref: {path: ref.csv, schema: schema.yml}\n"
        "  cur: {path: cur.csv, schema: schema.yml}\ndrift: {reference: ref, current: cur}\n"
    )
    mlci = tmp_path / "mlci"  # what the setup step's `mlci` output points at
    mlci.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mlci "$@"\n')
    mlci.chmod(0o755)
    return tmp_path


def _run(project: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    outputs = project / "outputs.txt"
    outputs.write_text("")
    full = {k: v for k, v in os.environ.items() if not k.startswith("MLCI_")}
    full.update(MLCI=str(project / "mlci"), GITHUB_OUTPUT=str(outputs), REPORT_PATH="mlci-report.json", **env)
    proc = subprocess.run(
        ["bash", str(RUN), "check", "--config", "mlci.yml", "--output", "mlci-report.json"],
        cwd=project,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )
    pairs = [line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line]
    return proc, {k: v for k, v in pairs}


def test_deferred_check_records_error_and_leaves_the_report_for_the_comment(project: Path) -> None:
    (project / "mlci-report.json").write_text('{"stale": true}')  # from an earlier run
    proc, outputs = _run(project, DEFER="true")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs["status"] == "error" and outputs["exit-code"] == "2"
    assert outputs["report-path"] == str(project / "mlci-report.json")
    assert '"status": "error"' in (project / "mlci-report.json").read_text()
    assert "::error title=mlci::mlci check could not use an input (exit 2)" in proc.stdout


def test_without_defer_bad_input_fails_the_step_at_once(project: Path) -> None:
    proc, outputs = _run(project)
    assert proc.returncode == 2
    assert "status" not in outputs
