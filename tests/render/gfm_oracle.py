"""Render markdown with GitHub's own engine (cmark-gfm) and list everything live in the HTML.

GitHub renders a comment with cmark-gfm, sanitises the HTML, then runs filters over the
*text nodes*: @mentions, issue references, emoji and more. GitLab does the same with its
own references. So a safe rendering has no link, image or tag from data in the HTML, and
no text node (outside code) that any of those filters would turn into something live.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

CMARK = shutil.which("cmark-gfm")
if CMARK is None and os.environ.get("CI"):
    raise RuntimeError("cmark-gfm is missing: CI must run .ci/system-deps.sh")
needs_cmark = pytest.mark.skipif(CMARK is None, reason="cmark-gfm not installed (.ci/system-deps.sh)")

# What GitHub's and GitLab's text filters match (their patterns, simplified to be stricter).
LIVE_TEXT = {
    "mention": re.compile(r"(?:^|[^\w`])@[A-Za-z0-9_]"),
    "issue": re.compile(r"#\d|\bGH-\d", re.IGNORECASE),
    "gitlab_ref": re.compile(r"(?:^|[^\w])[!~%&$]\w|[~%]\""),
    "emoji": re.compile(r":[A-Za-z0-9_+-]+:"),
    "email": re.compile(r"[\w.+-]+@[\w-]+\.\w"),
    "url": re.compile(r"(?:https?|ftp|mailto|xmpp|javascript):(?!\u200b)|www\.", re.IGNORECASE),
    "math": re.compile(r"\$[^\s\u200b$]"),
}
# The tags mlci's own templates write; anything else came from data.
OWN_TAGS = {
    "p", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "details", "summary",
    "b", "strong", "em", "code", "sub", "a", "ul", "li", "hr", "blockquote", "br",
}  # fmt: skip


@dataclass
class Rendered:
    html: str
    tags: list[str] = field(default_factory=list)
    texts: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (text, open tags)
    links: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    details_depth_min: int = 0
    details_open: int = 0
    table_rows: list[tuple[int, int]] = field(default_factory=list)  # (cells, header cells)

    def live_text(self) -> list[tuple[str, str]]:
        """(filter, text) for every text node outside code that a filter would act on."""
        found = []
        for text, stack in self.texts:
            if "code" in stack or "pre" in stack or "a" in stack:
                continue
            for name, pattern in LIVE_TEXT.items():
                if pattern.search(text):
                    found.append((name, text))
        return found


class _Collector(HTMLParser):
    def __init__(self, out: Rendered) -> None:
        super().__init__(convert_charrefs=True)
        self.out = out
        self.stack: list[str] = []
        self.header_cells = 0
        self.cells = 0
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.tags.append(tag)
        values = dict(attrs)
        if tag == "a":
            self.out.links.append(values.get("href") or "")
        if tag == "img":
            self.out.images.append(values.get("src") or "")
        if tag == "details":
            self.out.details_open += 1
        if tag == "thead":
            self.in_head, self.header_cells = True, 0
        if tag == "tr":
            self.cells = 0
        if tag in ("td", "th"):
            self.cells += 1
        if tag not in ("br", "hr", "img", "input"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "details":
            self.out.details_open -= 1
            self.out.details_depth_min = min(self.out.details_depth_min, self.out.details_open)
        if tag == "tr":
            if self.in_head:
                self.header_cells = self.cells
            else:
                self.out.table_rows.append((self.cells, self.header_cells))
        if tag == "thead":
            self.in_head = False
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.out.texts.append((data, tuple(self.stack)))

    def handle_comment(self, data: str) -> None:
        self.out.comments.append(data)


def render_gfm(markdown: str) -> Rendered:
    """cmark-gfm as GitHub runs it (raw HTML kept: GitHub's sanitiser keeps these tags)."""
    assert CMARK is not None
    proc = subprocess.run(
        [
            CMARK,
            "--unsafe",
            "--extension", "table",
            "--extension", "autolink",
            "--extension", "strikethrough",
            "--extension", "tasklist",
        ],
        input=markdown.encode(),
        capture_output=True,
        timeout=30,
        check=True,
    )  # fmt: skip
    out = Rendered(proc.stdout.decode())
    collector = _Collector(out)
    collector.feed(out.html)
    collector.close()
    return out


def assert_inert(markdown: str, *, allowed_links: tuple[str, ...] = (), markers: int = 0) -> Rendered:
    """Nothing from data is live: links, images, tags, text filters, details, tables, markers."""
    out = render_gfm(markdown)
    assert [link for link in out.links if link not in allowed_links] == [], out.links
    assert out.images == []
    assert set(out.tags) <= OWN_TAGS, set(out.tags) - OWN_TAGS
    assert out.live_text() == []
    assert out.details_open == 0 and out.details_depth_min == 0, "unbalanced <details>"
    for cells, header in out.table_rows:
        assert cells == header, (cells, header)
    assert sum("mlci:" in c for c in out.comments) == markers, out.comments
    return out
