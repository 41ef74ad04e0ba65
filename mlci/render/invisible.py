"""Characters a reader cannot see, and how mlci shows them instead.

Control characters (C0, DEL, C1: ESC starts terminal sequences such as OSC-8 links), format
characters (bidi overrides and isolates that reorder what is shown, zero-width spaces and
joiners that hide a difference between two names, the BOM, tag characters), line and
paragraph separators, lone surrogates and the noncharacters U+FFFE/U+FFFF. Shown as
``\\x1b`` / ``\\u202e`` / ``\\U000e0041`` text: visible, inert, and the same in every output.
The table is checked against ``unicodedata`` in the tests (categories Cc, Cf, Cs, Zl, Zp).
"""

from __future__ import annotations

import re

__all__ = ["INVISIBLE_RE", "show", "show_invisible"]

_RANGES = (
    "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"  # zero-width, bidi, separators
    "\ud800-\udfff\ufeff\ufff9-\ufffb\ufffe\uffff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"  # tag characters
)
INVISIBLE_RE = re.compile(f"[{_RANGES}]")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def show(char: str) -> str:
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def show_invisible(text: str) -> str:
    """``text`` with every invisible character replaced by its escape."""
    return INVISIBLE_RE.sub(lambda m: show(m.group()), text)
