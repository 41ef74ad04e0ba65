"""The ``gates`` section of ``mlci-report.json``.

One result per gate rule. The contract fields (DESIGN.md) are ``metric``, ``candidate``,
``baseline``, ``delta``, ``status``, ``p_value``; the rest explain the verdict:
``code`` is a stable reason code (see ``mlci.checks.gates``), ``reason`` and ``note``
are sentences for people.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from mlci.vocab import GATE_CODES, Direction, GateStatus, RuleKind

__all__ = ["GateResult", "GatesSection", "GATE_CODES"]


class GateResult(BaseModel):
    metric: str
    candidate: float | None = None
    baseline: float | None = None
    delta: float | None = None  # candidate - baseline
    status: GateStatus
    # One-sided p-value of "worse than the baseline by more than the tolerance" (paired
    # bootstrap); None when no test ran.
    p_value: float | None = None
    reason: str | None = None  # why it failed or was skipped, or why a regression passed
    code: str = "ok"  # stable reason code
    rule: RuleKind | None = None
    limit: float | None = None  # threshold, max_regression, or max_regression_pct (percent)
    tolerance: float | None = None  # allowed worsening in metric units (relative rules)
    implicit: bool = False  # the gate named no rule: "no regression" was checked
    direction: Direction | None = None
    alpha: float | None = None
    significant: bool | None = None
    ci_low: float | None = None  # interval of delta at ci_level (matches the test at alpha)
    ci_high: float | None = None
    ci_level: float | None = None
    mcnemar_p_value: float | None = None  # accuracy: exact McNemar, H0 equal accuracy
    examples: int | None = None  # paired examples tested
    resamples: int | None = None
    note: str | None = None  # extra context: significance not tested, and why


class GatesSection(BaseModel):
    status: GateStatus
    results: list[GateResult] = Field(default_factory=list)
    baseline_version: str | None = None
    baseline_source: str | None = None  # where the baseline came from, for readers
    registry: str | None = None  # backend name
