"""Make data-derived text inert before it reaches markdown, HTML or a terminal.

Column names, category values and examples come from user data and may contain ``|``,
``<``, backticks, ``@mentions``, links or our own hidden-marker syntax. In markdown every
character that could start inline markup, a mention, an issue reference or an
autolink becomes an HTML entity, which GitHub renders as the
character itself but never as markup, a mention or a link.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["md", "md_code", "plain", "truncate"]

_MD_ENTITIES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "`": "&#96;",
    "@": "&#64;",
    "[": "&#91;",
    "]": "&#93;",
    "*": "&#42;",
    "_": "&#95;",
    "~": "&#126;",
    "\\": "&#92;",
    "#": "&#35;",
    ":": "&#58;",
    "$": "&#36;",
}
_MD_RE = re.compile("[" + re.escape("".join(_MD_ENTITIES)) + "]")
# Line breaks and other control characters would end a table row or a heading.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_WWW_RE = re.compile(r"www\.", re.IGNORECASE)
_MAX = 200


def truncate(text: str, limit: int = _MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def plain(value: Any, limit: int = _MAX) -> str:
    """One line of text for a terminal or log: control characters shown, never executed."""
    text = _CONTROL_RE.sub(lambda m: repr(m.group())[1:-1], _text(value))
    return truncate(text, limit)


def md(value: Any, limit: int = _MAX) -> str:
    """Inline markdown text that renders as itself and nothing more (safe in table cells)."""
    text = truncate(_CONTROL_RE.sub(" ", _text(value)), limit)
    text = _MD_RE.sub(lambda m: _MD_ENTITIES[m.group()], text)
    # GitHub autolinks "www.example.com" even without a scheme (":" is already escaped).
    return _WWW_RE.sub(lambda m: m.group()[:-1] + "&#46;", text)


def md_code(value: Any, limit: int = _MAX) -> str:
    """A value shown as code: ``<code>`` with entities, so backticks inside cannot close it."""
    return f"<code>{md(value, limit)}</code>"
