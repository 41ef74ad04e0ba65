"""Quality gates: the candidate's metrics against absolute bounds and the baseline.

Pure: metric values (and, for significance, paired predictions) in, one ``GateOutcome``
per gate rule out, each with a status and a stable reason code:

==========================  ========  ===================================================
code                        status    meaning
==========================  ========  ===================================================
``ok``                      passed    the rule holds
``regression_not_significant`` passed worse than tolerated, but not shown to be (alpha)
``threshold``               failed    the candidate is on the wrong side of the bound
``regression``              failed    worse than tolerated (when tested: the interval's worse
                                      end lies beyond the tolerance, p <= alpha)
``missing_candidate``       failed    the candidate has no value for the metric
``unavailable``             failed    the metric cannot be computed from the predictions
``nan_candidate``           failed    the candidate's value is NaN
``infinite_candidate``      failed    the candidate's value is +-Infinity (or beyond float range)
``infinite_baseline``       failed    the baseline's value is +-Infinity: nothing to compare with
``no_baseline``             skipped   no baseline registered (relative rules only)
``missing_baseline``        skipped   the baseline has no value for the metric
``nan_baseline``            skipped   the baseline's value is NaN
==========================  ========  ===================================================
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from mlci.checks.metrics import KNOWN_METRICS, default_direction, unavailable_reason
from mlci.checks.predictions import Predictions
from mlci.checks.significance import BootstrapDeltas, Significance, bootstrap_deltas
from mlci.config.gates import GateConfig, GateRule, RuleKind
from mlci.vocab import Direction, GateStatus

__all__ = [
    "GateOutcome",
    "Pairing",
    "Status",
    "evaluate_gates",
    "gates_status",
    "unknown_metrics",
]

Status = GateStatus


@dataclass(frozen=True)
class GateOutcome:
    metric: str
    rule: RuleKind
    limit: float  # the configured number: the bound, or the allowed regression (pct: percent)
    direction: Direction
    status: Status
    code: str
    candidate: float | None = None
    baseline: float | None = None
    delta: float | None = None  # candidate - baseline
    tolerance: float | None = None  # allowed worsening in metric units (relative rules)
    implicit: bool = False  # the gate had no rule: "no regression" was assumed
    alpha: float | None = None
    significance: Significance | None = None
    # Why the metric is unavailable, or why a requested significance test did not run.
    detail: str | None = None


@dataclass
class Pairing:
    """The candidate's and the baseline's predictions on the same examples, if any."""

    candidate: Predictions | None = None
    baseline: Predictions | None = None
    problem: str | None = None  # why there is no usable pair
    _cache: dict[tuple[str, int, int], BootstrapDeltas] = field(default_factory=dict)

    def deltas(self, metric: str, resamples: int, seed: int) -> BootstrapDeltas | str:
        """The bootstrap of ``metric``, or why it cannot be computed."""
        if self.problem is not None:
            return self.problem
        if self.candidate is None or self.baseline is None:
            return "no per-example predictions of the candidate and the baseline"
        if metric not in KNOWN_METRICS:
            return f"{metric} is not computed from per-example predictions"
        for side, pred in (("candidate", self.candidate), ("baseline", self.baseline)):
            reason = unavailable_reason(pred, metric)
            if reason is not None:
                return f"{side}: {reason}"
        key = (metric, resamples, seed)
        if key not in self._cache:
            self._cache[key] = bootstrap_deltas(
                self.candidate, self.baseline, metric, resamples=resamples, seed=seed
            )
        return self._cache[key]


def unknown_metrics(gates: list[GateConfig], known: Iterable[str]) -> list[tuple[int, str]]:
    """(index, metric) of gates naming a metric that is neither built in nor in any file."""
    names = set(KNOWN_METRICS) | set(known)
    return [(i, g.metric) for i, g in enumerate(gates) if g.metric not in names]


def _slack(*values: float | None) -> float:
    # Absorbs float noise such as 0.83 - 0.82 = 0.010000000000000009 against a 0.01 limit.
    return 1e-9 * max([1.0] + [abs(v) for v in values if v is not None])


def evaluate_gates(
    gates: list[GateConfig],
    candidate: dict[str, float],
    baseline: dict[str, float] | None,
    *,
    unavailable: dict[str, str] | None = None,
    pairing: Pairing | None = None,
) -> list[GateOutcome]:
    """Evaluate every rule of every gate. ``baseline`` None means none is registered."""
    out: list[GateOutcome] = []
    for gate in gates:
        direction: Direction = gate.direction or default_direction(gate.metric)
        for rule in gate.rules():
            out.append(_evaluate(gate, rule, direction, candidate, baseline, unavailable or {}, pairing))
    return out


def _evaluate(
    gate: GateConfig,
    rule: GateRule,
    direction: Direction,
    candidate: dict[str, float],
    baseline: dict[str, float] | None,
    unavailable: dict[str, str],
    pairing: Pairing | None,
) -> GateOutcome:
    metric = gate.metric
    cand = candidate.get(metric)
    base_value = baseline.get(metric) if baseline is not None else None
    proto = GateOutcome(
        metric=metric,
        rule=rule.kind,
        limit=rule.limit,
        direction=direction,
        status="skipped",
        code="",
        candidate=cand,
        baseline=base_value,
        implicit=rule.implicit,
        alpha=gate.alpha if rule.kind != "threshold" else None,
    )
    if cand is None:
        if metric in unavailable:
            return replace(proto, status="failed", code="unavailable", detail=unavailable[metric])
        return replace(proto, status="failed", code="missing_candidate")
    if math.isnan(cand):
        return replace(proto, status="failed", code="nan_candidate")
    if math.isinf(cand):
        # Not a measurement: +inf would pass every "higher" bound and any regression rule.
        return replace(proto, status="failed", code="infinite_candidate")
    sign = 1.0 if direction == "higher" else -1.0
    if rule.kind == "threshold":
        if sign * (cand - rule.limit) >= -_slack(cand, rule.limit):
            return replace(proto, status="passed", code="ok")
        return replace(proto, status="failed", code="threshold")
    if baseline is None:
        return replace(proto, code="no_baseline")
    if base_value is None:
        return replace(proto, code="missing_baseline")
    if math.isnan(base_value):
        return replace(proto, code="nan_baseline")
    if math.isinf(base_value):
        # -inf would let any candidate pass; a broken baseline record fails, visibly.
        return replace(proto, status="failed", code="infinite_baseline")
    delta = cand - base_value
    if rule.kind == "max_regression":
        tolerance = rule.limit
    else:
        tolerance = rule.limit / 100.0 * abs(base_value)
    worsening = -sign * delta
    within = worsening <= tolerance + _slack(cand, base_value, tolerance)
    significance: Significance | None = None
    detail: str | None = None
    if gate.alpha is not None:
        result = (pairing or Pairing()).deltas(metric, gate.resamples, gate.seed)
        if isinstance(result, str):
            detail = result
        else:
            significance = result.test(direction=direction, tolerance=tolerance, alpha=gate.alpha)
    measured = replace(proto, delta=delta, tolerance=tolerance, significance=significance, detail=detail)
    if significance is not None:
        # Tested: the interval decides, so the verdict always matches the interval shown.
        if significance.significant:
            return replace(measured, status="failed", code="regression")
        return replace(measured, status="passed", code="ok" if within else "regression_not_significant")
    if within:
        return replace(measured, status="passed", code="ok")
    return replace(measured, status="failed", code="regression")


def gates_status(outcomes: list[GateOutcome]) -> Status:
    """failed if any rule failed; passed if any passed; skipped when nothing was checked."""
    if any(o.status == "failed" for o in outcomes):
        return "failed"
    if any(o.status == "passed" for o in outcomes):
        return "passed"
    return "skipped"
