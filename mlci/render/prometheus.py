"""Report -> the Prometheus text exposition format (also GitLab's ``artifacts:reports:metrics``).

Names are ``mlci_<what>[_<unit>]`` in snake_case, never with colons (Prometheus keeps
those for recording rules). Every series carries ``model``; drift series carry
``dataset``, ``column`` and ``method``. No sample timestamps: a Pushgateway refuses them,
and Prometheus stamps each scrape itself. Only what the report holds is presented; a value
the report does not have (a skipped column's statistic) is left out, not written as NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from mlci.report.model import Report

__all__ = ["FAMILIES", "render_prometheus", "escape_label_value", "dataset_label", "model_label"]

# name -> HELP text. Every family is a gauge: each value is a reading of one run, not a count
# that only grows.
FAMILIES: dict[str, str] = {
    "mlci_report_passed": "1 when every check in the report passed, else 0.",
    "mlci_report_errors": "Inputs the run could not use (the report's errors; its status is error when > 0).",
    "mlci_report_info": "Always 1; the labels say which mlci and baseline produced the report.",
    "mlci_report_timestamp_seconds": "When the report was written, in seconds since the Unix epoch.",
    "mlci_dataset_rows": "Rows read from the dataset.",
    "mlci_validation_passed": "1 when the dataset met its schema, else 0.",
    "mlci_validation_violations": "Schema checks the dataset failed.",
    "mlci_validation_failures": "Values (or rows, for table checks) that failed one schema check.",
    "mlci_drift_score": "The drift statistic of the column, as in the report (its method's statistic).",
    "mlci_drift_p_value": "The p-value of the column's drift test (tests only).",
    "mlci_drift_threshold": "The threshold the column's drift score or p-value is compared with.",
    "mlci_drift_severity": "The column's score relative to its threshold, any method: >= 1 means drifted.",
    "mlci_column_drifted": "1 when the column drifted, else 0.",
    "mlci_dataset_drifted": "1 when the dataset drifted (the share of drifted columns reached drift_share).",
    "mlci_drifted_share": "Share of tested columns that drifted, from 0 to 1.",
    "mlci_drifted_columns": "Columns that drifted.",
    "mlci_drift_skipped_columns": "Columns not tested for drift (empty, constant, unsupported).",
    "mlci_gate_passed": "1 when the quality gate passed, 0 when it failed; absent when it was skipped.",
    "mlci_gate_skipped": "1 when the quality gate was skipped (the code label says why).",
    "mlci_gate_candidate_value": "The candidate model's value of the gated metric.",
    "mlci_gate_baseline_value": "The baseline model's value of the gated metric.",
    "mlci_gate_delta_value": "Candidate minus baseline value of the gated metric.",
    "mlci_gate_p_value": "One-sided p-value that the candidate is worse than the baseline beyond tolerance.",
}


def escape_label_value(value: str) -> str:
    """The format's three escapes; anything else (unicode, tabs) goes as it is, in UTF-8."""
    # A lone surrogate (possible from JSON "\\ud800") cannot be written as UTF-8 at all.
    value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float | int | bool) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def model_label(report: Report) -> str:
    return report.model.name if report.model is not None and report.model.name else "unnamed"


def dataset_label(report: Report) -> str:
    """The drift's current dataset: its mlci.yml key, else the file's name, else ``current``."""
    current = report.drift.current if report.drift is not None else None
    if current is None:
        return "current"
    if current.dataset:
        return current.dataset
    path = current.path.rstrip("/\\")
    name = PureWindowsPath(path).name if "\\" in path else PurePosixPath(path).name
    return name or path or "current"


@dataclass
class _Family:
    name: str
    samples: dict[tuple[tuple[str, str], ...], float | int | bool] = field(default_factory=dict)

    def add(self, value: float | int | bool | None, **labels: str | None) -> None:
        if value is None:
            return
        key = tuple((k, v or "") for k, v in labels.items())
        # The same series twice would make the exposition invalid: the first one wins.
        self.samples.setdefault(key, value)


class _Exposition:
    def __init__(self) -> None:
        self.families = {name: _Family(name) for name in FAMILIES}

    def __getitem__(self, name: str) -> _Family:
        return self.families[name]

    def text(self) -> str:
        out: list[str] = []
        for family in self.families.values():
            if not family.samples:
                continue
            out.append(f"# HELP {family.name} {_escape_help(FAMILIES[family.name])}")
            out.append(f"# TYPE {family.name} gauge")
            for labels, value in family.samples.items():
                inner = ",".join(f'{k}="{escape_label_value(v)}"' for k, v in labels)
                out.append(f"{family.name}{{{inner}}} {_number(value)}")
        return "\n".join(out) + "\n" if out else ""


def _timestamp(created_at: str) -> float | None:
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(created_at.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _validation(exp: _Exposition, report: Report, model: str) -> None:
    for entry in report.validation or []:
        ds = entry.dataset
        exp["mlci_dataset_rows"].add(entry.rows, model=model, dataset=ds)
        exp["mlci_validation_passed"].add(entry.status == "passed", model=model, dataset=ds)
        exp["mlci_validation_violations"].add(len(entry.violations), model=model, dataset=ds)
        for v in entry.violations:
            exp["mlci_validation_failures"].add(
                v.failed_count, model=model, dataset=ds, column=v.column, check=v.check
            )


def _drift(exp: _Exposition, report: Report, model: str) -> None:
    drift = report.drift
    if drift is None:
        return
    ds = dataset_label(report)
    if drift.current is not None:
        exp["mlci_dataset_rows"].add(drift.current.rows, model=model, dataset=ds)
    if drift.reference is not None and drift.reference.dataset:
        exp["mlci_dataset_rows"].add(drift.reference.rows, model=model, dataset=drift.reference.dataset)
    exp["mlci_dataset_drifted"].add(drift.dataset_drift, model=model, dataset=ds)
    exp["mlci_drifted_share"].add(drift.drifted_share, model=model, dataset=ds)
    drifted = sum(1 for c in drift.columns if c.drifted)
    exp["mlci_drifted_columns"].add(drifted, model=model, dataset=ds)
    exp["mlci_drift_skipped_columns"].add(len(drift.skipped), model=model, dataset=ds)
    for c in drift.columns:
        labels = {"model": model, "dataset": ds, "column": c.column, "method": c.method}
        exp["mlci_drift_score"].add(c.statistic, **labels)
        exp["mlci_drift_p_value"].add(c.p_value, **labels)
        exp["mlci_drift_threshold"].add(c.threshold, **labels)
        exp["mlci_drift_severity"].add(c.severity, **labels)
        exp["mlci_column_drifted"].add(c.drifted, **labels)


def _gates(exp: _Exposition, report: Report, model: str) -> None:
    for g in report.gates.results if report.gates is not None else []:
        # A metric may have several rules (threshold and max_regression): the verdict is
        # per rule, the values per metric.
        verdict = {"model": model, "metric": g.metric, "rule": g.rule}
        if g.status == "skipped":
            exp["mlci_gate_skipped"].add(1, **verdict, code=g.code)
        else:
            exp["mlci_gate_passed"].add(g.status == "passed", **verdict)
        exp["mlci_gate_p_value"].add(g.p_value, **verdict)
        values = {"model": model, "metric": g.metric}
        exp["mlci_gate_candidate_value"].add(g.candidate, **values)
        exp["mlci_gate_baseline_value"].add(g.baseline, **values)
        exp["mlci_gate_delta_value"].add(g.delta, **values)


def render_prometheus(report: Report) -> str:
    """Every series the report supports, grouped by family with HELP and TYPE lines."""
    exp = _Exposition()
    model = model_label(report)
    exp["mlci_report_passed"].add(report.status == "passed", model=model)
    exp["mlci_report_errors"].add(len(report.errors), model=model)
    baseline = report.model.baseline_version if report.model is not None else None
    if baseline is None and report.gates is not None:
        baseline = report.gates.baseline_version
    exp["mlci_report_info"].add(1, model=model, mlci_version=report.mlci_version, baseline_version=baseline)
    exp["mlci_report_timestamp_seconds"].add(_timestamp(report.created_at), model=model)
    for section in (_validation, _drift, _gates):
        section(exp, report, model)
    return exp.text()
