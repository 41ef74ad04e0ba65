"""The ``gates`` section of ``mlci-report.json``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["GateResult", "GatesSection"]


class GateResult(BaseModel):
    metric: str
    candidate: float | None = None
    baseline: float | None = None
    delta: float | None = None
    status: Literal["passed", "failed", "skipped"]
    p_value: float | None = None
    reason: str | None = None


class GatesSection(BaseModel):
    status: Literal["passed", "failed", "skipped"]
    results: list[GateResult] = Field(default_factory=list)
