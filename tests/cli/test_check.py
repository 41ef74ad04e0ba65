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
    lines = [line for line in run.stderr.strip().splitlines() if line.startswith("error:")]
    assert len(lines) == 2, run.stderr
    assert "missing.csv" in lines[0] and "not found" in lines[0]
    assert "bad.yml:2" in lines[1] and "columns.x.dtype" in lines[1]
    assert "Traceback" not in run.stderr
    # The report is still written, so the Action has something to post.
    report = load_report(tmp_path / "r.json")
    assert report.status == "error"
    assert [(e.key, e.line) for e in report.errors] == [("datasets.a.path", None), ("columns.x.dtype", 2)]


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
    run = mlci_process("check", "-c", path, "-o", tmp_path / "r.json")
    assert run.exit_code == 2
    assert fragment in run.stderr
    assert str(path) in run.stderr


def test_missing_config(mlci, tmp_path: Path) -> None:
    run = mlci("check", "-c", tmp_path / "mlci.yml", "-o", tmp_path / "r.json")
    assert run.exit_code == 2
    assert "mlci config not found" in run.stderr
    assert load_report(tmp_path / "r.json").errors[0].message == "mlci config not found"


# --- A report even when an input cannot be used (issue 10) -------------------------------

BATCH_PROJECT = (
    "version: 1\n"
    "model: {name: m, metrics: metrics.json}\n"
    "datasets:\n"
    "  ref: {path: ref.csv, schema: schema.yml}\n"
    "  cur: {path: cur.csv, schema: schema.yml}\n"
    "drift: {reference: ref, current: cur}\n"
    "gates:\n"
    "  - {metric: acc, threshold: 0.5}\n"
)
BATCH_FILES = {
    "ref.csv": "x,y\n1,a\n2,b\n3,c\n",
    "schema.yml": "columns:\n  x: {dtype: int}\n  y: {dtype: string}\n",
    "metrics.json": '{"acc": 0.7}',
}


@pytest.mark.parametrize(
    ("current", "message"),
    [("x,y\n", "no data rows"), ("", "file is empty"), (None, "file not found")],
    ids=["header-only", "empty", "missing"],
)
def test_an_unusable_current_batch_still_writes_a_report(
    mlci, tmp_path: Path, current: str | None, message: str
) -> None:
    files = dict(BATCH_FILES, **({"cur.csv": current} if current is not None else {}))
    config = project(tmp_path, BATCH_PROJECT, files)
    out = tmp_path / "mlci-report.json"
    run = mlci("check", "-c", config, "-o", out)
    assert run.exit_code == 2
    [line] = [x for x in run.stderr.splitlines() if x.startswith("error:")]
    assert "cur.csv" in line and "datasets.cur.path" in line and message in line
    report = load_report(out)
    assert report.status == "error"
    [error] = report.errors
    assert error.key == "datasets.cur.path" and message in error.message and error.section == "datasets"
    assert error.path is not None and error.path.endswith("cur.csv")
    # The sections that could run are filled; the one the batch blocks is null.
    assert report.validation is not None and [v.dataset for v in report.validation] == ["ref"]
    assert report.drift is None
    assert report.gates is not None and report.gates.status == "passed"
    assert "mlci: error" in run.stdout and message in run.stdout


def test_unreadable_metrics_is_an_error_entry_and_the_data_sections_still_run(mlci, tmp_path: Path) -> None:
    files = dict(BATCH_FILES, **{"cur.csv": "x,y\n1,a\n", "metrics.json": "{acc"})
    config = project(tmp_path, BATCH_PROJECT, files)
    out = tmp_path / "r.json"
    run = mlci("check", "-c", config, "-o", out)
    assert run.exit_code == 2
    report = load_report(out)
    assert report.status == "error" and report.gates is None
    [error] = report.errors
    assert error.section == "gates" and error.line == 1 and error.column == 2
    assert error.path is not None and error.path.endswith("metrics.json")
    assert report.validation is not None and len(report.validation) == 2
    assert report.drift is not None
    assert report.model is not None and report.model.name == "m"


def test_an_invalid_mlci_yml_still_writes_a_report(mlci, tmp_path: Path) -> None:
    config = project(tmp_path, "version: 1\ndatasetz: {}\n", {})
    out = tmp_path / "r.json"
    run = mlci("check", "-c", config, "-o", out)
    assert run.exit_code == 2
    report = load_report(out)
    assert report.status == "error"
    [error] = report.errors
    assert error.section == "config" and error.line == 2 and "did you mean 'datasets'" in error.message
    assert report.validation is None and report.drift is None and report.gates is None


@pytest.mark.parametrize(
    ("templates", "fragment"),
    [(None, "template directory not found"), ("{{ report.nope }}", "has no attribute 'nope'")],
    ids=["missing-folder", "broken-template"],
)
def test_templates_that_cannot_render_are_an_error_in_the_report(
    mlci, tmp_path: Path, templates: str | None, fragment: str
) -> None:
    files = dict(GOOD)
    if templates is not None:
        files["tpl/report.txt.j2"] = templates
    config = project(
        tmp_path,
        "version: 1\nreport: {templates: tpl}\ndatasets:\n  a: {path: data/a.csv, schema: schema.yml}\n",
        files,
    )
    out = tmp_path / "r.json"
    run = mlci("check", "-c", config, "-o", out)
    assert run.exit_code == 2
    report = load_report(out)
    assert report.status == "error" and report.validation is not None  # the checks still ran
    [error] = report.errors
    assert error.section == "report" and fragment in error.message
    assert "PASSED" in run.stdout  # printed with the built-in templates instead


def test_drift_include_typo_is_a_located_error(mlci_process, tmp_path: Path) -> None:
    config = project(
        tmp_path,
        "version: 1\ndatasets:\n  a: {path: data/a.csv}\n  b: {path: data/a.csv}\n"
        "drift: {reference: a, current: b, include: [qq]}\n",
        GOOD,
    )
    run = mlci_process("check", "-c", config, "-o", tmp_path / "r.json")
    assert run.exit_code == 2
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {config}:5:45: drift.include[0]: no column 'qq' in the reference or the current data; "
        "columns: x, y"
    ]
    assert load_report(tmp_path / "r.json").errors[0].section == "drift"  # and the report says so


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
