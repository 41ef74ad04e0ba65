"""Every rendering of the churn example's report is a golden file, reviewed like code.

The markdown comment lives beside the example (the README links it); the text, HTML,
JUnit and release-notes renderings live in tests/golden/. A change in what users see
shows up in the diff: review it, then re-run with UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlci.render import render
from mlci.report import Report, load_report
from mlci.report.provenance import RunInfo

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def churn_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    from click.testing import CliRunner

    from mlci.cli.main import cli

    out = tmp_path_factory.mktemp("churn") / "mlci-report.json"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(cli, ["check", "-c", "examples/churn/mlci.yml", "-o", str(out)])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1, result.output
    report = load_report(out)
    return report.model_copy(
        update={
            "created_at": "2026-11-23T00:00:00+00:00",
            "config_path": "examples/churn/mlci.yml",
            "run": RunInfo(
                commit="5e1f00d5e1f00d5e1f00", run_url="https://github.com/acme/churn/actions/runs/42"
            ),
        }
    )


def _check(text: str, name: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: review, then UPDATE_GOLDEN=1"


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("text", "churn-report.txt"), ("html", "churn-report.html"), ("junit", "churn-report.junit.xml")],
)
def test_each_rendering_matches_its_golden_file(churn_report: Report, fmt: str, name: str) -> None:
    _check(render(churn_report, fmt), name)


def test_release_notes_match_their_golden_file(churn_report: Report) -> None:
    from mlci.app.release_plan import release_notes

    notes = release_notes(
        churn_report,
        version="1.1.0",
        sha="5e1f00d5e1f00d5e1f005e1f00d5e1f00d5e1f00",
        server_url="https://github.com",
        repository="acme/churn",
        previous="1.0.0",
        run_url="https://github.com/acme/churn/actions/runs/42",
        assets=["mlci-report.json", "mlci-report.html", "metrics.json"],
    )
    _check(notes, "churn-release-notes.md")
