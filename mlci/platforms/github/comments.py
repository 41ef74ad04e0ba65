"""The sticky pull-request comment on GitHub: issue comments through the REST API.

The algorithm (marker, update / recreate, racing duplicates) is ``platforms.sticky``; this
module is GitHub's ``CommentStore`` and its comment size limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlci.platforms.base import CommentMode, CommentResult
from mlci.platforms.github.client import GitHubClient
from mlci.platforms.github.limits import COMMENT_LIMIT, fit_markdown
from mlci.platforms.sticky import Posted, marker, sanitize_key, upsert

__all__ = [
    "is_app_token",
    "CommentMode",
    "CommentResult",
    "comment_body",
    "marker",
    "sanitize_key",
    "upsert_comment",
]


def comment_body(markdown: str, key: str) -> str:
    """The marker line, then the report cut to GitHub's comment limit."""
    head = marker(key) + "\n"
    note = (
        "> [!WARNING]\n> This report is longer than a GitHub comment allows (65,536 characters) "
        "and was cut here. The full report is in the job summary and in the report artifact."
    )
    return head + fit_markdown(markdown, COMMENT_LIMIT - len(head), note=note)


def is_app_token(token: str | None) -> bool:
    """Installation tokens (GITHUB_TOKEN, GitHub Apps) start with ``ghs_`` and act as a bot."""
    return bool(token) and str(token).startswith("ghs_")


class GitHubComments:
    """The issue comments of one pull request, as a ``CommentStore``."""

    def __init__(self, client: GitHubClient, repo: str, pr: int) -> None:
        self.client = client
        self.repo = repo
        self.pr = pr

    def all(self) -> Iterator[Posted]:
        for comment in self.client.paginate(f"/repos/{self.repo}/issues/{self.pr}/comments"):
            if isinstance(comment, dict) and "id" in comment:
                yield _posted(comment)

    def create(self, body: str) -> Posted:
        reply = self.client.request(
            "POST", f"/repos/{self.repo}/issues/{self.pr}/comments", json={"body": body}, accept=(201,)
        )
        return _posted(reply.data)

    def update(self, posted: Posted, body: str) -> Posted:
        reply = self.client.request(
            "PATCH", f"/repos/{self.repo}/issues/comments/{posted.id}", json={"body": body}, accept=(200,)
        )
        return _posted(reply.data)

    def delete(self, posted: Posted) -> None:
        # 404: another job deleted it first, which is what we wanted.
        self.client.request("DELETE", f"/repos/{self.repo}/issues/comments/{posted.id}", accept=(204, 404))


def _posted(comment: dict[str, Any]) -> Posted:
    user = comment.get("user") if isinstance(comment.get("user"), dict) else {}
    assert isinstance(user, dict)
    body = comment.get("body")
    return Posted(
        id=int(comment["id"]),
        body=body if isinstance(body, str) else "",
        author=user.get("login"),
        bot=user.get("type") == "Bot",
        url=str(comment.get("html_url", "")),
    )


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
    return upsert(GitHubComments(client, repo, pr), key, body, mode, bots_only=bots_only)
