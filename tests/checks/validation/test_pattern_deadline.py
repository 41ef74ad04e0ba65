"""A schema pattern that backtracks without end stops at its deadline with a schema error.

RE2 answers most values in linear time; the Python ``re`` fallback (non-ASCII values,
backreferences, lookarounds) is what a hostile pattern such as ``^(a+)+$`` would hang.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mlci.checks.validation.regex_deadline import PatternTimeout, bounded_search

EVIL = r"^(a+)+$"
SLOW_VALUE = "a" * 40 + "é"  # non-ASCII: RE2 cannot answer it exactly, so Python's re runs


def test_the_fallback_agrees_with_python_re() -> None:
    values = ["abc", "ÄBC", "a1", None, 3, "", "x\ny", "١٢٣"]
    for pattern in (r"^\d+$", r"(a)\1", r"^(?=a)\w+", r"b$", r"^\w+$"):
        expected = [isinstance(v, str) and re.search(pattern, v) is not None for v in values]
        assert bounded_search(pattern, values) == expected, pattern


def test_a_backtracking_pattern_stops_at_the_deadline_on_the_main_thread() -> None:
    started = time.monotonic()
    with pytest.raises(PatternTimeout, match="took more than 0.5s"):
        bounded_search(EVIL, [SLOW_VALUE], seconds=0.5)
    assert time.monotonic() - started < 5


def test_a_backtracking_pattern_stops_at_the_deadline_on_a_worker_thread() -> None:
    outcome: list[BaseException] = []

    def work() -> None:
        try:
            bounded_search(EVIL, ["ok", SLOW_VALUE], seconds=1)
        except PatternTimeout as exc:
            outcome.append(exc)

    started = time.monotonic()
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive() and len(outcome) == 1
    assert time.monotonic() - started < 15
    assert bounded_search(r"^a+$", ["aaa", "é"], seconds=5) == [True, False]  # main thread again


def test_validate_with_a_hostile_pattern_exits_2_naming_the_key(tmp_path: Path) -> None:
    schema = f"version: 1\ncolumns:\n  name: {{dtype: string, pattern: '{EVIL}'}}\n"
    (tmp_path / "schema.yml").write_text(schema)
    (tmp_path / "data.csv").write_text("name\naaa\n" + SLOW_VALUE + "\n")
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "mlci", "validate", "data.csv", "--schema", "schema.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "MLCI_PATTERN_TIMEOUT": "1"},
    )
    assert proc.returncode == 2, proc.stderr
    assert "columns.name.pattern" in proc.stderr and "took more than 1s" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 30
