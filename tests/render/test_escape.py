"""Hostile data cannot break a table, inject HTML or links, or @mention anyone."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from mlci.render.escape import md, md_code, plain

HOSTILE = [
    "a|b",
    "<script>alert(1)</script>",
    "<!-- mlci:churn -->",
    "</details><details open>",
    "`code` and ``more``",
    "@octocat and @org/team",
    "[click](https://evil.example)",
    "![img](https://evil.example/x.png)",
    "https://evil.example/path",
    "www.evil.example",
    "**bold** _it_ ~~strike~~",
    "line1\nline2\r\n| fake | row |",
    "#123 closes the issue",
    "$\\frac{1}{2}$",
    "\\|escaped pipe\\|",
    "&lt;already&gt; &amp;",
    ":+1: <img src=x onerror=alert(1)>",
]


def table_with(cell: str) -> str:
    return f"| a | b |\n|---|---|\n| {cell} | x |\n"


def inline_tokens(text: str) -> list[str]:
    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    kinds = []
    for token in parser.parse(text):
        kinds.append(token.type)
        for child in token.children or []:
            kinds.append(child.type)
    return kinds


@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_value_is_one_plain_text_cell(value: str) -> None:
    tokens = inline_tokens(table_with(md(value)))
    assert tokens.count("td_open") == 2, value  # the row still has exactly two cells
    assert tokens.count("tr_open") == 2  # header + one body row
    for forbidden in (
        "link_open",
        "image",
        "html_inline",
        "html_block",
        "code_inline",
        "strong_open",
        "em_open",
        "s_open",
    ):
        assert forbidden not in tokens, (value, forbidden)


@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_value_has_no_raw_markup_characters(value: str) -> None:
    out = re.sub(r"&#\d+;|&[a-z]+;", "", md(value))  # entities are the escaping itself
    for char in "<>|`@[]*_~\\#$\n\r":
        assert char not in out, (value, char)
    assert "www." not in out.lower()
    assert "://" not in out


@pytest.mark.parametrize("value", HOSTILE)
def test_code_rendering_cannot_be_closed_from_inside(value: str) -> None:
    out = md_code(value)
    assert out.startswith("<code>") and out.endswith("</code>")
    assert out.count("<") == 2


def test_escaped_text_renders_back_to_the_original() -> None:
    parser = MarkdownIt("commonmark")
    for value in HOSTILE:
        html = parser.render(md(value))
        # The rendered HTML shows the original characters (entity-encoded by the renderer).
        assert "<script" not in html and "<a " not in html and "<img" not in html


def test_long_values_are_truncated() -> None:
    assert len(md("x" * 1000, 50)) == 50
    assert md("x" * 1000, 50).endswith("…")


def test_plain_shows_control_characters_instead_of_running_them() -> None:
    assert plain("a\x1b[31mred\nb") == "a\\x1b[31mred\\nb"
    assert plain(None) == "null" and plain(True) == "true" and plain(0.1234567891) == "0.123457"
