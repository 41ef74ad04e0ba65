"""``mlci monitor``: real data files, a real Pushgateway, the GitHub stand-in over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from stubs.github_stub import TOKEN, GitHubStub, actions_env, read_outputs
from stubs.pushgateway import free_port, groups, pushgateway, series

REPO = "octo/churn"
FAST = {"MLCI_HTTP_BACKOFF": "0.01", "MLCI_HTTP_MAX_WAIT": "2", "MLCI_HTTP_TIMEOUT": "2"}
MARK = "<!-- mlci:monitor/churn -->"


def write_data(path: Path, *, shift: float, seed: int, rows: int = 600) -> None:
    rng = np.random.default_rng(seed)
    age = rng.normal(40 + 10 * shift, 10, rows).round(1)
    spend = rng.gamma(2.0 + 2 * shift, 20.0, rows).round(2)
    plan = rng.choice(["free", "pro", "team"], rows, p=[0.6, 0.3, 0.1] if shift == 0 else [0.2, 0.3, 0.5])
    lines = ["age,spend,plan"] + [f"{a},{s},{p}" for a, s, p in zip(age, spend, plan, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_config(root: Path, monitor: str) -> Path:
    write_data(root / "train.csv", shift=0, seed=1)
    config = root / "mlci.yml"
    config.write_text(
        "version: 1\n"
        "model: {name: churn}\n"
        "datasets:\n"
        "  train: {path: train.csv}\n"
        "  production: {path: production.csv}\n" + monitor,
        encoding="utf-8",
    )
    return config


MONITOR = """monitor:
  reference: train
  current: production
  on_drift:
    issue: true
    dispatch: {workflow: retrain.yml, ref: main}
    cooldown: 24h
"""


@pytest.fixture
def stub() -> Iterator[GitHubStub]:
    with GitHubStub() as gh:
        gh.add_workflow(REPO, "retrain.yml")
        yield gh


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[str]:
    with pushgateway(tmp_path) as url:
        yield url


def run_env(stub: GitHubStub, tmp_path: Path, **extra: str) -> dict[str, str | None]:
    return actions_env(stub, tmp_path, event_name="schedule", repo=REPO, GITHUB_REF_NAME="main", **extra)


def issues(stub: GitHubStub) -> list[dict[str, Any]]:
    return stub.repo_issues(REPO)


def state(issue: dict[str, Any]) -> dict[str, Any]:
    match = re.match(r"<!-- mlci:monitor/churn -->\n<!-- mlci-state: (\{.*\}) -->\n", issue["body"])
    assert match, issue["body"][:200]
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def drifted_share(url: str) -> dict[str, float]:
    group = next(g for g in groups(url) if g["labels"] == {"job": "mlci", "model": "churn"})
    return {
        "drifted": next(iter(series(group, "mlci_dataset_drifted").values())),
        "share": next(iter(series(group, "mlci_drifted_share").values())),
    }


def test_the_loop_opens_one_issue_dispatches_once_then_closes(
    mlci: Callable[..., Any], stub: GitHubStub, gateway: str, tmp_path: Path
) -> None:
    config = write_config(tmp_path, MONITOR + f"  pushgateway: {gateway}\n")
    production = tmp_path / "production.csv"
    write_data(production, shift=1, seed=2)
    env = run_env(stub, tmp_path)
    report = tmp_path / "out" / "monitor.json"

    first = mlci("monitor", "-c", config, "-o", report, env=env)
    assert first.exit_code == 0, first.stderr  # drift is a finding, handled: exit 0
    assert "DATASET DRIFT" in first.stderr and "created issue" in first.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["drift"]["dataset_drift"] is True
    # the series are on the gateway
    pushed = drifted_share(gateway)
    assert pushed["drifted"] == 1.0 and pushed["share"] > 0.5
    # one issue, labelled, with the marker, the state and the report
    (issue,) = issues(stub)
    assert issue["state"] == "open" and issue["title"] == "mlci monitor: data drift in churn"
    assert [label["name"] for label in issue["labels"]] == ["mlci-monitor"]
    assert state(issue)["dispatches"] == 1 and "last_dispatch" in state(issue)
    assert (
        "**Data drift**" in issue["body"]
        and "dispatched <code>retrain.yml</code> on <code>main</code>" in issue["body"]
    )
    # one dispatch, with the ref and the default inputs
    (dispatch,) = stub.dispatches
    assert dispatch.workflow == "retrain.yml" and dispatch.ref == "main"
    assert dispatch.inputs == {"model": "churn", "drifted_share": f"{pushed['share']:g}"}
    outputs = read_outputs(tmp_path / "output.txt")
    assert outputs["drifted"] == "true" and outputs["dispatched"] == "true"
    assert outputs["issue-url"] == issue["html_url"]

    # a second scheduled run within the cooldown: the same issue updated, nothing dispatched
    second = mlci("monitor", "-c", config, "-o", report, env=env)
    assert second.exit_code == 0, second.stderr
    assert "updated issue" in second.stderr and "cooldown until" in second.stderr
    assert len(issues(stub)) == 1 and len(stub.dispatches) == 1
    assert "the cooldown holds until" in issues(stub)[0]["body"]
    assert state(issues(stub)[0]) == state(issue)  # the dispatch time is kept

    # clean data: the issue says so and closes; the gateway shows no drift
    write_data(production, shift=0, seed=3)
    clean = mlci("monitor", "-c", config, "-o", report, env=env)
    assert clean.exit_code == 0, clean.stderr
    assert "no dataset drift" in clean.stderr and "closed issue" in clean.stderr
    (closed,) = issues(stub)
    assert closed["state"] == "closed" and closed["state_reason"] == "completed"
    assert "**Resolved**" in closed["body"] and len(stub.dispatches) == 1
    assert drifted_share(gateway)["drifted"] == 0.0

    # clean again: nothing to do, nothing written
    writes = len(stub.calls("PATCH"))
    assert mlci("monitor", "-c", config, "-o", report, env=env).exit_code == 0
    assert len(stub.calls("PATCH")) == writes

    # drift returns after the cooldown: the same issue reopens, a second dispatch
    closed["body"] = closed["body"].replace(state(closed)["last_dispatch"], "2020-01-01T00:00:00Z")
    write_data(production, shift=1, seed=4)
    again = mlci("monitor", "-c", config, "-o", report, env=env)
    assert again.exit_code == 0, again.stderr
    assert "reopened issue" in again.stderr
    (reopened,) = issues(stub)
    assert reopened["number"] == issue["number"] and reopened["state"] == "open"
    assert len(stub.dispatches) == 2 and state(reopened)["dispatches"] == 2


def test_fail_on_drift_exits_1_after_acting(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    config = write_config(tmp_path, MONITOR + "  fail_on_drift: true\n")
    write_data(tmp_path / "production.csv", shift=1, seed=2)
    result = mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=run_env(stub, tmp_path))
    assert result.exit_code == 1, result.stderr
    assert len(issues(stub)) == 1 and len(stub.dispatches) == 1


def test_inputs_can_carry_the_issue_and_run_links(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    stub.add_workflow(REPO, "retrain.yml", inputs=("model", "report"))
    monitor = MONITOR.replace(
        "dispatch: {workflow: retrain.yml, ref: main}",
        "dispatch: {workflow: retrain.yml, inputs: {model: '{model}', report: '{issue_url}'}}",
    )
    config = write_config(tmp_path, monitor)
    write_data(tmp_path / "production.csv", shift=1, seed=2)
    result = mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=run_env(stub, tmp_path))
    assert result.exit_code == 0, result.stderr
    (dispatch,) = stub.dispatches
    assert dispatch.ref == "main"  # GITHUB_REF_NAME
    assert dispatch.inputs == {"model": "churn", "report": issues(stub)[0]["html_url"]}


def test_inputs_empty_sends_none(mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path) -> None:
    stub.add_workflow(REPO, "retrain.yml", inputs=())
    config = write_config(tmp_path, MONITOR.replace("ref: main}", "ref: main, inputs: {}}"))
    write_data(tmp_path / "production.csv", shift=1, seed=2)
    result = mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=run_env(stub, tmp_path))
    assert result.exit_code == 0, result.stderr
    assert stub.dispatches[0].inputs == {}


@pytest.mark.parametrize(
    "setup,expected",
    [
        (lambda gh: gh.workflows[REPO].pop("retrain.yml"), "has no workflow 'retrain.yml'"),
        (lambda gh: gh.add_workflow(REPO, "retrain.yml", dispatchable=False), "add `on: workflow_dispatch`"),
        (lambda gh: gh.add_workflow(REPO, "retrain.yml", inputs=("model",)), "Unexpected inputs provided"),
        (lambda gh: gh.deny("actions"), "`permissions: actions: write`"),
    ],
    ids=["no-such-workflow", "no-workflow-dispatch", "undeclared-input", "no-actions-write"],
)
def test_a_refused_dispatch_is_exit_2_and_the_next_run_finishes_it(
    mlci: Callable[..., Any],
    stub: GitHubStub,
    tmp_path: Path,
    setup: Callable[[GitHubStub], object],
    expected: str,
) -> None:
    config = write_config(tmp_path, MONITOR)
    write_data(tmp_path / "production.csv", shift=1, seed=2)
    setup(stub)
    env = run_env(stub, tmp_path)
    failed = mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=env)
    assert failed.exit_code == 2, failed.stderr
    line = failed.stderr.strip().splitlines()[-1]
    assert line.startswith(f"error: {config}: monitor.on_drift.dispatch") and expected in line, line
    assert "Traceback" not in failed.stderr and TOKEN not in failed.stderr
    # the issue is there and says what failed; no dispatch time was recorded
    (issue,) = issues(stub)
    assert "failed" in issue["body"] and state(issue)["dispatches"] == 0
    # the cause fixed, the next scheduled run dispatches (no cooldown was started)
    stub.denied.clear()
    stub.add_workflow(REPO, "retrain.yml")
    fixed = mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=env)
    assert fixed.exit_code == 0, fixed.stderr
    assert len(stub.dispatches) == 1 and len(issues(stub)) == 1
    assert state(issues(stub)[0])["dispatches"] == 1


def test_no_issues_write_permission_is_exit_2(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    config = write_config(tmp_path, MONITOR)
    write_data(tmp_path / "production.csv", shift=1, seed=2)
    stub.deny("issues")
    result = mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=run_env(stub, tmp_path))
    assert result.exit_code == 2
    assert "`permissions: issues: write`" in result.stderr and result.stderr.count("\n") == 1


def test_an_unreachable_pushgateway_is_exit_3_after_github_was_handled(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    config = write_config(tmp_path, MONITOR + f"  pushgateway: http://127.0.0.1:{free_port()}\n")
    write_data(tmp_path / "production.csv", shift=1, seed=2)
    result = mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=run_env(stub, tmp_path))
    assert result.exit_code == 3
    assert "connection failed" in result.stderr.strip().splitlines()[-1]
    assert len(issues(stub)) == 1 and len(stub.dispatches) == 1
    assert (tmp_path / "r.json").is_file()


def test_a_forged_issue_cannot_silence_retraining(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    # A person's issue with the marker and a dispatch "in the cooldown": not ours (app token).
    forged = f'{MARK}\n<!-- mlci-state: {{"dispatches": 9, "last_dispatch": "2999-01-01T00:00:00Z"}} -->\n'
    stub.add_issue(REPO, "fake", forged, labels=("mlci-monitor",), user={"login": "mallory", "type": "User"})
    config = write_config(tmp_path, MONITOR)
    write_data(tmp_path / "production.csv", shift=1, seed=2)
    result = mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=run_env(stub, tmp_path))
    assert result.exit_code == 0, result.stderr
    assert len(stub.dispatches) == 1 and len(issues(stub)) == 2
    assert issues(stub)[0]["body"] == forged  # left alone


def test_the_issue_is_found_on_a_later_page(mlci: Callable[..., Any], tmp_path: Path) -> None:
    with GitHubStub(default_per_page=30) as stub:
        stub.add_workflow(REPO, "retrain.yml")
        config = write_config(tmp_path, MONITOR)
        write_data(tmp_path / "production.csv", shift=1, seed=2)
        env = run_env(stub, tmp_path)
        assert mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=env).exit_code == 0
        for n in range(150):  # newer monitor-labelled issues push ours past the first page
            stub.add_issue(REPO, f"other {n}", "<!-- mlci:monitor/other -->\n", labels=("mlci-monitor",))
        assert mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=env).exit_code == 0
        ours = [i for i in issues(stub) if i["body"].startswith(MARK)]
        assert len(ours) == 1 and len(stub.dispatches) == 1
        assert any(r.query.get("page") == "2" for r in stub.calls("GET", r"/issues$"))
        assert not stub.calls(path=r"/search/")


def test_bad_config_is_one_located_line(mlci: Callable[..., Any], tmp_path: Path) -> None:
    config = write_config(tmp_path, "")
    missing = mlci("monitor", "-c", config)
    assert missing.exit_code == 2 and f"{config}: monitor: no monitor: section" in missing.stderr
    config.write_text(config.read_text() + MONITOR.replace("cooldown: 24h", "cooldown: soon"))
    bad = mlci("monitor", "-c", config)
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1
    assert re.search(r"mlci\.yml:\d+:\d+: monitor\.on_drift\.cooldown: not a duration", bad.stderr), (
        bad.stderr
    )
    config.write_text(
        config.read_text().replace("cooldown: soon", "cooldown: 30m").replace("issue: true", "issue: false")
    )
    no_issue = mlci("monitor", "-c", config)
    assert no_issue.exit_code == 2 and "needs on_drift.issue: true" in no_issue.stderr


def test_without_github_drift_is_exit_2_and_no_drift_is_fine(
    mlci: Callable[..., Any], tmp_path: Path
) -> None:
    config = write_config(tmp_path, MONITOR)
    write_data(tmp_path / "production.csv", shift=1, seed=2)
    env = {"GITHUB_TOKEN": "", "GH_TOKEN": "", "GITHUB_REPOSITORY": "", "GITHUB_ACTIONS": ""}
    drifted = mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=env)
    assert drifted.exit_code == 2 and "cannot act on GitHub: missing" in drifted.stderr
    assert (tmp_path / "r.json").is_file()  # the report is written first
    write_data(tmp_path / "production.csv", shift=0, seed=3)
    clean = mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=env)
    assert clean.exit_code == 0 and "not on GitHub" in clean.stderr


def test_mlci_yml_pushgateway_beats_the_environment_and_the_flag_beats_both(
    mlci: Callable[..., Any], gateway: str, tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    config = write_config(tmp_path, MONITOR.replace("  on_drift:", f"  pushgateway: {gateway}\n  on_drift:"))
    write_data(tmp_path / "production.csv", shift=0, seed=3)
    env = {"MLCI_PUSHGATEWAY": dead, "GITHUB_TOKEN": "", "GITHUB_REPOSITORY": "", **FAST}
    assert mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=env).exit_code == 0
    assert drifted_share(gateway)["drifted"] == 0.0
    flagged = mlci("monitor", "-c", config, "-o", tmp_path / "r.json", "--pushgateway", dead, env=env)
    assert flagged.exit_code == 3 and "connection failed" in flagged.stderr


def test_cooldown_0_dispatches_on_every_drifted_run_and_extra_labels_are_set(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    monitor = MONITOR.replace("cooldown: 24h", "cooldown: 0\n    labels: [ml, drift]")
    config = write_config(tmp_path, monitor)
    write_data(tmp_path / "production.csv", shift=1, seed=2)
    env = run_env(stub, tmp_path)
    for _ in range(2):
        result = mlci("monitor", "-c", config, "-o", tmp_path / "r.json", env=env)
        assert result.exit_code == 0, result.stderr
    assert len(stub.dispatches) == 2
    (issue,) = issues(stub)
    assert [label["name"] for label in issue["labels"]] == ["mlci-monitor", "ml", "drift"]
    assert state(issue)["dispatches"] == 2
