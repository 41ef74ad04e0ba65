"""The root action in a pull-request workflow, run by act against the GitHub stand-in.

The workflow users copy (examples/workflows/mlci-pr.yml, which `mlci init` writes too) runs
verbatim: a failing check fails the job and posts the sticky comment; a re-run updates
that same comment. A second workflow reads the action's outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlci.platforms.github.comments import marker

from .conftest import REPO, Project

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "churn"
PR_WORKFLOW = ROOT / "examples" / "workflows" / "mlci-pr.yml"

# Validation only: the checks these tests need, and nothing that depends on a baseline.
CONFIG = """version: 1
datasets:
  train:   {path: data/train.csv,   schema: schema.yml}
  current: {path: data/current.csv, schema: schema.yml}
"""


def _user_project(project: Project, *, current_ok: bool) -> None:
    project.write("mlci.yml", CONFIG)
    project.copy(EXAMPLE / "schema.yml", "schema.yml")
    project.copy(EXAMPLE / "data" / "train.csv", "data/train.csv")
    current = "train.csv" if current_ok else "current.csv"
    project.copy(EXAMPLE / "data" / current, "data/current.csv")


@pytest.mark.slow
def test_failing_check_fails_the_job_and_a_rerun_updates_the_same_comment(
    project: Project,
) -> None:
    _user_project(project, current_ok=False)
    project.copy(PR_WORKFLOW, ".github/workflows/mlci.yml")
    sha = project.commit("add mlci")
    event = project.pull_request_event(7, sha)

    first = project.run("pull_request", event, "mlci.yml")

    assert first.failed, first.tail()
    assert "a check failed" in first.log
    comments = project.stub.pr_comments(REPO, 7)
    assert len(comments) == 1
    posted = comments[0]
    assert posted["body"].startswith(marker("mlci/data") + "\n")
    # The violations a reviewer needs are in the comment itself.
    for fragment in ("❌ failed", "current", "unique", "age", "<code>enterprise</code>"):
        assert fragment in posted["body"]

    rerun = project.run("pull_request", event, "mlci.yml")

    assert rerun.failed, rerun.tail()
    comments = project.stub.pr_comments(REPO, 7)
    assert [c["id"] for c in comments] == [posted["id"]]  # the same comment, not a new one
    assert len(project.stub.calls("POST", r"/issues/7/comments")) == 1
    assert len(project.stub.calls("PATCH", rf"/issues/comments/{posted['id']}")) == 1


OUTPUTS_WORKFLOW = """
name: mlci
on: pull_request
permissions: {}
jobs:
  mlci:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - id: passing
        uses: mlci-dev/mlci@v0
        with:
          config: passing.yml
          report: out/passing.json
      - id: advisory
        uses: mlci-dev/mlci@v0
        with:
          config: mlci.yml
          comment-key: advisory
          fail-on: error
      - env:
          STATUS: ${{ steps.passing.outputs.status }}
          REPORT: ${{ steps.passing.outputs.report-path }}
          URL: ${{ steps.passing.outputs.comment-url }}
          VERSION: ${{ steps.passing.outputs.mlci-version }}
          ADVISORY_STATUS: ${{ steps.advisory.outputs.status }}
          ADVISORY_URL: ${{ steps.advisory.outputs.comment-url }}
        run: |
          {
            echo "status=$STATUS"
            echo "comment-url=$URL"
            echo "version=$VERSION"
            echo "advisory-status=$ADVISORY_STATUS"
            echo "advisory-url=$ADVISORY_URL"
          } >> "$E2E_RESULTS"
          cp "$REPORT" "$(dirname "$E2E_RESULTS")/passing.json"
"""


@pytest.mark.slow
def test_passing_run_sets_status_passed_and_advisory_mode_does_not_fail(
    project: Project,
) -> None:
    _user_project(project, current_ok=False)
    project.write(
        "passing.yml", CONFIG.replace("  current: {path: data/current.csv, schema: schema.yml}\n", "")
    )
    project.write(".github/workflows/mlci.yml", OUTPUTS_WORKFLOW)
    sha = project.commit("add mlci")

    run = project.run("pull_request", project.pull_request_event(9, sha), "mlci.yml")

    # The advisory run found violations, yet the job passes: fail-on: error.
    assert run.succeeded, run.tail()
    out = run.outputs
    assert out["status"] == "passed" and out["advisory-status"] == "failed"
    report = json.loads((project.work / "run1" / "passing.json").read_text())
    assert report["status"] == "passed" and report["mlci_report_version"] == 1
    # One comment per key, and the outputs point at them.
    comments = {c["html_url"]: c["body"] for c in project.stub.pr_comments(REPO, 9)}
    assert set(comments) == {out["comment-url"], out["advisory-url"]}
    assert comments[out["advisory-url"]].startswith(marker("advisory"))
