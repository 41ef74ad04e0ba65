"""Run GitLab pipelines on this host with gitlab-ci-local (npm), the way conftest.py runs act.

A user's project is a real git repository whose ``origin`` is ``gitlab.example.com/group/churn``.
Its ``.gitlab-ci.yml`` includes mlci's CI/CD component (templates/check.yml, release.yml)
as a local file, verbatim, with the ``requirement`` input pointing pip at a clean copy of this
checkout. Jobs run in gitlab-ci-local's shell executor (``--shell-executor-no-image``); the
pipeline sets the component job's ``image`` to null, as a shell runner ignores it, because
gitlab-ci-local would otherwise start Docker. (GitLab's schema wants a non-empty image, so
runs skip gitlab-ci-local's schema check; tests/gitlab/test_gitlab_templates.py validates the
component against it.) GitLab's API is the stand-in from tests/stubs/gitlab_stub.py, reached
through ``CI_API_V4_URL`` and the other predefined variables, passed with ``--variable``.

gitlab-ci-local 4.52.0 runs offline on Node 20 (newer releases need Node 22) and needs
rsync; ``.ci/system-deps.sh`` installs both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .repo import UserRepo

ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = ROOT / "templates"
VERSION = "4.52.0"
RUN_TIMEOUT = 900  # seconds; the first run pip-installs mlci and its dependencies
PROJECT_PATH = "group/churn"
ORIGIN = f"https://gitlab.example.com/{PROJECT_PATH}.git"
# Where the component files sit in the user's repository (an include: local: path).
COMPONENT_DIR = ".mlci-component/templates"


def find_gitlab_ci_local() -> str | None:
    """gitlab-ci-local on PATH, or in a project-local npm prefix under tests/e2e/.node."""
    found = shutil.which("gitlab-ci-local")
    if found:
        return found
    local = Path(__file__).resolve().parent / ".node" / "node_modules" / ".bin" / "gitlab-ci-local"
    return str(local) if local.is_file() and os.access(local, os.X_OK) else None


def gitlab_ci_local_version(tool: str) -> str:
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


@dataclass
class PipelineRun:
    returncode: int
    log: str  # gitlab-ci-local's output: every job's log lines, prefixed with the job name

    def job_passed(self, job: str) -> bool:
        return f" PASS  {job}" in self.log

    def job_failed(self, job: str) -> bool:
        return f" FAIL  {job}" in self.log

    def tail(self, lines: int = 80) -> str:
        return "\n".join(self.log.splitlines()[-lines:])


class GitLabProject(UserRepo):
    """A user's repository on GitLab, whose pipelines gitlab-ci-local runs."""

    def __init__(self, root: Path, tool: str, home: Path, source: Path) -> None:
        self.root = root
        self.tool = tool
        self.home = home
        self.source = source  # the mlci checkout pip installs (the component's requirement)
        super().__init__(root, ORIGIN)
        home.mkdir(parents=True, exist_ok=True)
        # Offline there is no remote HEAD to ask for the default branch: say it.
        self.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")

    def pipeline(self, check: dict[str, str] | None = None, *, release: bool = False) -> str:
        """A .gitlab-ci.yml including the components as local files, with ``check``'s inputs."""
        import yaml

        def include(name: str, inputs: dict[str, str]) -> dict[str, object]:
            local = f"{COMPONENT_DIR}/{name}.yml"
            return {"local": local, "inputs": {"requirement": str(self.source), **inputs}}

        includes = [include("check", check or {})]
        jobs = [(check or {}).get("name", "mlci")]
        if release:
            includes.append(include("release", {}))
            jobs.append("mlci-release")
        pipeline: dict[str, object] = {"include": includes}
        for job in jobs:
            pipeline[job] = {"image": None}  # a shell runner ignores the image: run on this host
        return yaml.safe_dump(pipeline, sort_keys=False)

    def add_components(self) -> None:
        for name in ("check", "release"):
            self.copy(COMPONENTS / f"{name}.yml", f"{COMPONENT_DIR}/{name}.yml")

    def checkout(self, branch: str) -> None:
        self.git("checkout", "-q", "-B", branch)

    def clean(self) -> None:
        """Back to the committed files; the cached venv stays, as GitLab's cache keeps it."""
        self.git("clean", "-qfdx", "-e", ".mlci-venv")

    def run(
        self,
        variables: dict[str, str | None],
        jobs: tuple[str, ...] = (),
        secrets: tuple[str, ...] = (),
    ) -> PipelineRun:
        """Run the pipeline (or ``jobs``) with ``variables`` (None: unset the predefined one)."""
        command = [
            self.tool,
            *jobs,
            "--shell-executor-no-image",
            "--no-json-schema-validation",
            "--home",
            str(self.home),
            "--max-job-name-padding",
            "0",
        ]
        for name, value in variables.items():
            if value is None:
                command += ["--unset-variable", name]
            else:
                command += ["--variable", f"{name}={value}"]
        # The job's variables come from gitlab-ci-local, never from the shell running pytest.
        host = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CI_", "GITLAB_", "MLCI_", "GITHUB_", "RUNNER_")) and k != "CI"
        }
        proc = subprocess.run(
            command, cwd=self.root, env=host, capture_output=True, text=True, timeout=RUN_TIMEOUT
        )
        log = proc.stdout + proc.stderr
        logs = sorted((self.root / ".gitlab-ci-local" / "output").glob("*.log"))
        written = "".join(p.read_text(encoding="utf-8", errors="replace") for p in logs)
        for secret in secrets:
            assert secret not in log and secret not in written, "a token leaked into the job log"
        return PipelineRun(proc.returncode, log)
