"""A stateful stand-in for the GitLab REST API (v4), served over real HTTP on 127.0.0.1.

It keeps projects, commits and branches, merge requests with their notes and approvals,
tags, releases with asset links, and uploads, under ``<url>/api/v4``, and answers the way
GitLab documents: lists paginate at 20 items by default (``per_page`` up to 100) with
``X-Page``/``X-Next-Page``/``X-Total``... headers and ``Link`` rels; notes list newest
first unless ``sort=asc``; projects are addressed by id or URL-encoded path. Auth is
GitLab's: ``PRIVATE-TOKEN`` (or ``Authorization: Bearer``) for the full token, and
``JOB-TOKEN`` for the CI job token, which may only use the releases endpoints (anything
else answers 401, as GitLab does). ``read_only = True`` makes the full token a
``read_api`` one (writes answer 403 ``insufficient_scope``). Faults can be injected: 5xx
answers, 429 rate limits with ``Retry-After`` and ``RateLimit-*`` headers, and slow
answers (carried out, then held past the client's timeout). Every request is recorded.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
import threading
import time
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .github_stub import Fault, Recorded
from .gitlab_stub_api import NOTE_LIMIT, Answer
from .gitlab_stub_env import gitlab_env
from .gitlab_stub_releases import ReleaseEndpoints
from .http_server import StubServer

__all__ = ["BOT", "GitLabStub", "JOB_TOKEN", "NOTE_LIMIT", "Recorded", "TOKEN", "gitlab_env"]

TOKEN = "glpat-" + "S3cr3tT0ken" * 2  # the shape of a project access token
JOB_TOKEN = "glcbt-" + "J0bT0ken" * 3  # the shape of a CI job token
# The user behind a project access token, as GitLab names it.
BOT = {"id": 4242, "username": "project_42_bot_mlci", "name": "mlci", "bot": True, "state": "active"}
UNAUTHORIZED: Answer = (401, {}, {"message": "401 Unauthorized"})
INSUFFICIENT_SCOPE: Answer = (
    403,
    {"WWW-Authenticate": 'Bearer realm="gitlab", error="insufficient_scope"'},
    {
        "error": "insufficient_scope",
        "error_description": "The request requires higher privileges than provided by the access token.",
        "scope": "api",
    },
)


class GitLabStub(StubServer, ReleaseEndpoints):
    def __init__(self, token: str = TOKEN, job_token: str = JOB_TOKEN, default_per_page: int = 20) -> None:
        self.token = token
        self.job_token = job_token
        self.default_per_page = default_per_page
        self.read_only = False
        self.token_user: dict[str, Any] = dict(BOT)
        self.lock = threading.RLock()
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.projects: dict[int, dict[str, Any]] = {}
        self.commits: dict[int, set[str]] = {}
        self.branches: dict[int, dict[str, str]] = {}
        self.merge_requests: dict[int, dict[int, dict[str, Any]]] = {}
        self.approvals: dict[tuple[int, int], list[str]] = {}
        self.notes: dict[tuple[int, int], list[dict[str, Any]]] = {}
        self.tags: dict[int, dict[str, dict[str, Any]]] = {}
        self.releases: dict[int, dict[str, dict[str, Any]]] = {}
        self.uploads: list[dict[str, Any]] = []  # the answer's fields plus project_id, name, data
        self._ids = itertools.count(5001)

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """The server root is ``url``: the API is under ``url + "/api/v4"``, web pages under ``url``."""
        return self.url + "/api/v4"

    # -- state set-up for tests -------------------------------------------------------------

    def next_id(self) -> int:
        return next(self._ids)

    def add_project(self, project_id: int, path: str, default_branch: str = "main") -> dict[str, Any]:
        with self.lock:
            project = {
                "id": project_id,
                "name": path.rsplit("/", 1)[-1],
                "path": path.rsplit("/", 1)[-1],
                "path_with_namespace": path,
                "namespace": {"full_path": path.rsplit("/", 1)[0] if "/" in path else path},
                "web_url": f"{self.url}/{path}",
                "default_branch": default_branch,
            }
            self.projects[project_id] = project
            self.commits.setdefault(project_id, set())
            self.branches.setdefault(project_id, {})
            self.merge_requests.setdefault(project_id, {})
            self.tags.setdefault(project_id, {})
            self.releases.setdefault(project_id, {})
            return project

    def add_commit(self, project_id: int, sha: str, branch: str | None = None) -> str:
        """Make ``sha`` known (a valid tag ``ref``); with ``branch``, also that branch's head."""
        with self.lock:
            self.commits.setdefault(project_id, set()).add(sha)
            if branch is not None:
                self.branches.setdefault(project_id, {})[branch] = sha
            return sha

    def add_merge_request(
        self,
        project_id: int,
        iid: int,
        sha: str,
        labels: tuple[str, ...] = (),
        source_branch: str = "feature",
        *,
        target_branch: str | None = None,
        state: str = "opened",
        merge_commit_sha: str | None = None,
        commits: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """An MR whose head is ``sha``; ``commits`` are the other commits it contains."""
        with self.lock:
            project = self.projects[project_id]
            contained = {sha, *commits} | ({merge_commit_sha} if merge_commit_sha else set())
            mr = {
                "id": self.next_id(),
                "iid": iid,
                "project_id": project_id,
                "title": f"Merge request !{iid}",
                "state": state,
                "sha": sha,
                "merge_commit_sha": merge_commit_sha,
                "squash_commit_sha": None,
                "source_branch": source_branch,
                "target_branch": target_branch or project["default_branch"],
                "source_project_id": project_id,
                "target_project_id": project_id,
                "labels": list(labels),
                "web_url": f"{project['web_url']}/-/merge_requests/{iid}",
                "_commits": contained,
            }
            self.merge_requests.setdefault(project_id, {})[iid] = mr
            self.notes.setdefault((project_id, iid), [])
            for commit in contained:
                self.add_commit(project_id, commit)
            self.add_commit(project_id, sha, source_branch)
            return mr

    def approve(self, project_id: int, iid: int, username: str) -> None:
        with self.lock:
            self.approvals.setdefault((project_id, iid), []).append(username)

    def add_note(
        self, project_id: int, iid: int, body: str, author: str = "someone", *, system: bool = False
    ) -> dict[str, Any]:
        """A note by someone else (``author`` ``BOT["username"]`` makes it the token user's)."""
        with self.lock:
            user = (
                dict(self.token_user)
                if author == self.token_user["username"]
                else {"id": 7000 + len(author), "username": author, "name": author, "bot": False}
            )
            return self._new_note(project_id, iid, body, user, system)

    def mr_notes(self, project_id: int, iid: int) -> list[dict[str, Any]]:
        """The MR's notes, oldest first."""
        with self.lock:
            return list(self.notes.get((project_id, iid), []))

    def note_url(self, project_id: int, iid: int, note_id: int) -> str:
        """The web address a user sees for a note."""
        return f"{self.projects[project_id]['web_url']}/-/merge_requests/{iid}#note_{note_id}"

    # -- faults ----------------------------------------------------------------------------

    def fail(
        self,
        status: int | None = 502,
        times: int = 1,
        *,
        method: str | None = None,
        path: str | None = None,
        headers: dict[str, str] | None = None,
        body: Any = None,
        delay: float = 0.0,
    ) -> None:
        """The next ``times`` matching requests get ``status`` (nothing happens), after ``delay`` s.

        ``path`` is a regex searched in the request path as sent (still URL-encoded);
        ``status=None`` carries the request out normally and answers after ``delay``.
        """
        if status is not None and body is None:
            body = {"message": f"{status} {_reason(status)}"}
        self.faults.append(Fault(status, times, method, path, headers or {}, body, delay))

    def slow(
        self, delay: float, times: int = 1, *, method: str | None = None, path: str | None = None
    ) -> None:
        """The next matching requests are carried out, but answered only after ``delay`` s."""
        self.fail(None, times, method=method, path=path, delay=delay)

    def rate_limit(
        self, retry_after: int = 1, times: int = 1, *, method: str | None = None, path: str | None = None
    ) -> None:
        """GitLab's throttle answer: 429, ``Retry-After``, ``RateLimit-*``, a plain-text body."""
        reset = int(time.time()) + retry_after
        headers = {
            "Retry-After": str(retry_after),
            "RateLimit-Name": "throttle_authenticated_api",
            "RateLimit-Limit": "2000",
            "RateLimit-Observed": "2001",
            "RateLimit-Remaining": "0",
            "RateLimit-Reset": str(reset),
            "RateLimit-ResetTime": formatdate(reset, usegmt=True),
        }
        self.fail(429, times, method=method, path=path, headers=headers, body="Retry later\n")

    def calls(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        """Recorded requests with this method whose (URL-encoded) path matches the regex."""
        return [
            r
            for r in list(self.requests)
            if (method is None or r.method == method) and (path is None or re.search(path, r.path))
        ]

    # -- HTTP ------------------------------------------------------------------------------

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        path, query = parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        method = handler.command
        body, files = _parse_body(raw, headers.get("content-type", ""))
        with self.lock:
            self.requests.append(Recorded(method, path, query, headers, body, time.monotonic()))
            fault = next((f for f in self.faults if f.times > 0 and f.matches(method, path)), None)
            if fault is not None:
                fault.times -= 1
        if fault is not None and fault.status is not None:
            answer: Answer = (fault.status, fault.headers, fault.body)
        elif body is _INVALID:
            answer = 400, {}, {"error": "The request body is not valid JSON"}
        else:
            params = {**query, **body} if isinstance(body, dict) else dict(query)
            answer = self._answer(method, path, query, headers, params, files)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        self._send(handler, answer)

    def _send(self, handler: BaseHTTPRequestHandler, answer: Answer) -> None:
        status, headers, payload = answer
        if isinstance(payload, str):
            data, kind = payload.encode(), "text/plain; charset=utf-8"
        else:
            data, kind = (b"" if payload is None else json.dumps(payload).encode()), "application/json"
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        if data:
            handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _who(self, headers: dict[str, str]) -> str | None:
        """``"full"`` for the access token, ``"job"`` for the CI job token, else None."""
        if (
            headers.get("private-token") == self.token
            or headers.get("authorization") == f"Bearer {self.token}"
        ):
            return "full"
        if headers.get("job-token") == self.job_token:
            return "job"
        return None

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        params: dict[str, Any],
        files: dict[str, tuple[str, bytes]],
    ) -> Answer:
        if not path.startswith("/api/v4/"):
            return 404, {}, "Not Found"
        who = self._who(headers)
        if who is None:
            return UNAUTHORIZED
        rest = path[len("/api/v4") :]
        with self.lock:
            if method == "GET" and rest in ("/user", "/personal_access_tokens/self"):
                return self._whoami(rest, who)
            match = re.fullmatch(r"/projects/([^/]+)(/.*)?", rest)
            if match is None:
                return 404, {}, {"error": "404 Not Found"}
            for verb, pattern, action, job_ok in self._routes():
                found = re.fullmatch(pattern, match.group(2) or "")
                if verb != method or found is None:
                    continue
                if who == "job" and not job_ok:
                    return UNAUTHORIZED  # what GitLab answers a job token outside its allowlist
                if who == "full" and self.read_only and method != "GET":
                    return INSUFFICIENT_SCOPE
                project = self._project(unquote(match.group(1)))
                if project is None:
                    return 404, {}, {"message": "404 Project Not Found"}
                args = [unquote(g) for g in found.groups()]
                return action(project, *args, query=query, params=params, files=files, path=path)
        return 404, {}, {"error": "404 Not Found"}

    def _whoami(self, rest: str, who: str) -> Answer:
        if who == "job":
            return UNAUTHORIZED
        if rest == "/user":
            return 200, {}, dict(self.token_user)
        scopes = ["read_api"] if self.read_only else ["api"]
        return 200, {}, {"id": 1, "name": "mlci", "active": True, "revoked": False, "scopes": scopes}

    def _project(self, ref: str) -> dict[str, Any] | None:
        if ref.isdigit():
            return self.projects.get(int(ref))
        return next(
            (p for p in self.projects.values() if p["path_with_namespace"].lower() == ref.lower()), None
        )


_INVALID: Any = object()  # a JSON body that does not parse


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _parse_body(raw: bytes, content_type: str) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    """The body as GitLab reads it: JSON, a form, or multipart fields and files."""
    files: dict[str, tuple[str, bytes]] = {}
    if not raw:
        return {}, files
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True)), files
    if kind == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            if filename is not None:
                files[str(name)] = (filename, data)
            else:
                fields[str(name)] = data.decode("utf-8")
        return fields, files
    try:
        return json.loads(raw), files
    except ValueError:
        return (_INVALID if kind == "application/json" else raw), files
