"""Drift detection: has the data moved since the reference, where, and how much.

Evidently-compatible defaults (see ``detector``), eight methods (``stattests``), compact
distribution summaries for the report (``summary``).
"""

from mlci.checks.drift.detector import (
    SMALL_REFERENCE,
    ColumnOptions,
    DriftOptions,
    compare_column,
    default_method,
    detect_drift,
    detect_drift_sources,
)
from mlci.checks.drift.results import (
    SKIP_REASONS,
    Categories,
    CategoryCount,
    ColumnDrift,
    DriftOutcome,
    Histogram,
    SideSummary,
    SkippedColumn,
)
from mlci.checks.drift.stattests import METHOD_NAMES, METHODS

__all__ = [
    "METHODS",
    "METHOD_NAMES",
    "SKIP_REASONS",
    "SMALL_REFERENCE",
    "Categories",
    "CategoryCount",
    "ColumnDrift",
    "ColumnOptions",
    "DriftOptions",
    "DriftOutcome",
    "Histogram",
    "SideSummary",
    "SkippedColumn",
    "compare_column",
    "default_method",
    "detect_drift",
    "detect_drift_sources",
]
