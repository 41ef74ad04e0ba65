"""The public vocabularies, one source each: reason codes, statuses, directions, kinds.

These words appear in ``mlci-report.json``, ``mlci.yml`` and schema files, so users and
automation depend on them. Every layer may import this module (like ``mlci.errors``); it
imports nothing of mlci's. Each ``Literal`` has a tuple twin for run-time checks, derived
from it, so the two cannot disagree.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "CHECK_ORDER",
    "CHECK_STATUSES",
    "DIRECTIONS",
    "DRIFT_KINDS",
    "DRIFT_METHODS",
    "DRIFT_STATUSES",
    "DTYPES",
    "ERROR_KINDS",
    "ERROR_SECTIONS",
    "GATE_CODES",
    "RULE_KINDS",
    "GATE_STATUSES",
    "REGISTRY_BACKENDS",
    "REPORT_STATUSES",
    "SKIP_REASONS",
    "TASKS",
    "VIOLATION_CHECKS",
    "CheckStatus",
    "Direction",
    "DriftKind",
    "DriftMethod",
    "DriftStatus",
    "Dtype",
    "ErrorKind",
    "ErrorSection",
    "GateCode",
    "RuleKind",
    "GateStatus",
    "RegistryBackend",
    "ReportStatus",
    "SkipReason",
    "Task",
    "ViolationCheck",
]

# -- validation (schema.yml) ------------------------------------------------------------

Dtype = Literal["int", "float", "bool", "string", "category", "datetime"]
DTYPES: tuple[Dtype, ...] = get_args(Dtype)

# The ``check`` field of a violation (DESIGN.md, schema contract).
ViolationCheck = Literal[
    "missing_column",
    "extra_column",
    "dtype",
    "nullable",
    "unique",
    "min",
    "max",
    "allowed",
    "pattern",
    "min_length",
    "max_length",
    "rows_min",
    "rows_max",
]
VIOLATION_CHECKS: tuple[ViolationCheck, ...] = get_args(ViolationCheck)
# The order checks are reported in: table checks first, then as a reviewer reads a column.
CHECK_ORDER: tuple[ViolationCheck, ...] = (
    "rows_min",
    "rows_max",
    "missing_column",
    "extra_column",
    "dtype",
    "nullable",
    "unique",
    "min",
    "max",
    "allowed",
    "pattern",
    "min_length",
    "max_length",
)

# -- statuses ---------------------------------------------------------------------------

CheckStatus = Literal["passed", "failed"]  # a dataset's validation
CHECK_STATUSES: tuple[CheckStatus, ...] = get_args(CheckStatus)
# The drift section: skipped when no column could be tested (drift checked nothing).
DriftStatus = Literal["passed", "failed", "skipped"]
DRIFT_STATUSES: tuple[DriftStatus, ...] = get_args(DriftStatus)
# "error": an input could not be used; the report lists it under ``errors``.
ReportStatus = Literal["passed", "failed", "error"]
REPORT_STATUSES: tuple[ReportStatus, ...] = get_args(ReportStatus)
GateStatus = Literal["passed", "failed", "skipped"]
GATE_STATUSES: tuple[GateStatus, ...] = get_args(GateStatus)
# An entry of the report's ``errors``: which step it came from, and whose fault it was
# ("service": an external service failed, exit 3; "input": a file was unusable, exit 2).
ErrorSection = Literal["config", "datasets", "validation", "drift", "gates", "report"]
ERROR_SECTIONS: tuple[ErrorSection, ...] = get_args(ErrorSection)
ErrorKind = Literal["input", "service"]
ERROR_KINDS: tuple[ErrorKind, ...] = get_args(ErrorKind)

# -- gates (mlci.yml gates:) --------------------------------------------------------------

Direction = Literal["higher", "lower"]
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
RuleKind = Literal["threshold", "max_regression", "max_regression_pct"]
RULE_KINDS: tuple[RuleKind, ...] = get_args(RuleKind)
# Why a gate has its status (see ``mlci.checks.gates``).
GateCode = Literal[
    "ok",
    "regression_not_significant",
    "threshold",
    "regression",
    "missing_candidate",
    "unavailable",
    "nan_candidate",
    "infinite_candidate",  # +-Infinity or beyond float range: not a measurement
    "no_baseline",
    "missing_baseline",
    "nan_baseline",
    "infinite_baseline",
]
GATE_CODES: tuple[GateCode, ...] = get_args(GateCode)
Task = Literal["classification", "regression"]
TASKS: tuple[Task, ...] = get_args(Task)

# -- drift (mlci.yml drift:) ------------------------------------------------------------

DriftKind = Literal["numeric", "categorical"]
DRIFT_KINDS: tuple[DriftKind, ...] = get_args(DriftKind)
DriftMethod = Literal["ks", "chisquare", "z", "wasserstein", "jensenshannon", "psi", "kl_div", "hellinger"]
DRIFT_METHODS: tuple[DriftMethod, ...] = get_args(DriftMethod)
# Why a column was not tested for drift.
SkipReason = Literal[
    "only_in_reference",  # the current data has no such column
    "only_in_current",  # the reference has no such column
    "not_found",  # no longer produced: a drift setting naming no column is a config error
    "no_reference_values",  # every reference value is missing
    "no_current_values",  # every current value is missing
    "no_numbers",  # a numeric column with no usable number on one side
    "datetime",  # dates and times are not tested
    "text",  # mostly unique text: an identifier or free text
]
SKIP_REASONS: tuple[SkipReason, ...] = get_args(SkipReason)

# -- registry (mlci.yml registry:) --------------------------------------------------------

RegistryBackend = Literal["file", "git", "mlflow"]
REGISTRY_BACKENDS: tuple[RegistryBackend, ...] = get_args(RegistryBackend)
