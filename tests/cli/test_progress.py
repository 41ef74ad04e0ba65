"""Progress on stderr: shown on a terminal, silent in CI logs and pipes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from stubs.terminal import stderr_on_a_terminal

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "churn"


def run_with_terminal_stderr(env_ci: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("MLCI_")}
    if env_ci is not None:
        env["CI"] = env_ci
    argv = [sys.executable, "-m", "mlci", "validate", EXAMPLE / "data" / "train.csv",
            "-s", EXAMPLE / "schema.yml", "--chunk-rows", "1000"]  # fmt: skip
    return stderr_on_a_terminal(argv, env=env)


def test_progress_is_shown_on_a_terminal() -> None:
    err = run_with_terminal_stderr(None)
    assert "validating" in err and "rows" in err
    assert err.endswith("\x1b[2K")  # the line is cleared when done


def test_progress_is_quiet_in_ci() -> None:
    assert "validating" not in run_with_terminal_stderr("true")


def test_progress_is_quiet_when_piped(mlci_process) -> None:
    run = mlci_process("validate", EXAMPLE / "data" / "train.csv", "-s", EXAMPLE / "schema.yml")
    assert run.stderr == ""
