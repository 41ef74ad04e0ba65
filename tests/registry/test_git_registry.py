"""The git registry: GTO-compatible annotated tags in real repositories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mlci.errors import EXIT_SERVICE
from mlci.registry import RegistryError, RegistryRemoteError, VersionRecord
from mlci.registry.git import GitRegistry


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """An isolated git: no user or system config, a fixed identity."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(key, "Ada")
    for key in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(key, "ada@example.com")
    return dict(os.environ)


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, timeout=60
    )
    return proc.stdout


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    commit(path, "initial")
    return path


def commit(repo: Path, message: str) -> str:
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def _record(version: str, auc: float = 0.8) -> VersionRecord:
    return VersionRecord(model="churn", version=version, metrics={"auc": auc}, approved_by="ci")


def test_versions_are_annotated_tags_carrying_the_record(git_env, tmp_path):
    repo = init_repo(tmp_path / "repo")
    reg = GitRegistry("churn", repo)
    head = git(repo, "rev-parse", "HEAD").strip()
    stored = reg.register(_record("1.0.0", 0.81))
    assert stored.commit == head
    assert git(repo, "tag", "-l") == "churn@v1.0.0\n"
    assert git(repo, "cat-file", "-t", "churn@v1.0.0").strip() == "tag"  # annotated
    message = git(repo, "tag", "-l", "--format=%(contents)", "churn@v1.0.0")
    subject, body = message.split("\n\n", 1)
    assert subject == "Registering artifact churn version v1.0.0"
    assert json.loads(body)["metrics"] == {"auc": 0.81}
    (record,) = reg.list_versions()
    assert (record.version, record.metrics, record.commit) == ("1.0.0", {"auc": 0.81}, head)


def test_baseline_is_the_highest_release_or_the_stage(git_env, tmp_path):
    repo = init_repo(tmp_path / "repo")
    reg = GitRegistry("churn", repo)
    assert reg.baseline() is None and "git fetch --tags" in reg.why_no_baseline()
    reg.register(_record("1.2.0"))
    commit(repo, "two")
    reg.register(_record("1.10.0"))
    commit(repo, "three")
    reg.register(_record("2.0.0-rc.1"))
    assert [r.version for r in reg.list_versions()] == ["1.2.0", "1.10.0", "2.0.0-rc.1"]
    assert reg.baseline().version == "1.10.0"  # highest non-prerelease
    reg.promote("1.2.0")
    assert git(repo, "tag", "-l", "churn#*") == "churn#champion#1\n"
    assert reg.baseline().version == "1.2.0"
    reg.promote("1.2.0")  # already there: no new tag
    reg.promote("2.0.0-rc.1", "staging")
    reg.promote("1.10.0")
    assert git(repo, "tag", "-l", "churn#*").split() == [
        "churn#champion#1",
        "churn#champion#3",
        "churn#staging#2",
    ]
    assert reg.aliases() == {"champion": "1.10.0", "staging": "2.0.0-rc.1"}


def test_register_with_an_alias_and_other_models_are_ignored(git_env, tmp_path):
    repo = init_repo(tmp_path / "repo")
    GitRegistry("fraud", repo).register(VersionRecord(model="fraud", version="9.0.0"), aliases=["champion"])
    commit(repo, "two")
    reg = GitRegistry("churn", repo)
    reg.register(_record("1.0.0"), aliases=["champion"])
    assert [r.version for r in reg.list_versions()] == ["1.0.0"]
    assert reg.aliases() == {"champion": "1.0.0"}
    git(repo, "tag", "-a", "churn-old@v5.0.0", "-m", "another artifact")
    git(repo, "tag", "churn@v7.0.0")  # lightweight: GTO ignores these too
    assert [r.version for r in reg.list_versions()] == ["1.0.0"]


def test_reads_tags_written_by_gto(git_env, tmp_path):
    """Tags as GTO writes them: plain messages, counters, unassign and deregister."""
    repo = init_repo(tmp_path / "repo")
    first = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "tag", "-a", "churn@v0.1.0", "-m", "Registering artifact churn version v0.1.0")
    second = commit(repo, "two")
    git(repo, "tag", "-a", "churn@v0.2.0", "-m", "Registering artifact churn version v0.2.0")
    git(
        repo,
        "tag",
        "-a",
        "churn#prod#1",
        first,
        "-m",
        "Assigning stage prod to artifact churn version v0.1.0",
    )
    git(repo, "tag", "-a", "churn#champion#2", second, "-m", "assign")  # version from the commit
    reg = GitRegistry("churn", repo)
    assert reg.aliases() == {"prod": "0.1.0", "champion": "0.2.0"}
    record = reg.get("0.1.0")
    assert (record.metrics, record.commit, record.approved_by) == ({}, first, "Ada")
    git(repo, "tag", "-a", "churn#prod!#3", first, "-m", "Unassigning stage prod")
    git(
        repo,
        "tag",
        "-a",
        "churn@v0.2.0!",
        second,
        "-m",
        "Deregistering artifact churn version v0.2.0",
    )
    assert [r.version for r in reg.list_versions()] == ["0.1.0"]
    assert reg.aliases() == {}
    assert reg.baseline().version == "0.1.0"


def test_one_version_per_commit_as_gto_requires(git_env, tmp_path):
    repo = init_repo(tmp_path / "repo")
    reg = GitRegistry("churn", repo)
    reg.register(_record("1.0.0"))
    with pytest.raises(RegistryError, match="already carries version 1.0.0"):
        reg.register(_record("1.1.0"))
    with pytest.raises(RegistryError, match="already registered"):
        reg.register(_record("1.0.0"))
    with pytest.raises(RegistryError, match="commit 'nope' not found"):
        reg.register(_record("1.2.0").model_copy(update={"commit": "nope"}))


def test_works_in_a_clone_and_pushes_to_a_remote(git_env, tmp_path):
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    work = init_repo(tmp_path / "work")
    git(work, "remote", "add", "origin", str(origin))
    git(work, "push", "-q", "origin", "main")
    GitRegistry("churn", work, remote="origin").register(_record("1.0.0", 0.9), aliases=["champion"])
    assert set(git(origin, "tag", "-l").split()) == {"churn@v1.0.0", "churn#champion#1"}
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    assert GitRegistry("churn", clone).baseline().metrics == {"auc": 0.9}


def test_a_failing_push_is_a_service_error(git_env, tmp_path):
    repo = init_repo(tmp_path / "repo")
    git(repo, "remote", "add", "origin", str(tmp_path / "missing.git"))
    reg = GitRegistry("churn", repo, remote="origin", retry_delay=0.01)
    with pytest.raises(RegistryRemoteError) as info:
        reg.register(_record("1.0.0"))
    assert info.value.exit_code == EXIT_SERVICE
    assert "pushing it to 'origin' failed" in info.value.message
    assert git(repo, "tag", "-l") == "churn@v1.0.0\n"  # created locally all the same


def test_tagger_identity_falls_back_when_none_is_configured(git_env, tmp_path, monkeypatch):
    repo = init_repo(tmp_path / "repo")
    for key in ("GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL"):
        monkeypatch.delenv(key)
    monkeypatch.setenv("EMAIL", "")
    GitRegistry("churn", repo).register(_record("1.0.0"))
    assert git(repo, "tag", "-l", "--format=%(taggername)", "churn@v1.0.0").strip() == "mlci"


def test_artifacts_come_from_the_version_commit(git_env, tmp_path):
    from mlci.io import sha256_file

    repo = init_repo(tmp_path / "repo")
    (repo / "out").mkdir()
    (repo / "out/pred.csv").write_text("y_true,y_pred\n1,1\n")
    git(repo, "add", "out/pred.csv")
    commit(repo, "predictions")
    digest = sha256_file(repo / "out/pred.csv")
    record = VersionRecord(
        model="churn",
        version="1.0.0",
        artifacts={"predictions": {"path": "out/pred.csv", "sha256": digest}},
    )
    reg = GitRegistry("churn", repo)
    reg.register(record)
    assert reg.artifact("1.0.0", "predictions") == repo / "out/pred.csv"  # unchanged: used as is
    (repo / "out/pred.csv").write_text("y_true,y_pred\n0,0\n")  # the candidate's, in a PR
    path = reg.artifact("1.0.0", "predictions")
    assert path is not None and path.read_text() == "y_true,y_pred\n1,1\n"
    assert reg.artifact("1.0.0", "model") is None


def test_errors_are_one_line_registry_errors(git_env, tmp_path):
    with pytest.raises(RegistryError, match="not a valid GTO name"):
        GitRegistry("Churn Model", tmp_path)
    plain_dir = tmp_path / "plain"
    plain_dir.mkdir()
    with pytest.raises(RegistryError, match="not a git repository"):
        GitRegistry("churn", plain_dir).list_versions()
    repo = init_repo(tmp_path / "repo")
    git(
        repo,
        "tag",
        "-a",
        "churn@v1.0.0",
        "-m",
        'Registering\n\n{"version": "1.0.0", "metrics": {"auc": "high"}}',
    )
    with pytest.raises(RegistryError, match="tag churn@v1.0.0: the version record"):
        GitRegistry("churn", repo).list_versions()


# --- concurrent writers (real processes on a real repository) ----------------------------

_GIT_WRITER = textwrap.dedent(
    """
    import sys, time
    from mlci.registry import RegistryError, VersionRecord
    from mlci.registry.git import GitRegistry
    repo, action, version, start = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    reg = GitRegistry("churn", repo)
    while time.time() < start:  # start together, after the imports
        time.sleep(0.001)
    try:
        if action == "register":
            reg.register(VersionRecord(model="churn", version=version))
        else:
            reg.promote(version, "champion")
    except RegistryError as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    """
)


def _burst(repo: Path, action: str, versions: list[str]) -> list[subprocess.CompletedProcess[str]]:
    start = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _GIT_WRITER, str(repo), action, v, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for v in versions
    ]
    done = []
    for proc, version in zip(procs, versions, strict=True):
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess([version], proc.returncode, out, err))
    return done


def test_concurrent_registers_never_put_two_versions_on_one_commit(git_env, tmp_path):
    repo = init_repo(tmp_path / "repo")
    for burst in range(3):
        head = commit(repo, f"burst {burst}")
        runs = _burst(repo, "register", [f"{burst + 1}.{w}.0" for w in range(5)])
        on_head = git(repo, "tag", "--points-at", head).split()
        assert len(on_head) == 1, on_head  # GTO reads one version per commit
        winners = [r for r in runs if r.returncode == 0]
        assert [f"churn@v{w.args[0]}" for w in winners] == on_head
        for loser in runs:
            if loser.returncode != 0:
                assert "already carries version" in loser.stderr, loser.stderr


def test_concurrent_promotes_all_succeed(git_env, tmp_path):
    repo = init_repo(tmp_path / "repo")
    reg = GitRegistry("churn", repo)
    versions = []
    for i in range(4):
        commit(repo, f"model {i}")
        versions.append(reg.register(_record(f"1.{i}.0")).version)
    for _ in range(4):
        runs = _burst(repo, "promote", versions * 3)
        assert [(r.returncode, r.stderr) for r in runs] == [(0, "")] * len(runs)
        stage_tags = [t for t in git(repo, "tag", "-l", "churn#champion#*").split()]
        counters = [int(t.rsplit("#", 1)[1]) for t in stage_tags]
        assert len(counters) == len(set(counters))
        assert GitRegistry("churn", repo).aliases()["champion"] in versions
