"""``mlci release`` end to end: a real git repository, a real registry, the stand-in API."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlci.config import load_project
from mlci.registry import VersionRecord, open_registry
from mlci.report import GateResult, GatesSection, ModelInfo, Report
from mlci.report.provenance import RunInfo

from stubs.github_stub import TOKEN, GitHubStub, actions_env, read_outputs

REPO = "octo/churn"
Mlci = Callable[..., Any]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=30
    ).stdout.strip()


def commit_all(project: Path, message: str) -> str:
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", message)
    return git(project, "rev-parse", "HEAD")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "out").mkdir(parents=True)
    (root / "out" / "metrics.json").write_text('{"roc_auc": 0.84}', encoding="utf-8")
    (root / "out" / "model.pkl").write_bytes(b"\x80model-bytes")
    (root / "mlci.yml").write_text(
        "version: 1\n"
        "model: {name: churn, metrics: out/metrics.json}\n"
        "gates:\n  - {metric: roc_auc, threshold: 0.8, max_regression: 0.01}\n"
        "registry: {backend: file, path: .mlci/registry}\n"
        "release: {model_file: out/model.pkl}\n",
        encoding="utf-8",
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    commit_all(root, "model")
    return root


@pytest.fixture
def stub(project: Path) -> Iterator[GitHubStub]:
    with GitHubStub() as server:
        server.add_commit(REPO, git(project, "rev-parse", "HEAD"))
        yield server


def set_config(project: Path, old: str, new: str) -> None:
    path = project / "mlci.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def write_report(
    project: Path,
    *,
    status: str = "passed",
    delta: float | None = None,
    baseline: str | None = None,
) -> Path:
    sha = git(project, "rev-parse", "HEAD")
    result = GateResult(
        metric="roc_auc",
        candidate=0.84,
        baseline=None if delta is None else 0.84 - delta,
        delta=delta,
        status="failed" if status == "failed" else "passed",
        direction="higher",
    )
    report = Report(
        status=status,
        model=ModelInfo(name="churn", baseline_version=baseline),
        gates=GatesSection(status=result.status, results=[result], baseline_version=baseline),
        run=RunInfo(commit=sha, repository=REPO),
        config_path=str(project / "mlci.yml"),
    )
    path = project.parent / "mlci-report.json"
    path.write_text(report.to_json(), encoding="utf-8")
    return path


def env(stub: GitHubStub, project: Path, **extra: str) -> dict[str, str | None]:
    return actions_env(stub, project.parent, event_name="push", event={}, **extra)


def versions(project: Path) -> list[str]:
    return [r.version for r in open_registry(load_project(project / "mlci.yml")).list_versions()]


def test_release_registers_tags_and_publishes(mlci: Mlci, stub: GitHubStub, project: Path) -> None:
    report = write_report(project)
    result = mlci("release", report, env=env(stub, project))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1.0.0\n"
    # The registry: the version, with lineage, as the new baseline.
    registry = open_registry(load_project(project / "mlci.yml"))
    record = registry.baseline()
    assert record is not None and record.version == "1.0.0"
    assert record.commit == git(project, "rev-parse", "HEAD") and record.metrics == {"roc_auc": 0.84}
    # The annotated tag, made through the git data API, carrying the record like the git
    # registry's tags do.
    ref = stub.refs[REPO]["refs/tags/churn@v1.0.0"]
    tag = stub.tag_objects[ref["sha"]]
    assert tag["object"]["sha"] == record.commit
    subject, _, body = tag["message"].partition("\n\n")
    assert subject == "Registering artifact churn version v1.0.0"
    assert VersionRecord.model_validate_json(body).version == "1.0.0"
    # The release: notes from templates/release.md.j2 and the assets.
    (release,) = stub.releases[REPO]
    assert release["name"] == "churn v1.0.0" and release["tag_name"] == "churn@v1.0.0"
    assert "| roc&#95;auc | 0.84 |" in release["body"] and record.commit[:12] in release["body"]
    assets = sorted(a["name"] for a in stub.assets[release["id"]])
    assert assets == ["metrics.json", "mlci-report.html", "mlci-report.json", "model.pkl"]
    outputs = read_outputs(project.parent / "output.txt")
    assert outputs["version"] == "1.0.0" and outputs["tag"] == "churn@v1.0.0"
    assert outputs["release-url"] == release["html_url"]
    assert TOKEN not in result.stdout + result.stderr


def test_rerunning_a_release_is_harmless(mlci: Mlci, stub: GitHubStub, project: Path) -> None:
    report = write_report(project)
    assert mlci("release", report, env=env(stub, project)).exit_code == 0
    stub.requests.clear()
    again = mlci("release", report, env=env(stub, project))
    assert again.exit_code == 0, again.stderr
    assert again.stdout == "1.0.0\n" and "already registered" in again.stderr
    assert {r.method for r in stub.requests} == {"GET"}
    assert versions(project) == ["1.0.0"] and len(stub.releases[REPO]) == 1


def test_auto_version_bumps_minor_when_a_gate_improved(mlci: Mlci, stub: GitHubStub, project: Path) -> None:
    mlci(
        "registry",
        "register",
        "-c",
        project / "mlci.yml",
        "--version",
        "1.2.0",
        "--alias",
        "champion",
    )
    (project / "x").write_text("x")
    stub.add_commit(REPO, commit_all(project, "next model"))
    result = mlci("release", write_report(project, delta=0.02, baseline="1.2.0"), env=env(stub, project))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1.3.0\n" and versions(project) == ["1.2.0", "1.3.0"]
    assert "replacing **v1.2.0**" in stub.releases[REPO][0]["body"]


def test_auto_version_bumps_patch_otherwise(mlci: Mlci, stub: GitHubStub, project: Path) -> None:
    mlci(
        "registry",
        "register",
        "-c",
        project / "mlci.yml",
        "--version",
        "1.2.0",
        "--alias",
        "champion",
    )
    (project / "x").write_text("x")
    stub.add_commit(REPO, commit_all(project, "retrain"))
    result = mlci("release", write_report(project, delta=0.0, baseline="1.2.0"), env=env(stub, project))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1.2.1\n"


def test_a_failed_report_is_refused(mlci: Mlci, stub: GitHubStub, project: Path) -> None:
    result = mlci("release", write_report(project, status="failed"), env=env(stub, project))
    assert result.exit_code == 1
    assert "release refused: the report did not pass; gates failed: roc_auc" in result.stderr
    assert versions(project) == [] and stub.calls("POST") == []


def test_approval_by_review_on_the_producing_pull_request(
    mlci: Mlci, stub: GitHubStub, project: Path
) -> None:
    set_config(project, "release: {", "release: {approval: {review: true, labels: [ship-it]}, ")
    sha = commit_all(project, "policy")
    stub.add_commit(REPO, sha)
    report = write_report(project)
    refused = mlci("release", report, env=env(stub, project))
    assert refused.exit_code == 1 and f"no pull request produced commit {sha[:12]}" in refused.stderr
    stub.add_pull(REPO, 8, head_sha="9" * 40, state="closed", merge_commit_sha=sha, labels=("ship-it",))
    refused = mlci("release", report, env=env(stub, project))
    assert refused.exit_code == 1 and "pull request #8 has no approving review" in refused.stderr
    stub.add_review(REPO, 8, "alice")
    result = mlci("release", report, env=env(stub, project))
    assert result.exit_code == 0, result.stderr
    record = open_registry(load_project(project / "mlci.yml")).get("1.0.0")
    assert record.approved_by == "alice (PR #8)"


def test_a_tag_on_another_commit_is_refused_before_anything_changes(
    mlci: Mlci, stub: GitHubStub, project: Path
) -> None:
    stub.add_commit(REPO, "e" * 40)
    stub.refs[REPO] = {"refs/tags/churn@v1.0.0": {"sha": "e" * 40, "type": "commit"}}
    result = mlci("release", write_report(project), env=env(stub, project))
    assert result.exit_code == 1
    assert "tag churn@v1.0.0 already exists on commit eeeeeeeeeeee" in result.stderr
    assert versions(project) == [] and stub.calls("POST") == []


def test_an_explicit_version_registered_elsewhere_is_refused(
    mlci: Mlci, stub: GitHubStub, project: Path
) -> None:
    mlci("registry", "register", "-c", project / "mlci.yml", "--version", "2.0.0")
    (project / "x").write_text("x")
    stub.add_commit(REPO, commit_all(project, "next"))
    result = mlci("release", write_report(project), "--version", "2.0.0", env=env(stub, project))
    assert result.exit_code == 1 and "version 2.0.0 of churn is already registered on commit" in result.stderr


def test_an_interrupted_release_is_completed_by_the_rerun(
    mlci: Mlci, stub: GitHubStub, project: Path
) -> None:
    report = write_report(project)
    stub.fail(502, times=10_000, path="/uploads/")
    broken = mlci("release", report, env=env(stub, project, MLCI_HTTP_MAX_WAIT="0.3"))
    assert broken.exit_code == 3
    errors = [line for line in broken.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: GitHub API POST /uploads/repos/octo/churn/")
    stub.faults.clear()
    result = mlci("release", report, env=env(stub, project))
    assert result.exit_code == 0, result.stderr
    assert versions(project) == ["1.0.0"] and len(stub.releases[REPO]) == 1
    assert len(stub.assets[stub.releases[REPO][0]["id"]]) == 4 and len(stub.tag_objects) == 1


def test_git_registry_tags_are_published_as_they_are(mlci: Mlci, stub: GitHubStub, project: Path) -> None:
    set_config(project, "registry: {backend: file, path: .mlci/registry}", "registry: {backend: git}")
    sha = commit_all(project, "git registry")
    stub.add_commit(REPO, sha)
    result = mlci("release", write_report(project), env=env(stub, project))
    assert result.exit_code == 0, result.stderr
    local_message = git(project, "tag", "-l", "--format=%(contents)", "churn@v1.0.0")
    ref = stub.refs[REPO]["refs/tags/churn@v1.0.0"]
    remote = stub.tag_objects[ref["sha"]]
    assert remote["message"].strip() == local_message.strip()
    assert remote["tagger"]["name"] == "Test" and remote["tagger"]["email"] == "test@example.com"
    # The baseline stage moves for every clone: the GTO stage tag is published too.
    stage = stub.refs[REPO]["refs/tags/churn#champion#1"]
    assert stub.tag_objects[stage["sha"]]["object"]["sha"] == sha
    assert mlci("release", write_report(project), env=env(stub, project)).exit_code == 0
    assert len(stub.tag_objects) == 2


def test_local_release_makes_an_annotated_tag(mlci: Mlci, project: Path, tmp_path: Path) -> None:
    report = write_report(project)
    quiet = {k: None for k in ("GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_OUTPUT", "GITHUB_SHA")}
    result = mlci("release", report, "--local", env=quiet)
    assert result.exit_code == 0, result.stderr
    assert git(project, "cat-file", "-t", "churn@v1.0.0") == "tag"
    assert git(project, "rev-parse", "churn@v1.0.0^{commit}") == git(project, "rev-parse", "HEAD")
    message = git(project, "tag", "-l", "--format=%(contents)", "churn@v1.0.0")
    assert json.loads(message.partition("\n\n")[2])["version"] == "1.0.0"
    again = mlci("release", report, "--local", env=quiet)
    assert again.exit_code == 0 and "kept local tag" in again.stderr
    # Another commit cannot take the same version.
    (project / "x").write_text("x")
    commit_all(project, "later")
    moved = mlci("release", write_report(project), "--local", "--version", "1.0.0", env=quiet)
    assert moved.exit_code == 1 and "already registered on commit" in moved.stderr


def test_local_release_cannot_check_reviews(mlci: Mlci, project: Path) -> None:
    set_config(project, "release: {", "release: {approval: {review: true}, ")
    commit_all(project, "policy")
    result = mlci("release", write_report(project), "--local", env={"GITHUB_TOKEN": None})
    assert result.exit_code == 1 and "--local cannot check reviews" in result.stderr


def test_without_github_it_says_what_is_missing(mlci: Mlci, project: Path) -> None:
    quiet = {k: None for k in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_REPOSITORY")}
    result = mlci("release", write_report(project), env=quiet)
    assert result.exit_code == 2
    assert "GITHUB_TOKEN" in result.stderr and "--local" in result.stderr
