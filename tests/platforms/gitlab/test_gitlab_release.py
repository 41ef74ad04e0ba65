"""``mlci release`` on GitLab: an annotated tag through the Tags API (so GTO reads it), the
release with notes and uploaded asset links, approvals from the MR approvals API; re-runs
change nothing."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlci.report import GateResult, GatesSection, ModelInfo, Report
from mlci.report.provenance import RunInfo

from stubs.gitlab_stub import TOKEN, GitLabStub, gitlab_env

PROJECT = 42
Mlci = Callable[..., Any]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=30
    ).stdout.strip()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "out").mkdir(parents=True)
    (root / "out" / "metrics.json").write_text('{"roc_auc": 0.84}', encoding="utf-8")
    (root / "mlci.yml").write_text(
        "version: 1\n"
        "model: {name: churn, metrics: out/metrics.json}\n"
        "gates:\n  - {metric: roc_auc, threshold: 0.8}\n"
        "registry: {backend: file, path: .mlci/registry}\n",
        encoding="utf-8",
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "add", "-A")
    git(root, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "model")
    return root


@pytest.fixture
def stub(project: Path) -> Iterator[GitLabStub]:
    with GitLabStub() as server:
        server.add_project(PROJECT, "group/churn")
        server.add_commit(PROJECT, git(project, "rev-parse", "HEAD"), branch="main")
        yield server


def write_report(project: Path) -> Path:
    sha = git(project, "rev-parse", "HEAD")
    gate = GateResult(metric="roc_auc", candidate=0.84, status="passed", direction="higher")
    report = Report(
        status="passed",
        model=ModelInfo(name="churn"),
        gates=GatesSection(status="passed", results=[gate]),
        run=RunInfo(commit=sha),
        config_path=str(project / "mlci.yml"),
    )
    path = project.parent / "mlci-report.json"
    path.write_text(report.to_json(), encoding="utf-8")
    return path


def env(stub: GitLabStub, project: Path, **extra: Any) -> dict[str, str | None]:
    sha = git(project, "rev-parse", "HEAD")
    return gitlab_env(stub, project, token=TOKEN, merge_request_iid=None, sha=sha, **extra)


def test_release_makes_an_annotated_tag_a_release_and_asset_links(
    mlci: Mlci, stub: GitLabStub, project: Path
) -> None:
    run = mlci("release", write_report(project), env=env(stub, project))
    assert run.exit_code == 0, run.stderr
    assert run.stdout.strip() == "1.0.0"
    tag = stub.tags[PROJECT]["churn@v1.0.0"]
    assert tag["commit"]["id"] == git(project, "rev-parse", "HEAD")
    assert tag["message"].startswith("Registering artifact churn version v1.0.0\n\n{")  # GTO's form
    release = stub.releases[PROJECT]["churn@v1.0.0"]
    assert release["name"] == "churn v1.0.0" and "churn" in release["description"]
    names = sorted(link["name"] for link in release["assets"]["links"])
    assert names == ["metrics.json", "mlci-report.html", "mlci-report.json"]
    assert {u["name"] for u in stub.uploads} == set(names)
    assert "created tag churn@v1.0.0" in run.stderr and "created release" in run.stderr
    assert TOKEN not in run.stdout + run.stderr


def test_a_rerun_changes_nothing(mlci: Mlci, stub: GitLabStub, project: Path) -> None:
    report = write_report(project)
    assert mlci("release", report, env=env(stub, project)).exit_code == 0
    before = len(stub.requests)
    writes_before = len([r for r in stub.requests if r.method != "GET"])
    again = mlci("release", report, env=env(stub, project))
    assert again.exit_code == 0, again.stderr
    writes = [r for r in stub.requests[before:] if r.method != "GET"]
    assert writes == [], [(r.method, r.path) for r in writes]
    assert "kept tag" in again.stderr and "kept release" in again.stderr
    assert len([r for r in stub.requests if r.method != "GET"]) == writes_before


def test_an_interrupted_release_is_completed(mlci: Mlci, stub: GitLabStub, project: Path) -> None:
    report = write_report(project)
    stub.fail(500, times=1000, method="POST", path=r"/releases$")
    broken = mlci("release", report, env={**env(stub, project), "MLCI_HTTP_MAX_WAIT": "0.3"})
    assert broken.exit_code == 3 and "churn@v1.0.0" in stub.tags[PROJECT]
    stub.faults.clear()
    done = mlci("release", report, env=env(stub, project))
    assert done.exit_code == 0, done.stderr
    assert "kept tag" in done.stderr and "created release" in done.stderr
    assert len(stub.releases[PROJECT]) == 1


def test_a_tag_on_another_commit_is_refused(mlci: Mlci, stub: GitLabStub, project: Path) -> None:
    other = "e" * 40
    stub.add_commit(PROJECT, other)
    stub.tags[PROJECT]["churn@v1.0.0"] = {"name": "churn@v1.0.0", "message": "", "commit": {"id": other}}
    run = mlci("release", write_report(project), "--version", "1.0.0", env=env(stub, project))
    assert run.exit_code == 1 and "already exists on commit eeeeeeeeeeee" in run.stderr
    assert stub.releases[PROJECT] == {}


def test_approval_comes_from_the_merge_request(mlci: Mlci, stub: GitLabStub, project: Path) -> None:
    with (project / "mlci.yml").open("a", encoding="utf-8") as handle:
        handle.write("release: {approval: {review: true, labels: [ship-it]}}\n")
    sha = git(project, "rev-parse", "HEAD")
    stub.add_merge_request(PROJECT, 9, "d" * 40, labels=("ship-it",), state="merged", merge_commit_sha=sha)
    refused = mlci("release", write_report(project), env=env(stub, project))
    assert refused.exit_code == 1 and "pull request #9 has no approving review" in refused.stderr
    stub.approve(PROJECT, 9, "alice")
    run = mlci("release", write_report(project), env=env(stub, project))
    assert run.exit_code == 0, run.stderr


def test_without_a_token_it_says_what_is_missing(mlci: Mlci, stub: GitLabStub, project: Path) -> None:
    run = mlci("release", write_report(project), env={**env(stub, project), "MLCI_GITLAB_TOKEN": None})
    assert run.exit_code == 2
    assert "cannot release on GitLab" in run.stderr and "MLCI_GITLAB_TOKEN" in run.stderr
