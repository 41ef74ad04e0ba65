"""The report's ``errors`` section: located entries, status ``error``, the exit code it means."""

from __future__ import annotations

from mlci.config.problems import ConfigProblems
from mlci.errors import ConfigError, DataError, ServiceError
from mlci.report import Report
from mlci.report.errors import errors_exit_code, report_errors


def test_each_problem_of_a_config_error_is_one_entry() -> None:
    error = ConfigProblems(
        [
            ConfigError("unknown key 'x'", path="schema.yml", line=3, column=5, key="columns.a.x"),
            ConfigError("required key is missing", path="schema.yml", line=1, key="columns"),
        ]
    )
    entries = report_errors(error, "datasets")
    assert [e.one_line() for e in entries] == [
        "schema.yml:3:5: columns.a.x: unknown key 'x'",
        "schema.yml:1: columns: required key is missing",
    ]
    assert {e.section for e in entries} == {"datasets"} and errors_exit_code(entries) == 2


def test_a_service_failure_means_exit_3() -> None:
    entries = report_errors(DataError("bad", path="a.csv"))
    entries += report_errors(ServiceError("MLflow GET /x: 503"))
    assert [e.kind for e in entries] == ["input", "service"]
    assert errors_exit_code(entries) == 3


def test_errors_make_the_status_error_and_survive_a_round_trip() -> None:
    missing = DataError("file not found", path="cur.csv", key="datasets.cur.path")
    report = Report(errors=report_errors(missing))
    report = report.with_status()
    assert report.status == "error"
    again = Report.model_validate_json(report.to_json())
    assert again.errors == report.errors and again.status == "error"
    assert Report().with_status().status == "passed" and Report().errors == []
