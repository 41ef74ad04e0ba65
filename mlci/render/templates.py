"""The jinja2 environment: packaged templates, optionally overridden from a user's folder."""

from __future__ import annotations

import functools
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
    env.globals.update(validation_cases=views.validation_cases, summary_parts=views.summary_parts)
    return env


def target_of(name: str) -> str | None:
    """The output target a template writes, from its name: ``report.md.j2`` -> ``md``."""
    for suffix, target in ((".md.j2", "md"), (".txt.j2", "text"), (".html.j2", "html"), (".xml.j2", "xml")):
        if name.endswith(suffix):
            return target
    return None


@functools.lru_cache(maxsize=16)
def _cached_environment(override: str | None, target: str | None) -> jinja2.Environment:
    # Compiling the templates is most of a render; jinja reloads a template whose file changed.
    return environment(override, target=target)


def render_template(name: str, override: str | Path | None = None, **context: Any) -> str:
    """Render ``name``; any failure of a template is a ``UsageError`` naming its file and line."""
    try:
        folder = None if override is None else str(Path(override).resolve())
        template = _cached_environment(folder, target_of(name)).get_template(name)
    except jinja2.TemplateNotFound:
        raise UsageError(f"template {name!r} not found") from None
    except jinja2.TemplateSyntaxError as exc:
        raise UsageError(
            f"template syntax error: {exc.message}", path=exc.filename, line=exc.lineno
        ) from None
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"template is not UTF-8 text (byte {exc.start})", path=_find(name, override)
        ) from None
    try:
        return template.render(**context)
    except UsageError:
        raise
    # A user's template can fail in any way Python can (undefined names, a bad include,
    # 1/0, endless includes): say where, as one located line.
    except Exception as exc:  # noqa: BLE001
        path, line = _template_frame(exc)
        raise UsageError(
            f"cannot render template: {_describe(exc)}", path=path or _find(name, override), line=line
        ) from None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"included template {exc.name!r} not found"
    if isinstance(exc, RecursionError):
        return "templates include each other without end"
    if isinstance(exc, jinja2.UndefinedError):
        return str(exc)
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in the traceback (jinja2 maps them for us)."""
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    if not frames:
        return None, None
    return frames[-1].filename, frames[-1].lineno


def _find(name: str, override: str | Path | None) -> str | None:
    for folder in template_dirs(override):
        if (folder / name).is_file():
            return str(folder / name)
    return None
