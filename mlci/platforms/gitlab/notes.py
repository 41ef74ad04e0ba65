"""The sticky merge-request note on GitLab: the notes API as a ``CommentStore``.

Notes are listed oldest first across every page (``per_page=100``, ``Link: rel="next"``);
system notes ("added 1 commit") are never ours. A note holds 1,000,000 characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mlci.platforms.gitlab.client import GitLabClient
from mlci.platforms.sticky import Posted, marker
from mlci.render.markdown_cut import cut_markdown

__all__ = ["NOTE_LIMIT", "GitLabNotes", "note_body"]

NOTE_LIMIT = 1_000_000  # characters in a note (more is a 400)
# Project and group access tokens act as bot users named like this.
_BOT_RE = re.compile(r"^(project|group)_\d+_bot(_[0-9a-f]+)?$")


def note_body(markdown: str, key: str) -> str:
    """The marker line, then the report cut to GitLab's note limit."""
    head = marker(key) + "\n"
    note = (
        "> **Warning:** this report is longer than a GitLab note allows (1,000,000 characters) and "
        "was cut here. The full report is in the job's artifacts."
    )
    return head + cut_markdown(markdown, NOTE_LIMIT - len(head), note=note, measure=len)


class GitLabNotes:
    """The notes of one merge request."""

    def __init__(self, client: GitLabClient, project: str, iid: int, web_url: str | None) -> None:
        self.client = client
        self.base = f"/projects/{project}/merge_requests/{iid}/notes"
        self.iid = iid
        self.web_url = web_url

    def all(self) -> Iterator[Posted]:
        for note in self.client.paginate(self.base, params={"sort": "asc", "order_by": "created_at"}):
            if isinstance(note, dict) and "id" in note and not note.get("system"):
                yield self._posted(note)

    def create(self, body: str) -> Posted:
        return self._posted(self.client.request("POST", self.base, json={"body": body}, accept=(201,)).data)

    def update(self, posted: Posted, body: str) -> Posted:
        reply = self.client.request("PUT", f"{self.base}/{posted.id}", json={"body": body}, accept=(200,))
        return self._posted(reply.data)

    def delete(self, posted: Posted) -> None:
        # 404: another job deleted it first, which is what we wanted.
        self.client.request("DELETE", f"{self.base}/{posted.id}", accept=(204, 404))

    def _posted(self, note: Any) -> Posted:
        author = note.get("author") if isinstance(note.get("author"), dict) else {}
        username = author.get("username") if isinstance(author, dict) else None
        body = note.get("body")
        url = f"{self.web_url}/-/merge_requests/{self.iid}#note_{note['id']}" if self.web_url else ""
        return Posted(
            id=int(note["id"]),
            body=body if isinstance(body, str) else "",
            author=username,
            bot=bool(author.get("bot")) or bool(username and _BOT_RE.match(username)),
            url=url,
        )
