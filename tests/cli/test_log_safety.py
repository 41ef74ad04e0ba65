"""What `validate`, `drift`, `check` and error lines print is safe in a terminal and a CI log.

The Actions runner reads ``##[cmd]`` anywhere in a line and ``::cmd::`` at a line start;
a terminal runs ESC sequences (OSC-8 links, colours); bidi and zero-width characters
change what a reader sees. Data carries all of them here, and the bytes are checked.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlci.platforms.github.annotations import format_annotation, report_annotations
from mlci.render.invisible import INVISIBLE_RE

HOSTILE = [
    "##[error]forged",
    "::error::forged",
    "  ::add-mask::x",
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "\x1b[2J\x1b[31mred",
    "a\u202ebidi\u2066x\u2069",
    "zero\u200bwidth",
]


def assert_log_safe(data: bytes) -> None:
    assert b"##[" not in data, data
    for line in data.split(b"\n"):
        assert not line.lstrip(b" \t").startswith(b"::"), line
    assert b"\x1b" not in data, data
    text = data.decode("utf-8")
    assert not INVISIBLE_RE.search(text.replace("\n", "")), text


def csv_value(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@pytest.fixture
def hostile_data(tmp_path: Path) -> Path:
    header = ["id", *[f"c{i}{name}" if i else name for i, name in enumerate(HOSTILE)]]
    rows = [",".join(csv_value(h) for h in header)]
    for r in range(40):
        values = [csv_value(HOSTILE[(r + i) % len(HOSTILE)]) for i in range(len(HOSTILE))]
        rows.append(",".join([str(r), *values]))
    (tmp_path / "data.csv").write_text("\n".join(rows) + "\n")
    columns = "\n".join(f"  {json.dumps(h)}: {{dtype: string, allowed: [ok]}}" for h in header[1:])
    (tmp_path / "schema.yml").write_text(f"version: 1\ncolumns:\n  id: {{dtype: int}}\n{columns}\n")
    return tmp_path


def run_mlci(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "GITHUB_ACTIONS": "true"}
    return subprocess.run(
        [sys.executable, "-m", "mlci", *map(str, args)], cwd=cwd, capture_output=True, timeout=120, env=env
    )


def test_validate_text_output_is_log_safe(hostile_data: Path) -> None:
    proc = run_mlci("validate", "data.csv", "--schema", "schema.yml", cwd=hostile_data)
    assert proc.returncode == 1, proc.stderr
    assert_log_safe(proc.stdout)
    assert_log_safe(proc.stderr)
    assert b"##\\[error]forged" in proc.stdout and b"\\x1b]8;;" in proc.stdout  # shown, not hidden


def test_drift_text_output_is_log_safe(hostile_data: Path) -> None:
    proc = run_mlci("drift", "data.csv", "data.csv", cwd=hostile_data)
    assert proc.returncode == 0, proc.stderr
    assert_log_safe(proc.stdout)
    assert_log_safe(proc.stderr)


def test_check_text_output_is_log_safe(hostile_data: Path) -> None:
    (hostile_data / "mlci.yml").write_text(
        "version: 1\ndatasets:\n  ref: {path: data.csv, schema: schema.yml}\n"
        "  cur: {path: data.csv, schema: schema.yml}\ndrift: {reference: ref, current: cur}\n"
    )
    proc = run_mlci("check", "-o", "out.json", cwd=hostile_data)
    assert proc.returncode == 1, proc.stderr
    assert_log_safe(proc.stdout)
    assert_log_safe(proc.stderr)


@pytest.mark.parametrize("name", HOSTILE)
def test_an_error_line_quoting_data_is_log_safe(tmp_path: Path, name: str) -> None:
    (tmp_path / "dup.csv").write_text(f"{csv_value(name)},{csv_value(name)}\n1,2\n")
    (tmp_path / "schema.yml").write_text("version: 1\ncolumns: {}\n")
    proc = run_mlci("validate", "dup.csv", "--schema", "schema.yml", cwd=tmp_path)
    assert proc.returncode == 2
    assert b"duplicate column name" in proc.stderr
    assert len(proc.stderr.strip().split(b"\n")) == 1
    assert_log_safe(proc.stderr)


def test_annotations_from_a_hostile_report_are_one_command_each() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "render"))
    from hostile_corpus import hostile_report

    lines: list[Any] = [format_annotation(note) for note in report_annotations(hostile_report())]
    assert lines
    for line in lines:
        assert re.match(r"^::(error|warning|notice) ", line)
        assert "\n" not in line and "\r" not in line and "##[" not in line
        assert not INVISIBLE_RE.search(line)
        # One command: the message part holds no second "::" command start.
        assert line.count("::") >= 2
