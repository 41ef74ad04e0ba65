"""Every rendering of a report: golden markdown, hostile data, HTML offline, JUnit, size."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from mlci.render import render
from mlci.render.budget import MAX_MARKDOWN
from mlci.report import DatasetValidation, ModelInfo, Report, Violation
from mlci.report.provenance import RunInfo

GOLDEN = Path(__file__).parent / "golden"
EVIL = "x|y <b>bold</b> `tick` @octocat [a](https://evil.example) <!-- mlci:key --> </details>"


def fixed(report: Report) -> Report:
    run = RunInfo(commit="0123456789abcdef0123", run_url="https://github.com/o/r/actions/runs/1")
    return report.model_copy(update={"created_at": "2026-01-01T00:00:00+00:00", "run": run})


def hostile_report() -> Report:
    violations = [
        Violation(
            column=EVIL,
            check="allowed",
            failed_count=3,
            examples=[EVIL, "ok", None],
            example_rows=[1, 2, 3],
            expected="one of " + EVIL,
        ),
        Violation(column=None, check="rows_min", failed_count=1, examples=[2], expected=">= 10 rows"),
    ]
    ds = DatasetValidation(
        dataset=EVIL, path="data/" + EVIL + ".csv", rows=2, status="failed", violations=violations
    )
    return fixed(Report(model=ModelInfo(name="@team " + EVIL), validation=[ds]).with_status())


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text(), f"{name} changed: review, then re-run with UPDATE_GOLDEN=1"


def test_hostile_markdown_matches_golden() -> None:
    check_golden("hostile.md", render(hostile_report(), "md"))


ALLOWED_HTML = re.compile(
    r"^</?(details|summary|b|code|sub|a)( open| href=\"https://github\.com/o/r/actions/runs/1\")?>$"
)


def test_hostile_markdown_injects_nothing() -> None:
    text = render(hostile_report(), "md")
    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    for token in parser.parse(text):
        assert token.type != "html_block" or all(
            ALLOWED_HTML.match(tag) for tag in re.findall(r"<[^>]+>", token.content)
        ), token.content
        for child in token.children or []:
            assert child.type not in ("link_open", "image", "code_inline"), child
            if child.type == "html_inline":
                assert ALLOWED_HTML.match(child.content), child.content
    assert "@octocat" not in text and "@team" not in text
    assert "<!-- mlci" not in text
    # Each table row keeps its column count.
    for line in text.splitlines():
        if line.startswith("| ") and "examples" not in line:
            assert line.count(" | ") in (3, 4), line


def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    html = render(hostile_report(), "html")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html.lower()
    assert not re.search(r"<link|@import|url\(|src=", html, re.IGNORECASE)
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs == ["https://github.com/o/r/actions/runs/1"]
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_junit_parses_and_has_a_testcase_per_check() -> None:
    xml = render(hostile_report(), "junit")
    root = ET.fromstring(xml.encode())
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = suites[0].findall("testcase")
    assert {c.get("name") for c in cases} == {f"{EVIL} allowed", "(table) rows_min"}
    failures = suites[0].findall("testcase/failure")
    assert {f.get("type") for f in failures} == {"allowed", "rows_min"}


def test_junit_drops_characters_xml_cannot_hold() -> None:
    report = hostile_report()
    assert report.validation is not None
    report.validation[0].violations[0].examples[0] = "bad\x00\x07char"
    ET.fromstring(render(report, "junit").encode())


def test_text_has_no_colour_unless_asked() -> None:
    report = hostile_report()
    assert "\x1b[" not in render(report, "text")
    assert "\x1b[" in render(report, "text", color=True)


def big_validation_report(columns: int) -> Report:
    violations = [
        Violation(
            column=f"column_{i:05d}_" + "x" * 40,
            check=check,
            failed_count=i + 1,
            examples=["v" * 50] * 5,
            example_rows=[1, 2, 3, 4, 5],
            expected="something long " * 3,
        )
        for i in range(columns)
        for check in ("dtype", "nullable", "max")
    ]
    ds = DatasetValidation(dataset="wide", path="wide.csv", rows=10, status="failed", violations=violations)
    return fixed(Report(validation=[ds]).with_status())


def test_huge_report_is_cut_to_fit_a_comment_and_says_so() -> None:
    text = render(big_validation_report(3000), "md")
    assert len(text) <= MAX_MARKDOWN
    assert "to fit" in text
    assert text.count("<details") == text.count("</details>")
    assert "## ❌ mlci failed" in text  # the verdict survives


def test_small_report_is_not_cut() -> None:
    text = render(big_validation_report(3), "md")
    assert "to fit" not in text


def test_user_templates_override_by_name(tmp_path: Path) -> None:
    (tmp_path / "validation.md.j2").write_text("CUSTOM {{ report.validation | length }}\n")
    text = render(hostile_report(), "md", templates=tmp_path)
    assert "CUSTOM 1" in text
    assert "## ❌ mlci failed" in text  # the rest still comes from the built-in templates


def test_missing_template_dir_is_a_usage_error(tmp_path: Path) -> None:
    from mlci.errors import UsageError

    with pytest.raises(UsageError, match="template directory not found"):
        render(hostile_report(), "md", templates=tmp_path / "nope")


@pytest.mark.slow
def test_a_3000_column_drift_report_still_fits_a_comment(mlci, tmp_path: Path) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(3)
    names = [f"feature_{i:04d}_with_a_long_descriptive_name" for i in range(3000)]
    reference = pd.DataFrame(rng.normal(size=(300, 3000)), columns=names)
    current = pd.DataFrame(rng.normal(0.5, 1, size=(300, 3000)), columns=names)
    reference.to_parquet(tmp_path / "ref.parquet")
    current.to_parquet(tmp_path / "cur.parquet")
    out = tmp_path / "drift.json"
    run = mlci("drift", tmp_path / "ref.parquet", tmp_path / "cur.parquet", "--format", "json", "-o", out)
    assert run.exit_code == 0, run.stderr
    from mlci.report import load_report

    report = load_report(out)
    assert report.drift is not None and len(report.drift.columns) == 3000
    text = render(report, "md")
    assert len(text) <= MAX_MARKDOWN
    assert "to fit" in text
    assert text.count("<details") == text.count("</details>")
    assert text.startswith("## ")


@pytest.mark.parametrize("fmt", ["md", "text", "html"])
def test_a_p_value_just_below_alpha_is_never_printed_as_alpha(fmt):
    from mlci.report.gates import GateResult, GatesSection
    from mlci.report.model import Report

    gate = GateResult(
        metric="accuracy", candidate=0.8, baseline=0.82, delta=-0.02, status="failed", code="regression",
        p_value=0.04998, alpha=0.05, significant=True, ci_low=-0.03, ci_high=-0.001, ci_level=0.9,
        rule="max_regression", limit=0.0, tolerance=0.0, direction="higher",
    )  # fmt: skip
    report = Report(gates=GatesSection(status="failed", results=[gate])).with_status()
    text = render(report, fmt)
    assert "0.04998" in text
    assert "p = 0.05" not in text and "p=0.05" not in text


def test_p_values_keep_their_side_of_alpha():
    from mlci.render.pvalues import format_p_value

    assert format_p_value(0.04998, 0.05) == "0.04998"
    assert format_p_value(0.0499996, 0.05) == "0.0499996"  # 4 digits would print 0.05
    assert format_p_value(0.0500004, 0.05) == "0.0500004"
    assert format_p_value(0.05, 0.05) == "0.05"
    assert format_p_value(0.998, 0.05) == "0.998" and format_p_value(None) == "—"
