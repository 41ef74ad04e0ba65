"""The releases, release links and uploads endpoints of the GitLab stand-in (``gitlab_stub.py``).

A mixin over ``StubEndpoints``: a release needs a tag, and creating a release for a tag
that does not exist yet creates the tag from ``ref`` (annotated with ``tag_message``), as
GitLab does. The job token may use every endpoint here except uploads.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any
from urllib.parse import quote

from .gitlab_stub_api import NOT_FOUND, NOTE_LIMIT, Answer, Route, StubEndpoints, missing, now

__all__ = ["ReleaseEndpoints"]


class ReleaseEndpoints(StubEndpoints):
    releases: dict[int, dict[str, dict[str, Any]]]
    uploads: list[dict[str, Any]]

    def _routes(self) -> list[Route]:
        release = r"/releases/([^/]+)"
        return [
            *super()._routes(),
            ("GET", r"/releases", self._list_releases, True),
            ("GET", release, self._get_release, True),
            ("POST", r"/releases", self._create_release, True),
            ("GET", release + r"/assets/links", self._list_links, True),
            ("POST", release + r"/assets/links", self._create_link, True),
            ("POST", r"/uploads", self._upload, False),
        ]

    # -- releases ------------------------------------------------------------------------

    def _release_json(self, release: dict[str, Any]) -> dict[str, Any]:
        """A copy of the stored release (stored in the answer's own shape, for tests to read)."""
        answer = copy.deepcopy(release)
        answer["assets"]["count"] = len(answer["assets"]["links"]) + len(answer["assets"]["sources"])
        return answer

    def _list_releases(
        self, project: dict[str, Any], *, query: dict[str, str], path: str, **_: Any
    ) -> Answer:
        found = [self._release_json(r) for r in self.releases.get(project["id"], {}).values()]
        return self._page(found[::-1], query, path)

    def _get_release(self, project: dict[str, Any], tag: str, **_: Any) -> Answer:
        release = self.releases.get(project["id"], {}).get(tag)
        return (200, {}, self._release_json(release)) if release else NOT_FOUND

    def _create_release(self, project: dict[str, Any], *, params: dict[str, Any], **_: Any) -> Answer:
        problem = missing(params, "tag_name")
        if problem:
            return problem
        tag_name = str(params["tag_name"])
        pid = project["id"]
        if tag_name in self.releases.get(pid, {}):
            return 409, {}, {"message": "Release already exists"}
        description = params.get("description") or ""
        if len(description) > NOTE_LIMIT:
            return (
                400,
                {},
                {"message": "Validation failed: Description is too long (maximum is 1000000 characters)"},
            )
        links = (params.get("assets") or {}).get("links") or []
        names = [link.get("name") for link in links]
        if len(set(names)) != len(names):
            return 400, {}, {"message": {"name": ["has already been taken"]}}
        if tag_name not in self.tags.get(pid, {}):
            if not params.get("ref"):
                return 422, {}, {"message": "Ref is not specified"}
            sha = self._resolve_ref(pid, str(params["ref"]))
            if sha is None:
                return 422, {}, {"message": "Ref is not specified"}
            self._new_tag(pid, tag_name, sha, params.get("tag_message"))
        tag = self.tags[pid][tag_name]
        stamp = now()
        web = f"{project['web_url']}/-/releases/{quote(tag_name, safe='')}"
        release: dict[str, Any] = {
            "tag_name": tag_name,
            "name": params.get("name") or tag_name,
            "description": description,
            "created_at": stamp,
            "released_at": params.get("released_at") or stamp,
            "upcoming_release": False,
            "author": dict(self.token_user),
            "commit": dict(tag["commit"]),
            "tag_path": f"/{project['path_with_namespace']}/-/tags/{quote(tag_name, safe='')}",
            "assets": {"count": 0, "sources": [], "links": []},
            "_links": {"self": web, "edit_url": web + "/edit"},
        }
        self.releases.setdefault(pid, {})[tag_name] = release
        tag["release"] = {"tag_name": tag_name, "description": description}
        for link in links:
            answer = self._add_link(release, link)
            if answer[0] != 201:
                del self.releases[pid][tag_name]
                tag["release"] = None
                return answer
        return 201, {}, self._release_json(release)

    def _add_link(self, release: dict[str, Any], params: dict[str, Any]) -> Answer:
        problem = missing(params, "name", "url")
        if problem:
            return problem
        existing = release["assets"]["links"]
        if any(link["name"] == params["name"] for link in existing):
            return 400, {}, {"message": {"name": ["has already been taken"]}}
        if any(link["url"] == params["url"] for link in existing):
            return 400, {}, {"message": {"url": ["has already been taken"]}}
        link_type = params.get("link_type") or "other"
        if link_type not in ("other", "runbook", "image", "package"):
            return 400, {}, {"error": "link_type does not have a valid value"}
        link = {
            "id": self.next_id(),
            "name": params["name"],
            "url": params["url"],
            "direct_asset_url": params["url"],
            "link_type": link_type,
        }
        existing.append(link)
        return 201, {}, link

    def _list_links(
        self, project: dict[str, Any], tag: str, *, query: dict[str, str], path: str, **_: Any
    ) -> Answer:
        release = self.releases.get(project["id"], {}).get(tag)
        return self._page(list(release["assets"]["links"]), query, path) if release else NOT_FOUND

    def _create_link(self, project: dict[str, Any], tag: str, *, params: dict[str, Any], **_: Any) -> Answer:
        release = self.releases.get(project["id"], {}).get(tag)
        return self._add_link(release, params) if release else NOT_FOUND

    # -- uploads -------------------------------------------------------------------------

    def _upload(self, project: dict[str, Any], *, files: dict[str, tuple[str, bytes]], **_: Any) -> Answer:
        if "file" not in files:
            return 400, {}, {"error": "file is missing"}
        name, data = files["file"]
        secret = secrets.token_hex(16)
        url = f"/uploads/{secret}/{name}"
        is_image = name.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"))
        alt = name.rsplit(".", 1)[0] if is_image else name
        upload = {
            "id": self.next_id(),
            "alt": alt,
            "url": url,
            "full_path": f"/-/project/{project['id']}{url}",
            "markdown": f"![{alt}]({url})" if is_image else f"[{name}]({url})",
        }
        self.uploads.append({**upload, "project_id": project["id"], "name": name, "data": data})
        return 201, {}, upload
