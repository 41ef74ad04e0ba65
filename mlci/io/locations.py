"""What a dataset location is: a local path, a ``file://`` URL or a remote fsspec URL.

Pure string work, no I/O and no imports of fsspec: ``mlci --help`` must stay lean.
A URL is shown to users only through ``redact_url``: ``s3://user:secret@bucket/x?sig=...``
must never reach a log, a report or a PR comment with its credentials.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

__all__ = ["GLOB_CHARS", "has_glob", "is_url", "local_path", "redact_text", "redact_url", "scheme_of"]

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
# Any URL inside a message (a foreign library may echo one): scheme://[userinfo@]rest
_URL_IN_TEXT = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)([^\s/@'\"]*@)?([^\s?#'\"]*)(\?[^\s#'\"]*)?(#\S*)?")
GLOB_CHARS = frozenset("*?[")


def scheme_of(spec: str) -> str | None:
    """``"s3"`` for ``s3://bucket/key``; None for a local path (``C:\\data`` included)."""
    match = _URL.match(spec)
    return match.group(1).lower() if match else None


def is_url(spec: str) -> bool:
    """A remote URL (``file://`` is local: it names a path on this machine)."""
    scheme = scheme_of(spec)
    return scheme is not None and scheme != "file"


def local_path(spec: str | Path) -> Path:
    """The local path a spec names: ``file:///data/x.csv`` -> ``/data/x.csv``."""
    text = str(spec)
    if scheme_of(text) == "file":
        rest = text[len("file://") :]
        if rest.startswith("localhost/"):
            rest = rest[len("localhost") :]
        return Path(unquote(rest))
    return Path(text)


def has_glob(text: str) -> bool:
    return any(c in GLOB_CHARS for c in text)


def redact_url(url: str) -> str:
    """The URL without user:password, query string (signed tokens) or fragment."""
    return redact_text(url)


def redact_text(text: str) -> str:
    """``text`` with every URL in it redacted (for messages from foreign libraries)."""

    def clean(match: re.Match[str]) -> str:
        scheme, userinfo, rest, query, fragment = match.groups()
        return scheme + ("***@" if userinfo else "") + rest + ("?***" if query or fragment else "")

    return _URL_IN_TEXT.sub(clean, text)
