"""The setup action under act: uv installs a working mlci, a second run restores the venv
from the cache (the actions/cache stand-in really saves and restores), and pip installs it
when asked or when uv cannot be had."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlci import __version__

from .conftest import ActRun, Project

WORKFLOW = """
name: setup
on: push
jobs:
  setup:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - id: setup
        uses: mlci-dev/mlci/actions/setup@v0
        with:
          installer: '{installer}'
      - env:
          INSTALLER: ${{{{ steps.setup.outputs.installer }}}}
          CACHE_HIT: ${{{{ steps.setup.outputs.cache-hit }}}}
          VERSION: ${{{{ steps.setup.outputs.version }}}}
          MLCI_PATH: ${{{{ steps.setup.outputs.mlci }}}}
        run: |
          {{
            echo "installer=$INSTALLER"
            echo "cache-hit=$CACHE_HIT"
            echo "version=$VERSION"
            echo "on-path=$(mlci --version)"
            echo "mlci-path=$MLCI_PATH"
            echo "python3=$(command -v python3)"
            echo "test-suites=$(find "$(dirname "$MLCI_PATH")/.." -type d -name tests | wc -l)"
          }} >> "$E2E_RESULTS"
          out="$(dirname "$E2E_RESULTS")"
          mlci validate data.csv --schema schema.yml --format json > "$out/validation.json"
"""

SCHEMA = "columns:\n  age:\n    dtype: int\n    min: 0\n"


def _project(project: Project, installer: str) -> None:
    project.write("schema.yml", SCHEMA)
    project.write("data.csv", "age\n1\n42\n")
    project.write(".github/workflows/setup.yml", WORKFLOW.format(installer=installer))
    project.commit("setup")


def _assert_working_mlci(project: Project, run: ActRun, installer: str) -> None:
    assert run.succeeded, run.tail()
    out = run.outputs
    assert out["installer"] == installer
    assert out["version"] == __version__ and out["on-path"].endswith(__version__)
    assert "/mlci/venv/" in out["mlci-path"] and "/mlci/" not in out["python3"]
    # The installed CLI really works: it validated the data with the schema.
    report = (project.work / f"run{project.runs}" / "validation.json").read_text()
    assert '"status": "passed"' in report


@pytest.mark.slow
def test_uv_installs_mlci_and_a_second_run_restores_it_from_the_cache(
    project: Project, tmp_path: Path
) -> None:
    _project(project, "uv")
    cache = {"E2E_CACHE": str(tmp_path / "actions-cache")}

    cold = project.run("push", {"ref": "refs/heads/main"}, "setup.yml", env=cache)

    _assert_working_mlci(project, cold, "uv")
    assert cold.outputs["cache-hit"] == "false"
    # The venv to be cached was slimmed (numpy, scipy, pandas, pyarrow ship dozens of these).
    assert cold.outputs["test-suites"] == "0"
    assert "installed with uv in" in cold.log
    assert "Cache saved with key: mlci-venv-" in cold.log  # the post step of actions/cache

    warm = project.run("push", {"ref": "refs/heads/main"}, "setup.yml", env=cache)

    _assert_working_mlci(project, warm, "uv")
    assert warm.outputs["cache-hit"] == "true"
    assert "mlci was restored from the cache" in warm.log
    assert "installed with" not in warm.log  # nothing was installed
    assert "not saving cache" in warm.log  # an exact hit is not saved again


@pytest.mark.slow
def test_pip_installs_mlci_when_asked(project: Project) -> None:
    _project(project, "pip")

    run = project.run("push", {"ref": "refs/heads/main"}, "setup.yml")

    _assert_working_mlci(project, run, "pip")
    assert "installed with pip in" in run.log
    assert "uv" not in run.outputs["mlci-path"]


@pytest.mark.slow
def test_pip_takes_over_when_uv_cannot_be_had(project: Project, tmp_path: Path) -> None:
    if shutil.which("uv"):
        pytest.skip("uv is on this host's PATH, which the action would use instead of pip")
    _project(project, "uv")
    # A pip constraint no uv release satisfies: installing uv fails, installing mlci does not.
    constraint = tmp_path / "no-uv.txt"
    constraint.write_text("uv<0.0.1\n", encoding="utf-8")
    run = project.run(
        "push", {"ref": "refs/heads/main"}, "setup.yml", env={"PIP_CONSTRAINT": str(constraint)}
    )

    _assert_working_mlci(project, run, "pip")
    assert "uv could not be installed" in run.log
    assert "installed with pip in" in run.log
