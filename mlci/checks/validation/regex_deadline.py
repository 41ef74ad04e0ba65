"""Python ``re`` with a deadline, for the values RE2 cannot answer exactly.

RE2 (pyarrow) runs in linear time, but mlci falls back to Python's backtracking ``re`` for
patterns RE2 lacks (backreferences, lookarounds) and for non-ASCII values, where the two
engines read ``\\d``, ``\\w`` or ``$`` differently. A pattern from a schema a pull request
changed, such as ``^(a+)+$``, can then backtrack for hours on one value. So the fallback
runs under a deadline (``MLCI_PATTERN_TIMEOUT`` seconds per call, default 10):

- on the main thread, an interval timer interrupts the match (``re`` checks for signals
  while it backtracks);
- on any other thread, where signals cannot be used, the match runs in a child Python
  process that is killed at the deadline.

Past the deadline the run stops with a schema error (exit 2) naming the pattern.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from mlci.errors import ConfigError

__all__ = ["PatternTimeout", "bounded_search", "pattern_seconds"]


class PatternTimeout(ConfigError):
    """A schema pattern took longer than its deadline (catastrophic backtracking)."""


def pattern_seconds() -> float:
    try:
        return max(0.01, float(os.environ.get("MLCI_PATTERN_TIMEOUT", "10")))
    except ValueError:
        return 10.0


def _timeout(pattern: str, seconds: float) -> PatternTimeout:
    return PatternTimeout(
        f"pattern {pattern[:80]!r} took more than {seconds:g}s (MLCI_PATTERN_TIMEOUT): it backtracks "
        "without end on some values; rewrite it without nested or overlapping repeats such as (a+)+"
    )


class _Expired(Exception):
    pass


def _raise_expired(signum: int, frame: Any) -> None:
    raise _Expired


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _raise_expired)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_delay:
            signal.setitimer(signal.ITIMER_REAL, old_delay, old_interval)


_WORKER = """
import json, re, sys
job = json.load(sys.stdin)
rx = re.compile(job["pattern"])
json.dump([isinstance(v, str) and rx.search(v) is not None for v in job["values"]], sys.stdout)
"""


def _in_child(pattern: str, values: Sequence[Any], seconds: float) -> list[bool]:
    job = json.dumps({"pattern": pattern, "values": [v if isinstance(v, str) else None for v in values]})
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _WORKER],
            input=job,
            capture_output=True,
            text=True,
            timeout=seconds,
        )
    except subprocess.TimeoutExpired:
        raise _timeout(pattern, seconds) from None
    if proc.returncode != 0:
        raise ConfigError(f"pattern {pattern[:80]!r} could not be matched: {proc.stderr.strip()[-200:]}")
    found: list[bool] = json.loads(proc.stdout)
    return found


def bounded_search(pattern: str, values: Sequence[Any], seconds: float | None = None) -> list[bool]:
    """``re.search(pattern, v) is not None`` for each value (False for non-text), within a deadline."""
    limit = pattern_seconds() if seconds is None else seconds
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return _in_child(pattern, values, limit)
    rx = re.compile(pattern)
    try:
        with _alarm(limit):
            return [isinstance(v, str) and rx.search(v) is not None for v in values]
    except _Expired:
        raise _timeout(pattern, limit) from None
