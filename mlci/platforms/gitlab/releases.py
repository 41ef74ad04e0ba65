"""A GitLab release for a model version: annotated tag, release, asset links. Idempotent.

The tag ``<model>@v<version>`` is made through the Tags API with a message, so it is an
annotated tag GTO reads as a registered version. Each step first looks for what a previous
run left and only makes what is missing; a tag on another commit is refused (exit 1).
Assets are uploaded to the project (``/uploads``) and linked from the release by name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mlci.errors import InputError, ReleaseRefused
from mlci.platforms.base import Asset, ReleaseOutcome, ReleaseSpec
from mlci.platforms.gitlab.client import GitLabClient, GitLabError
from mlci.render.markdown_cut import cut_markdown

__all__ = ["RELEASE_DESCRIPTION_LIMIT", "GitLabReleases"]

RELEASE_DESCRIPTION_LIMIT = 1_000_000


class GitLabReleases:
    def __init__(self, client: GitLabClient, project: str, server_url: str) -> None:
        self.client = client
        self.base = f"/projects/{project}"
        self.server_url = server_url.rstrip("/")

    def tag_commit(self, tag: str) -> str | None:
        data = self.client.get_json(f"{self.base}/repository/tags/{quote(tag, safe='')}", missing_ok=True)
        if not isinstance(data, dict):
            return None
        commit = data.get("commit") or {}
        return str(commit.get("id")) if isinstance(commit, dict) and commit.get("id") else None

    def ensure_tag(self, tag: str, sha: str, message: str) -> bool:
        """Create the annotated tag unless it exists on ``sha``; True when created."""
        on = self.tag_commit(tag)
        if on is None:
            try:
                self.client.request(
                    "POST",
                    f"{self.base}/repository/tags",
                    json={"tag_name": tag, "ref": sha, "message": message},
                    accept=(201,),
                )
                return True
            except GitLabError as exc:
                if exc.status != 400 or "already exists" not in str(exc):
                    raise
                on = self.tag_commit(tag)  # another job made it first
        if on != sha:
            raise ReleaseRefused(
                f"tag {tag} already exists on commit {(on or '?')[:12]}, not on {sha[:12]}: "
                "a version names one commit; release a new version instead"
            )
        return False

    def publish(self, spec: ReleaseSpec) -> ReleaseOutcome:
        outcome = ReleaseOutcome()
        outcome.tag_created = self.ensure_tag(spec.tag, spec.sha, spec.message)
        release, outcome.release_created = self._ensure_release(spec)
        links = release.get("_links") if isinstance(release.get("_links"), dict) else {}
        outcome.release_url = str((links or {}).get("self") or "")
        self._ensure_assets(spec, outcome)
        return outcome

    def _release(self, tag: str) -> dict[str, Any] | None:
        data = self.client.get_json(f"{self.base}/releases/{quote(tag, safe='')}", missing_ok=True)
        return data if isinstance(data, dict) else None

    def _ensure_release(self, spec: ReleaseSpec) -> tuple[dict[str, Any], bool]:
        found = self._release(spec.tag)
        if found is not None:
            return found, False
        note = "*The notes were cut to fit GitLab's limit; the report is attached.*"
        body = {
            "name": spec.name,
            "tag_name": spec.tag,
            "ref": spec.sha,
            "description": cut_markdown(spec.body, RELEASE_DESCRIPTION_LIMIT, note=note, measure=len),
        }
        try:
            created: dict[str, Any] = self.client.request(
                "POST", f"{self.base}/releases", json=body, accept=(201,)
            ).data
            return created, True
        except GitLabError as exc:
            if exc.status != 409:
                raise
            again = self._release(spec.tag)  # another job made it first
            if again is None:
                raise
            return again, False

    def _ensure_assets(self, spec: ReleaseSpec, outcome: ReleaseOutcome) -> None:
        path = f"{self.base}/releases/{quote(spec.tag, safe='')}/assets/links"
        existing = {str(link.get("name")) for link in self.client.paginate(path) if isinstance(link, dict)}
        for asset in spec.assets:
            if asset.name in existing:
                outcome.already_there.append(asset.name)
                continue
            url = self._upload(asset)
            try:
                self.client.request(
                    "POST", path, json={"name": asset.name, "url": url, "link_type": "other"}, accept=(201,)
                )
            except GitLabError as exc:
                if exc.status != 400 or "taken" not in str(exc):
                    raise
                outcome.already_there.append(asset.name)
                continue
            outcome.uploaded.append(asset.name)

    def _upload(self, asset: Asset) -> str:
        try:
            content = asset.path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read release asset: {exc.strerror}", path=asset.path) from None
        reply = self.client.request(
            "POST",
            f"{self.base}/uploads",
            files={"file": (asset.name, content, asset.content_type)},
            accept=(201,),
        )
        data = reply.data if isinstance(reply.data, dict) else {}
        full_path = data.get("full_path") or data.get("url") or ""
        return f"{self.server_url}{full_path}" if str(full_path).startswith("/") else str(full_path)
