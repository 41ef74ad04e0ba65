"""The endpoints of the GitLab stand-in (``gitlab_stub.py``): projects, MRs, notes, tags.

Releases, their links and uploads are in ``gitlab_stub_releases.py``. A mixin:
``GitLabStub`` holds the state these handlers read and change, under its lock.
Each handler gets the project (already resolved from its numeric id or URL-encoded path),
the other path segments (URL-decoded) and the request's parameters (query string merged
with a JSON, form or multipart body, as GitLab's Grape API does), and returns
``(status, headers, payload)``. Missing required parameters get Grape's 400
``{"error": "<name> is missing"}``; validation failures get GitLab's ``{"message": ...}``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

__all__ = ["Answer", "NOTE_LIMIT", "NOT_FOUND", "Route", "StubEndpoints", "missing", "now"]

Answer = tuple[int, dict[str, str], Any]
# (method, path regex after /api/v4, handler, whether the CI job token may call it)
Route = tuple[str, str, Callable[..., Answer], bool]

NOT_FOUND: Answer = (404, {}, {"message": "404 Not Found"})
NOTE_LIMIT = 1_000_000  # characters, for notes and release descriptions alike


def now() -> str:
    import datetime

    stamp = datetime.datetime.now(datetime.timezone.utc)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def missing(params: dict[str, Any], *names: str) -> Answer | None:
    absent = [name for name in names if params.get(name) is None]
    if absent:
        return 400, {}, {"error": ", ".join(f"{name} is missing" for name in absent)}
    return None


def _not_found(what: str) -> Answer:
    return 404, {}, {"message": f"404 {what} Not Found"}


class StubEndpoints:
    """GitLab's REST answers over the state of a ``GitLabStub``."""

    lock: threading.RLock
    default_per_page: int
    token_user: dict[str, Any]
    projects: dict[int, dict[str, Any]]
    commits: dict[int, set[str]]
    branches: dict[int, dict[str, str]]
    merge_requests: dict[int, dict[int, dict[str, Any]]]
    approvals: dict[tuple[int, int], list[str]]
    notes: dict[tuple[int, int], list[dict[str, Any]]]
    tags: dict[int, dict[str, dict[str, Any]]]

    @property
    def url(self) -> str:
        raise NotImplementedError

    def next_id(self) -> int:
        raise NotImplementedError

    def _routes(self) -> list[Route]:
        mr = r"/merge_requests/(\d+)"
        return [
            ("GET", r"", self._get_project, False),
            ("GET", mr, self._get_merge_request, False),
            ("GET", mr + r"/approvals", self._get_approvals, False),
            ("GET", mr + r"/notes", self._list_notes, False),
            ("POST", mr + r"/notes", self._create_note, False),
            ("GET", mr + r"/notes/(\d+)", self._get_note, False),
            ("PUT", mr + r"/notes/(\d+)", self._update_note, False),
            ("DELETE", mr + r"/notes/(\d+)", self._delete_note, False),
            ("GET", r"/repository/commits/([^/]+)/merge_requests", self._commit_merge_requests, False),
            ("GET", r"/repository/tags", self._list_tags, False),
            ("GET", r"/repository/tags/([^/]+)", self._get_tag, False),
            ("POST", r"/repository/tags", self._create_tag, False),
        ]

    def _page(self, items: list[Any], query: dict[str, str], path: str) -> Answer:
        """One page of ``items`` with GitLab's offset-pagination headers and Link rels."""
        try:
            per_page = int(query.get("per_page") or self.default_per_page)
            page = int(query.get("page") or 1)
        except ValueError:
            return 400, {}, {"error": "per_page is invalid, page is invalid"}
        per_page = min(max(per_page, 1), 100)  # GitLab caps silently at 100
        page = max(page, 1)
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = items[(page - 1) * per_page : page * per_page]

        def link(n: int) -> str:
            params = {**query, "page": str(n), "per_page": str(per_page)}
            return f"<{self.url}{path}?{urlencode(params)}>"

        rels = []
        if page > 1:
            rels.append(f'{link(min(page - 1, last))}; rel="prev"')
        if page < last:
            rels.append(f'{link(page + 1)}; rel="next"')
        rels += [f'{link(1)}; rel="first"', f'{link(last)}; rel="last"']
        headers = {
            "X-Page": str(page),
            "X-Per-Page": str(per_page),
            "X-Total": str(len(items)),
            "X-Total-Pages": str(last),
            "X-Next-Page": str(page + 1) if page < last else "",
            "X-Prev-Page": str(min(page - 1, last)) if page > 1 else "",
            "Link": ", ".join(rels),
        }
        return 200, headers, chunk

    # -- projects and merge requests --------------------------------------------------

    def _get_project(self, project: dict[str, Any], **_: Any) -> Answer:
        return 200, {}, project

    def _merge_request(self, project: dict[str, Any], iid: str) -> dict[str, Any] | None:
        return self.merge_requests.get(project["id"], {}).get(int(iid))

    def _get_merge_request(self, project: dict[str, Any], iid: str, **_: Any) -> Answer:
        found = self._merge_request(project, iid)
        return (200, {}, _public(found)) if found else (404, {}, {"message": "404 Not found"})

    def _get_approvals(self, project: dict[str, Any], iid: str, **_: Any) -> Answer:
        found = self._merge_request(project, iid)
        if found is None:
            return 404, {}, {"message": "404 Not found"}
        names = self.approvals.get((project["id"], int(iid)), [])
        approved_by = [{"user": {"id": 9000 + i, "username": n, "name": n}} for i, n in enumerate(names)]
        return (
            200,
            {},
            {
                "id": found["id"],
                "iid": found["iid"],
                "project_id": project["id"],
                "state": found["state"],
                "approved": bool(names),
                "approvals_required": 0,
                "approvals_left": 0,
                "approved_by": approved_by,
            },
        )

    def _commit_merge_requests(
        self, project: dict[str, Any], sha: str, *, query: dict[str, str], path: str, **_: Any
    ) -> Answer:
        if sha not in self.commits.get(project["id"], set()):
            return _not_found("Commit")
        found = [
            _public(m) for m in self.merge_requests.get(project["id"], {}).values() if sha in m["_commits"]
        ]
        return self._page(found, query, path)

    # -- notes ---------------------------------------------------------------------------

    def _new_note(
        self, project_id: int, iid: int, body: str, author: dict[str, Any], system: bool = False
    ) -> dict[str, Any]:
        mr = self.merge_requests[project_id][iid]
        stamp = now()
        note = {
            "id": self.next_id(),
            "type": None,
            "body": body,
            "attachment": None,
            "author": dict(author),
            "created_at": stamp,
            "updated_at": stamp,
            "system": system,
            "noteable_id": mr["id"],
            "noteable_type": "MergeRequest",
            "noteable_iid": iid,
            "project_id": project_id,
            "resolvable": False,
            "confidential": False,
            "internal": False,
        }
        self.notes[(project_id, iid)].append(note)
        return note

    def _list_notes(
        self, project: dict[str, Any], iid: str, *, query: dict[str, str], path: str, **_: Any
    ) -> Answer:
        if self._merge_request(project, iid) is None:
            return 404, {}, {"message": "404 Not found"}
        key = query.get("order_by", "created_at")
        if key not in ("created_at", "updated_at"):
            return 400, {}, {"error": "order_by does not have a valid value"}
        if query.get("sort", "desc") not in ("asc", "desc"):
            return 400, {}, {"error": "sort does not have a valid value"}
        # GitLab's default is newest first: a client must not assume the first page is the oldest.
        notes = sorted(
            self.notes[(project["id"], int(iid))],
            key=lambda n: (n[key], n["id"]),
            reverse=query.get("sort", "desc") == "desc",
        )
        return self._page(notes, query, path)

    def _check_body(self, params: dict[str, Any]) -> Answer | None:
        problem = missing(params, "body")
        if problem:
            return problem
        body = params["body"]
        if not isinstance(body, str) or not body.strip():
            return 400, {}, {"message": {"body": ["can't be blank"]}}
        if len(body) > NOTE_LIMIT:
            return 400, {}, {"message": 'Note {:note=>["is too long (maximum is 1000000 characters)"]}'}
        return None

    def _create_note(self, project: dict[str, Any], iid: str, *, params: dict[str, Any], **_: Any) -> Answer:
        if self._merge_request(project, iid) is None:
            return 404, {}, {"message": "404 Not found"}
        problem = self._check_body(params)
        if problem:
            return problem
        return 201, {}, self._new_note(project["id"], int(iid), params["body"], self.token_user)

    def _find_note(self, project: dict[str, Any], iid: str, note_id: str) -> dict[str, Any] | None:
        notes = self.notes.get((project["id"], int(iid)), [])
        return next((n for n in notes if n["id"] == int(note_id)), None)

    def _get_note(self, project: dict[str, Any], iid: str, note_id: str, **_: Any) -> Answer:
        note = self._find_note(project, iid, note_id)
        return (200, {}, note) if note else _not_found("Note")

    def _own_note(self, project: dict[str, Any], iid: str, note_id: str) -> dict[str, Any] | Answer:
        note = self._find_note(project, iid, note_id)
        if note is None:
            return _not_found("Note")
        # Only a note's author may change it, and nobody may change a system note.
        if note["system"] or note["author"]["username"] != self.token_user["username"]:
            return 403, {}, {"message": "403 Forbidden"}
        return note

    def _update_note(
        self, project: dict[str, Any], iid: str, note_id: str, *, params: dict[str, Any], **_: Any
    ) -> Answer:
        note = self._own_note(project, iid, note_id)
        if isinstance(note, tuple):
            return note
        problem = self._check_body(params)
        if problem:
            return problem
        note["body"] = params["body"]
        note["updated_at"] = now()
        return 200, {}, note

    def _delete_note(self, project: dict[str, Any], iid: str, note_id: str, **_: Any) -> Answer:
        note = self._own_note(project, iid, note_id)
        if isinstance(note, tuple):
            return note
        self.notes[(project["id"], int(iid))].remove(note)
        return 204, {}, None

    # -- tags ----------------------------------------------------------------------------

    def _resolve_ref(self, project_id: int, ref: str) -> str | None:
        """The commit a ref names: a known sha, a branch, or an existing tag."""
        if ref in self.commits.get(project_id, set()):
            return ref
        if ref in self.branches.get(project_id, {}):
            return self.branches[project_id][ref]
        tag = self.tags.get(project_id, {}).get(ref)
        return str(tag["commit"]["id"]) if tag else None

    def _new_tag(self, project_id: int, name: str, sha: str, message: str | None) -> dict[str, Any]:
        annotated = bool(message)
        target = hashlib.sha1(f"tag {name}\n{message}\n{sha}".encode()).hexdigest() if annotated else sha
        tag = {
            "name": name,
            "message": message if annotated else None,
            "target": target,
            "commit": {
                "id": sha,
                "short_id": sha[:8],
                "title": "A commit",
                "message": "A commit\n",
                "parent_ids": [],
            },
            "release": None,
            "protected": False,
            "created_at": now() if annotated else None,
        }
        self.tags.setdefault(project_id, {})[name] = tag
        return tag

    def _list_tags(self, project: dict[str, Any], *, query: dict[str, str], path: str, **_: Any) -> Answer:
        return self._page(
            sorted(self.tags.get(project["id"], {}).values(), key=lambda t: t["name"]), query, path
        )

    def _get_tag(self, project: dict[str, Any], name: str, **_: Any) -> Answer:
        tag = self.tags.get(project["id"], {}).get(name)
        return (200, {}, tag) if tag else _not_found("Tag")

    def _create_tag(self, project: dict[str, Any], *, params: dict[str, Any], **_: Any) -> Answer:
        problem = missing(params, "tag_name", "ref")
        if problem:
            return problem
        name, ref = str(params["tag_name"]), str(params["ref"])
        if not name or name.startswith("-") or any(c in name for c in " ~^:?*[\\") or ".." in name:
            return 400, {}, {"message": "Tag name invalid"}
        if name in self.tags.get(project["id"], {}):
            return 400, {}, {"message": f"Tag {name} already exists"}
        sha = self._resolve_ref(project["id"], ref)
        if sha is None:
            return 400, {}, {"message": f"Target {ref} is invalid"}
        return 201, {}, self._new_tag(project["id"], name, sha, params.get("message"))


def _public(mr: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mr.items() if not k.startswith("_")}
