"""The mlci-report.json contract: JSON round-trip, status roll-up, clear load errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlci.errors import InputError
from mlci.report import (
    DatasetValidation,
    DriftColumn,
    DriftSection,
    GateResult,
    GatesSection,
    ModelInfo,
    Report,
    Violation,
    load_report,
)

DESIGN_EXAMPLE = {
    "mlci_report_version": 1,
    "status": "passed",
    "model": {"name": "churn", "baseline_version": "1.2.0"},
    "validation": [
        {
            "dataset": "current",
            "path": "data/current.csv",
            "rows": 5000,
            "status": "failed",
            "violations": [{"column": "age", "check": "max", "failed_count": 3, "examples": [130]}],
        }
    ],
    "drift": {
        "status": "passed",
        "drifted_share": 0.25,
        "dataset_drift": False,
        "columns": [
            {
                "column": "age",
                "kind": "numeric",
                "method": "ks",
                "statistic": 0.031,
                "p_value": 0.21,
                "threshold": 0.05,
                "drifted": False,
            }
        ],
    },
    "gates": {
        "status": "passed",
        "results": [
            {
                "metric": "roc_auc",
                "candidate": 0.84,
                "baseline": 0.83,
                "delta": 0.01,
                "status": "passed",
                "p_value": None,
            }
        ],
    },
}


def test_design_example_loads_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(DESIGN_EXAMPLE))
    report = load_report(path)
    again = Report.model_validate_json(report.to_json())
    assert again == report
    dumped = json.loads(report.to_json())
    # Every contract field survives with its name.
    assert dumped["validation"][0]["violations"][0]["examples"] == [130]
    assert dumped["drift"]["columns"][0]["p_value"] == 0.21
    assert dumped["gates"]["results"][0]["delta"] == 0.01
    assert dumped["model"]["baseline_version"] == "1.2.0"


def test_status_rolls_up_from_sections() -> None:
    ok = DatasetValidation(dataset="d", path="d.csv", rows=1, status="passed")
    bad = ok.model_copy(
        update={"status": "failed", "violations": [Violation(column="a", check="min", failed_count=1)]}
    )
    assert Report(validation=[ok]).with_status().status == "passed"
    assert Report(validation=[ok, bad]).with_status().status == "failed"
    drift = DriftSection(
        status="failed",
        drifted_share=1.0,
        dataset_drift=True,
        columns=[DriftColumn(column="a", kind="numeric", method="ks", threshold=0.05, drifted=True)],
    )
    assert Report(drift=drift).with_status().status == "failed"
    gates = GatesSection(status="failed", results=[GateResult(metric="f1", status="failed")])
    assert Report(model=ModelInfo(name="m"), gates=gates).with_status().status == "failed"


def test_sections_that_did_not_run_are_null() -> None:
    data = json.loads(Report().to_json())
    assert data["validation"] is None and data["drift"] is None and data["gates"] is None


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{", "invalid JSON"),
        ('{"mlci_report_version": 2}', "not supported"),
        ('{"status": "great"}', "not an mlci report"),
    ],
)
def test_bad_report_files(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(content)
    with pytest.raises(InputError, match=fragment):
        load_report(path)


def test_missing_report(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_report(tmp_path / "nope.json")
