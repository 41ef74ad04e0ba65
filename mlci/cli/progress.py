"""Progress on long reads: rows done on stderr, redrawn in place, only where a person watches."""

from __future__ import annotations

import os
import sys
import threading
import time
from types import TracebackType

import click

__all__ = ["Progress", "ProgressBars"]


class Progress:
    """Rows done on stderr, redrawn in place; silent unless stderr is a terminal outside CI."""

    def __init__(self, label: str, total: int | None = None, *, board: ProgressBars | None = None) -> None:
        from mlci.render.escape import plain

        self.label = plain(label, 120)  # dataset names and paths come from data
        self.total = total
        self.enabled = sys.stderr.isatty() and not os.environ.get("CI")
        self.started = time.monotonic()
        self.rows: int | None = None  # None until the first report
        self.seen = 0.0
        self._board = board
        self._last = 0.0

    def __call__(self, rows: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        self.rows, self.seen = rows, now
        if self._board is not None:
            self._board.draw(now)
            return
        if now - self._last < 0.2:
            return
        self._last = now
        click.echo(f"\r\x1b[2K{self.text(now)}", nl=False, err=True)

    @property
    def finished(self) -> bool:
        return bool(self.total) and self.rows is not None and self.rows >= (self.total or 0)

    def text(self, now: float) -> str:
        rows = self.rows or 0
        text = f"{self.label}: {rows:,} rows"
        if self.total:
            text += f" of {self.total:,} ({100 * rows / self.total:.0f}%)"
        return text + f", {now - self.started:.1f}s"

    def done(self) -> None:
        if self.enabled and self._last:
            click.echo("\r\x1b[2K", nl=False, err=True)


class ProgressBars:
    """One line for the long steps: each bar cleared when the next starts, all at the end.

    ``with ProgressBars() as bars: run(progress=bars.start)``: ``start(label, total)`` is the
    progress factory the use cases take. Bars started before any of them reported (two
    files read at the same time) share the line until they finish or fall silent.
    """

    SILENT = 1.0  # seconds without a report after which a bar leaves the line

    def __init__(self) -> None:
        self._bars: list[Progress] = []
        self._lock = threading.Lock()  # bars report from reading threads
        self._last = 0.0

    def start(self, label: str, total: int | None) -> Progress:
        with self._lock:
            # A bar that already reported belongs to an earlier step: it is over.
            self._bars = [bar for bar in self._bars if bar.rows is None]
            self._clear()
            self._bars.append(Progress(label, total, board=self))
            return self._bars[-1]

    def draw(self, now: float) -> None:
        with self._lock:
            if now - self._last < 0.2:
                return
            live = [
                b for b in self._bars if b.rows is not None and not b.finished and now - b.seen < self.SILENT
            ]
            if live:
                self._last = now
                click.echo("\r\x1b[2K" + "  |  ".join(b.text(now) for b in live), nl=False, err=True)

    def _clear(self) -> None:
        if self._last:
            click.echo("\r\x1b[2K", nl=False, err=True)

    def __enter__(self) -> ProgressBars:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with self._lock:
            self._clear()
