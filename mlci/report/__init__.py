"""Layer 5: the Report model (the mlci-report.json contract)."""

from mlci.report.drift import DriftColumn, DriftSection
from mlci.report.errors import ReportError
from mlci.report.gates import GateResult, GatesSection
from mlci.report.model import REPORT_VERSION, ModelInfo, Report, load_report, overall_status
from mlci.report.validation import DatasetValidation, Violation

__all__ = [
    "REPORT_VERSION",
    "DatasetValidation",
    "DriftColumn",
    "DriftSection",
    "GateResult",
    "GatesSection",
    "ModelInfo",
    "Report",
    "ReportError",
    "Violation",
    "load_report",
    "overall_status",
]
