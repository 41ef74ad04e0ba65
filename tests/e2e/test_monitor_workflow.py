"""The scheduled monitor workflow users copy (examples/workflows/mlci-monitor.yml), run by act.

Against the GitHub stand-in and a real Pushgateway: a scheduled run on drifted data pushes
the series, opens one issue and dispatches one retraining run; a second run within the
cooldown updates the issue and dispatches nothing; a run on clean data closes the issue.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO, Project
from stubs.pushgateway import groups, pushgateway, series

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "churn"
WORKFLOW = ROOT / "examples" / "workflows" / "mlci-monitor.yml"
SCHEDULE = {"schedule": "17 6 * * *", "repository": {"full_name": REPO}}


def config(gateway: str) -> str:
    return f"""version: 1
model: {{name: churn}}
datasets:
  train:      {{path: data/train.csv, schema: schema.yml}}
  production: {{path: data/production.csv, schema: schema.yml}}
monitor:
  reference: train
  current: production
  pushgateway: {gateway}
  on_drift:
    issue: true
    dispatch: {{workflow: retrain.yml}}
    cooldown: 24h
"""


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[str]:
    with pushgateway(tmp_path) as url:
        yield url


def dataset_drifted(url: str) -> float:
    group = next(g for g in groups(url) if g["labels"] == {"job": "mlci", "model": "churn"})
    (value,) = series(group, "mlci_dataset_drifted").values()
    return value


@pytest.mark.slow
def test_scheduled_monitor_opens_one_issue_dispatches_once_and_closes_when_clean(
    project: Project, gateway: str
) -> None:
    stub = project.stub
    stub.add_workflow(REPO, "retrain.yml")
    project.write("mlci.yml", config(gateway))
    project.copy(EXAMPLE / "schema.yml", "schema.yml")
    project.copy(EXAMPLE / "data" / "train.csv", "data/train.csv")
    project.copy(EXAMPLE / "data" / "current.csv", "data/production.csv")  # drifted
    project.copy(WORKFLOW, ".github/workflows/mlci-monitor.yml")
    project.commit("monitor production data")

    first = project.run("schedule", SCHEDULE, "mlci-monitor.yml")

    # drift and the example's schema violations are findings: the job stays green (fail-on: error)
    assert first.succeeded, first.tail()
    assert dataset_drifted(gateway) == 1.0
    (issue,) = stub.repo_issues(REPO)
    assert issue["state"] == "open" and issue["body"].startswith("<!-- mlci:monitor/churn -->\n")
    (dispatch,) = stub.dispatches
    assert dispatch.workflow == "retrain.yml" and dispatch.ref == "main"
    assert dispatch.inputs["model"] == "churn" and float(dispatch.inputs["drifted_share"]) > 0.5

    second = project.run("schedule", SCHEDULE, "mlci-monitor.yml")

    assert second.succeeded, second.tail()
    assert len(stub.repo_issues(REPO)) == 1 and len(stub.dispatches) == 1
    assert "cooldown" in stub.repo_issues(REPO)[0]["body"]

    project.copy(EXAMPLE / "data" / "train.csv", "data/production.csv")  # clean
    project.commit("production looks like training again")
    third = project.run("schedule", SCHEDULE, "mlci-monitor.yml")

    assert third.succeeded, third.tail()
    (closed,) = stub.repo_issues(REPO)
    assert closed["state"] == "closed" and "**Resolved**" in closed["body"]
    assert len(stub.dispatches) == 1
    assert dataset_drifted(gateway) == 0.0
