"""Make text that did not come from mlci's code inert where it is going: one escaper per target.

- ``md`` / ``md_code``: markdown for GitHub *and* GitLab (the same report goes to either).
- ``plain``: a terminal or a CI log (``log_safe`` guards a whole rendered text).
- ``xml_text``: XML 1.0 character data (the template's autoescaping does ``<&"``).
- ``url``: an http(s) link target, or None.

Markdown has two layers of danger. The parser's: ``|`` ends a table cell, ``<`` starts
HTML, ``[`` a link; those characters become entities, which the parser never reads as
markup. And the filters GitHub and GitLab run *after* parsing, on text nodes, where the
entities have already turned back into characters: ``@user`` and ``@org/team`` mentions,
``#1`` / ``GH-1`` / ``!1`` / ``~label`` / ``%milestone`` / ``&1`` references, ``:emoji:``,
``user@host`` mail links, ``www.`` links, ``$math$``. After each of those sigils a
zero-width space (``&#8203;``, as Renovate does) breaks the pattern while the text reads the
same. Invisible characters from data (controls, bidi, zero-width) are shown as
``\\u202e``-style text everywhere (``mlci.render.invisible``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from mlci.render.invisible import INVISIBLE_RE, show, show_invisible

__all__ = ["log_safe", "md", "md_code", "plain", "truncate", "url", "xml_text"]

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
# Sigils that start a mention, reference, emoji or link when a word follows them.
_SIGILS = frozenset("@#:~!%&$")
_ZWSP = "&#8203;"
# Nothing starts after a sigil followed by a blank or closing punctuation ("50%)", "Hi!").
_INERT_AFTER = frozenset(").,;?!")
_MD_RE = re.compile("[" + re.escape("".join(_MD_ENTITIES) + "".join(_SIGILS)) + "]")
# Line breaks and tabs would end a table row or a heading: they become spaces in markdown.
_BREAKS_RE = re.compile(r"[\x00-\x1f\x7f]")
_WWW_RE = re.compile(r"www\.", re.IGNORECASE)
_GH_REF_RE = re.compile(r"(?<![A-Za-z0-9])(gh-)(?=\d)", re.IGNORECASE)
_MAX = 200


def truncate(text: str, limit: int | None = _MAX) -> str:
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


# --- terminal and CI log ------------------------------------------------------------------

# The Actions runner reads ``##[command]`` anywhere in a line and ``::command::`` at the
# start of one (after leading blanks); GitLab and Azure read the same shapes.
_COMMAND_V2_RE = re.compile(r"##\[")
_LINE_COMMAND_RE = re.compile(r"^([ \t]*):(?=:)", re.MULTILINE)


def _no_commands(text: str) -> str:
    return _LINE_COMMAND_RE.sub(r"\1\\:", _COMMAND_V2_RE.sub(r"##\\[", text))


def plain(value: Any, limit: int | None = _MAX) -> str:
    """One line of text for a terminal or log: invisible characters shown, no workflow command.

    Idempotent, so a value escaped twice reads the same as once.
    """
    return truncate(_no_commands(show_invisible(_text(value))), limit)


# mlci's own colours (click.style): SGR sequences only, which set colours and nothing else.
_SGR_RE = re.compile(r"\x1b\[[0-9;]*m")
_LOG_RE = re.compile(_SGR_RE.pattern + "|" + INVISIBLE_RE.pattern)


def log_safe(text: str) -> str:
    """A whole rendered text for a terminal or log: lines and colours kept, nothing else hidden."""
    return _no_commands(_LOG_RE.sub(_log_char, text))


def _log_char(match: re.Match[str]) -> str:
    found = match.group()
    return found if found in "\n\t" or len(found) > 1 else show(found)


# --- markdown (GitHub and GitLab) -----------------------------------------------------------


def _breaks_pattern(char: str, text: str, end: int, code: bool) -> bool:
    """Whether a zero-width space must follow ``char`` (at ``end - 1`` in ``text``)."""
    if end >= len(text) or text[end].isspace() or text[end] in _INERT_AFTER:
        return False
    if not code:
        return True
    # Inside <code> GitHub's and GitLab's text filters do not run; only cmark-gfm's own
    # autolinks do (mail addresses, scheme links), so hashes, tags and times stay copyable.
    if char == "@":
        return _MAIL_DOMAIN_RE.match(text, end) is not None
    scheme = text[max(0, end - 7) : end - 1].lower()
    return char == ":" and (text[end] == "/" or scheme.endswith(("mailto", "xmpp")))


_MAIL_DOMAIN_RE = re.compile(r"[\w-]+\.[\w.-]*[A-Za-z]")


def _escape_md(text: str, code: bool) -> str:
    def one(match: re.Match[str]) -> str:
        char = match.group()
        entity = _MD_ENTITIES.get(char, char)
        if char in _SIGILS and _breaks_pattern(char, text, match.end(), code):
            return entity + _ZWSP
        return entity

    text = _MD_RE.sub(one, text)
    if not code:
        text = _GH_REF_RE.sub(lambda m: m.group(1) + _ZWSP, text)
    # GitHub autolinks "www.example.com" even without a scheme.
    return _WWW_RE.sub(lambda m: m.group()[:-1] + _ZWSP + "&#46;", text)


def md(value: Any, limit: int | None = _MAX) -> str:
    """Inline markdown text that renders as itself and nothing more (safe in table cells)."""
    text = _BREAKS_RE.sub(" ", _text(value))
    return _escape_md(truncate(show_invisible(text), limit), code=False)


def md_code(value: Any, limit: int | None = _MAX) -> str:
    """A value shown as code: ``<code>`` with entities, so backticks inside cannot close it."""
    text = _BREAKS_RE.sub(" ", _text(value))
    return f"<code>{_escape_md(truncate(show_invisible(text), limit), code=True)}</code>"


# --- HTML and XML ---------------------------------------------------------------------------

# Printable ASCII that cannot end an attribute, a markdown link or an autolink.
_URL_SAFE = "".join(c for c in map(chr, range(0x21, 0x7F)) if c not in "\"'<>`\\()[]{}|^")


def url(value: Any) -> str | None:
    """``value`` as a link target when it is an absolute http(s) URL, else None.

    ``javascript:``, ``data:`` and relative links from data are never linked; characters
    that could end an attribute or a markdown link are percent-encoded.
    """
    if not isinstance(value, str) or len(value) > 2048:
        return None
    text = value.strip()
    if INVISIBLE_RE.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or "@" in parts.netloc:
        return None
    return quote(text, safe=_URL_SAFE)


def xml_text(value: Any) -> str:
    """Text XML 1.0 can hold: characters it forbids, and invisible ones, are shown as escapes."""
    return show_invisible(_text(value) if not isinstance(value, str) else value)
