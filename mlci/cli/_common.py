"""What every command shares: env-var twins of options, output files, progress, exit codes."""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mlci.errors import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, UsageError

__all__ = [
    "option",
    "config_option",
    "format_option",
    "output_option",
    "write_output",
    "Progress",
    "status_exit",
]

F = TypeVar("F", bound=Callable[..., Any])


def option(*decls: str, env: str, **kwargs: Any) -> Callable[[F], F]:
    """A click option with its ``MLCI_<NAME>`` environment twin (how the Actions pass inputs)."""
    return click.option(*decls, envvar=f"MLCI_{env}", show_envvar=True, **kwargs)


def config_option(
    default: Path | None = Path("mlci.yml"), help: str = "The project's mlci.yml."
) -> Callable[[F], F]:
    """``-c/--config``: every command that reads mlci.yml takes it the same way."""
    return option(
        "-c",
        "--config",
        "config_path",
        env="CONFIG",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default,
        show_default=default is not None,
        help=help,
    )


def chunk_rows_option() -> Callable[[F], F]:
    return option(
        "--chunk-rows",
        env="CHUNK_ROWS",
        type=click.IntRange(min=1000),
        default=None,
        help="Rows read per chunk; memory stays bounded by this, whatever the file size.  [default: 250000]",
    )


def file_option(name: str, dest: str, help: str) -> Callable[[F], F]:
    """An optional input file, e.g. ``--metrics``: its env twin is ``MLCI_METRICS``."""
    return option(
        f"--{name}",
        dest,
        env=name.upper().replace("-", "_"),
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=help,
    )


def format_option(choices: list[str], default: str = "text") -> Callable[[F], F]:
    return option(
        "--format",
        "fmt",
        env="FORMAT",
        type=click.Choice(choices, case_sensitive=False),
        default=default,
        show_default=True,
        help="Output format.",
    )


def output_option() -> Callable[[F], F]:
    return option(
        "-o",
        "--output",
        env="OUTPUT",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write the output to FILE instead of standard output.",
    )


def template_dir_option(
    help: str = "A folder whose templates override the built-in ones.",
) -> Callable[[F], F]:
    """``--template-dir`` (``MLCI_TEMPLATE_DIR``); ``--templates`` (``MLCI_TEMPLATES``) is its
    hidden older spelling, still accepted."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def merged(*args: Any, templates_alias: Path | None = None, **kwargs: Any) -> Any:
            kwargs["template_dir"] = kwargs.get("template_dir") or templates_alias
            return func(*args, **kwargs)

        path = click.Path(file_okay=False, path_type=Path)
        visible = option(
            "--template-dir", "template_dir", env="TEMPLATE_DIR", type=path, default=None, help=help
        )
        hidden = option(
            "--templates", "templates_alias", env="TEMPLATES", type=path, default=None, hidden=True
        )
        return visible(hidden(merged))  # type: ignore[return-value]

    return decorate


def platform_option() -> Callable[[F], F]:
    from mlci.platforms.detect import PLATFORM_CHOICES

    return option(
        "--platform",
        "platform_name",
        env="PLATFORM",
        type=click.Choice(PLATFORM_CHOICES, case_sensitive=False),
        default="auto",
        show_default=True,
        help="Where to publish: github, or local (nothing posted; tags in the local repository).",
    )


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        if output.exists() and not output.is_file():
            # /dev/null, a pipe, /dev/stdout: write through it, never replace it.
            with output.open("w", encoding="utf-8") as stream:
                stream.write(text)
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(f".{output.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)
    except OSError as exc:
        raise UsageError(f"cannot write output: {exc.strerror}", path=output) from None


def color_enabled(output: Path | None) -> bool:
    if output is not None or "NO_COLOR" in os.environ:
        return False
    return sys.stdout.isatty()


def status_exit(status: str) -> int:
    if status == "error":  # an input could not be used
        return EXIT_BAD_INPUT
    return EXIT_CHECK_FAILED if status == "failed" else EXIT_OK


class Progress:
    """Rows done on stderr, redrawn in place; silent unless stderr is a terminal outside CI."""

    def __init__(self, label: str, total: int | None = None) -> None:
        self.label = label
        self.total = total
        self.enabled = sys.stderr.isatty() and not os.environ.get("CI")
        self.started = time.monotonic()
        self._last = 0.0

    def __call__(self, rows: int) -> None:
        now = time.monotonic()
        if not self.enabled or now - self._last < 0.2:
            return
        self._last = now
        elapsed = now - self.started
        text = f"{self.label}: {rows:,} rows"
        if self.total:
            text += f" of {self.total:,} ({100 * rows / self.total:.0f}%)"
        text += f", {elapsed:.1f}s"
        click.echo(f"\r\x1b[2K{text}", nl=False, err=True)

    def done(self) -> None:
        if self.enabled and self._last:
            click.echo("\r\x1b[2K", nl=False, err=True)
