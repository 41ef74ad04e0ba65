"""The setup and validate actions under act: isolated install, outputs, fail-on, PATH."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mlci import __version__

from .conftest import Project

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "churn"

WORKFLOW = """
name: validate
on: push
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - id: setup
        uses: mlci-dev/mlci/actions/setup@v0
        with:
          python: '3.12'
      - id: good
        uses: mlci-dev/mlci/actions/validate@v0
        with:
          data: data/train.csv
          schema: schema.yml
      - id: advisory
        uses: mlci-dev/mlci/actions/validate@v0
        with:
          data: data/*.csv
          schema: schema.yml
          format: json
          output: out/validation.json
          fail-on: error
      - env:
          GOOD: ${{ steps.good.outputs.status }}
          ADVISORY: ${{ steps.advisory.outputs.status }}
          REPORT: ${{ steps.advisory.outputs.report-path }}
          VERSION: ${{ steps.setup.outputs.version }}
          MLCI_PATH: ${{ steps.setup.outputs.mlci }}
        run: |
          {
            echo "good=$GOOD"
            echo "advisory=$ADVISORY"
            echo "version=$VERSION"
            echo "on-path=$(mlci --version)"
            echo "python3=$(command -v python3)"
            echo "mlci-path=$MLCI_PATH"
          } >> "$E2E_RESULTS"
          cp "$REPORT" "$(dirname "$E2E_RESULTS")/validation.json"
      - uses: mlci-dev/mlci/actions/validate@v0
        with:
          data: data/current.csv
          schema: schema.yml
      - run: echo "after=ran" >> "$E2E_RESULTS"
"""


@pytest.mark.slow
def test_setup_then_validate_passes_fails_and_advises(project: Project) -> None:
    project.copy(EXAMPLE / "schema.yml", "schema.yml")
    project.copy(EXAMPLE / "data" / "train.csv", "data/train.csv")
    project.copy(EXAMPLE / "data" / "current.csv", "data/current.csv")
    project.write(".github/workflows/validate.yml", WORKFLOW)
    project.commit("data")

    run = project.run("push", {"ref": "refs/heads/main"}, "validate.yml")

    # The last validate step has a violating dataset and the default fail-on: the job fails.
    assert run.failed, run.tail()
    assert "after" not in run.outputs
    out = run.outputs
    assert (out["good"], out["advisory"]) == ("passed", "failed")
    assert out["version"] == __version__ and out["on-path"].endswith(__version__)
    # Installed once, in a venv under RUNNER_TEMP; the later actions reuse it.
    assert "/mlci/venv/" in out["mlci-path"]
    assert run.log.count("mlci is already installed") == 3
    # The user's python3 is not the action's venv: only `mlci` was put on PATH.
    assert "/mlci/" not in out["python3"]
    # The advisory step's JSON report covers both datasets matched by the glob.
    report = json.loads((project.work / "run1" / "validation.json").read_text())
    assert {v["dataset"]: v["status"] for v in report["validation"]} == {
        "current": "failed",
        "train": "passed",
    }
    assert "a check failed" in run.log  # the ::error:: line that names the cause


@pytest.mark.slow
def test_this_repositorys_self_test_job_passes(project: Project) -> None:
    """The CI job that runs the actions from the checkout itself (`uses: ./`)."""
    shutil.copytree(project.source, project.root, dirs_exist_ok=True)
    project.commit("this repository")

    run = project.run("push", {"ref": "refs/heads/main"}, "ci.yml", job="self-test")

    assert run.succeeded, run.tail()
    assert "+ test failed = failed" in run.log  # the check step's assertions ran
