"""Shared fixtures: run the real CLI in-process or as a subprocess, write real files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlci.cli.main import cli

from stubs.mlflow_server import MlflowServer, running_mlflow
from stubs.s3_server import S3Server, running_s3

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def mlci(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Invoke ``mlci ARGS...`` in-process (fast); stdout and stderr kept apart."""
    for name in [k for k in os.environ if k.startswith("MLCI_")]:
        monkeypatch.delenv(name)

    def run(*args: str | Path, env: dict[str, str] | None = None) -> Run:
        result = CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def mlci_process() -> Callable[..., Run]:
    """Invoke ``python -m mlci ARGS...`` as a real subprocess (for tracebacks, exit codes)."""

    def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("MLCI_")}
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "mlci", *[str(a) for a in args]],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=full_env,
            timeout=120,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write a file under tmp_path (text or bytes) and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """One real MLflow tracking server for the whole session (see tests/stubs/mlflow_server.py)."""
    with running_mlflow(tmp_path_factory.mktemp("mlflow")) as server:
        yield server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One real S3-compatible store (moto's server mode) for the session (tests/stubs/s3_server.py)."""
    with running_s3(tmp_path_factory.mktemp("s3")) as server:
        yield server


def system_tool(name: str, package: str) -> str:
    """A program from a Debian package (.ci/system-deps.sh installs it), or skip naming it."""
    import shutil

    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").is_file() else None)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian package {package}; run .ci/system-deps.sh)")
    return found


@pytest.fixture
def promtool() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run Prometheus's own ``promtool`` (e.g. ``promtool("check", "metrics", input=text)``)."""
    tool = system_tool("promtool", "prometheus")

    def run(*args: str | Path, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [tool, *[str(a) for a in args]], input=input, capture_output=True, text=True, timeout=60
        )

    return run
