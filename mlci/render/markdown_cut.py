"""Cutting markdown to a size limit without breaking its structure: the one cutter.

Whole leading lines are kept, a code fence or ``<details>`` left open by the cut is closed,
and a note says the text was cut. Platforms measure differently (GitHub comments in
UTF-16 code units, job summaries in UTF-8 bytes), so the measure is a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["cut_markdown", "utf8_size", "utf16_size"]

_FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")
_DETAILS_OPEN_RE = re.compile(r"<details\b", re.IGNORECASE)
_DETAILS_CLOSE_RE = re.compile(r"</details\s*>", re.IGNORECASE)


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


def utf16_size(text: str) -> int:
    # GitHub counts comment length in a way no stricter than UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


class _Openings:
    """What is open after the lines seen so far: a code fence, ``<details>`` blocks."""

    def __init__(self) -> None:
        self.fence: str | None = None
        self.details = 0

    def feed(self, line: str) -> None:
        match = _FENCE_RE.match(line)
        if match:
            self.fence = None if self.fence == match.group(1) else (self.fence or match.group(1))
        if self.fence is None or match:
            self.details += len(_DETAILS_OPEN_RE.findall(line))
            self.details -= len(_DETAILS_CLOSE_RE.findall(line))

    def closers(self) -> str:
        closing = f"\n{self.fence}\n" if self.fence else ""
        return closing + "\n</details>\n" * max(self.details, 0)


def cut_markdown(text: str, limit: int, *, note: str, measure: Callable[[str], int] = utf16_size) -> str:
    """``text`` if it fits in ``limit``; else whole leading lines, closed blocks and ``note``."""
    if measure(text) <= limit:
        return text
    tail = "\n\n" + note.strip() + "\n"
    tail_size = measure(tail)
    kept: list[str] = []
    used = 0
    state = _Openings()
    for line in text.splitlines(keepends=True):
        size = measure(line)
        before = (state.fence, state.details)
        state.feed(line)
        # Room for the note and for closing whatever this line leaves open.
        if used + size + tail_size + measure(state.closers()) > limit:
            state.fence, state.details = before
            break
        kept.append(line)
        used += size
    result = "".join(kept) + state.closers() + tail
    if measure(result) > limit:  # a note longer than the limit itself
        return ""
    return result
