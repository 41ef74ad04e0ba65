"""The ``drift`` section of ``mlci-report.json``.

The contract fields (DESIGN.md) are ``status``, ``drifted_share``, ``dataset_drift`` and
``columns`` with ``column, kind, method, statistic, p_value, threshold, drifted``; the
rest is added so the report answers "where and how much" without the data.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from mlci.vocab import DriftStatus

__all__ = [
    "DriftSide",
    "DriftHistogram",
    "DriftCategory",
    "DriftCategories",
    "DriftColumn",
    "DriftSkipped",
    "DriftDataset",
    "DriftSection",
]


class DriftSide(BaseModel):
    """One side of a column: how many values were tested, missing or unusable."""

    rows: int = Field(ge=0)
    tested: int = Field(ge=0)
    missing: int = Field(ge=0)
    missing_share: float = Field(ge=0, le=1)
    invalid: int = Field(default=0, ge=0)  # text in a numeric column, ±inf
    mean: float | None = None
    std: float | None = None
    min: float | None = None
    q25: float | None = None
    median: float | None = None
    q75: float | None = None
    max: float | None = None


class DriftHistogram(BaseModel):
    """Both sides in the same bins: ``len(edges) - 1`` counts and shares each."""

    edges: list[float]
    reference: list[int]
    current: list[int]
    reference_share: list[float]
    current_share: list[float]


class DriftCategory(BaseModel):
    value: Any
    reference: int
    current: int
    reference_share: float
    current_share: float


class DriftCategories(BaseModel):
    count: int  # distinct categories on both sides together
    top: list[DriftCategory] = Field(default_factory=list)
    other_reference: int = 0
    other_current: int = 0
    new: list[DriftCategory] = Field(default_factory=list)  # only in the current data
    new_count: int = 0
    new_rows: int = 0
    vanished: list[DriftCategory] = Field(default_factory=list)  # only in the reference
    vanished_count: int = 0


class DriftColumn(BaseModel):
    column: str
    kind: str  # "numeric" | "categorical"
    method: str
    statistic: float | None = None
    p_value: float | None = None
    threshold: float
    drifted: bool
    # How the score (p_value for tests, statistic for distances) meets the threshold.
    comparison: Literal["<=", "<", ">="] | None = None
    auto_method: bool = True
    severity: float = 0.0  # the score relative to the threshold: >= 1 means drifted
    reference: DriftSide | None = None
    current: DriftSide | None = None
    histogram: DriftHistogram | None = None
    categories: DriftCategories | None = None


class DriftSkipped(BaseModel):
    """A column that was not tested, with a stable reason code."""

    column: str
    reason: str
    detail: str
    reference_missing: int | None = None
    current_missing: int | None = None


class DriftDataset(BaseModel):
    path: str
    rows: int = Field(ge=0)
    dataset: str | None = None  # its key under mlci.yml's datasets:, when it came from there


class DriftSection(BaseModel):
    # skipped: no column could be tested (see ``reason``); drift checked nothing.
    status: DriftStatus
    drifted_share: float = Field(ge=0, le=1)
    dataset_drift: bool
    columns: list[DriftColumn] = Field(default_factory=list)
    drift_share: float | None = None  # the share of drifted columns that means dataset drift
    drifted_count: int | None = None
    fail_on_drift: bool | None = None
    reference: DriftDataset | None = None
    current: DriftDataset | None = None
    skipped: list[DriftSkipped] = Field(default_factory=list)
    reason: str | None = None  # why the section is skipped
