"""Where a report was made (commit, run link), captured once so renderers never look it up."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel

__all__ = ["RunInfo", "current_run"]


class RunInfo(BaseModel):
    commit: str | None = None
    ref: str | None = None
    repository: str | None = None
    workflow: str | None = None
    run_url: str | None = None
    server_url: str | None = None


def _git_head(cwd: Path) -> str | None:
    from mlci.io.git import commit_of

    return commit_of(cwd, timeout=10)


def current_run(cwd: Path | None = None) -> RunInfo:
    """From GitHub Actions' or GitLab CI/CD's variables when present, else from the local git
    checkout."""
    env = os.environ
    if env.get("GITLAB_CI") == "true":
        return RunInfo(
            commit=env.get("CI_COMMIT_SHA") or _git_head(cwd or Path.cwd()),
            ref=env.get("CI_COMMIT_REF_NAME"),
            repository=env.get("CI_PROJECT_PATH"),
            workflow=env.get("CI_JOB_NAME"),
            run_url=env.get("CI_PIPELINE_URL"),
            server_url=env.get("CI_SERVER_URL") if env.get("CI_PROJECT_PATH") else None,
        )
    server = env.get("GITHUB_SERVER_URL", "https://github.com")
    repository = env.get("GITHUB_REPOSITORY")
    run_id = env.get("GITHUB_RUN_ID")
    run_url = f"{server}/{repository}/actions/runs/{run_id}" if repository and run_id else None
    return RunInfo(
        commit=env.get("GITHUB_SHA") or _git_head(cwd or Path.cwd()),
        ref=env.get("GITHUB_REF"),
        repository=repository,
        workflow=env.get("GITHUB_WORKFLOW"),
        run_url=run_url,
        server_url=server if repository else None,
    )
