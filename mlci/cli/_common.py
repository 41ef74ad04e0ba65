"""What every command shares: options (``cli.options``), output files, progress, exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from mlci.cli.options import (
    F,
    chunk_rows_option,
    config_option,
    file_option,
    format_option,
    option,
    output_option,
    platform_option,
    template_dir_option,
)
from mlci.cli.progress import Progress, ProgressBars
from mlci.errors import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, UsageError

__all__ = [
    "F",
    "Progress",
    "ProgressBars",
    "chunk_rows_option",
    "color_enabled",
    "config_option",
    "file_option",
    "format_option",
    "option",
    "output_option",
    "platform_option",
    "status_exit",
    "template_dir_option",
    "write_output",
]


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
