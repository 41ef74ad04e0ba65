"""Where a run is: the repository, pull request, commit and token, from GitHub Actions.

Reads the ``GITHUB_*`` variables and the event payload (``GITHUB_EVENT_PATH``) of the
events mlci is run from: ``pull_request``, ``pull_request_target``, ``workflow_run``,
``issue_comment`` and ``push``. ``--repo`` / ``--pr`` override what the event says.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mlci.errors import InputError, UsageError
from mlci.platforms.github.client import GitHubClient

__all__ = ["GitHubContext", "load_context", "find_pull_request"]

_REPO_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class GitHubContext:
    api_url: str = "https://api.github.com"
    server_url: str = "https://github.com"
    repository: str | None = None  # owner/name
    event_name: str | None = None
    pr_number: int | None = None
    sha: str | None = None  # GITHUB_SHA: the commit this run built
    head_sha: str | None = None  # the pull request's head commit, when there is one
    workflow: str | None = None  # for workflow_run: the name of the workflow that triggered it
    run_id: str | None = None
    in_actions: bool = False
    fork: bool = False  # a pull_request event from a fork: the token is read-only
    # workflow_run from a fork lists no pull requests: find it by the head commit instead.
    lookup_sha: str | None = None
    lookup_head: str | None = None  # "owner:branch", to narrow that search
    token: str | None = field(default=None, repr=False)

    @property
    def run_url(self) -> str | None:
        if self.repository and self.run_id:
            return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"
        return None

    def missing_for_api(self) -> list[str]:
        """What is missing to call the API, each as a hint the user can act on."""
        missing = []
        if not self.repository:
            missing.append("the repository (set GITHUB_REPOSITORY or pass --repo OWNER/NAME)")
        if not self.token:
            missing.append("a token (set GITHUB_TOKEN, e.g. `GITHUB_TOKEN: ${{ github.token }}`)")
        return missing


def _event(environ: Mapping[str, str]) -> dict[str, Any]:
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("event payload not found (GITHUB_EVENT_PATH)", path=path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read the event payload: {exc}", path=path) from None
    return data if isinstance(data, dict) else {}


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def load_context(
    environ: Mapping[str, str] | None = None, *, repo: str | None = None, pr: int | None = None
) -> GitHubContext:
    env = os.environ if environ is None else environ
    if repo is not None and not _REPO_RE.match(repo):
        raise UsageError(f"--repo must look like OWNER/NAME, got {repo!r}")
    event_name = env.get("GITHUB_EVENT_NAME") or None
    event = _event(env)
    ctx = GitHubContext(
        api_url=(env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/"),
        server_url=(env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
        repository=env.get("GITHUB_REPOSITORY") or None,
        event_name=event_name,
        sha=env.get("GITHUB_SHA") or None,
        workflow=env.get("GITHUB_WORKFLOW") or None,
        run_id=env.get("GITHUB_RUN_ID") or None,
        in_actions=env.get("GITHUB_ACTIONS") == "true",
        token=env.get("GITHUB_TOKEN") or env.get("GH_TOKEN") or None,
    )
    ctx = _from_event(ctx, event_name, event)
    if repo is not None:
        ctx = replace(ctx, repository=repo, fork=False if pr is not None else ctx.fork)
    if pr is not None:
        # An explicit PR wins; whether the token can write there is for GitHub to say.
        ctx = replace(ctx, pr_number=pr, fork=False, lookup_sha=None, lookup_head=None)
    return ctx


def _from_event(ctx: GitHubContext, name: str | None, event: dict[str, Any]) -> GitHubContext:
    if name in ("pull_request", "pull_request_target"):
        pull = event.get("pull_request") or {}
        head_repo = _get(pull, "head", "repo", "full_name")
        base_repo = _get(pull, "base", "repo", "full_name") or ctx.repository
        # pull_request_target runs with the base repository's token, so it may write.
        fork = name == "pull_request" and bool(head_repo) and head_repo != base_repo
        return replace(
            ctx,
            pr_number=_int(pull.get("number")) or _int(event.get("number")),
            head_sha=_get(pull, "head", "sha"),
            fork=fork,
        )
    if name == "workflow_run":
        run = event.get("workflow_run") or {}
        pulls = [p for p in run.get("pull_requests") or [] if isinstance(p, dict)]
        head_sha = run.get("head_sha")
        pr_number = None
        for pull in pulls:
            if _get(pull, "head", "sha") in (None, head_sha):
                pr_number = _int(pull.get("number"))
                break
        owner = _get(run, "head_repository", "owner", "login")
        branch = run.get("head_branch")
        return replace(
            ctx,
            pr_number=pr_number,
            head_sha=head_sha,
            # The report was made by the triggering workflow: key comments by its name so
            # the direct and the workflow_run paths update the same comment.
            workflow=run.get("name") or ctx.workflow,
            lookup_sha=head_sha
            if pr_number is None and run.get("event") in ("pull_request", "pull_request_target", None)
            else None,
            lookup_head=f"{owner}:{branch}" if owner and branch else None,
        )
    if name == "issue_comment":
        issue = event.get("issue") or {}
        is_pr = isinstance(issue.get("pull_request"), dict)
        return replace(ctx, pr_number=_int(issue.get("number")) if is_pr else None)
    if name == "push":
        return replace(ctx, head_sha=event.get("after") or ctx.sha)
    return ctx


def find_pull_request(client: GitHubClient, ctx: GitHubContext) -> int | None:
    """The open pull request whose head is ``ctx.lookup_sha`` (workflow_run from a fork)."""
    if not ctx.lookup_sha or not ctx.repository:
        return None
    searches = [{"state": "open", "head": ctx.lookup_head}] if ctx.lookup_head else []
    searches.append({"state": "open"})  # the branch may have moved: scan every open PR
    for params in searches:
        for pull in client.paginate(f"/repos/{ctx.repository}/pulls", params=params):
            if _get(pull, "head", "sha") == ctx.lookup_sha:
                return _int(pull.get("number"))
    return None
