"""The paired bootstrap and McNemar's test, against scipy and a plain resampling loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn import metrics as sk

from mlci.checks import bootstrap
from mlci.checks.bootstrap import draw_counts
from mlci.checks.metrics import KNOWN_METRICS, compute_metrics
from mlci.checks.predictions import PredictionColumns, Predictions, encode_predictions
from mlci.checks.significance import BootstrapDeltas, bootstrap_deltas, mcnemar_exact, paired_bootstrap


def _pair(
    n: int, quality: tuple[float, float], seed: int = 0, decimals: int | None = None
) -> tuple[Predictions, Predictions]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    cols = []
    for i, q in enumerate(quality):
        score = np.clip(y * q + rng.random(n) * (1 - q), 0, 1)
        if decimals is not None:
            score = np.round(score, decimals)
        frame = pd.DataFrame({"y_true": y, "y_pred": (score > 0.5).astype(int), "y_score": score})
        cols.append(
            PredictionColumns(f"m{i}", frame["y_true"], frame["y_pred"], frame["y_score"])  # type: ignore[arg-type]
        )
    cand, base = encode_predictions(cols)
    return cand, base


def _regression_pair(n: int, seed: int = 0) -> tuple[Predictions, Predictions]:
    rng = np.random.default_rng(seed)
    y = rng.normal(10, 3, n)
    cols = [
        PredictionColumns("c", pd.Series(y), pd.Series(y + rng.normal(0, s, n)), None)  # type: ignore[arg-type]
        for s in (1.0, 1.05)
    ]
    return tuple(encode_predictions(cols, task="regression"))  # type: ignore[return-value]


@pytest.mark.parametrize(
    "metric", [m for m in KNOWN_METRICS if m not in ("rmse", "mse", "mae", "mape", "r2")]
)
def test_observed_values_equal_the_metrics(metric):
    cand, base = _pair(3000, (0.3, 0.25), seed=1, decimals=2)
    deltas = bootstrap_deltas(cand, base, metric, resamples=1000, seed=0)
    assert deltas.candidate == pytest.approx(compute_metrics(cand).values[metric], rel=1e-9)
    assert deltas.baseline == pytest.approx(compute_metrics(base).values[metric], rel=1e-9)


@pytest.mark.parametrize("metric", ["rmse", "mse", "mae", "mape", "r2"])
def test_observed_regression_values_equal_the_metrics(metric):
    cand, base = _regression_pair(2000)
    deltas = bootstrap_deltas(cand, base, metric, resamples=1000, seed=0)
    assert deltas.candidate == pytest.approx(compute_metrics(cand).values[metric], rel=1e-9)
    assert deltas.baseline == pytest.approx(compute_metrics(base).values[metric], rel=1e-9)


def _naive_deltas(cand: Predictions, base: Predictions, metric: str, resamples: int) -> np.ndarray:
    """The textbook paired bootstrap: resample indices, recompute with scikit-learn."""
    rng = np.random.default_rng(123)
    pos = cand.labels.positive  # type: ignore[union-attr]
    y = (cand.y_true == pos).astype(int)
    fn = {
        "roc_auc": lambda yy, s: sk.roc_auc_score(yy, s),
        "average_precision": lambda yy, s: sk.average_precision_score(yy, s),
        "log_loss": lambda yy, s: sk.log_loss(yy, s, labels=[0, 1]),
    }[metric]
    out = np.empty(resamples)
    for i in range(resamples):
        idx = rng.integers(0, len(y), len(y))
        out[i] = fn(y[idx], cand.y_score[idx]) - fn(y[idx], base.y_score[idx])  # type: ignore[index]
    return out


@pytest.mark.slow
@pytest.mark.parametrize("metric", ["roc_auc", "average_precision", "log_loss"])
def test_bootstrap_distribution_matches_a_plain_resampling_loop(metric):
    cand, base = _pair(300, (0.3, 0.2), seed=2, decimals=2)  # ties exercise the tie groups
    ours = bootstrap_deltas(cand, base, metric, resamples=4000, seed=0).deltas
    naive = _naive_deltas(cand, base, metric, 600)
    assert abs(ours.mean() - naive.mean()) < 4 * naive.std() / np.sqrt(600)
    assert ours.std() == pytest.approx(naive.std(), rel=0.12)
    assert np.quantile(ours, 0.05) == pytest.approx(np.quantile(naive, 0.05), abs=0.35 * naive.std())


def test_interval_matches_scipy_paired_percentile_bootstrap():
    cand, base = _pair(2000, (0.3, 0.26), seed=3)
    c_ok = (cand.y_pred == cand.y_true).astype(float)
    b_ok = (base.y_pred == base.y_true).astype(float)
    scipy_ci = stats.bootstrap(
        (c_ok, b_ok),
        lambda a, b, axis=-1: a.mean(axis=axis) - b.mean(axis=axis),
        paired=True,
        vectorized=True,
        n_resamples=9999,
        confidence_level=0.90,
        method="percentile",
        random_state=1,
    ).confidence_interval
    ours = paired_bootstrap(
        cand, base, "accuracy", direction="higher", tolerance=0.0, alpha=0.05, resamples=9999
    )
    assert ours.ci_level == pytest.approx(0.90)
    half_width = (scipy_ci.high - scipy_ci.low) / 2
    assert ours.ci_low == pytest.approx(scipy_ci.low, abs=0.05 * half_width)
    assert ours.ci_high == pytest.approx(scipy_ci.high, abs=0.05 * half_width)


def test_a_real_regression_is_significant_and_noise_is_not():
    worse_cand, base = _pair(20_000, (0.2, 0.3), seed=4)
    real = paired_bootstrap(
        worse_cand, base, "roc_auc", direction="higher", tolerance=0.01, alpha=0.05, resamples=1000
    )
    assert real.delta < -0.01 and real.significant and real.p_value < 0.01
    assert real.ci_high < -0.01  # the whole interval is beyond the tolerance

    same_cand, same_base = _pair(20_000, (0.3, 0.3), seed=5)
    noise = paired_bootstrap(
        same_cand,
        same_base,
        "accuracy",
        direction="higher",
        tolerance=0.0,
        alpha=0.05,
        resamples=1000,
    )
    assert not noise.significant
    assert noise.ci_low < 0 < noise.ci_high


def test_lower_is_better_direction():
    worse_cand, base = _pair(5000, (0.15, 0.3), seed=6)
    result = paired_bootstrap(
        worse_cand, base, "log_loss", direction="lower", tolerance=0.0, alpha=0.05, resamples=1000
    )
    assert result.delta > 0 and result.significant


def test_results_are_seeded_and_independent_of_threads(monkeypatch):
    cand, base = _pair(70_000, (0.3, 0.28), seed=7)  # large enough to use threads
    first = bootstrap_deltas(cand, base, "log_loss", resamples=1024, seed=42).deltas
    again = bootstrap_deltas(cand, base, "log_loss", resamples=1024, seed=42).deltas
    np.testing.assert_array_equal(first, again)
    monkeypatch.setattr(bootstrap.os, "cpu_count", lambda: 1)
    single = bootstrap_deltas(cand, base, "log_loss", resamples=1024, seed=42).deltas
    np.testing.assert_array_equal(first, single)
    other = bootstrap_deltas(cand, base, "log_loss", resamples=1024, seed=43).deltas
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("n", [10, 1000, 65_536, 200_001])
def test_draw_counts_are_a_resample(n):
    rng = np.random.default_rng(0)
    counts = np.empty(n, dtype=np.int64)
    totals = np.zeros(n)
    for _ in range(40):
        draw_counts(rng, counts)
        assert counts.sum() == n and counts.min() >= 0
        totals += counts
    # Each example is drawn once per resample on average, wherever it sits.
    if n >= 1000:
        halves = np.array_split(totals, 8)
        expected = np.array([len(h) * 40 for h in halves], dtype=float)
        chi2 = stats.chisquare([h.sum() for h in halves], expected)
        assert chi2.pvalue > 1e-4
        # Counts of one example across resamples: Binomial(n, 1/n), variance near 1.
        assert totals.var() / 40 == pytest.approx(1.0, rel=0.15)


def test_mcnemar_matches_the_textbook_binomial_formula():
    rng = np.random.default_rng(8)
    c = rng.random(500) < 0.8
    b = rng.random(500) < 0.75
    only_c = int(np.sum(c & ~b))
    only_b = int(np.sum(~c & b))
    textbook = min(1.0, 2 * stats.binom.cdf(min(only_c, only_b), only_c + only_b, 0.5))
    assert mcnemar_exact(c, b) == pytest.approx(textbook, rel=1e-12)
    assert mcnemar_exact(c, c) == 1.0


def test_accuracy_reports_mcnemar():
    cand, base = _pair(1000, (0.3, 0.3), seed=9)
    result = paired_bootstrap(
        cand, base, "accuracy", direction="higher", tolerance=0.0, alpha=0.05, resamples=1000
    )
    assert result.mcnemar_p_value is not None and 0 < result.mcnemar_p_value <= 1


def test_many_classes_use_per_example_resampling():
    rng = np.random.default_rng(10)
    n, k = 20_000, 30  # up to 27,000 (true, cand, base) categories: more than are grouped
    y = rng.integers(0, k, n)
    cols = [
        PredictionColumns(  # type: ignore[arg-type]
            "m",
            pd.Series(y),
            pd.Series(np.where(rng.random(n) < p, y, rng.integers(0, k, n))),
            None,
        )
        for p in (0.7, 0.68)
    ]
    cand, base = encode_predictions(cols, task="classification")
    deltas = bootstrap_deltas(cand, base, "f1_macro", resamples=1000, seed=0)
    want = sk.f1_score(y, cols[0].y_pred, average="macro") - sk.f1_score(y, cols[1].y_pred, average="macro")
    assert deltas.candidate - deltas.baseline == pytest.approx(want, rel=1e-9)
    assert 0.002 < deltas.deltas.std() < 0.02


# --- one procedure: the verdict, the p-value and the interval always agree ---------------


def _deltas(values: np.ndarray, baseline: float = 0.8) -> BootstrapDeltas:
    return BootstrapDeltas(
        metric="accuracy", examples=1000, candidate=baseline, baseline=baseline, deltas=values
    )


def test_near_alpha_the_interval_and_the_p_value_agree():
    # 50 of 1000 resamples not worse, 950 worse: p = 51/1001 > 0.05, so not significant.
    # numpy's interpolated 95% quantile (-0.00945) put the whole interval below zero: the
    # table said "beyond the tolerance" while the verdict said "within".
    result = _deltas(np.r_[np.full(950, -0.01), np.full(50, 0.001)]).test(
        direction="higher", tolerance=0.0, alpha=0.05
    )
    assert result.p_value == pytest.approx(51 / 1001) and not result.significant
    assert result.ci_high == 0.001  # the interval reaches the tolerance: consistent
    one_less = _deltas(np.r_[np.full(951, -0.01), np.full(49, 0.001)]).test(
        direction="higher", tolerance=0.0, alpha=0.05
    )
    assert one_less.p_value == pytest.approx(50 / 1001) and one_less.significant
    assert one_less.ci_high == -0.01


@pytest.mark.parametrize("seed", range(6))
def test_significant_exactly_when_p_at_most_alpha_and_the_interval_clears_the_tolerance(seed):
    rng = np.random.default_rng(seed)
    for _ in range(300):
        b = int(rng.integers(1000, 3000))
        alpha = float(rng.choice([0.01, 0.025, 0.05, 0.1, 0.2, 0.29, 0.07]))
        direction = str(rng.choice(["higher", "lower"]))
        # Few distinct values: ties at the tolerance and at the order statistic, on purpose.
        values = np.round(rng.normal(rng.normal(0, 0.01), 0.01, b), 3)
        tolerance = float(rng.choice([0.0, 0.005, 0.01]))
        result = _deltas(values).test(direction=direction, tolerance=tolerance, alpha=alpha)
        sign = 1 if direction == "higher" else -1
        k = int(np.count_nonzero(-sign * values <= tolerance + 1e-12))
        assert result.p_value == (1 + k) / (1 + b)  # the oracle: counted here, independently
        least_worsening = -sign * (result.ci_high if sign > 0 else result.ci_low)
        assert result.significant == (result.p_value <= alpha) == (least_worsening > tolerance + 1e-12)
        j = int(np.floor(alpha * (b + 1) + 1e-9))
        ordered = np.sort(values)
        assert (result.ci_low, result.ci_high) == (ordered[j - 1], ordered[b - j])


def test_real_drop_within_noise_of_the_tolerance_is_called_real():
    # Observed worsening 0.02 beyond a 0.019 tolerance; the interval excludes zero but
    # reaches within the tolerance.
    result = _deltas(np.random.default_rng(0).normal(-0.02, 0.0014, 4000)).test(
        direction="higher", tolerance=0.019, alpha=0.05
    )
    assert not result.significant and result.worse_for_sure
    assert result.ci_high < 0 and result.ci_low < -0.019 < result.ci_high


def test_p_value_and_interval_match_scipy_bootstrap_oracle():
    # The same statistic through scipy's paired percentile bootstrap: its interval and
    # the share of its resamples within the tolerance agree with ours to Monte Carlo error.
    cand, base = _pair(3000, (0.3, 0.27), seed=8)
    c_ok = (cand.y_pred == cand.y_true).astype(float)
    b_ok = (base.y_pred == base.y_true).astype(float)
    res = stats.bootstrap(
        (c_ok, b_ok),
        lambda a, b, axis=-1: a.mean(axis=axis) - b.mean(axis=axis),
        paired=True,
        vectorized=True,
        n_resamples=20000,
        confidence_level=0.90,
        method="percentile",
        random_state=2,
    )
    scipy_deltas = res.bootstrap_distribution
    for tolerance in (0.0, 0.01, 0.02):
        ours = paired_bootstrap(
            cand, base, "accuracy", direction="higher", tolerance=tolerance, alpha=0.05, resamples=20000
        )
        oracle_p = (1 + np.count_nonzero(-scipy_deltas <= tolerance)) / (1 + len(scipy_deltas))
        assert ours.p_value == pytest.approx(oracle_p, abs=0.01)
    half_width = (res.confidence_interval.high - res.confidence_interval.low) / 2
    assert ours.ci_low == pytest.approx(res.confidence_interval.low, abs=0.05 * half_width)
    assert ours.ci_high == pytest.approx(res.confidence_interval.high, abs=0.05 * half_width)
