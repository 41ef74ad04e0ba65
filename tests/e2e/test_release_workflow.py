"""The release workflow users copy (examples/workflows/mlci-release.yml), run by act.

A push to main checks the model again and releases it: exactly one annotated tag and one
GitHub Release on the stand-in, and running the workflow again changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import REPO, Project

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "churn"
RELEASE_WORKFLOW = ROOT / "examples" / "workflows" / "mlci-release.yml"

CONFIG = """version: 1
model: {name: churn, metrics: out/metrics.json}
datasets:
  train: {path: data/train.csv, schema: schema.yml}
gates:
  - {metric: roc_auc, threshold: 0.80}
"""


def _user_project(project: Project) -> None:
    project.write("mlci.yml", CONFIG)
    project.copy(EXAMPLE / "schema.yml", "schema.yml")
    project.copy(EXAMPLE / "data" / "train.csv", "data/train.csv")
    project.write("out/metrics.json", json.dumps({"roc_auc": 0.86, "accuracy": 0.81}))


def _skip_unless_check_runs_gates(project: Project, mlci) -> None:
    """The default approval needs gates in the report; say so if `mlci check` has none yet."""
    report = project.work / "probe.json"
    run = mlci("check", "-c", project.root / "mlci.yml", "-o", report)
    assert run.exit_code in (0, 1), run.stderr
    if json.loads(report.read_text()).get("gates") is None:
        pytest.skip(
            "`mlci check` does not run the gates of mlci.yml yet, and the release's "
            "default approval (gates_passed) needs them"
        )


@pytest.mark.slow
def test_release_workflow_creates_exactly_one_tag_and_release(project: Project, mlci) -> None:
    _user_project(project)
    _skip_unless_check_runs_gates(project, mlci)
    project.copy(RELEASE_WORKFLOW, ".github/workflows/mlci-release.yml")
    sha = project.commit("merge: better model")
    push = {"ref": "refs/heads/main", "after": sha, "repository": {"full_name": REPO}}

    first = project.run("push", push, "mlci-release.yml")

    assert first.succeeded, first.tail()
    stub = project.stub
    tags = {name: ref for name, ref in stub.refs[REPO].items() if name.startswith("refs/tags/")}
    assert len(tags) == 1, tags
    ((tag_ref, target),) = tags.items()
    assert tag_ref.startswith("refs/tags/churn@v")
    # An annotated tag (a tag object) on the pushed commit, as GTO reads it.
    assert target["type"] == "tag"
    assert stub.tag_objects[target["sha"]]["object"]["sha"] == sha
    (release,) = stub.releases[REPO]
    assert release["tag_name"] == tag_ref.removeprefix("refs/tags/")
    assert not release["draft"]
    assets = {a["name"] for a in stub.assets[release["id"]]}
    assert "mlci-report.json" in assets

    again = project.run("push", push, "mlci-release.yml")

    assert again.succeeded, again.tail()
    assert len([n for n in stub.refs[REPO] if n.startswith("refs/tags/")]) == 1
    assert len(stub.releases[REPO]) == 1
    assert len(stub.calls("POST", r"/releases$")) == 1
    assert len(stub.calls("POST", r"/git/refs$")) == 1
