"""Where a run is, from GitLab CI/CD's predefined variables.

``GITLAB_CI=true`` says a job runs on GitLab. The API is ``CI_API_V4_URL``, the project
``CI_PROJECT_ID`` (or ``CI_PROJECT_PATH``), the merge request ``CI_MERGE_REQUEST_IID`` (set in
merge-request pipelines), the commit ``CI_COMMIT_SHA``. Writing notes needs a project,
group or personal access token in ``MLCI_GITLAB_TOKEN`` (``GITLAB_TOKEN`` also works); the
job's own ``CI_JOB_TOKEN`` cannot post notes, so with it alone mlci falls back to the job
log and the report artifacts. ``--repo`` (a project path or id) and ``--pr`` (an MR iid)
override what the variables say.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from mlci.errors import UsageError

__all__ = ["GitLabContext", "load_context"]

_PROJECT_RE = re.compile(r"^(\d+|[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+)$")


@dataclass(frozen=True)
class GitLabContext:
    api_url: str = "https://gitlab.com/api/v4"
    server_url: str = "https://gitlab.com"
    project: str | None = None  # a numeric id or group/sub/project
    project_path: str | None = None  # group/sub/project, for links
    mr_iid: int | None = None
    sha: str | None = None
    pipeline_url: str | None = None
    job_url: str | None = None
    job_name: str | None = None
    default_branch: str | None = None
    branch: str | None = None  # CI_COMMIT_BRANCH: unset in merge-request pipelines
    in_ci: bool = False
    token: str | None = field(default=None, repr=False)  # may write notes, tags, releases
    job_token: str | None = field(default=None, repr=False)  # CI_JOB_TOKEN: may not post notes

    @property
    def project_ref(self) -> str:
        """The project as an API path segment (a path is URL-encoded, ``/`` included)."""
        assert self.project is not None
        return quote(self.project, safe="")

    @property
    def web_url(self) -> str | None:
        return f"{self.server_url}/{self.project_path}" if self.project_path else None

    def missing_for_api(self) -> list[str]:
        missing = []
        if not self.project:
            missing.append("the project (set CI_PROJECT_ID or pass --repo GROUP/PROJECT)")
        if not self.token:
            what = " (CI_JOB_TOKEN cannot post notes or make tags)" if self.job_token else ""
            missing.append(f"a token: set MLCI_GITLAB_TOKEN to a project access token with api scope{what}")
        return missing


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def load_context(
    environ: Mapping[str, str] | None = None, *, repo: str | None = None, pr: int | None = None
) -> GitLabContext:
    env = os.environ if environ is None else environ
    if repo is not None and not _PROJECT_RE.match(repo):
        raise UsageError(f"--repo must be a GitLab project path (group/project) or id, got {repo!r}")
    project = repo or env.get("CI_PROJECT_ID") or env.get("CI_PROJECT_PATH") or None
    path = env.get("CI_PROJECT_PATH") or (repo if repo and not repo.isdigit() else None)
    server = (env.get("CI_SERVER_URL") or "https://gitlab.com").rstrip("/")
    return GitLabContext(
        api_url=(env.get("CI_API_V4_URL") or f"{server}/api/v4").rstrip("/"),
        server_url=server,
        project=project,
        project_path=path,
        mr_iid=pr or _int(env.get("CI_MERGE_REQUEST_IID")),
        sha=env.get("CI_COMMIT_SHA") or None,
        pipeline_url=env.get("CI_PIPELINE_URL") or None,
        job_url=env.get("CI_JOB_URL") or None,
        job_name=env.get("CI_JOB_NAME") or None,
        default_branch=env.get("CI_DEFAULT_BRANCH") or None,
        branch=env.get("CI_COMMIT_BRANCH") or None,
        in_ci=env.get("GITLAB_CI") == "true",
        token=env.get("MLCI_GITLAB_TOKEN") or env.get("GITLAB_TOKEN") or None,
        job_token=env.get("CI_JOB_TOKEN") or None,
    )
