"""Report -> str, one renderer per output format. Renderers never compute, only present."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path

import click

from mlci.render.budget import MAX_MARKDOWN, fit_markdown
from mlci.report.model import Report


def render_template(name: str, templates: str | Path | None, **context: object) -> str:
    # jinja2 is imported only for the formats that use templates (not json).
    from mlci.render.templates import render_template as render_with_jinja

    return render_with_jinja(name, templates, **context)


__all__ = ["OutputFormat", "RENDERERS", "render"]


class OutputFormat(str, Enum):
    TEXT = "text"
    JSON = "json"
    MD = "md"
    HTML = "html"
    JUNIT = "junit"
    PROMETHEUS = "prometheus"


Templates = "str | Path | None"


def _style(color: bool) -> Callable[..., str]:
    from mlci.render.targets import safe_style

    def style(text: str, fg: str | None = None, bold: bool = False) -> str:
        return click.style(text, fg=fg, bold=bold) if color else text

    return safe_style(style)


def render_text(report: Report, templates: str | Path | None = None, color: bool = False) -> str:
    """Terminal and CI-log text: no workflow command or hidden character survives from data."""
    from mlci.render.escape import log_safe

    return log_safe(render_template("report.txt.j2", templates, report=report, style=_style(color)))


def render_markdown(
    report: Report, templates: str | Path | None = None, color: bool = False, *, limit: int = MAX_MARKDOWN
) -> str:
    """GitHub-flavoured markdown that fits a PR comment, shrinking detail when it must."""
    return fit_markdown(
        lambda detail: render_template("report.md.j2", templates, report=report, detail=detail), limit
    )


def render_json(report: Report, templates: str | Path | None = None, color: bool = False) -> str:
    return report.to_json()


def render_html(report: Report, templates: str | Path | None = None, color: bool = False) -> str:
    return render_template("report.html.j2", templates, report=report)


def render_junit(report: Report, templates: str | Path | None = None, color: bool = False) -> str:
    return render_template("junit.xml.j2", templates, report=report)


def render_prometheus(report: Report, templates: str | Path | None = None, color: bool = False) -> str:
    # Plain code, no template: the format is a handful of fixed line shapes and escapes.
    from mlci.render.prometheus import render_prometheus as render_exposition

    return render_exposition(report)


Renderer = Callable[[Report, "str | Path | None", bool], str]

RENDERERS: dict[OutputFormat, Renderer] = {
    OutputFormat.TEXT: render_text,
    OutputFormat.JSON: render_json,
    OutputFormat.MD: render_markdown,
    OutputFormat.HTML: render_html,
    OutputFormat.JUNIT: render_junit,
    OutputFormat.PROMETHEUS: render_prometheus,
}


def render(
    report: Report, fmt: OutputFormat | str, *, templates: str | Path | None = None, color: bool = False
) -> str:
    return RENDERERS[OutputFormat(fmt)](report, templates, color)
