"""``mlci validate`` as users run it: exit codes, formats, files, env twins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlci.report import load_report

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "churn"
SCHEMA = EXAMPLE / "schema.yml"
TRAIN = EXAMPLE / "data" / "train.csv"
CURRENT = EXAMPLE / "data" / "current.csv"


def test_passing_data_exits_0(mlci) -> None:
    run = mlci("validate", TRAIN, "--schema", SCHEMA)
    assert run.exit_code == 0, run.stderr
    assert "PASSED" in run.stdout and "4,000 rows" in run.stdout


def test_violations_exit_1_and_are_listed(mlci) -> None:
    run = mlci("validate", CURRENT, "-s", SCHEMA)
    assert run.exit_code == 1
    for fragment in ("customer_id: unique", "age: max", "plan: allowed", "enterprise (row 18)"):
        assert fragment in run.stdout


def test_json_is_the_report_shape_with_only_validation(mlci, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.json"
    run = mlci("validate", TRAIN, CURRENT, "-s", SCHEMA, "--format", "json", "-o", out)
    assert run.exit_code == 1
    assert run.stdout == ""
    data = json.loads(out.read_text())
    assert data["mlci_report_version"] == 1
    assert data["status"] == "failed"
    assert data["drift"] is None and data["gates"] is None
    assert [v["dataset"] for v in data["validation"]] == ["train", "current"]
    violation = data["validation"][1]["violations"][0]
    assert set(violation) >= {"column", "check", "failed_count", "examples"}
    assert data["validation"][1]["fingerprint"].startswith("sha256:")
    assert load_report(out).validation is not None


def test_markdown(mlci) -> None:
    run = mlci("validate", CURRENT, "-s", SCHEMA, "--format", "md")
    assert run.stdout.startswith("## ❌ mlci failed")
    assert "| customer&#95;id | unique | 1 |" in run.stdout


def test_options_have_environment_twins(mlci) -> None:
    run = mlci("validate", TRAIN, env={"MLCI_SCHEMA": str(SCHEMA), "MLCI_FORMAT": "json"})
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["status"] == "passed"


def test_chunk_size_does_not_change_the_answer(mlci) -> None:
    whole = mlci("validate", CURRENT, "-s", SCHEMA, "--format", "json")
    chunked = mlci("validate", CURRENT, "-s", SCHEMA, "--format", "json", "--chunk-rows", "1000")
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "created_at"}  # noqa: E731
    assert strip(whole.stdout) == strip(chunked.stdout)


BAD_INPUTS = {
    "missing file": (None, "not found"),
    "empty file": (b"", "file is empty"),
    "header only": (b"customer_id,age\n", "no data rows"),
    "ragged row": (b"a,b\n1,2\n1,2,3\n", "ragged row"),
    "non-utf8": (b"a,b\n1,\xe9t\xe9\n", "UTF-8"),
    "binary garbage": (bytes(range(256)) * 40, "binary"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_data_is_one_line_exit_2_without_traceback(mlci_process, tmp_path: Path, case: str) -> None:
    content, fragment = BAD_INPUTS[case]
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_bytes(content)
    run = mlci_process("validate", path, "--schema", SCHEMA)
    assert run.exit_code == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(f"error: {path}")
    assert fragment in lines[0]


def test_corrupt_parquet(mlci_process, tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    path.write_bytes(b"PAR1" + b"\x00" * 100)
    run = mlci_process("validate", path, "--schema", SCHEMA)
    assert run.exit_code == 2 and "not a valid Parquet file" in run.stderr


@pytest.mark.parametrize(
    ("schema", "fragment"),
    [
        ("columns:\n  age: {dtype: int\n", "schema.yml:3:1: invalid YAML"),
        ("columns:\n  age: {dtype: int, nullabel: true}\n", "did you mean 'nullable'"),
        ("columns:\n  age: {dtype: int, min: abc}\n", "schema.yml:2:26: columns.age.min: expected a number"),
        ("columns:\n  age: {dtype: number}\n", "unknown value 'number'"),
        ("columns:\n  id: {dtype: string, pattern: '[a-'}\n", "invalid regular expression"),
    ],
)
def test_bad_schema_is_located(mlci_process, write, schema: str, fragment: str) -> None:
    path = write("schema.yml", schema)
    run = mlci_process("validate", TRAIN, "--schema", path)
    assert run.exit_code == 2
    assert fragment in run.stderr
    assert "Traceback" not in run.stderr


def test_debug_shows_the_traceback(mlci_process, tmp_path: Path) -> None:
    run = mlci_process("--debug", "validate", tmp_path / "nope.csv", "--schema", SCHEMA)
    assert run.exit_code != 0
    assert "Traceback" in run.stderr


def test_schema_is_required(mlci) -> None:
    run = mlci("validate", TRAIN)
    assert run.exit_code == 2
    assert "--schema" in run.stderr
