"""The predefined variables a GitLab CI job sees, pointed at the GitLab stand-in."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from .gitlab_stub import GitLabStub

__all__ = ["gitlab_env"]


def gitlab_env(
    stub: GitLabStub,
    workdir: Path,
    *,
    project_id: int = 42,
    project_path: str = "group/churn",
    merge_request_iid: int | None = 7,
    sha: str = "f" * 40,
    source_branch: str = "feature",
    default_branch: str = "main",
    token: str | None = None,
    job_token: str | None = "",
    **extra: str | None,
) -> dict[str, str | None]:
    """The environment a GitLab CI job sees, pointed at the stub (ambient CI variables unset).

    A merge-request pipeline by default; ``merge_request_iid=None`` gives a branch pipeline
    on the default branch. ``token`` is set as ``MLCI_GITLAB_TOKEN`` when given;
    ``CI_JOB_TOKEN`` is the stub's job token unless ``job_token`` says otherwise (None: unset).
    Values of None in the result mean "unset this variable".
    """
    import os

    env: dict[str, str | None] = {
        k: None
        for k in os.environ
        if k.startswith(("GITHUB_", "RUNNER_", "MLCI_", "CI_", "GITLAB_")) or k in ("GH_TOKEN", "CI")
    }
    web = f"{stub.url}/{project_path}"
    env.update(
        {
            "GITLAB_CI": "true",
            "CI": "true",
            "CI_SERVER_URL": stub.url,
            "CI_SERVER_HOST": urlsplit(stub.url).hostname,
            "CI_API_V4_URL": stub.api_url,
            "CI_PROJECT_ID": str(project_id),
            "CI_PROJECT_PATH": project_path,
            "CI_PROJECT_URL": web,
            "CI_PROJECT_DIR": str(workdir),
            "CI_DEFAULT_BRANCH": default_branch,
            "CI_COMMIT_SHA": sha,
            "CI_COMMIT_SHORT_SHA": sha[:8],
            "CI_PIPELINE_ID": "9001",
            "CI_PIPELINE_URL": f"{web}/-/pipelines/9001",
            "CI_JOB_ID": "90011",
            "CI_JOB_NAME": "mlci",
            "CI_JOB_URL": f"{web}/-/jobs/90011",
            "CI_JOB_TOKEN": stub.job_token if job_token == "" else job_token,
            "MLCI_HTTP_BACKOFF": "0.01",
            "MLCI_HTTP_MAX_WAIT": "5",
            "MLCI_HTTP_TIMEOUT": "2",
        }
    )
    if merge_request_iid is not None:
        env.update(
            {
                "CI_PIPELINE_SOURCE": "merge_request_event",
                "CI_MERGE_REQUEST_IID": str(merge_request_iid),
                "CI_MERGE_REQUEST_PROJECT_ID": str(project_id),
                "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": source_branch,
                "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": default_branch,
                "CI_COMMIT_REF_NAME": source_branch,
                "CI_COMMIT_BRANCH": None,  # GitLab leaves it unset in merge-request pipelines
            }
        )
    else:
        env.update(
            {
                "CI_PIPELINE_SOURCE": "push",
                "CI_COMMIT_BRANCH": default_branch,
                "CI_COMMIT_REF_NAME": default_branch,
            }
        )
    if token is not None:
        env["MLCI_GITLAB_TOKEN"] = token
    env.update(extra)
    return env
