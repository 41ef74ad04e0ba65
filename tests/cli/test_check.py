"""``mlci check`` on real projects: sections are optional, errors come all at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlci.report import load_report

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "churn"


def project(tmp_path: Path, config: str, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    (tmp_path / "mlci.yml").write_text(config)
    return tmp_path / "mlci.yml"


GOOD = {"data/a.csv": "x,y\n1,a\n2,b\n", "schema.yml": "columns:\n  x: {dtype: int}\n  y: {dtype: string}\n"}


def test_data_only_project_passes(mlci, tmp_path: Path) -> None:
    config = project(tmp_path, "version: 1\ndatasets:\n  a: {path: data/a.csv, schema: schema.yml}\n", GOOD)
    out = tmp_path / "out" / "mlci-report.json"
    run = mlci("check", "-c", config, "-o", out)
    assert run.exit_code == 0, run.stderr
    report = load_report(out)
    assert report.status == "passed"
    assert report.model is None and report.drift is None and report.gates is None
    assert report.validation is not None and report.validation[0].rows == 2
    assert report.config_path == str(config)
    assert "PASSED" in run.stdout


def test_example_project_fails_on_its_violations(mlci, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    run = mlci("check", "-c", EXAMPLE / "mlci.yml", "-o", out)
    assert run.exit_code == 1
    data = json.loads(out.read_text())
    assert data["status"] == "failed"
    assert [v["dataset"] for v in data["validation"]] == ["train", "current"]


def test_every_config_problem_is_reported_at_once(mlci_process, tmp_path: Path) -> None:
    config = project(
        tmp_path,
        "version: 1\ndatasets:\n  a: {path: data/missing.csv, schema: schema.yml}\n"
        "  b: {path: data/a.csv, schema: bad.yml}\n",
        {**GOOD, "bad.yml": "columns:\n  x: {dtype: integer}\n"},
    )
    run = mlci_process("check", "-c", config, "-o", tmp_path / "r.json")
    assert run.exit_code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 2, run.stderr
    assert "missing.csv" in lines[0] and "not found" in lines[0]
    assert "bad.yml:2" in lines[1] and "columns.x.dtype" in lines[1]
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ("version: 1\ndatasetz: {}\n", "did you mean 'datasets'"),
        ("version: 2\n", "unknown value 2"),
        (
            "version: 1\ndatasets:\n  a: {path: a.csv}\ndrift: {reference: a, current: b}\n",
            "names dataset 'b'",
        ),
        ("version: 1\ngates:\n  - {metric: f1, threshold: high}\n", "gates[0].threshold"),
    ],
)
def test_config_errors_name_file_and_key(mlci_process, tmp_path: Path, config: str, fragment: str) -> None:
    path = project(tmp_path, config, {})
    run = mlci_process("check", "-c", path)
    assert run.exit_code == 2
    assert fragment in run.stderr
    assert str(path) in run.stderr


def test_missing_config(mlci, tmp_path: Path) -> None:
    run = mlci("check", "-c", tmp_path / "mlci.yml")
    assert run.exit_code == 2
    assert "mlci config not found" in run.stderr


def test_drift_include_typo_is_a_located_error(mlci_process, tmp_path: Path) -> None:
    config = project(
        tmp_path,
        "version: 1\ndatasets:\n  a: {path: data/a.csv}\n  b: {path: data/a.csv}\n"
        "drift: {reference: a, current: b, include: [qq]}\n",
        GOOD,
    )
    run = mlci_process("check", "-c", config, "-o", tmp_path / "r.json")
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"error: {config}:5:45: drift.include[0]: no column 'qq' in the reference or the current data; "
        "columns: x, y"
    )


def test_drift_with_no_shared_column_is_a_skipped_section(mlci, tmp_path: Path) -> None:
    config = project(
        tmp_path,
        "version: 1\ndatasets:\n  a: {path: data/a.csv}\n  b: {path: data/b.csv}\n"
        "drift: {reference: a, current: b}\n",
        {**GOOD, "data/b.csv": "z\n1\n2\n"},
    )
    out = tmp_path / "r.json"
    run = mlci("check", "-c", config, "-o", out)
    assert run.exit_code == 0, run.stderr
    drift = load_report(out).drift
    assert drift is not None and drift.status == "skipped"
    assert drift.reason == "the reference and the current data share no column"
    md = mlci("report", out, "--format", "md")
    assert "drift not tested" in md.stdout and "columns drifted" not in md.stdout
    assert "**Drift not tested:** the reference and the current data share no column." in md.stdout
