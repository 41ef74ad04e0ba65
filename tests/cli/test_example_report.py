"""The README's quickstart: `mlci check` on the churn example, rendered as the PR comment.

The rendered markdown is committed as a golden file (examples/churn/expected-report.md),
reviewed like code: a change in what reviewers see shows up in the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

from mlci.render import render
from mlci.report import load_report
from mlci.report.provenance import RunInfo

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "churn"
GOLDEN = EXAMPLE / "expected-report.md"


def test_example_check_renders_the_golden_comment(mlci, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(EXAMPLE.parent.parent)
    out = tmp_path / "mlci-report.json"
    run = mlci("check", "-c", "examples/churn/mlci.yml", "-o", out)
    assert run.exit_code == 1, run.stderr  # the current batch has schema violations
    report = load_report(out)
    assert report.validation is not None and report.drift is not None and report.gates is not None
    assert report.gates.status == "passed" and report.model is not None
    assert report.model.baseline_version == "1.0.0"
    fixed = report.model_copy(
        update={
            "created_at": "2026-11-23T00:00:00+00:00",
            "run": RunInfo(
                commit="5e1f00d5e1f00d5e1f00", run_url="https://github.com/acme/churn/actions/runs/42"
            ),
        }
    )
    text = render(fixed, "md")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text(), "the example's comment changed: review, then UPDATE_GOLDEN=1"


def test_example_html_is_one_offline_page_with_inline_charts(mlci, tmp_path: Path, monkeypatch) -> None:
    import re

    monkeypatch.chdir(EXAMPLE.parent.parent)
    out = tmp_path / "mlci-report.json"
    mlci("check", "-c", "examples/churn/mlci.yml", "-o", out)
    html_path = tmp_path / "report.html"
    run = mlci("report", out, "--format", "html", "-o", html_path)
    assert run.exit_code == 0, run.stderr
    html = html_path.read_text()
    assert html.count("<svg") >= 7  # a severity bar per tested column, distributions for drifted ones
    assert "support_tickets" in html and "roc_auc" in html and "enterprise" in html
    assert not re.search(r"<script|<link|@import|url\(|src=", html, re.IGNORECASE)
