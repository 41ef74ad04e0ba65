"""``mlci release`` and ``mlci registry`` with the mlflow backend, against a real MLflow server.

Release registers the candidate run's model as a new MLflow version with the ``mlci.*``
tags and moves the alias; re-running after any partial failure (here: the process killed
between creating the version and moving the alias) completes the release and never
creates a second version for the same semver.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from stubs.github_stub import GitHubStub, actions_env
from stubs.mlflow_server import MlflowServer
from stubs.mlflow_standin import stand_in

GATE = "gates:\n  - {metric: roc_auc, threshold: 0.8, max_regression: 0.01}\n"


@pytest.fixture(autouse=True)
def _no_mlflow_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [k for k in os.environ if k.startswith(("MLFLOW_", "GITHUB_"))]:
        monkeypatch.delenv(name)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=30
    ).stdout.strip()


def repo(root: Path, model: str, run_id: str, url: str | None) -> Path:
    """A git repository whose mlci.yml gates the MLflow run ``run_id`` of ``model``."""
    root.mkdir(parents=True)
    uri = f", tracking_uri: '{url}'" if url else ""
    (root / "mlci.yml").write_text(
        f"version: 1\nmodel: {{name: {model}, metrics: 'runs:/{run_id}'}}\n{GATE}"
        f"registry: {{backend: mlflow{uri}}}\n",
        encoding="utf-8",
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.com")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "model")
    return root


def mlci_versions(server: MlflowServer, model: str) -> list[tuple[str, str | None, list[str]]]:
    return [(v.version, v.tags.get("mlci.version"), v.aliases) for v in server.versions(model)]


def checked(mlci: Any, root: Path, env: dict[str, str] | None = None) -> Path:
    report = root / "mlci-report.json"
    run = mlci("check", "-c", root / "mlci.yml", "-o", report, env=env)
    assert run.exit_code == 0, run.stderr
    return report


def test_release_registers_the_run_tags_it_and_moves_the_alias(mlci, mlflow_server, tmp_path) -> None:
    model = mlflow_server.model_name()
    first = mlflow_server.log_run({"roc_auc": 0.80})
    mlflow_server.register(model, first, alias="champion")
    candidate = mlflow_server.log_run({"roc_auc": 0.85}, params={"depth": "6"})
    root = repo(tmp_path / "repo", model, candidate, mlflow_server.url)
    # MLflow records the commit a run was trained on; the champion's being this commit
    # does not make it this release (it is MLflow's version "1", not mlci's semver).
    mlflow_server.client.set_tag(first, "mlflow.source.git.commit", git(root, "rev-parse", "HEAD"))
    report = checked(mlci, root)
    assert json.loads(report.read_text())["model"]["candidate_run"] == candidate

    run = mlci("release", report, "--local")
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "1.0.0\n"  # MLflow's own "1" is not a semver: the first release
    assert f"registered {model} 1.0.0 as champion in {mlflow_server.url}/#/models/{model}" in run.stderr
    sha = git(root, "rev-parse", "HEAD")
    assert mlci_versions(mlflow_server, model) == [("1", None, []), ("2", "1.0.0", ["champion"])]
    version = mlflow_server.client.get_model_version(model, "2")
    assert version.source == f"runs:/{candidate}/model" and version.run_id == candidate
    assert version.tags["mlci.commit"] == sha and version.tags["mlci.metric.roc_auc"] == "0.85"
    assert git(root, "rev-parse", f"refs/tags/{model}@v1.0.0^{{commit}}") == sha

    again = mlci("release", report, "--local")
    assert again.exit_code == 0 and again.stdout == "1.0.0\n", again.stderr
    assert "already registered" in again.stderr
    assert len(mlflow_server.versions(model)) == 2


def test_a_release_killed_half_way_completes_when_run_again(mlci, mlflow_server, tmp_path) -> None:
    model = mlflow_server.model_name()
    mlflow_server.register(model, mlflow_server.log_run({"roc_auc": 0.80}), alias="champion")
    candidate = mlflow_server.log_run({"roc_auc": 0.85})
    root = repo(tmp_path / "repo", model, candidate, None)  # the server comes from the environment
    report = checked(mlci, root, env={"MLFLOW_TRACKING_URI": mlflow_server.url})
    reached, killed = threading.Event(), threading.Event()

    def hang_on_alias(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, str, bytes] | None:
        if method == "POST" and path.startswith("/api/2.0/mlflow/registered-models/alias"):
            reached.set()
            killed.wait(timeout=60)  # the release is killed while it waits for this answer
            return (503, "text/plain", b"too late")
        return None  # everything else goes to the real server

    with stand_in(hang_on_alias, upstream=mlflow_server.url) as proxy:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MLCI_")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "mlci", "release", str(report), "--local"],
            env={**env, "MLFLOW_TRACKING_URI": proxy.url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert reached.wait(timeout=120), "the release never reached the alias call"
        finally:
            proc.kill()
            proc.wait(timeout=30)
            killed.set()
    # Killed half-way: the version exists with its tags, the alias has not moved, no git tag.
    assert mlci_versions(mlflow_server, model) == [("1", None, ["champion"]), ("2", "1.0.0", [])]
    assert git(root, "tag", "--list") == ""

    run = mlci("release", report, "--local", env={"MLFLOW_TRACKING_URI": mlflow_server.url})
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "1.0.0\n" and "already registered" in run.stderr
    assert mlci_versions(mlflow_server, model) == [("1", None, []), ("2", "1.0.0", ["champion"])]
    assert git(root, "tag", "--list") == f"{model}@v1.0.0"


def test_registry_commands_work_against_mlflow(mlci, mlflow_server, tmp_path) -> None:
    model = mlflow_server.model_name()
    first = mlflow_server.log_run({"roc_auc": 0.80})
    mlflow_server.register(model, first)
    candidate = mlflow_server.log_run({"roc_auc": 0.86})
    root = repo(tmp_path / "repo", model, candidate, mlflow_server.url)
    config = root / "mlci.yml"

    run = mlci("registry", "register", "-c", config, "--version", "1.1.0", "--alias", "champion")
    assert run.exit_code == 0, run.stderr
    assert (
        f"registered {model} 1.1.0 in {mlflow_server.url}/#/models/{model}; aliases: champion" in run.stdout
    )
    listed = mlci("registry", "list", "-c", config, "--format", "json")
    body = json.loads(listed.stdout)
    assert body["backend"] == "mlflow" and body["baseline"] == "1.1.0"
    assert [v["version"] for v in body["versions"]] == ["1", "1.1.0"]
    assert body["aliases"] == {"champion": "1.1.0"}
    shown = mlci("registry", "show", "-c", config)
    assert "version:     1.1.0  [champion]" in shown.stdout and "roc_auc: 0.86" in shown.stdout
    assert f"run:         {candidate}" in shown.stdout

    assert mlci("registry", "promote", "1", "-c", config).exit_code == 0
    assert mlflow_server.client.get_model_version_by_alias(model, "champion").version == "1"
    missing = mlci("registry", "promote", "7.0.0", "-c", config)
    assert missing.exit_code == 2 and "has no version 7.0.0 (known: 1, 1.1.0)" in missing.stderr


def test_release_on_merge_publishes_on_github_as_with_any_registry(mlci, mlflow_server, tmp_path) -> None:
    model = mlflow_server.model_name()
    mlflow_server.register(model, mlflow_server.log_run({"roc_auc": 0.80}), alias="champion")
    candidate = mlflow_server.log_run({"roc_auc": 0.85})
    root = repo(tmp_path / "repo", model, candidate, mlflow_server.url)
    report = checked(mlci, root)
    sha = git(root, "rev-parse", "HEAD")
    with GitHubStub() as stub:
        stub.add_commit("octo/churn", sha)
        env = actions_env(stub, tmp_path, event_name="push", event={})
        for _ in range(2):  # the second run finds everything done
            run = mlci("release", report, env=env)
            assert run.exit_code == 0, run.stderr
        (release,) = stub.releases["octo/churn"]
        assert (
            release["tag_name"] == f"{model}@v1.0.0" and stub.refs["octo/churn"][f"refs/tags/{model}@v1.0.0"]
        )
    assert mlci_versions(mlflow_server, model) == [("1", None, []), ("2", "1.0.0", ["champion"])]
