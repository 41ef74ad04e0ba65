"""The ``drift`` section of ``mlci-report.json``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["DriftColumn", "DriftSection"]


class DriftColumn(BaseModel):
    column: str
    kind: str  # "numeric" | "categorical"
    method: str
    statistic: float | None = None
    p_value: float | None = None
    threshold: float
    drifted: bool


class DriftSection(BaseModel):
    status: Literal["passed", "failed"]
    drifted_share: float = Field(ge=0, le=1)
    dataset_drift: bool
    columns: list[DriftColumn] = Field(default_factory=list)
