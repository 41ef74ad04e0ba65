"""A stateful stand-in for the GitHub REST API, served over real HTTP on 127.0.0.1.

It keeps issue comments, pull requests and reviews, git refs and tag objects, releases
and release assets, issues and workflow dispatches (``github_stub_issues.py``), and
answers the way GitHub documents: list endpoints paginate at 30 items by default
(``per_page`` up to 100) with ``Link`` headers; request bodies missing a documented
required field get a 422; duplicates (a ref, a release for a tag, an asset name) get
GitHub's 422s. Faults can be injected: 5xx answers, slow answers (processed, then held
past the client's timeout), secondary and primary rate limits, and a read-only mode that
answers writes with 403 "Resource not accessible by integration". Every request must
carry the token; every request is recorded for assertions.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .github_stub_api import BOT, NOT_FOUND, Answer, StubEndpoints
from .github_stub_issues import Dispatch, IssueEndpoints, Workflow
from .http_server import StubServer

__all__ = ["BOT", "GitHubStub", "Recorded", "actions_env", "TOKEN"]

TOKEN = "ghs_" + "S3cr3tT0ken" * 4  # the shape of a real installation token


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    at: float


@dataclass
class Fault:
    status: int | None  # None: answer normally, but only after ``delay`` seconds
    times: int
    method: str | None = None
    path: str | None = None  # a regex searched in the request path
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or re.search(self.path, path) is not None
        )


class GitHubStub(StubServer, StubEndpoints, IssueEndpoints):
    def __init__(self, token: str = TOKEN, default_per_page: int = 30) -> None:
        self.token = token
        self.default_per_page = default_per_page
        self.read_only = False
        self.lock = threading.RLock()
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.comments: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self.pulls: dict[str, dict[int, dict[str, Any]]] = {}
        self.reviews: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self.commits: dict[str, set[str]] = {}
        self.refs: dict[str, dict[str, dict[str, str]]] = {}
        self.tag_objects: dict[str, dict[str, Any]] = {}
        self.releases: dict[str, list[dict[str, Any]]] = {}
        self.assets: dict[int, list[dict[str, Any]]] = {}
        self.asset_bytes: dict[int, bytes] = {}
        self.break_uploads = 0  # uploads that leave a "starter" asset and answer 502
        self.issues: dict[str, dict[int, dict[str, Any]]] = {}
        self.workflows: dict[str, dict[str, Workflow]] = {}
        self.branches: dict[str, set[str]] = {}
        self.dispatches: list[Dispatch] = []
        self.denied: set[str] = set()
        self._ids = itertools.count(1001)

    # -- lifecycle -----------------------------------------------------------------

    # -- state set-up for tests -------------------------------------------------------

    def next_id(self) -> int:
        return next(self._ids)

    def add_commit(self, repo: str, sha: str) -> str:
        self.commits.setdefault(repo, set()).add(sha)
        return sha

    def add_pull(
        self,
        repo: str,
        number: int,
        *,
        head_sha: str = "a" * 40,
        head_repo: str | None = None,
        head_ref: str = "feature",
        state: str = "open",
        labels: tuple[str, ...] = (),
        merge_commit_sha: str | None = None,
    ) -> dict[str, Any]:
        head_repo = head_repo or repo
        pull = {
            "number": number,
            "state": state,
            "html_url": f"https://github.com/{repo}/pull/{number}",
            "head": {
                "sha": head_sha,
                "ref": head_ref,
                "label": f"{head_repo.split('/')[0]}:{head_ref}",
                "repo": {"full_name": head_repo, "fork": head_repo != repo},
            },
            "base": {"ref": "main", "repo": {"full_name": repo}},
            "labels": [{"name": name} for name in labels],
            "merge_commit_sha": merge_commit_sha,
            "merged_at": "2026-01-01T00:00:00Z" if state == "closed" and merge_commit_sha else None,
        }
        self.pulls.setdefault(repo, {})[number] = pull
        self.comments.setdefault((repo, number), [])
        self.add_commit(repo, head_sha)
        if merge_commit_sha:
            self.add_commit(repo, merge_commit_sha)
        return pull

    def add_review(self, repo: str, number: int, login: str, state: str = "APPROVED") -> None:
        self.reviews.setdefault((repo, number), []).append(
            {"id": self.next_id(), "user": {"login": login, "type": "User"}, "state": state}
        )

    def add_comment(
        self, repo: str, number: int, body: str, user: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        with self.lock:
            return self._new_comment(repo, number, body, user or {"login": "octocat", "type": "User"})

    def pr_comments(self, repo: str, number: int) -> list[dict[str, Any]]:
        return list(self.comments.get((repo, number), []))

    def fail(
        self,
        status: int = 502,
        *,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        """The next ``times`` matching requests get ``status`` (and nothing happens)."""
        default = {"message": "Server Error"} if status >= 500 else {"message": "Forbidden"}
        self.faults.append(
            Fault(status, times, method, path, headers or {}, default if body is None else body)
        )

    def slow(
        self, delay: float, *, times: int = 1, method: str | None = None, path: str | None = None
    ) -> None:
        """The next matching requests are carried out, but answered only after ``delay`` s."""
        self.faults.append(Fault(None, times, method, path, delay=delay))

    def secondary_rate_limit(
        self, retry_after: int | None = 1, *, times: int = 1, method: str | None = None
    ) -> None:
        headers = {"retry-after": str(retry_after)} if retry_after is not None else {}
        headers.update({"x-ratelimit-remaining": "4999", "x-ratelimit-limit": "5000"})
        self.fail(
            403,
            times=times,
            method=method,
            headers=headers,
            body={
                "message": "You have exceeded a secondary rate limit. "
                "Please wait a few minutes before you try again.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            },
        )

    def primary_rate_limit(self, reset_in: int = 1, *, times: int = 1) -> None:
        headers = {
            "x-ratelimit-remaining": "0",
            "x-ratelimit-limit": "1000",
            "x-ratelimit-reset": str(int(time.time()) + reset_in),
        }
        self.fail(
            403,
            times=times,
            headers=headers,
            body={"message": "API rate limit exceeded for installation."},
        )

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and (path is None or re.search(path, r.path))
        ]

    # -- HTTP ----------------------------------------------------------------------

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        path = parts.path
        query = dict(parse_qsl(parts.query))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        method = handler.command
        is_upload = path.startswith("/uploads/")
        body: Any = raw
        if raw and not is_upload:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
        with self.lock:
            self.requests.append(Recorded(method, path, query, headers, body, time.monotonic()))
            fault = next((f for f in self.faults if f.times > 0 and f.matches(method, path)), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None and fault.status is not None:
            answer: Answer = (fault.status, fault.headers, fault.body)
        else:
            answer = self._answer(method, path, query, headers, body)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        self._send(handler, answer)

    def _send(self, handler: BaseHTTPRequestHandler, answer: Answer) -> None:
        status, headers, payload = answer
        data = b"" if payload is None else json.dumps(payload).encode()
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        if data:
            handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: Any
    ) -> Answer:
        auth = headers.get("authorization", "")
        if auth not in (f"Bearer {self.token}", f"token {self.token}"):
            return 401, {}, {"message": "Bad credentials"}
        if self.read_only and method != "GET":
            return 403, {}, {"message": "Resource not accessible by integration"}
        with self.lock:
            for verb, pattern, action in self._routes() + self._issue_routes():
                match = re.fullmatch(pattern, path)
                if verb == method and match:
                    args = [unquote(g) for g in match.groups()]
                    return action(*args, query=query, headers=headers, body=body, path=path)
        return NOT_FOUND


def actions_env(
    stub: GitHubStub,
    tmp_path: Path,
    *,
    event_name: str | None = "pull_request",
    event: dict[str, Any] | None = None,
    repo: str = "octo/churn",
    token: str | None = TOKEN,
    **extra: str,
) -> dict[str, str | None]:
    """The environment a GitHub Actions step sees, pointed at the stub (ambient GITHUB_* unset)."""
    import os

    env: dict[str, str | None] = {
        k: None
        for k in os.environ
        if k.startswith(("GITHUB_", "RUNNER_", "MLCI_")) or k in ("GH_TOKEN", "CI")
    }
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event or {}), encoding="utf-8")
    summary = tmp_path / "summary.md"
    output = tmp_path / "output.txt"
    env.update(
        {
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            "GITHUB_API_URL": stub.url,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": repo,
            "GITHUB_WORKFLOW": "CI",
            "GITHUB_RUN_ID": "777",
            "GITHUB_SHA": "f" * 40,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(output),
            "MLCI_HTTP_BACKOFF": "0.01",
            "MLCI_HTTP_MAX_WAIT": "5",
            "MLCI_HTTP_TIMEOUT": "2",
        }
    )
    if event_name:
        env["GITHUB_EVENT_NAME"] = event_name
    if token:
        env["GITHUB_TOKEN"] = token
    env.update(extra)
    return env


def read_outputs(path: Path) -> dict[str, str]:
    """Parse a GITHUB_OUTPUT file the way the runner does (``name<<DELIM`` blocks)."""
    values: dict[str, str] = {}
    lines: Iterator[str] = iter(path.read_text(encoding="utf-8").split("\n"))
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            value = []
            for inner in lines:
                if inner == delimiter:
                    break
                value.append(inner)
            else:
                raise AssertionError(f"output {name!r}: delimiter {delimiter!r} never closed")
            values[name] = "\n".join(value)
        elif "=" in line:
            name, value_ = line.split("=", 1)
            values[name] = value_
    return values


__all__ += ["read_outputs"]
