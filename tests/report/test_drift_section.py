"""The drift section: from check results to JSON and back, and how it renders."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from markdown_it import MarkdownIt

from mlci.app.drift import drift_report, drift_section
from mlci.checks.drift import ColumnOptions, DriftOptions, detect_drift
from mlci.render import render
from mlci.render.templates import render_template
from mlci.report import Report, load_report

GOLDEN = Path(__file__).parent / "golden"
EVIL = "x|y <b>b</b> `t` @octocat [a](https://evil.example) </details>"


def outcome(fail_on_drift: bool = False):
    rng = np.random.default_rng(5)
    n = 2000

    def make(s: float) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "age": rng.normal(40 + 8 * s, 10, n).round(),
                "spend": np.where(rng.random(n) < 0.1 * s, np.nan, rng.lognormal(3, 1, n)),
                EVIL: pd.Series(rng.choice(["free", "pro", EVIL if s else "team"], n), dtype="str"),
                "stars": rng.integers(1, 6, n),
                "gone": rng.normal(size=n),
            }
        )

    ref, cur = make(0), make(1).drop(columns=["gone"])
    options = DriftOptions(fail_on_drift=fail_on_drift, columns={"stars": ColumnOptions(method="psi")})
    return detect_drift(ref, cur, options)


def section(fail_on_drift: bool = False):
    return drift_section(
        outcome(fail_on_drift), reference_path="data/train.csv", current_path=f"data/{EVIL}.csv"
    )


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"{name} changed: review, then re-run with UPDATE_GOLDEN=1"


def test_section_keeps_the_contract_and_round_trips(tmp_path: Path) -> None:
    report = drift_report(section(fail_on_drift=True))
    assert report.status == "failed" and report.drift.status == "failed"
    assert report.validation is None and report.gates is None
    path = tmp_path / "r.json"
    path.write_text(report.to_json())
    again = load_report(path)
    assert again.drift == report.drift
    first = again.drift.columns[0].model_dump()
    for key in ("column", "kind", "method", "statistic", "p_value", "threshold", "drifted"):
        assert key in first


def test_status_fails_only_with_fail_on_drift() -> None:
    passed = section()
    assert passed.dataset_drift and passed.status == "passed"
    assert Report(drift=passed).with_status().status == "passed"


def test_section_numbers() -> None:
    s = section()
    assert s.drifted_count == sum(c.drifted for c in s.columns)
    assert s.drifted_share == round(s.drifted_count / len(s.columns), 6)
    assert s.reference.rows == 2000 and s.current.path == f"data/{EVIL}.csv"
    assert [k.reason for k in s.skipped] == ["only_in_reference"]
    spend = next(c for c in s.columns if c.column == "spend")
    assert spend.reference.missing_share == 0 and 0.05 < spend.current.missing_share < 0.15


def test_markdown_section_matches_golden() -> None:
    report = drift_report(section())
    text = render_template("drift.md.j2", report=report, icon={"passed": "✅", "failed": "❌"})
    check_golden("drift.md", text)


def test_markdown_escapes_every_data_derived_string() -> None:
    text = render(drift_report(section()), "md")
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<b>b</b>" not in html and 'href="https://evil.example"' not in html
    assert "@octocat" not in text and "`t`" not in text
    assert text.count("<details>") == text.count("</details>")  # none injected
    # A "|" in a name cannot add a column: every row of a table has the same cells.
    for block in text.split("\n\n"):
        rows = [r for r in block.splitlines() if r.startswith("|")]
        assert len({r.count("|") for r in rows}) <= 1, block


def test_markdown_sorts_by_severity_and_puts_long_parts_in_details() -> None:
    text = render(drift_report(section()), "md")
    table = [line for line in text.splitlines() if line.startswith("| 🔴") or line.startswith("| 🟢")]
    assert table[0].startswith("| 🔴") and table[-1].startswith("| 🟢")
    assert "<details><summary>How the drifted columns moved</summary>" in text
    assert "<details><summary>1 column not tested</summary>" in text


def test_text_section() -> None:
    text = render(drift_report(section()), "text")
    assert "data drift: 2 of 4 columns drifted (50.0%; the dataset drifts at 50.0%): DATASET DRIFT" in text
    assert "gone" in text and "not tested: not in the current data" in text
    assert "\x1b[" not in text  # no colour unless asked


def test_project_drift_from_mlci_yml(write) -> None:
    from mlci.app.drift import project_drift
    from mlci.config import load_project
    from mlci.config.schema import load_schema
    from mlci.io import open_source

    rows = "".join(f"{i % 7},{i % 50:05d}\n" for i in range(1500))
    write("data/a.csv", "n,zip\n" + rows)
    write("data/b.csv", "n,zip\n" + rows.replace("00001", "99999"))
    write("schema.yml", "columns:\n  zip: {dtype: category}\n  n: {dtype: int}\n")
    config_path = write(
        "mlci.yml",
        "datasets:\n  a: {path: data/a.csv, schema: schema.yml}\n  b: {path: data/b.csv}\n"
        "drift: {reference: a, current: b, fail_on_drift: true, drift_share: 0.5}\n",
    )
    config = load_project(config_path)
    sources = {n: open_source(config.resolve(d.path)) for n, d in config.datasets.items()}
    schemas = {"schema.yml": load_schema(config.resolve("schema.yml"))}
    got = project_drift(config, sources, schemas, config_path=config_path)
    assert got is not None and got.reference.path.endswith("a.csv")
    zips = next(c for c in got.columns if c.column == "zip")
    assert zips.kind == "categorical" and zips.categories.new[0].value == "99999"
    assert project_drift(config.model_copy(update={"drift": None}), sources, schemas) is None
