"""``actions/setup/cache-key.sh`` and ``setup.sh``'s input checks, run as the action runs them.

The cache key decides when a cached venv is reused: it must change with anything that
changes the installed mlci (its sources, its dependency list, the interpreter) and nothing
else, and its restore key must still match a venv built from older sources.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The parts of the action's checkout the scripts read, in a folder of their own."""
    dest = tmp_path / "action"
    for name in ("mlci", "templates", "actions/setup"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def _outputs(
    checkout: Path, script: str, **env: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    out = checkout.parent / "github-output"
    out.write_text("")
    temp = checkout.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    full = {k: v for k, v in os.environ.items() if not k.startswith(("SETUP_", "RUNNER_", "GITHUB_"))}
    full.update(RUNNER_TEMP=str(temp), RUNNER_OS="Linux", RUNNER_ARCH="X64", GITHUB_OUTPUT=str(out), **env)
    proc = subprocess.run(
        ["bash", str(checkout / "actions" / "setup" / script)],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )
    pairs = [line.split("=", 1) for line in out.read_text().splitlines() if "=" in line]
    return proc, dict(pairs)


def _key(checkout: Path, **env: str) -> dict[str, str]:
    proc, outputs = _outputs(checkout, "cache-key.sh", **{"SETUP_PYTHON": sys.executable, **env})
    assert proc.returncode == 0, proc.stderr
    return outputs


def test_uv_key_caches_the_venv_and_follows_the_sources(checkout: Path) -> None:
    first = _key(checkout, SETUP_INSTALLER="uv")
    assert first["dir"].endswith("/runner-temp/mlci/venv")
    assert first["key"].startswith(first["restore-key"]) and first["key"] != first["restore-key"]
    assert first["restore-key"].startswith(
        f"mlci-venv-Linux-X64-py{sys.version_info[0]}.{sys.version_info[1]}-"
    )
    assert "pip-cache-dir" not in first  # pip keeps its own cache out of the venv's way
    assert _key(checkout, SETUP_INSTALLER="uv") == first  # stable

    # A change to a module of mlci is a change to the installed venv: a new key, same prefix.
    module = checkout / "mlci" / "__init__.py"
    module.write_text(module.read_text() + "\n# changed\n")
    changed = _key(checkout, SETUP_INSTALLER="uv")
    assert changed["key"] != first["key"] and changed["restore-key"] == first["restore-key"]


def test_uv_key_follows_the_interpreter(checkout: Path, tmp_path: Path) -> None:
    # A venv points at its interpreter: one built by a Python elsewhere must not be reused.
    other = tmp_path / "elsewhere" / "python3"
    other.parent.mkdir()
    shutil.copy(os.path.realpath(sys.executable), other)
    mine = _key(checkout, SETUP_INSTALLER="uv")
    theirs = _key(checkout, SETUP_INSTALLER="uv", SETUP_PYTHON=str(other))
    assert theirs["restore-key"] != mine["restore-key"]
    assert theirs["restore-key"].split("-")[:5] == mine["restore-key"].split("-")[:5]  # same version
    assert theirs["key"].removeprefix(theirs["restore-key"]) == mine["key"].removeprefix(mine["restore-key"])


def test_pip_key_caches_downloads_and_follows_only_the_dependency_list(checkout: Path) -> None:
    first = _key(checkout, SETUP_INSTALLER="pip")
    assert first["key"].startswith("mlci-pip-Linux-py") and first["dir"] == first["pip-cache-dir"]
    assert first["dir"].endswith("/runner-temp/mlci/pip-cache")
    module = checkout / "mlci" / "__init__.py"
    module.write_text(module.read_text() + "\n# changed\n")
    assert _key(checkout, SETUP_INSTALLER="pip") == first
    (checkout / "pyproject.toml").write_text((checkout / "pyproject.toml").read_text() + "\n")
    assert _key(checkout, SETUP_INSTALLER="pip")["key"] != first["key"]


def test_setup_rejects_an_unknown_installer_in_one_line(checkout: Path) -> None:
    proc, outputs = _outputs(checkout, "setup.sh", SETUP_PYTHON=sys.executable, SETUP_INSTALLER="conda")
    assert proc.returncode == 2
    assert proc.stdout.strip() == "::error title=mlci setup::installer must be 'uv' or 'pip', got 'conda'"
    assert outputs == {}
