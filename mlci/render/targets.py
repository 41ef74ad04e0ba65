"""How each output target escapes what a template prints.

Every target's environment autoescapes with a ``finalize`` hook: a ``{{ value }}`` that no
filter marked safe is escaped for the target (markdown, terminal text, HTML, XML) before it
is written. Filters that already escape (``md``, ``md_code``, ``plain``, ``url``) return
``Markup``, so nothing is escaped twice; macros return ``Markup`` built from escaped parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from mlci.render import escape
from mlci.render.invisible import show_invisible

__all__ = ["Target", "TARGETS", "safe_style"]


@dataclass(frozen=True)
class Target:
    name: str
    escape: Callable[[str], str]
    filters: dict[str, Callable[..., Any]] = field(default_factory=dict)
    # HTML and XML: the escaped text still goes through autoescaping (``<&"`` -> entities).
    markup: bool = True

    def finalize(self, value: Any) -> Any:
        if isinstance(value, Markup) or not isinstance(value, str):
            return value
        escaped = self.escape(value)
        return Markup(escaped) if self.markup else escaped


def _safe(func: Callable[..., str]) -> Callable[..., Markup]:
    def wrapped(value: Any, *args: Any, **kwargs: Any) -> Markup:
        return Markup(func(value, *args, **kwargs))

    wrapped.__name__ = func.__name__
    return wrapped


def _md_url(value: Any) -> Markup:
    """A link target for markdown ``[text](…)`` or ``href``; data that is not http(s) links nowhere."""
    return Markup(escape.url(value) or "#")


def _html_url(value: Any) -> str:
    return escape.url(value) or "#"


def _ljust(value: Any, width: int) -> Markup:
    """Pad to ``width`` (what ``"%-*s" | format`` did) without losing the escaping."""
    text = value if isinstance(value, Markup) else escape.plain(value, None)
    return Markup(str(text).ljust(width))


def _md(text: str) -> str:
    return escape.md(text, None)


def _text(text: str) -> str:
    return escape.plain(text, None)


def _html(text: str) -> str:
    # Autoescaping does the markup; what is left is what a reader cannot see.
    return show_invisible(text)


TARGETS: dict[str, Target] = {
    "md": Target(
        "md",
        _md,
        {"md": _safe(escape.md), "md_code": _safe(escape.md_code), "plain": _safe(escape.md), "url": _md_url},
    ),
    "text": Target("text", _text, {"plain": _safe(escape.plain), "ljust": _ljust, "md": _safe(escape.plain)}),
    "html": Target(
        "html", _html, {"plain": escape.plain, "url": _html_url, "md": escape.plain}, markup=False
    ),
    "xml": Target("xml", escape.xml_text, {"xml": escape.xml_text, "plain": escape.plain}, markup=False),
}


def safe_style(style: Callable[..., str]) -> Callable[..., Markup]:
    """Wrap a colouring function for text templates: its text is escaped, its colours kept."""

    def styled(text: Any, *args: Any, **kwargs: Any) -> Markup:
        inner = text if isinstance(text, Markup) else escape.plain(text, None)
        return Markup(style(str(inner), *args, **kwargs))

    return styled
