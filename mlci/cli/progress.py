"""Progress on long reads: rows done on stderr, redrawn in place, only where a person watches."""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType

import click

__all__ = ["Progress", "ProgressBars"]


class Progress:
    """Rows done on stderr, redrawn in place; silent unless stderr is a terminal outside CI."""

    def __init__(self, label: str, total: int | None = None) -> None:
        from mlci.render.escape import plain

        self.label = plain(label, 120)  # dataset names and paths come from data
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


class ProgressBars:
    """One bar per long step, each cleared when the next starts and all at the end.

    ``with ProgressBars() as bars: run(progress=bars.start)``: ``start(label, total)`` is the
    progress factory the use cases take.
    """

    def __init__(self) -> None:
        self._bars: list[Progress] = []

    def start(self, label: str, total: int | None) -> Progress:
        for bar in self._bars:
            bar.done()
        self._bars.append(Progress(label, total))
        return self._bars[-1]

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for bar in self._bars:
            bar.done()
