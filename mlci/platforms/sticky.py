"""One sticky comment (a GitHub PR comment, a GitLab MR note) per key, found by a hidden marker.

The body starts with ``<!-- mlci:<key> -->``. Report text cannot forge it: the markdown
escaping turns every ``<`` from data into ``&lt;``, and only a body that *starts* with the
marker line counts. Re-runs update that comment in place (``update``) or replace it with
a new one at the bottom of the conversation (``recreate``); duplicates left by two jobs
racing are deleted, keeping the oldest. A platform supplies a ``CommentStore``; the
algorithm is the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from mlci.errors import UsageError
from mlci.platforms.base import CommentMode, CommentResult

__all__ = ["CommentStore", "Posted", "is_ours", "marker", "sanitize_key", "upsert"]

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


def is_ours(body: object, mark: str) -> bool:
    return isinstance(body, str) and (body == mark or body.startswith(mark + "\n"))


@dataclass(frozen=True)
class Posted:
    """A comment as the platform returned it."""

    id: int
    body: str
    author: str | None
    bot: bool
    url: str


class CommentStore(Protocol):
    """The comments of one pull (merge) request."""

    def all(self) -> Iterable[Posted]: ...

    def create(self, body: str) -> Posted: ...

    def update(self, posted: Posted, body: str) -> Posted: ...

    def delete(self, posted: Posted) -> None: ...


class _Sticky:
    def __init__(self, store: CommentStore, key: str) -> None:
        self.store = store
        self.mark = marker(key)

    def find(self) -> list[Posted]:
        return [c for c in self.store.all() if is_ours(c.body, self.mark)]

    def delete(self, comments: list[Posted]) -> int:
        for comment in comments:
            self.store.delete(comment)
        return len(comments)

    def dedupe(self, mine: Posted, body: str) -> tuple[Posted, int]:
        """After a create: if racing jobs created copies too, keep the oldest one only."""
        same_author = [c for c in self.find() if c.author == mine.author]
        if len(same_author) <= 1:
            return mine, 0
        keep, *extra = sorted(same_author, key=lambda c: c.id)
        if keep.id != mine.id and keep.body != body:
            keep = self.store.update(keep, body)
        return keep, self.delete(extra)


def _preferred(candidates: list[Posted], bots_only: bool) -> list[Posted]:
    """Comments written by a bot first: a person pasting the marker must not capture it.

    With a token that acts as a bot, people's comments never count.
    """
    bots = [c for c in candidates if c.bot]
    return sorted(bots if bots_only else (bots or candidates), key=lambda c: c.id)


def upsert(
    store: CommentStore,
    key: str,
    body: str,
    mode: CommentMode = CommentMode.UPDATE,
    *,
    bots_only: bool = False,
) -> CommentResult:
    """Create or update the sticky comment for ``key``."""
    sticky = _Sticky(store, key)
    existing = _preferred(sticky.find(), bots_only)
    if mode is CommentMode.RECREATE:
        mine = store.create(body)
        old = [c for c in existing if c.author == mine.author]
        deleted = sticky.delete(old)
        kept, extra = sticky.dedupe(mine, body)
        return CommentResult(kept.id, kept.url, "recreated", deleted + extra)
    if existing:
        target = existing[0]
        duplicates = [c for c in existing[1:] if c.author == target.author]
        deleted = sticky.delete(duplicates)
        if target.body == body:
            return CommentResult(target.id, target.url, "unchanged", deleted)
        updated = store.update(target, body)
        return CommentResult(updated.id, updated.url, "updated", deleted)
    mine = store.create(body)
    kept, deleted = sticky.dedupe(mine, body)
    return CommentResult(kept.id, kept.url, "created", deleted)
