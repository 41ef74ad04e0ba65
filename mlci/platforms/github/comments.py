"""One sticky pull-request comment per key, found again by a hidden marker.

The body starts with ``<!-- mlci:<key> -->``. Report text cannot forge it: the ``md``
filter turns every ``<`` from data into ``&lt;``, and only a body that *starts* with the
marker line counts. Re-runs update that comment in place (``update``) or replace it with
a new one at the bottom of the conversation (``recreate``); duplicates left by two jobs
racing are deleted, keeping the oldest.
"""

from __future__ import annotations

import re
from typing import Any

from mlci.errors import UsageError
from mlci.platforms.base import CommentMode, CommentResult
from mlci.platforms.github.client import GitHubClient
from mlci.platforms.github.limits import COMMENT_LIMIT, fit_markdown

__all__ = [
    "is_app_token",
    "CommentMode",
    "CommentResult",
    "comment_body",
    "marker",
    "sanitize_key",
    "upsert_comment",
]

_KEY_UNSAFE_RE = re.compile(r"[^A-Za-z0-9_.:/@+=-]+")


def sanitize_key(key: str) -> str:
    """A key safe inside an HTML comment: no ``--``, no ``>``, no spaces, at most 100 chars."""
    cleaned = _KEY_UNSAFE_RE.sub("_", key.strip())
    cleaned = re.sub(r"-{2,}", "-", cleaned).strip("-")[:100]
    if not cleaned:
        raise UsageError(f"comment key {key!r} has no usable characters (letters, digits, ._:/@+=-)")
    return cleaned


def marker(key: str) -> str:
    return f"<!-- mlci:{sanitize_key(key)} -->"


def comment_body(markdown: str, key: str) -> str:
    """The marker line, then the report cut to GitHub's comment limit."""
    head = marker(key) + "\n"
    note = (
        "> [!WARNING]\n> This report is longer than a GitHub comment allows (65,536 characters) "
        "and was cut here. The full report is in the job summary and in the report artifact."
    )
    return head + fit_markdown(markdown, COMMENT_LIMIT - len(head), note=note)


def _is_ours(comment: dict[str, Any], mark: str) -> bool:
    body = comment.get("body") or ""
    return isinstance(body, str) and (body == mark or body.startswith(mark + "\n"))


def _login(comment: dict[str, Any]) -> str | None:
    user = comment.get("user")
    return user.get("login") if isinstance(user, dict) else None


def _preferred(candidates: list[dict[str, Any]], bots_only: bool) -> list[dict[str, Any]]:
    """Comments written by a bot first: a person pasting the marker must not capture it.

    With an app token (GITHUB_TOKEN) we *are* a bot, so people's comments never count.
    """
    bots = [c for c in candidates if isinstance(c.get("user"), dict) and c["user"].get("type") == "Bot"]
    return sorted(bots if bots_only else (bots or candidates), key=lambda c: c["id"])


def is_app_token(token: str | None) -> bool:
    """Installation tokens (GITHUB_TOKEN, GitHub Apps) start with ``ghs_`` and act as a bot."""
    return bool(token) and str(token).startswith("ghs_")


class StickyComment:
    def __init__(self, client: GitHubClient, repo: str, pr: int, key: str) -> None:
        self.client = client
        self.repo = repo
        self.pr = pr
        self.mark = marker(key)

    def find(self) -> list[dict[str, Any]]:
        comments = self.client.paginate(f"/repos/{self.repo}/issues/{self.pr}/comments")
        return [c for c in comments if isinstance(c, dict) and _is_ours(c, self.mark)]

    def create(self, body: str) -> dict[str, Any]:
        reply = self.client.request(
            "POST",
            f"/repos/{self.repo}/issues/{self.pr}/comments",
            json={"body": body},
            accept=(201,),
        )
        data: dict[str, Any] = reply.data
        return data

    def update(self, comment: dict[str, Any], body: str) -> dict[str, Any]:
        reply = self.client.request(
            "PATCH",
            f"/repos/{self.repo}/issues/comments/{comment['id']}",
            json={"body": body},
            accept=(200,),
        )
        data: dict[str, Any] = reply.data
        return data

    def delete(self, comments: list[dict[str, Any]]) -> int:
        for comment in comments:
            # 404: another job deleted it first, which is what we wanted.
            self.client.request(
                "DELETE", f"/repos/{self.repo}/issues/comments/{comment['id']}", accept=(204, 404)
            )
        return len(comments)

    def dedupe(self, mine: dict[str, Any], body: str) -> tuple[dict[str, Any], int]:
        """After a create: if racing jobs created copies too, keep the oldest one only."""
        same_author = [c for c in self.find() if _login(c) == _login(mine)]
        if len(same_author) <= 1:
            return mine, 0
        keep, *extra = sorted(same_author, key=lambda c: c["id"])
        if keep["id"] != mine["id"] and keep.get("body") != body:
            keep = self.update(keep, body)
        return keep, self.delete(extra)


def upsert_comment(
    client: GitHubClient,
    repo: str,
    pr: int,
    key: str,
    body: str,
    mode: CommentMode = CommentMode.UPDATE,
    *,
    bots_only: bool = False,
) -> CommentResult:
    """Create or update the sticky comment for ``key`` on pull request ``pr``.

    ``bots_only``: the token is an app's (see ``is_app_token``), so only bot comments count.
    """
    sticky = StickyComment(client, repo, pr, key)
    existing = _preferred(sticky.find(), bots_only)
    if mode is CommentMode.RECREATE:
        mine = sticky.create(body)
        old = [c for c in existing if _login(c) == _login(mine)]
        deleted = sticky.delete(old)
        kept, extra = sticky.dedupe(mine, body)
        return CommentResult(kept["id"], kept.get("html_url", ""), "recreated", deleted + extra)
    if existing:
        target = existing[0]
        duplicates = [c for c in existing[1:] if _login(c) == _login(target)]
        deleted = sticky.delete(duplicates)
        if target.get("body") == body:
            return CommentResult(target["id"], target.get("html_url", ""), "unchanged", deleted)
        updated = sticky.update(target, body)
        return CommentResult(updated["id"], updated.get("html_url", ""), "updated", deleted)
    mine = sticky.create(body)
    kept, deleted = sticky.dedupe(mine, body)
    return CommentResult(kept["id"], kept.get("html_url", ""), "created", deleted)
