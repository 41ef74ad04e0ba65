"""The endpoints of the GitHub stand-in (``github_stub.py``): GitHub's answers, per resource.

A mixin: ``GitHubStub`` holds the state these handlers read and change, under its lock.
Each handler returns ``(status, headers, json)``; bodies are checked against the fields
GitHub documents as required, and duplicates get GitHub's 422s.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

__all__ = ["Answer", "BOT", "NOT_FOUND", "StubEndpoints"]

BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
Answer = tuple[int, dict[str, str], Any]


def _invalid(message: str) -> Answer:
    return 422, {}, {"message": message, "documentation_url": "https://docs.github.com/rest"}


def _validation(resource: str, code: str, field_name: str, message: str | None = None) -> Answer:
    error = {"resource": resource, "code": code, "field": field_name}
    if message:
        error["message"] = message
    return 422, {}, {"message": "Validation Failed", "errors": [error]}


NOT_FOUND: Answer = (404, {}, {"message": "Not Found"})


def _require(body: Any, fields: dict[str, type]) -> Answer | None:
    """GitHub's answer to a body without a documented required field, or of the wrong type."""
    if not isinstance(body, dict):
        return _invalid("Problems parsing JSON")
    for name, kind in fields.items():
        if name not in body or body[name] is None:
            return _invalid(f'Invalid request.\n\n"{name}" wasn\'t supplied.')
        if not isinstance(body[name], kind):
            return _invalid(
                f"Invalid request.\n\nFor 'properties/{name}', {body[name]!r} is not a {kind.__name__}."
            )
    return None


class StubEndpoints:
    """GitHub's REST answers over the state of a ``GitHubStub``."""

    lock: threading.RLock
    default_per_page: int
    comments: dict[tuple[str, int], list[dict[str, Any]]]
    pulls: dict[str, dict[int, dict[str, Any]]]
    reviews: dict[tuple[str, int], list[dict[str, Any]]]
    commits: dict[str, set[str]]
    refs: dict[str, dict[str, dict[str, str]]]
    tag_objects: dict[str, dict[str, Any]]
    releases: dict[str, list[dict[str, Any]]]
    assets: dict[int, list[dict[str, Any]]]
    asset_bytes: dict[int, bytes]
    break_uploads: int

    @property
    def url(self) -> str:
        raise NotImplementedError

    def next_id(self) -> int:
        raise NotImplementedError

    def _routes(self) -> list[tuple[str, str, Callable[..., Answer]]]:
        repo = r"/repos/([^/]+/[^/]+)"
        return [
            ("GET", repo + r"/issues/(\d+)/comments", self._list_comments),
            ("POST", repo + r"/issues/(\d+)/comments", self._create_comment),
            ("PATCH", repo + r"/issues/comments/(\d+)", self._update_comment),
            ("DELETE", repo + r"/issues/comments/(\d+)", self._delete_comment),
            ("GET", repo + r"/pulls", self._list_pulls),
            ("GET", repo + r"/pulls/(\d+)", self._get_pull),
            ("GET", repo + r"/pulls/(\d+)/reviews", self._list_reviews),
            ("GET", repo + r"/commits/([0-9a-f]{40})/pulls", self._commit_pulls),
            ("GET", repo + r"/git/ref/(.+)", self._get_ref),
            ("POST", repo + r"/git/refs", self._create_ref),
            ("POST", repo + r"/git/tags", self._create_tag),
            ("GET", repo + r"/git/tags/([0-9a-f]{40})", self._get_tag),
            ("GET", repo + r"/releases", self._list_releases),
            ("GET", repo + r"/releases/tags/(.+)", self._release_by_tag),
            ("POST", repo + r"/releases", self._create_release),
            ("GET", repo + r"/releases/(\d+)/assets", self._list_assets),
            ("DELETE", repo + r"/releases/assets/(\d+)", self._delete_asset),
            ("POST", r"/uploads" + repo + r"/releases/(\d+)/assets", self._upload_asset),
        ]

    def _page(self, items: list[Any], query: dict[str, str], path: str) -> Answer:
        per_page = min(int(query.get("per_page", self.default_per_page)), 100)
        page = max(int(query.get("page", 1)), 1)
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = items[(page - 1) * per_page : page * per_page]

        def link(n: int) -> str:
            params = {**query, "per_page": str(per_page), "page": str(n)}
            return f"<{self.url}{path}?{urlencode(params)}>"

        rels = []
        if page < last:
            rels += [f'{link(page + 1)}; rel="next"', f'{link(last)}; rel="last"']
        if page > 1:
            rels += [f'{link(1)}; rel="first"', f'{link(page - 1)}; rel="prev"']
        return 200, ({"Link": ", ".join(rels)} if rels else {}), chunk

    # -- comments ------------------------------------------------------------------

    def _new_comment(self, repo: str, number: int, body: str, user: dict[str, Any]) -> dict[str, Any]:
        cid = self.next_id()
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        comment = {
            "id": cid,
            "body": body,
            "user": dict(user),
            "html_url": f"https://github.com/{repo}/pull/{number}#issuecomment-{cid}",
            "url": f"{self.url}/repos/{repo}/issues/comments/{cid}",
            "created_at": now,
            "updated_at": now,
        }
        self.comments[(repo, number)].append(comment)
        return comment

    def _find_comment(self, repo: str, cid: int) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
        for (r, _), comments in self.comments.items():
            for comment in comments:
                if r == repo and comment["id"] == cid:
                    return comments, comment
        return None

    def _list_comments(self, repo: str, number: str, *, query: dict[str, str], path: str, **_: Any) -> Answer:
        if (repo, int(number)) not in self.comments:
            return NOT_FOUND
        return self._page(self.comments[(repo, int(number))], query, path)

    def _check_body_length(self, body: dict[str, Any]) -> Answer | None:
        if len(body["body"]) > 65536:
            return _validation(
                "IssueComment",
                "unprocessable",
                "data",
                "Body is too long (maximum is 65536 characters)",
            )
        return None

    def _create_comment(self, repo: str, number: str, *, body: Any, **_: Any) -> Answer:
        if (repo, int(number)) not in self.comments:
            return NOT_FOUND
        problem = _require(body, {"body": str}) or self._check_body_length(body)
        if problem:
            return problem
        return 201, {}, self._new_comment(repo, int(number), body["body"], BOT)

    def _update_comment(self, repo: str, cid: str, *, body: Any, **_: Any) -> Answer:
        found = self._find_comment(repo, int(cid))
        if found is None:
            return NOT_FOUND
        problem = _require(body, {"body": str}) or self._check_body_length(body)
        if problem:
            return problem
        comment = found[1]
        comment["body"] = body["body"]
        comment["updated_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return 200, {}, comment

    def _delete_comment(self, repo: str, cid: str, **_: Any) -> Answer:
        found = self._find_comment(repo, int(cid))
        if found is None:
            return NOT_FOUND
        found[0].remove(found[1])
        return 204, {}, None

    # -- pulls ---------------------------------------------------------------------

    def _list_pulls(self, repo: str, *, query: dict[str, str], path: str, **_: Any) -> Answer:
        pulls = list(self.pulls.get(repo, {}).values())
        state = query.get("state", "open")
        if state != "all":
            pulls = [p for p in pulls if p["state"] == state]
        if "head" in query:
            pulls = [p for p in pulls if p["head"]["label"] == query["head"]]
        return self._page(pulls, query, path)

    def _get_pull(self, repo: str, number: str, **_: Any) -> Answer:
        pull = self.pulls.get(repo, {}).get(int(number))
        return (200, {}, pull) if pull else NOT_FOUND

    def _list_reviews(self, repo: str, number: str, *, query: dict[str, str], path: str, **_: Any) -> Answer:
        if int(number) not in self.pulls.get(repo, {}):
            return NOT_FOUND
        return self._page(self.reviews.get((repo, int(number)), []), query, path)

    def _commit_pulls(self, repo: str, sha: str, *, query: dict[str, str], path: str, **_: Any) -> Answer:
        if sha not in self.commits.get(repo, set()):
            return 422, {}, {"message": f"No commit found for SHA: {sha}"}
        pulls = [
            p for p in self.pulls.get(repo, {}).values() if sha in (p["head"]["sha"], p["merge_commit_sha"])
        ]
        return self._page(pulls, query, path)

    # -- git data ------------------------------------------------------------------

    def _ref_json(self, repo: str, name: str) -> dict[str, Any]:
        target = self.refs[repo][name]
        return {
            "ref": name,
            "url": f"{self.url}/repos/{repo}/git/{name}",
            "object": {"sha": target["sha"], "type": target["type"]},
        }

    def _get_ref(self, repo: str, ref: str, **_: Any) -> Answer:
        name = "refs/" + ref
        if name not in self.refs.get(repo, {}):
            return NOT_FOUND
        return 200, {}, self._ref_json(repo, name)

    def _create_ref(self, repo: str, *, body: Any, **_: Any) -> Answer:
        problem = _require(body, {"ref": str, "sha": str})
        if problem:
            return problem
        name, sha = body["ref"], body["sha"]
        if not name.startswith("refs/") or name.count("/") < 2:
            return _invalid(f"{name} is not a valid ref name.")
        if name in self.refs.get(repo, {}):
            return _invalid("Reference already exists")
        if sha in self.tag_objects:
            kind = "tag"
        elif sha in self.commits.get(repo, set()):
            kind = "commit"
        else:
            return _invalid("Object does not exist")
        self.refs.setdefault(repo, {})[name] = {"sha": sha, "type": kind}
        return 201, {}, self._ref_json(repo, name)

    def _create_tag(self, repo: str, *, body: Any, **_: Any) -> Answer:
        problem = _require(body, {"tag": str, "message": str, "object": str, "type": str})
        if problem:
            return problem
        if body["type"] not in ("commit", "tree", "blob"):
            return _invalid("Invalid request.\n\ntype must be one of commit, tree, blob.")
        tagger = body.get("tagger")
        if tagger is not None and _require(tagger, {"name": str, "email": str}):
            return _invalid('Invalid request.\n\n"name", "email" weren\'t supplied.')
        if body["object"] not in self.commits.get(repo, set()):
            return _invalid("Object does not exist")
        content = json.dumps(body, sort_keys=True) + str(self.next_id())
        sha = hashlib.sha1(content.encode()).hexdigest()
        self.tag_objects[sha] = {
            "sha": sha,
            "tag": body["tag"],
            "message": body["message"],
            "tagger": tagger,
            "object": {"sha": body["object"], "type": body["type"]},
        }
        return 201, {}, self.tag_objects[sha]

    def _get_tag(self, repo: str, sha: str, **_: Any) -> Answer:
        return (200, {}, self.tag_objects[sha]) if sha in self.tag_objects else NOT_FOUND

    # -- releases ------------------------------------------------------------------

    def _release_json(self, repo: str, release: dict[str, Any]) -> dict[str, Any]:
        return {**release, "assets": list(self.assets.get(release["id"], []))}

    def _list_releases(self, repo: str, *, query: dict[str, str], path: str, **_: Any) -> Answer:
        releases = [self._release_json(repo, r) for r in reversed(self.releases.get(repo, []))]
        return self._page(releases, query, path)

    def _release_by_tag(self, repo: str, tag: str, **_: Any) -> Answer:
        for release in self.releases.get(repo, []):
            if release["tag_name"] == tag and not release["draft"]:  # drafts are not found by tag
                return 200, {}, self._release_json(repo, release)
        return NOT_FOUND

    def _create_release(self, repo: str, *, body: Any, **_: Any) -> Answer:
        problem = _require(body, {"tag_name": str})
        if problem:
            return problem
        tag = body["tag_name"]
        if any(r["tag_name"] == tag for r in self.releases.get(repo, [])):
            return _validation("Release", "already_exists", "tag_name")
        if len(body.get("body") or "") > 125_000:
            return _validation("Release", "custom", "body", "body is too long (maximum is 125000 characters)")
        if f"refs/tags/{tag}" not in self.refs.get(repo, {}):
            target = body.get("target_commitish")
            if not target or target not in self.commits.get(repo, set()):
                return _validation("Release", "invalid", "target_commitish")
            self.refs.setdefault(repo, {})[f"refs/tags/{tag}"] = {"sha": target, "type": "commit"}
        rid = self.next_id()
        release = {
            "id": rid,
            "tag_name": tag,
            "name": body.get("name") or tag,
            "body": body.get("body") or "",
            "draft": bool(body.get("draft", False)),
            "prerelease": bool(body.get("prerelease", False)),
            "html_url": f"https://github.com/{repo}/releases/tag/{tag}",
            "upload_url": f"{self.url}/uploads/repos/{repo}/releases/{rid}/assets{{?name,label}}",
        }
        self.releases.setdefault(repo, []).append(release)
        self.assets[rid] = []
        return 201, {}, self._release_json(repo, release)

    def _list_assets(self, repo: str, rid: str, *, query: dict[str, str], path: str, **_: Any) -> Answer:
        if int(rid) not in self.assets:
            return NOT_FOUND
        return self._page(self.assets[int(rid)], query, path)

    def _delete_asset(self, repo: str, aid: str, **_: Any) -> Answer:
        for assets in self.assets.values():
            for asset in assets:
                if asset["id"] == int(aid):
                    assets.remove(asset)
                    return 204, {}, None
        return NOT_FOUND

    def _upload_asset(
        self,
        repo: str,
        rid: str,
        *,
        query: dict[str, str],
        headers: dict[str, str],
        body: Any,
        **_: Any,
    ) -> Answer:
        if int(rid) not in self.assets:
            return NOT_FOUND
        if not query.get("name"):
            return _invalid('Invalid request.\n\n"name" wasn\'t supplied.')
        if not headers.get("content-type"):
            return _invalid("Content-Type header is required")
        assets = self.assets[int(rid)]
        if any(a["name"] == query["name"] for a in assets):
            return _validation("ReleaseAsset", "already_exists", "name")
        aid = self.next_id()
        data = body if isinstance(body, bytes) else b""
        asset = {
            "id": aid,
            "name": query["name"],
            "label": query.get("label") or "",
            "content_type": headers["content-type"],
            "size": len(data),
            "state": "uploaded",
            "browser_download_url": f"https://github.com/{repo}/releases/download/x/{query['name']}",
        }
        assets.append(asset)
        if self.break_uploads > 0:
            # An upload that died midway: GitHub keeps a "starter" asset under the name.
            self.break_uploads -= 1
            asset["state"] = "starter"
            return 502, {}, {"message": "Server Error"}
        self.asset_bytes[aid] = data
        return 201, {}, asset
