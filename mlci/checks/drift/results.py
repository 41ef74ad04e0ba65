"""Results of drift detection: per-column decisions with compact summaries of both sides.

The summaries (at most 20 histogram bins, or the top categories) let renderers draw
comparisons later, from the report alone, without the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlci.vocab import SKIP_REASONS, DriftKind, SkipReason

__all__ = [
    "SideSummary",
    "Histogram",
    "CategoryCount",
    "Categories",
    "ColumnDrift",
    "SkippedColumn",
    "DriftOutcome",
    "SKIP_REASONS",
]


@dataclass
class SideSummary:
    """One side of one column: counts, and for numeric columns a five-number summary."""

    rows: int
    tested: int  # values that entered the test
    missing: int
    invalid: int  # present but unusable: text in a numeric column, ±inf
    mean: float | None = None
    std: float | None = None
    min: float | None = None
    q25: float | None = None
    median: float | None = None
    q75: float | None = None
    max: float | None = None

    @property
    def missing_share(self) -> float:
        return self.missing / self.rows if self.rows else 0.0


@dataclass
class Histogram:
    """Counts of both sides in the same equal-width bins (``len(edges) - 1`` of them)."""

    edges: list[float]
    reference: list[int]
    current: list[int]
    reference_share: list[float]
    current_share: list[float]


@dataclass
class CategoryCount:
    value: object
    reference: int
    current: int
    reference_share: float
    current_share: float


@dataclass
class Categories:
    """The most frequent categories of either side, and what appeared or vanished."""

    count: int  # distinct categories on both sides together
    top: list[CategoryCount]
    other_reference: int  # values in categories not listed in ``top``
    other_current: int
    new: list[CategoryCount]  # only in the current data, most frequent first
    new_count: int
    new_rows: int  # current values in categories the reference never had
    vanished: list[CategoryCount]  # only in the reference
    vanished_count: int


@dataclass
class ColumnDrift:
    column: str
    kind: DriftKind
    method: str
    statistic: float | None
    p_value: float | None
    threshold: float
    drifted: bool
    comparison: str  # how the score meets the threshold: "<=", "<" or ">="
    auto_method: bool  # chosen by the defaults rather than configured
    severity: float  # score relative to the threshold; >= 1 means drifted
    reference: SideSummary
    current: SideSummary
    histogram: Histogram | None = None
    categories: Categories | None = None


@dataclass
class SkippedColumn:
    column: str
    reason: SkipReason
    detail: str
    reference_missing: int | None = None
    current_missing: int | None = None


@dataclass
class DriftOutcome:
    columns: list[ColumnDrift]
    skipped: list[SkippedColumn] = field(default_factory=list)
    drift_share: float = 0.5
    fail_on_drift: bool = False
    reference_rows: int = 0
    current_rows: int = 0

    @property
    def drifted_count(self) -> int:
        return sum(c.drifted for c in self.columns)

    @property
    def drifted_share(self) -> float:
        return self.drifted_count / len(self.columns) if self.columns else 0.0

    @property
    def dataset_drift(self) -> bool:
        """Evidently's rule: the share of drifted columns reaches ``drift_share``."""
        return bool(self.columns) and self.drifted_share >= self.drift_share

    @property
    def failed(self) -> bool:
        return self.fail_on_drift and self.dataset_drift

    @property
    def untested_reason(self) -> str | None:
        """Why no column was tested (drift then checked nothing), or None if some were."""
        if self.columns:
            return None
        if not self.skipped:
            return "no column to compare: drift.include lists none, or every column is excluded"
        reasons = [s.reason for s in self.skipped]
        if all(r in ("only_in_reference", "only_in_current") for r in reasons):
            return "the reference and the current data share no column"
        counts = ", ".join(f"{reasons.count(r)} {r}" for r in dict.fromkeys(reasons))
        return f"every column was skipped ({counts})"
