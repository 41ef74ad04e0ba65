"""One report, every format: each lists the same checks with the same verdicts.

The report comes from a real ``mlci check`` on files written here: a strict schema with a
missing and an extra column, drift with drifted, steady and not-tested columns and a new
category in a column that did not drift, passed, failed and skipped gates, and a dataset
that cannot be read (status ``error``). Each format is parsed on its own terms (XML,
HTML tables, markdown tables, terminal lines) and compared with the JSON.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser

import numpy as np
import pytest

from mlci.render import render
from mlci.report import Report, load_report

Verdict = tuple[str, str, str]  # (kind, name, verdict)

SCHEMA = """strict: true
columns:
  id: {dtype: int}
  age: {dtype: int, min: 18, max: 120}
  plan: {dtype: category, allowed: [free, pro, team]}
  tier: {dtype: category}
  score: {dtype: float}
  note: {dtype: string}
  gone: {dtype: int}
"""
CONFIG = """version: 1
model: {name: m, metrics: metrics.json}
datasets:
  ref: {path: ref.csv, schema: schema.yml}
  cur: {path: cur.csv, schema: schema.yml}
  later: {path: missing.csv}
drift:
  reference: ref
  current: cur
  fail_on_drift: true
  columns: {tier: {method: jensenshannon}}
gates:
  - {metric: acc, threshold: 0.5}
  - {metric: f1, threshold: 0.5}
  - {metric: acc, max_regression: 0.01}
"""


def _table(rows: list[list[object]], header: str) -> str:
    return "\n".join([header, *(",".join(str(v) for v in row) for row in rows)]) + "\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    from click.testing import CliRunner

    from mlci.cli.main import cli

    root = tmp_path_factory.mktemp("agree")
    rng = np.random.default_rng(7)
    n = 600
    ref = [
        [
            i,
            rng.integers(20, 60),
            rng.choice(["free", "pro"]),
            rng.choice(["a", "b"]),
            f"{rng.normal():.4f}",
            f"n{i}",
        ]
        for i in range(n)
    ]
    cur = [
        [
            i,
            rng.integers(20, 130),
            rng.choice(["free", "pro", "team"]),
            "c" if i == 5 else rng.choice(["a", "b"]),  # one new category: not drift
            f"{rng.normal(2, 1):.4f}",
            f"n{i}",
            "x",
        ]
        for i in range(n)
    ]
    (root / "ref.csv").write_text(_table(ref, "id,age,plan,tier,score,note"))
    (root / "cur.csv").write_text(_table(cur, "id,age,plan,tier,score,note,extra"))
    (root / "schema.yml").write_text(SCHEMA)
    (root / "metrics.json").write_text(json.dumps({"acc": 0.7, "f1": 0.4}))
    (root / "mlci.yml").write_text(CONFIG)
    out = root / "mlci-report.json"
    result = CliRunner().invoke(cli, ["check", "-c", str(root / "mlci.yml"), "-o", str(out)])
    assert result.exit_code == 2, result.output
    loaded = load_report(out)
    # The report exercises what it should; otherwise the comparisons below prove little.
    assert loaded.status == "error" and loaded.drift is not None and loaded.gates is not None
    tier = next(c for c in loaded.drift.columns if c.column == "tier")
    assert not tier.drifted and tier.categories is not None and tier.categories.new_count == 1
    assert {c.drifted for c in loaded.drift.columns} == {True, False} and loaded.drift.skipped
    assert {g.status for g in loaded.gates.results} == {"passed", "failed", "skipped"}
    checks = {v.check for ds in loaded.validation or [] for v in ds.violations}
    assert {"missing_column", "extra_column", "max"} <= checks
    return loaded


def expected(report: Report) -> Counter[Verdict]:
    """The verdicts as the JSON states them."""
    out: Counter[Verdict] = Counter()
    for ds in report.validation or []:
        for v in ds.violations:
            out[("violation", f"{ds.dataset}/{v.column or '(table)'}/{v.check}", "failed")] += 1
    assert report.drift is not None and report.gates is not None
    for c in report.drift.columns:
        out[("drift", c.column, "drifted" if c.drifted else "steady")] += 1
        if c.categories is not None and c.categories.new_count:
            out[("new", c.column, ",".join(str(x.value) for x in c.categories.new))] += 1
    for s in report.drift.skipped:
        out[("drift", s.column, "not tested")] += 1
    for g in report.gates.results:
        out[("gate", g.metric, g.status)] += 1
    for e in report.errors:
        out[("error", e.one_line(), "error")] += 1
    return out


def _no_new(verdicts: Counter[Verdict]) -> Counter[Verdict]:
    return Counter({k: n for k, n in verdicts.items() if k[0] != "new"})


# --- JUnit -------------------------------------------------------------------------------


def junit_verdicts(text: str) -> Counter[Verdict]:
    root = ET.fromstring(text.encode())
    out: Counter[Verdict] = Counter()
    for suite in root.iter("testsuite"):
        name = suite.get("name", "")
        cases = suite.findall("testcase")
        failures = [c for c in cases if c.find("failure") is not None]
        errors = [c for c in cases if c.find("error") is not None]
        skipped = [c for c in cases if c.find("skipped") is not None]
        # The counts the test-report UIs show are the elements they list.
        assert int(suite.get("tests", -1)) == len(cases), name
        assert int(suite.get("failures", -1)) == len(failures), name
        assert int(suite.get("skipped", 0)) == len(skipped), name
        assert int(suite.get("errors", 0)) == len(errors), name
        for case in cases:
            label = case.get("name", "")
            if name.startswith("validation."):
                if case.find("failure") is not None:
                    column, _, check = label.rpartition(" ")
                    out[("violation", f"{name.removeprefix('validation.')}/{column}/{check}", "failed")] += 1
            elif name == "drift":
                if case.find("skipped") is not None:
                    out[("drift", label, "not tested")] += 1
                else:
                    note = case.findtext("system-out") or ""
                    drifted = case.find("failure") is not None or "drifted" in note
                    out[("drift", label, "drifted" if drifted else "steady")] += 1
            elif name == "gates":
                status = "failed" if case in failures else "skipped" if case in skipped else "passed"
                out[("gate", label, status)] += 1
            elif name == "errors":
                error = case.find("error")
                assert error is not None
                out[("error", error.get("message", ""), "error")] += 1
    return out


# --- HTML --------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Every <table> as rows of cell texts; <h3> headings kept to tell tables apart."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_verdicts(text: str, report: Report) -> Counter[Verdict]:
    parser = _Tables()
    parser.feed(text)
    out: Counter[Verdict] = Counter()
    datasets = iter([ds.dataset for ds in report.validation or [] if ds.violations])
    for table in parser.tables:
        head, rows = table[0], table[1:]
        if head[:2] == ["column", "check"]:
            ds = next(datasets)
            for row in rows:
                out[("violation", f"{ds}/{row[0]}/{row[1]}", "failed")] += 1
        elif head[:3] == ["column", "kind", "method"]:
            for row in rows:
                out[("drift", row[0], "drifted" if row[6] == "yes" else "steady")] += 1
        elif head[:2] == ["column", "why"]:
            for row in rows:
                out[("drift", row[0], "not tested")] += 1
        elif head[0] == "metric":
            for row in rows:
                out[("gate", row[0], row[5].split()[-1] if " " not in row[5] else row[5].split()[1])] += 1
        elif head[0] == "where":
            for row in rows:
                line = f"{row[0]}: {row[1]}: {row[2]}" if row[1] else f"{row[0]}: {row[2]}"
                out[("error", line, "error")] += 1
        elif head[:2] == ["column", "drifted"]:
            for row in rows:
                values = ",".join(re.findall(r"(\S+) \(\d+\)", row[2]))
                out[("new", row[0], values)] += 1
    return out


# --- Markdown ----------------------------------------------------------------------------


def _md_text(cell: str) -> str:
    return html.unescape(re.sub(r"</?(code|sub|b)>", "", cell)).strip()


def markdown_verdicts(text: str) -> Counter[Verdict]:
    out: Counter[Verdict] = Counter()
    dataset = current_heading = ""
    for line in text.splitlines():
        if m := re.match(r"<details[^>]*><summary><b>(.*?)</b>: \d+ violations? in", line):
            dataset = _md_text(m.group(1))
        if m := re.match(r"- <code>(.*?)</code>: (.*) <sub>\((.*)\)</sub>$", line):
            if "could not be used" not in text or not m.group(1).endswith((".csv", ".yml", ".json")):
                out[("drift", _md_text(m.group(1)), "not tested")] += 1
                continue
        error_line = r"- (<code>.*?</code>): (?:(<code>.*?</code>): )?(.*?)(?: <sub>\(\w+\)</sub>)?$"
        if m := re.match(error_line, line):
            parts = [_md_text(p) for p in m.groups() if p is not None]
            out[("error", ": ".join(parts), "error")] += 1
            continue
        if m := re.match(r"- (.*?): (.*): \d+ values? in categories the reference never had$", line):
            values = ",".join(_md_text(v) for v in re.findall(r"<code>(.*?)</code>", m.group(2)))
            out[("new", _md_text(m.group(1)), values)] += 1
            continue
        if m := re.match(r"New in current: (.*?): \d+ values? in categories", line):
            column = current_heading
            values = ",".join(_md_text(v) for v in re.findall(r"<code>(.*?)</code>", m.group(1)))
            out[("new", column, values)] += 1
        if m := re.match(r"#### (.*?) · ", line):
            current_heading = _md_text(m.group(1))
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in ("🔴", "🟢"):
            out[("drift", _md_text(cells[1]), "drifted" if cells[0] == "🔴" else "steady")] += 1
        elif len(cells) == 6 and cells[5].split(" ")[-1] in ("passed", "failed", "skipped"):
            out[("gate", _md_text(cells[0]), cells[5].split(" ")[-1])] += 1
        elif len(cells) == 5 and dataset and cells[0] != "column" and cells[1] != "rows":
            out[
                ("violation", f"{dataset}/{_md_text(cells[0]).strip('*')}/{_md_text(cells[1])}", "failed")
            ] += 1
    return out


# --- Text --------------------------------------------------------------------------------


def text_verdicts(text: str) -> Counter[Verdict]:
    out: Counter[Verdict] = Counter()
    dataset = ""
    section = ""
    for line in text.splitlines():
        if m := re.match(r"^(PASSED|FAILED)  (\S+) \(", line):
            dataset, section = m.group(2), "validation"
        elif line.startswith(("DRIFT ", "OK ")):
            section = "drift"
        elif line.startswith("GATES "):
            section = "gates"
        elif line.startswith("ERROR "):
            section = "errors"
        elif section == "errors" and (m := re.match(r"^  ! (.*?)(?: \(\w+\))?$", line)):
            out[("error", m.group(1), "error")] += 1
        elif section == "validation" and (m := re.match(r"^  ✗ (.*?): (\w+) — ", line)):
            out[("violation", f"{dataset}/{m.group(1)}/{m.group(2)}", "failed")] += 1
        elif section == "drift" and (m := re.match(r"^  ([✗✓]) (\S+) ", line)):
            out[("drift", m.group(2), "drifted" if m.group(1) == "✗" else "steady")] += 1
            column = m.group(2)
        elif section == "drift" and (m := re.match(r"^  - (\S+) +not tested: ", line)):
            out[("drift", m.group(1), "not tested")] += 1
        elif section == "drift" and (m := re.search(r"new categories: (.*)$", line)):
            out[("new", column, ",".join(v.strip() for v in m.group(1).split(",")))] += 1
        elif section == "gates" and (m := re.match(r"^  [✓✗-] (\S+): .*: (passed|failed|skipped)", line)):
            out[("gate", m.group(1), m.group(2))] += 1
    return out


# --- The comparisons ---------------------------------------------------------------------


def test_json_round_trips(report: Report) -> None:
    again = Report.model_validate_json(render(report, "json"))
    assert expected(again) == expected(report)


def test_junit_lists_every_check_and_counts_what_it_lists(report: Report) -> None:
    # JUnit has no place for category lists: everything else must agree.
    assert junit_verdicts(render(report, "junit")) == _no_new(expected(report))


def test_html_lists_the_same_checks(report: Report) -> None:
    assert html_verdicts(render(report, "html"), report) == expected(report)


def test_markdown_lists_the_same_checks(report: Report) -> None:
    assert markdown_verdicts(render(report, "md")) == expected(report)


def test_text_lists_the_same_checks(report: Report) -> None:
    assert text_verdicts(render(report, "text")) == expected(report)


def prometheus_verdicts(text: str) -> Counter[Verdict]:
    """Drift and gate verdicts from the exposition; per-check violations are counts there."""
    out: Counter[Verdict] = Counter()
    for line in text.splitlines():
        m = re.match(r"^(mlci_\w+)\{(.*)\} (\S+)$", line)
        if not m:
            continue
        name, labels, value = (
            m.group(1),
            dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2))),
            m.group(3),
        )
        if name == "mlci_column_drifted":
            out[("drift", labels["column"], "drifted" if value == "1" else "steady")] += 1
        elif name == "mlci_gate_passed":
            out[("gate", labels["metric"], "passed" if value == "1" else "failed")] += 1
        elif name == "mlci_gate_skipped" and value == "1":
            out[("gate", labels["metric"], "skipped")] += 1
        elif name in ("mlci_drift_skipped_columns", "mlci_report_errors", "mlci_validation_violations"):
            out[(name, labels.get("dataset", ""), "count")] += int(float(value))
    return out


def test_prometheus_agrees_on_drift_gates_errors_and_violation_counts(report: Report) -> None:
    assert report.drift is not None
    want = Counter(
        {k: n for k, n in expected(report).items() if k[0] in ("drift", "gate") and k[2] != "not tested"}
    )
    want[("mlci_drift_skipped_columns", "cur", "count")] = len(report.drift.skipped)
    want[("mlci_report_errors", "", "count")] = len(report.errors)
    for ds in report.validation or []:
        want[("mlci_validation_violations", ds.dataset, "count")] = len(ds.violations)
    got = prometheus_verdicts(render(report, "prometheus"))
    assert +got == +want


def test_every_format_shows_the_summary_counts(report: Report) -> None:
    assert report.drift is not None
    drifted = sum(c.drifted for c in report.drift.columns)
    line = f"{drifted}/{len(report.drift.columns)} columns drifted"
    for fmt in ("md", "html"):
        assert line in render(report, fmt), fmt
    assert f"{drifted} of {len(report.drift.columns)} columns drifted" in render(report, "text")


def test_the_strict_extra_column_is_a_failure_and_a_missing_columns_checks_are_skipped(
    report: Report,
) -> None:
    root = ET.fromstring(render(report, "junit").encode())
    cur = next(s for s in root.iter("testsuite") if s.get("name") == "validation.cur")
    by_name = {c.get("name"): c for c in cur.findall("testcase")}
    assert by_name["extra extra_column"].find("failure") is not None
    assert "(table) extra_column" not in by_name  # the table check is the failures above
    assert by_name["gone missing_column"].find("failure") is not None
    assert by_name["gone dtype"].find("skipped") is not None  # not "passed"
