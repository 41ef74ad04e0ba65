"""The jinja2 environment: packaged templates, optionally overridden from a user's folder."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from mlci.errors import UsageError
from mlci.render import escape, views
from mlci.render.pvalues import format_p_value

__all__ = ["template_dirs", "environment", "render_template"]

_PACKAGE = Path(__file__).resolve().parent.parent


def template_dirs(override: str | Path | None = None) -> list[Path]:
    """User templates first; then the wheel's ``mlci/templates``, or the repo's ``templates/``."""
    dirs: list[Path] = []
    if override is not None:
        path = Path(override)
        if not path.is_dir():
            raise UsageError("template directory not found", path=path)
        dirs.append(path)
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent / "templates"):
        if candidate.is_dir():
            dirs.append(candidate)
            break
    return dirs


class RootedLoader(jinja2.FileSystemLoader):
    """Templates from the given folders only: regular files that do not lead out of their
    folder through a symlink (a pull request can change a template folder)."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            candidate = Path(folder, *pieces)
            if not os.path.lexists(candidate):
                continue
            real = candidate.resolve()
            if not real.is_relative_to(Path(folder).resolve()):
                raise UsageError("template leads outside its template folder (a symlink?)", path=candidate)
            if not stat.S_ISREG(os.stat(real).st_mode):
                raise UsageError("template is not a regular file", path=candidate)
            break
        return super().get_source(environment, template)


def number(value: Any, digits: int = 4) -> str:
    """A number as reports show it: 4 significant digits, thousands separators, NaN, —."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value != 0 and (abs(value) >= 1e6 or abs(value) < 10**-digits):
            return f"{value:.{digits - 1}e}"
        return f"{value:.{digits}g}" if abs(value) >= 1 else f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return str(value)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


def environment(
    override: str | Path | None = None, *, html: bool = False, target: str | None = None
) -> jinja2.Environment:
    """The environment for one output target (``md``, ``text``, ``html``, ``xml``; None: raw).

    Every ``{{ value }}`` of a target is escaped for it unless a filter already made it safe
    (see ``mlci.render.targets``): a template, built in or a user's, cannot forget.
    """
    from mlci.render.targets import TARGETS

    if target is None and html:
        target = "html"
    spec = TARGETS.get(target or "")
    env = jinja2.Environment(
        loader=RootedLoader(template_dirs(override)),
        autoescape=spec is not None,
        finalize=spec.finalize if spec is not None else None,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(num=number, plural=_plural, pvalue=format_p_value)
    if spec is not None:
        env.filters.update(spec.filters)
    else:
        env.filters.update(md=escape.md, md_code=escape.md_code, plain=escape.plain, xml=escape.xml_text)
    env.filters.update(
        by_severity=views.by_severity,
        gate_rule=views.gate_rule,
        severity_bar=views.severity_bar,
        sparklines=views.sparklines,
        distribution_bars=views.distribution_bars,
    )
    return env


def target_of(name: str) -> str | None:
    """The output target a template writes, from its name: ``report.md.j2`` -> ``md``."""
    for suffix, target in ((".md.j2", "md"), (".txt.j2", "text"), (".html.j2", "html"), (".xml.j2", "xml")):
        if name.endswith(suffix):
            return target
    return None


def render_template(name: str, override: str | Path | None = None, **context: Any) -> str:
    try:
        template = environment(override, target=target_of(name)).get_template(name)
    except jinja2.TemplateNotFound:
        raise UsageError(f"template {name!r} not found") from None
    except jinja2.TemplateSyntaxError as exc:
        raise UsageError(
            f"template syntax error: {exc.message}", path=exc.filename, line=exc.lineno
        ) from None
    return template.render(**context)
