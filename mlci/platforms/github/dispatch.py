"""Start a workflow run: ``POST /repos/{o}/{r}/actions/workflows/{file}/dispatches``.

GitHub answers 204 with no run id. Its refusals are the user's to fix, so they are exit 2
with the reason and the key in mlci.yml to change:

- 404: the repository has no such workflow (or the token cannot see it);
- 422: the workflow has no ``workflow_dispatch`` trigger, does not declare an input that
  was sent, misses a required one, or the ref does not exist;
- 403: the token may not start workflows (the job needs ``permissions: actions: write``).

5xx and connection failures are retried by the HTTP session and end in exit 3.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from mlci.errors import InputError
from mlci.io.http import redact
from mlci.platforms.github.client import GitHubClient, GitHubError

__all__ = ["dispatch_workflow", "refusal"]

_KEY = "monitor.on_drift.dispatch"


def refusal(exc: GitHubError) -> str:
    """``GitHub API <METHOD> <path>: <status> <GitHub's message>``, without generic hints."""
    message = exc.data.get("message") if isinstance(exc.data, dict) else None
    text = " ".join(str(message).split()) if message else str(exc)
    if not message:
        return text
    return redact(f"GitHub API {exc.method} {exc.url_path}: {exc.status} {text}")[:400]


def dispatch_workflow(
    client: GitHubClient, repo: str, workflow: str, ref: str, inputs: Mapping[str, str]
) -> None:
    """Ask GitHub to run ``workflow`` on ``ref`` with ``inputs`` (strings)."""
    path = f"/repos/{repo}/actions/workflows/{quote(workflow, safe='')}/dispatches"
    body: dict[str, object] = {"ref": ref}
    if inputs:
        body["inputs"] = dict(inputs)
    try:
        client.request("POST", path, json=body, accept=(204, 200))
    except GitHubError as exc:
        if exc.status == 404:
            raise InputError(
                f"{refusal(exc)} -- {repo} has no workflow {workflow!r} that this token can see "
                "(give the file name under .github/workflows, e.g. retrain.yml)",
                key=f"{_KEY}.workflow",
            ) from None
        if exc.status == 422:
            text = refusal(exc).lower()
            if "workflow_dispatch" in text:
                hint = f"add `on: workflow_dispatch` to {workflow}"
            elif "input" in text:
                hint = f"declare the inputs under on.workflow_dispatch.inputs of {workflow}, or set inputs"
            elif "ref" in text:
                hint = f"{_KEY}.ref must be a branch or tag of {repo}"
            else:
                hint = "GitHub refused the dispatch"
            raise InputError(f"{refusal(exc)} -- {hint}", key=_KEY) from None
        if exc.status == 403:
            raise InputError(
                f"{refusal(exc)} -- the job needs `permissions: actions: write` to start {workflow}",
                key=_KEY,
            ) from None
        raise
