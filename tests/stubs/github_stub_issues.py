"""Issues and workflow dispatches for the GitHub stand-in (``github_stub.py``), as GitHub answers.

- ``GET /repos/{o}/{r}/issues`` filters by ``state`` (default open) and ``labels`` (all of
  them), newest first, paginated; ``POST`` creates (``title`` required, 422 otherwise);
  ``PATCH /issues/{n}`` changes title, body, state (``open``/``closed``), state_reason,
  labels. Issue comments share the pull-request comment store.
- ``POST /repos/{o}/{r}/actions/workflows/{file}/dispatches`` answers 204; 404 for a
  workflow the repository does not have; 422 for one without a ``workflow_dispatch``
  trigger, an input it does not declare, a missing ``ref``, or a ref that does not exist.
- ``deny("actions")`` / ``deny("issues")``: the token lacks that permission: writes there
  answer 403 "Resource not accessible by integration".
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .github_stub_api import BOT, NOT_FOUND, Answer, _invalid, _require

__all__ = ["Dispatch", "IssueEndpoints", "Workflow"]

_DENIED: Answer = (403, {}, {"message": "Resource not accessible by integration"})


@dataclass
class Workflow:
    file: str
    dispatchable: bool = True
    inputs: tuple[str, ...] = ("model", "drifted_share")
    required: tuple[str, ...] = ()


@dataclass
class Dispatch:
    repo: str
    workflow: str
    ref: str
    inputs: dict[str, Any] = field(default_factory=dict)
    at: float = 0.0


class IssueEndpoints:
    lock: threading.RLock
    comments: dict[tuple[str, int], list[dict[str, Any]]]
    issues: dict[str, dict[int, dict[str, Any]]]
    workflows: dict[str, dict[str, Workflow]]
    branches: dict[str, set[str]]
    dispatches: list[Dispatch]
    denied: set[str]

    def _page(self, items: list[Any], query: dict[str, str], path: str) -> Answer:
        raise NotImplementedError

    def next_id(self) -> int:
        raise NotImplementedError

    def _issue_routes(self) -> list[tuple[str, str, Callable[..., Answer]]]:
        repo = r"/repos/([^/]+/[^/]+)"
        return [
            ("GET", repo + r"/issues", self._list_issues),
            ("POST", repo + r"/issues", self._create_issue),
            ("GET", repo + r"/issues/(\d+)", self._get_issue),
            ("PATCH", repo + r"/issues/(\d+)", self._update_issue),
            ("POST", repo + r"/actions/workflows/([^/]+)/dispatches", self._dispatch_workflow),
        ]

    # -- set-up --------------------------------------------------------------------

    def add_workflow(
        self,
        repo: str,
        file: str,
        *,
        dispatchable: bool = True,
        inputs: tuple[str, ...] = ("model", "drifted_share"),
        required: tuple[str, ...] = (),
        branches: tuple[str, ...] = ("main",),
    ) -> None:
        self.workflows.setdefault(repo, {})[file] = Workflow(file, dispatchable, inputs, required)
        self.branches.setdefault(repo, set()).update(branches)

    def add_issue(
        self,
        repo: str,
        title: str,
        body: str,
        *,
        labels: tuple[str, ...] = (),
        user: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            return self._new_issue(repo, title, body, list(labels), user or BOT)

    def deny(self, permission: str) -> None:
        self.denied.add(permission)

    def repo_issues(self, repo: str) -> list[dict[str, Any]]:
        return list(self.issues.get(repo, {}).values())

    # -- issues --------------------------------------------------------------------

    def _new_issue(
        self, repo: str, title: str, body: str | None, labels: list[str], user: dict[str, Any]
    ) -> dict[str, Any]:
        taken = set(self.issues.get(repo, {})) | {n for (r, n) in self.comments if r == repo}
        number = max(taken, default=0) + 1
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        issue = {
            "id": self.next_id(),
            "number": number,
            "title": title,
            "body": body,
            "state": "open",
            "state_reason": None,
            "labels": [{"name": name} for name in labels],
            "user": dict(user),
            "html_url": f"https://github.com/{repo}/issues/{number}",
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
        }
        self.issues.setdefault(repo, {})[number] = issue
        self.comments.setdefault((repo, number), [])
        return issue

    def _list_issues(self, repo: str, *, query: dict[str, str], path: str, **_: Any) -> Answer:
        items = sorted(self.issues.get(repo, {}).values(), key=lambda i: -int(i["number"]))
        state = query.get("state", "open")
        if state != "all":
            items = [i for i in items if i["state"] == state]
        wanted = {name for name in query.get("labels", "").split(",") if name}
        items = [i for i in items if wanted <= {label["name"] for label in i["labels"]}]
        return self._page(items, query, path)

    def _get_issue(self, repo: str, number: str, **_: Any) -> Answer:
        issue = self.issues.get(repo, {}).get(int(number))
        return (200, {}, issue) if issue else NOT_FOUND

    def _check_issue_body(self, body: dict[str, Any]) -> Answer | None:
        if isinstance(body.get("body"), str) and len(body["body"]) > 65536:
            return _invalid("Validation Failed: body is too long (maximum is 65536 characters)")
        if "title" in body and (not isinstance(body["title"], str) or not body["title"].strip()):
            return _invalid("Validation Failed: title can't be blank")
        return None

    def _create_issue(self, repo: str, *, body: Any, **_: Any) -> Answer:
        if "issues" in self.denied:
            return _DENIED
        problem = _require(body, {"title": str}) or self._check_issue_body(body)
        if problem:
            return problem
        labels = [str(x) for x in body.get("labels") or []]
        return 201, {}, self._new_issue(repo, body["title"], body.get("body"), labels, BOT)

    def _update_issue(self, repo: str, number: str, *, body: Any, **_: Any) -> Answer:
        if "issues" in self.denied:
            return _DENIED
        issue = self.issues.get(repo, {}).get(int(number))
        if issue is None:
            return NOT_FOUND
        if not isinstance(body, dict):
            return _invalid("Problems parsing JSON")
        problem = self._check_issue_body(body)
        if problem:
            return problem
        if "state" in body:
            if body["state"] not in ("open", "closed"):
                return _invalid(f"Validation Failed: state {body['state']!r} is not open or closed")
            if body["state"] != issue["state"]:
                issue["closed_at"] = (
                    time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) if body["state"] == "closed" else None
                )
            issue["state"] = body["state"]
            issue["state_reason"] = body.get("state_reason") or (
                "completed" if body["state"] == "closed" else "reopened"
            )
        for key in ("title", "body"):
            if key in body:
                issue[key] = body[key]
        if "labels" in body:
            issue["labels"] = [{"name": str(x)} for x in body["labels"]]
        issue["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return 200, {}, issue

    # -- workflow dispatch -----------------------------------------------------------

    def _dispatch_workflow(self, repo: str, file: str, *, body: Any, **_: Any) -> Answer:
        workflow = self.workflows.get(repo, {}).get(file)
        if workflow is None:
            return NOT_FOUND
        if "actions" in self.denied:
            return _DENIED
        problem = _require(body, {"ref": str})
        if problem:
            return problem
        if not workflow.dispatchable:
            return _invalid("Workflow does not have 'workflow_dispatch' trigger")
        ref = body["ref"].removeprefix("refs/heads/")
        if ref not in self.branches.get(repo, set()):
            return _invalid(f"No ref found for: {body['ref']}")
        inputs = body.get("inputs") or {}
        if not isinstance(inputs, dict):
            return _invalid("Invalid request.\n\nFor 'properties/inputs', it is not an object.")
        unexpected = sorted(set(inputs) - set(workflow.inputs))
        if unexpected:
            return _invalid(f"Unexpected inputs provided: {json.dumps(unexpected)}")
        missing = [name for name in workflow.required if name not in inputs]
        if missing:
            return _invalid(f"Required input '{missing[0]}' not provided")
        if any(not isinstance(v, (str, int, float, bool)) for v in inputs.values()):
            return _invalid("Invalid request.\n\nFor 'properties/inputs', values must be strings.")
        self.dispatches.append(Dispatch(repo, file, body["ref"], dict(inputs), time.time()))
        return 204, {}, None
