"""``--format prometheus``: Prometheus's own promtool accepts it, hostile names included."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlci.render import render
from mlci.render.prometheus import FAMILIES, escape_label_value
from mlci.report import DatasetValidation, GateResult, GatesSection, ModelInfo, Report, Violation
from mlci.report.drift import DriftColumn, DriftDataset, DriftSection, DriftSkipped

GOLDEN = Path(__file__).parent / "golden"

HOSTILE = ['quote"d', "back\\slash", "new\nline", "ünï€ødé 列", 'x{y="z"},w', "tab\there", "trail\\"]


def drift(columns: list[str], *, current: DriftDataset | None = None) -> DriftSection:
    cols = [
        DriftColumn(
            column=name,
            kind="numeric",
            method="ks" if i % 2 else "wasserstein",
            statistic=0.05 * (i + 1),
            p_value=0.5 / (i + 1) if i % 2 else None,
            threshold=0.05 if i % 2 else 0.1,
            drifted=i % 3 == 0,
        )
        for i, name in enumerate(columns)
    ]
    drifted = sum(c.drifted for c in cols)
    return DriftSection(
        status="passed",
        drifted_share=round(drifted / len(cols), 6),
        dataset_drift=drifted / len(cols) >= 0.5,
        columns=cols,
        reference=DriftDataset(path="data/train.csv", rows=4000, dataset="train"),
        current=current or DriftDataset(path="data/current.csv", rows=1500, dataset="production"),
        skipped=[DriftSkipped(column="id", reason="text", detail="all distinct")],
    )


def ordinary() -> Report:
    validation = DatasetValidation(
        dataset="production",
        path="data/current.csv",
        rows=1500,
        status="failed",
        violations=[
            Violation(column="age", check="max", failed_count=3),
            Violation(column=None, check="rows_min", failed_count=1),
        ],
    )
    gates = GatesSection(
        status="failed",
        baseline_version="1.2.0",
        results=[
            GateResult(
                metric="roc_auc",
                candidate=0.84,
                baseline=0.83,
                delta=0.01,
                status="passed",
                rule="threshold",
                limit=0.8,
            ),
            GateResult(
                metric="roc_auc",
                candidate=0.84,
                baseline=0.83,
                delta=0.01,
                status="passed",
                rule="max_regression",
                p_value=0.97,
            ),
            GateResult(
                metric="latency_ms",
                candidate=12.5,
                baseline=10.0,
                delta=2.5,
                status="failed",
                rule="max_regression_pct",
            ),
            GateResult(metric="f1", status="skipped", code="no_baseline", candidate=0.7),
        ],
    )
    report = Report(
        model=ModelInfo(name="churn", baseline_version="1.2.0"),
        validation=[validation],
        drift=drift(["age", "plan", "tenure_months"]),
        gates=gates,
        created_at="2026-01-01T00:00:00+00:00",
        mlci_version="0.1.0",
    )
    return report.with_status()


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: review, then UPDATE_GOLDEN=1"


def samples(text: str, family: str) -> dict[str, str]:
    """``{labels: value}`` of one family, for the simple (non-hostile) reports only."""
    found = re.findall(rf"^{family}\{{(.*)\}} (\S+)$", text, flags=re.M)
    return dict(found)


def check_metrics(promtool: Callable[..., object], text: str) -> None:
    proc = promtool("check", "metrics", input=text)
    assert proc.returncode == 0 and proc.stdout + proc.stderr == "", proc.stdout + proc.stderr  # type: ignore[attr-defined]


def test_ordinary_report_passes_promtool_and_matches_golden(promtool: Callable[..., object]) -> None:
    text = render(ordinary(), "prometheus")
    check_metrics(promtool, text)
    check_golden("report.prom", text)


def test_drift_score_is_the_reports_statistic_and_flags_are_0_or_1() -> None:
    report = ordinary()
    text = render(report, "prometheus")
    scores = samples(text, "mlci_drift_score")
    drifted = samples(text, "mlci_column_drifted")
    assert report.drift is not None
    for col in report.drift.columns:
        labels = f'model="churn",dataset="production",column="{col.column}",method="{col.method}"'
        assert float(scores[labels]) == col.statistic
        assert drifted[labels] == ("1" if col.drifted else "0")
    assert samples(text, "mlci_dataset_drifted") == {'model="churn",dataset="production"': "0"}
    assert samples(text, "mlci_drifted_share") == {'model="churn",dataset="production"': "0.333333"}
    assert samples(text, "mlci_report_passed") == {'model="churn"': "0"}


def test_validation_and_gate_series() -> None:
    text = render(ordinary(), "prometheus")
    assert samples(text, "mlci_validation_failures") == {
        'model="churn",dataset="production",column="age",check="max"': "3",
        'model="churn",dataset="production",column="",check="rows_min"': "1",
    }
    assert samples(text, "mlci_validation_passed") == {'model="churn",dataset="production"': "0"}
    # one verdict per rule, one value per metric; a skipped gate says why and has no verdict
    assert samples(text, "mlci_gate_passed") == {
        'model="churn",metric="roc_auc",rule="threshold"': "1",
        'model="churn",metric="roc_auc",rule="max_regression"': "1",
        'model="churn",metric="latency_ms",rule="max_regression_pct"': "0",
    }
    assert samples(text, "mlci_gate_skipped") == {'model="churn",metric="f1",rule="",code="no_baseline"': "1"}
    assert samples(text, "mlci_gate_baseline_value") == {
        'model="churn",metric="roc_auc"': "0.83",
        'model="churn",metric="latency_ms"': "10.0",
    }
    assert samples(text, "mlci_gate_candidate_value")['model="churn",metric="f1"'] == "0.7"


def test_every_name_is_snake_case_mlci_without_colons() -> None:
    for name in FAMILIES:
        assert re.fullmatch(r"mlci_[a-z][a-z0-9_]*", name), name
    text = render(ordinary(), "prometheus")
    declared = [line.split()[2] for line in text.splitlines() if line.startswith("# TYPE ")]
    assert declared and all(
        line.endswith(" gauge") for line in text.splitlines() if line.startswith("# TYPE")
    )
    assert set(declared) <= set(FAMILIES)


def test_hostile_names_are_escaped_and_promtool_accepts_them(promtool: Callable[..., object]) -> None:
    report = Report(
        model=ModelInfo(name='team/"churn"\n'),
        drift=drift(HOSTILE, current=DriftDataset(path='C:\\data\\pro"d.csv', rows=9)),
        validation=[
            DatasetValidation(
                dataset="new\nline",
                path="x.csv",
                rows=1,
                status="failed",
                violations=[Violation(column=c, check="dtype", failed_count=1) for c in HOSTILE],
            )
        ],
    ).with_status()
    text = render(report, "prometheus")
    check_metrics(promtool, text)
    # every sample is one physical line: newlines inside values are escaped
    for line in text.splitlines():
        assert line.startswith(("# HELP mlci_", "# TYPE mlci_", "mlci_")), line
    assert 'column="quote\\"d"' in text
    assert 'column="back\\\\slash"' in text
    assert 'column="new\\nline"' in text
    assert 'column="ünï€ødé 列"' in text
    assert 'column="trail\\\\"' in text
    assert 'model="team/\\"churn\\"\\n"' in text
    assert 'dataset="pro\\"d.csv"' in text  # a command-line run: the current file's name


def test_lone_surrogates_from_json_still_give_valid_utf8(
    tmp_path: Path, promtool: Callable[..., object]
) -> None:
    data = json.loads(ordinary().to_json())
    data["drift"]["columns"][0]["column"] = "bad\ud800half"
    report = Report.model_validate(data)
    text = render(report, "prometheus")
    text.encode("utf-8")  # would raise on a surrogate
    check_metrics(promtool, text)


@pytest.mark.parametrize(
    "value,escaped", [("a", "a"), ('"', '\\"'), ("\\", "\\\\"), ("\n", "\\n"), ("\\n", "\\\\n")]
)
def test_escape_label_value(value: str, escaped: str) -> None:
    assert escape_label_value(value) == escaped


def test_an_empty_report_still_says_whether_it_passed(promtool: Callable[..., object]) -> None:
    text = render(Report(created_at="2026-01-01T00:00:00+00:00"), "prometheus")
    check_metrics(promtool, text)
    assert samples(text, "mlci_report_passed") == {'model="unnamed"': "1"}
    assert "mlci_drift" not in text


def test_an_error_report_counts_the_inputs_it_could_not_use(promtool: Callable[..., object]) -> None:
    from mlci.errors import DataError
    from mlci.report.errors import report_errors

    errors = report_errors(
        DataError("has a header but no data rows", path="cur.csv", key="datasets.cur.path")
    )
    report = Report(errors=errors, created_at="2026-01-01T00:00:00+00:00").with_status()
    text = render(report, "prometheus")
    check_metrics(promtool, text)
    assert samples(text, "mlci_report_errors") == {'model="unnamed"': "1"}
    assert samples(text, "mlci_report_passed") == {'model="unnamed"': "0"}
    clean = render(Report(created_at="2026-01-01T00:00:00+00:00"), "prometheus")
    assert samples(clean, "mlci_report_errors") == {'model="unnamed"': "0"}


def test_cli_renders_prometheus(mlci: Callable[..., object], tmp_path: Path) -> None:
    path = tmp_path / "mlci-report.json"
    path.write_text(ordinary().to_json(), encoding="utf-8")
    out = tmp_path / "metrics.prom"
    result = mlci("report", path, "--format", "prometheus", "-o", out)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert out.read_text(encoding="utf-8") == render(ordinary(), "prometheus")


def test_a_real_check_labels_series_with_the_mlci_yml_keys(
    mlci: Callable[..., Any], tmp_path: Path, promtool: Callable[..., Any]
) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "churn"
    out = tmp_path / "mlci-report.json"
    checked = mlci("check", "-c", example / "mlci.yml", "-o", out)
    assert checked.exit_code in (0, 1), checked.stderr
    result = mlci("report", out, "--format", "prometheus")
    assert result.exit_code == 0, result.stderr
    check_metrics(promtool, result.stdout)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["drift"]["current"]["dataset"] == "current"
    assert report["drift"]["reference"]["dataset"] == "train"
    scores = samples(result.stdout, "mlci_drift_score")
    for col in report["drift"]["columns"]:
        labels = f'model="churn",dataset="current",column="{col["column"]}",method="{col["method"]}"'
        assert float(scores[labels]) == col["statistic"]
