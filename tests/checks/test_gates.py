"""Gate rules: thresholds, regressions against the baseline, and what is never a silent pass."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mlci.checks.gates import Pairing, evaluate_gates, gates_status, unknown_metrics
from mlci.checks.predictions import PredictionColumns, encode_predictions
from mlci.config.gates import GateConfig


def _gates(*specs: dict) -> list[GateConfig]:
    return [GateConfig(**s) for s in specs]


def _one(spec: dict, candidate: dict, baseline: dict | None, **kw):
    (outcome,) = evaluate_gates(_gates(spec), candidate, baseline, **kw)
    return outcome


def test_threshold_respects_direction():
    assert _one({"metric": "roc_auc", "threshold": 0.8}, {"roc_auc": 0.81}, None).status == "passed"
    low = _one({"metric": "roc_auc", "threshold": 0.8}, {"roc_auc": 0.79}, None)
    assert (low.status, low.code) == ("failed", "threshold")
    assert _one({"metric": "log_loss", "threshold": 0.3}, {"log_loss": 0.29}, None).status == "passed"
    assert _one({"metric": "log_loss", "threshold": 0.3}, {"log_loss": 0.31}, None).status == "failed"
    explicit = {"metric": "score", "threshold": 5, "direction": "lower"}
    assert _one(explicit, {"score": 4.0}, None).status == "passed"


def test_max_regression_boundary_is_inclusive_despite_float_noise():
    # 0.83 - 0.82 is 0.010000000000000009 in binary floating point.
    out = _one({"metric": "roc_auc", "max_regression": 0.01}, {"roc_auc": 0.82}, {"roc_auc": 0.83})
    assert out.status == "passed"
    assert out.delta == pytest.approx(-0.01)
    worse = _one({"metric": "roc_auc", "max_regression": 0.01}, {"roc_auc": 0.8199}, {"roc_auc": 0.83})
    assert (worse.status, worse.code) == ("failed", "regression")


def test_max_regression_pct_and_lower_is_better():
    spec = {"metric": "latency_ms", "max_regression_pct": 10}
    assert _one(spec, {"latency_ms": 110.0}, {"latency_ms": 100.0}).status == "passed"
    slow = _one(spec, {"latency_ms": 111.0}, {"latency_ms": 100.0})
    assert slow.status == "failed" and slow.tolerance == pytest.approx(10.0)
    assert _one(spec, {"latency_ms": 50.0}, {"latency_ms": 100.0}).status == "passed"


def test_no_baseline_skips_relative_rules_but_keeps_thresholds():
    outcomes = evaluate_gates(
        _gates({"metric": "roc_auc", "threshold": 0.8, "max_regression": 0.01}),
        {"roc_auc": 0.7},
        None,
    )
    assert [(o.rule, o.status, o.code) for o in outcomes] == [
        ("threshold", "failed", "threshold"),
        ("max_regression", "skipped", "no_baseline"),
    ]
    only_relative = evaluate_gates(_gates({"metric": "f1", "max_regression": 0}), {"f1": 0.5}, None)
    assert gates_status(only_relative) == "skipped"  # visible as skipped, never "passed"


def test_missing_and_nan_values():
    missing = _one({"metric": "f1", "threshold": 0.5}, {}, {"f1": 0.6})
    assert (missing.status, missing.code) == ("failed", "missing_candidate")
    nan = _one({"metric": "f1", "max_regression": 0.1}, {"f1": math.nan}, {"f1": 0.6})
    assert (nan.status, nan.code) == ("failed", "nan_candidate")
    no_base = _one({"metric": "f1", "max_regression": 0.1}, {"f1": 0.6}, {"auc": 0.9})
    assert (no_base.status, no_base.code) == ("skipped", "missing_baseline")
    unavailable = _one(
        {"metric": "roc_auc", "threshold": 0.5},
        {},
        None,
        unavailable={"roc_auc": "needs a y_score"},
    )
    assert (unavailable.status, unavailable.code, unavailable.detail) == (
        "failed",
        "unavailable",
        "needs a y_score",
    )


def test_a_gate_without_rules_means_no_regression():
    out = _one({"metric": "accuracy"}, {"accuracy": 0.8}, {"accuracy": 0.81})
    assert (out.rule, out.limit, out.implicit, out.status) == (
        "max_regression",
        0.0,
        True,
        "failed",
    )


def test_status_of_the_section():
    outcomes = evaluate_gates(
        _gates({"metric": "a", "threshold": 1}, {"metric": "b", "max_regression": 0}),
        {"a": 2.0, "b": 1.0},
        None,
    )
    assert gates_status(outcomes) == "passed"
    assert gates_status([]) == "skipped"


def test_unknown_metrics():
    gates = _gates({"metric": "roc_auc"}, {"metric": "rocauc"}, {"metric": "eval.f1"})
    assert unknown_metrics(gates, {"eval.f1"}) == [(1, "rocauc")]


def _pairing(n: int, qualities: tuple[float, float], seed: int) -> Pairing:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    cols = []
    for q in qualities:
        s = np.clip(y * q + rng.random(n) * (1 - q), 0, 1)
        cols.append(PredictionColumns("x", pd.Series(y), pd.Series((s > 0.5).astype(int)), pd.Series(s)))  # type: ignore[arg-type]
    cand, base = encode_predictions(cols)
    return Pairing(candidate=cand, baseline=base)


def test_noise_beyond_tolerance_passes_with_significance_attached():
    pairing = _pairing(4000, (0.3, 0.3), seed=13)  # two equally good models
    cand = {"accuracy": float(np.mean(pairing.candidate.y_pred == pairing.candidate.y_true))}
    base = {"accuracy": float(np.mean(pairing.baseline.y_pred == pairing.baseline.y_true))}
    spec = {"metric": "accuracy", "max_regression": 0.0, "alpha": 0.05, "resamples": 1000}
    out = _one(spec, cand, base, pairing=pairing)
    assert out.delta < 0
    assert (out.status, out.code) == ("passed", "regression_not_significant")
    assert out.significance is not None and out.significance.p_value > 0.05


def test_real_regression_fails_and_is_significant():
    pairing = _pairing(4000, (0.15, 0.35), seed=12)
    cand = {"accuracy": float(np.mean(pairing.candidate.y_pred == pairing.candidate.y_true))}
    base = {"accuracy": float(np.mean(pairing.baseline.y_pred == pairing.baseline.y_true))}
    out = _one({"metric": "accuracy", "max_regression": 0.005, "alpha": 0.05}, cand, base, pairing=pairing)
    assert (out.status, out.code) == ("failed", "regression")
    assert out.significance is not None and out.significance.significant


def test_alpha_without_predictions_still_decides_and_says_why():
    out = _one(
        {"metric": "accuracy", "max_regression": 0.0, "alpha": 0.05},
        {"accuracy": 0.70},
        {"accuracy": 0.71},
        pairing=Pairing(problem="no baseline predictions"),
    )
    assert (out.status, out.significance, out.detail) == ("failed", None, "no baseline predictions")


def test_custom_metric_cannot_be_tested_for_significance():
    pairing = _pairing(100, (0.3, 0.3), seed=13)
    out = _one(
        {"metric": "latency_ms", "max_regression": 0.0, "alpha": 0.05},
        {"latency_ms": 12.0},
        {"latency_ms": 10.0},
        pairing=pairing,
    )
    assert out.status == "failed" and "not computed from per-example predictions" in (out.detail or "")


@pytest.mark.parametrize("value", [math.inf, -math.inf])
@pytest.mark.parametrize(
    "spec",
    [
        {"metric": "roc_auc", "threshold": 0.8},
        {"metric": "log_loss", "threshold": 0.3},
        {"metric": "roc_auc", "max_regression": 0.01},
        {"metric": "log_loss", "max_regression_pct": 10},
    ],
)
def test_an_infinite_candidate_fails_every_rule(spec, value):
    out = _one(spec, {spec["metric"]: value}, {spec["metric"]: 0.5})
    assert (out.status, out.code) == ("failed", "infinite_candidate")


@pytest.mark.parametrize("value", [math.inf, -math.inf])
@pytest.mark.parametrize("metric", ["roc_auc", "log_loss"])
def test_an_infinite_baseline_fails_relative_rules(metric, value):
    out = _one({"metric": metric, "max_regression": 0.01}, {metric: 0.5}, {metric: value})
    assert (out.status, out.code) == ("failed", "infinite_baseline")
