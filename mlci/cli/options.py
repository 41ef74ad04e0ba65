"""The options commands share, each with its ``MLCI_<NAME>`` environment twin."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = [
    "F",
    "chunk_rows_option",
    "config_option",
    "file_option",
    "format_option",
    "option",
    "output_option",
    "platform_option",
    "template_dir_option",
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
        help="Where to publish: github, gitlab, or local (nothing posted; tags in the local repository).  "
        "[auto: gitlab inside GitLab CI/CD, else github]",
    )
