"""The fork-safe pair (examples/workflows/mlci-check.yml + mlci-comment.yml), run by act.

A pull request from a fork is checked with a read-only token: the check job posts nothing,
fails on the violation, and still hands the report over as an artifact. The
``workflow_run`` job, with the base repository's token, finds the pull request from the
run's head commit (GitHub lists no pull requests for forks) and posts the comment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlci.platforms.github.comments import marker

from .conftest import REPO, Project

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "churn"
WORKFLOWS = ROOT / "examples" / "workflows"
FORK = "fork/churn"

CONFIG = """version: 1
datasets:
  train:   {path: data/train.csv,   schema: schema.yml}
  current: {path: data/current.csv, schema: schema.yml}
"""


@pytest.mark.slow
def test_fork_pull_request_is_checked_then_commented_by_workflow_run(project: Project) -> None:
    project.write("mlci.yml", CONFIG)
    project.copy(EXAMPLE / "schema.yml", "schema.yml")
    project.copy(EXAMPLE / "data" / "train.csv", "data/train.csv")
    project.copy(EXAMPLE / "data" / "current.csv", "data/current.csv")
    for name in ("mlci-check.yml", "mlci-comment.yml"):
        project.copy(WORKFLOWS / name, f".github/workflows/{name}")
    sha = project.commit("a fork's change")
    project.stub.add_pull(REPO, 12, head_sha=sha, head_repo=FORK)
    pull = {
        "number": 12,
        "head": {"sha": sha, "ref": "feature", "repo": {"full_name": FORK}},
        "base": {"ref": "main", "repo": {"full_name": REPO}},
    }
    project.stub.read_only = True  # what a fork's pull_request token may do

    check = project.run("pull_request", {"number": 12, "pull_request": pull}, "mlci-check.yml")

    assert check.failed, check.tail()  # the violations fail the check job
    assert project.stub.pr_comments(REPO, 12) == []
    assert not project.stub.calls("POST") and not project.stub.calls("PATCH")
    assert (project.artifacts / "mlci-report" / "mlci-report.json").is_file()

    project.stub.read_only = False  # workflow_run runs with the base repository's token
    run_event = {
        "action": "completed",
        "workflow_run": {
            "id": 4242,
            "name": "mlci check",
            "event": "pull_request",
            "conclusion": "failure",
            "head_sha": sha,
            "head_branch": "feature",
            "head_repository": {"full_name": FORK, "owner": {"login": "fork"}},
            "pull_requests": [],  # GitHub lists none for a fork's pull request
        },
        "repository": {"full_name": REPO},
    }
    comment = project.run("workflow_run", run_event, "mlci-comment.yml")

    assert comment.succeeded, comment.tail()
    assert "from run 4242" in comment.log  # the artifact of the triggering run
    (posted,) = project.stub.pr_comments(REPO, 12)
    # Keyed by the triggering workflow, so both paths of a repo update one comment.
    assert posted["body"].startswith(marker("mlci check/data") + "\n")
    assert "<code>enterprise</code>" in posted["body"]
