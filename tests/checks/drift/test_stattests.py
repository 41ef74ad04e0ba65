"""Every drift method against an independent oracle from scipy, on seeded random data.

Each oracle recomputes the method the textbook way (or Evidently's way, spelled out)
from the raw samples; mlci's vectorised versions work on sorted arrays and counts.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import spatial, special, stats

from mlci.checks.drift.binning import fill_zeroes, sorted_histogram, sturges_edges
from mlci.checks.drift.stattests import (
    METHODS,
    Counts,
    Sample,
    binned_percents,
    chisquare,
    hellinger,
    jensenshannon,
    kl_div,
    ks,
    psi,
    wasserstein,
    z_test,
)

SIZES = [(7, 3), (100, 150), (1000, 999), (5000, 5000), (12_000, 30_001)]


def numeric_pair(seed: int, n: int, m: int, ints: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    u, v = rng.normal(0, 1, n), rng.normal(0.05, 1.2, m)
    if ints:  # many ties
        u, v = np.round(u * 3), np.round(v * 3)
    return u, v


def samples(u: np.ndarray, v: np.ndarray, integer: bool = False) -> tuple[Sample, Sample]:
    return Sample(np.sort(u.astype(float)), integer), Sample(np.sort(v.astype(float)), integer)


def category_pair(seed: int, n: int, m: int, k: int = 6) -> tuple[pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    labels = np.array([f"c{i}" for i in range(k)])
    p = rng.dirichlet(np.ones(k))
    q = 0.8 * p + 0.2 * rng.dirichlet(np.ones(k))
    # Every category at least once in the reference (new ones have their own tests).
    ref = np.concatenate([labels, rng.choice(labels, n - k, p=p)])
    return pd.Series(ref), pd.Series(rng.choice(labels, m, p=q))


def counts_of(ref: pd.Series, cur: pd.Series) -> Counts:
    labels = sorted(set(ref) | set(cur))
    rc, cc = ref.value_counts(), cur.value_counts()
    return Counts(
        labels,
        rc.reindex(labels, fill_value=0).to_numpy(np.int64),
        cc.reindex(labels, fill_value=0).to_numpy(np.int64),
    )


# --- numeric tests --------------------------------------------------------------------------


@pytest.mark.parametrize("n,m", SIZES)
@pytest.mark.parametrize("ints", [False, True])
def test_ks_matches_scipy_exact_and_asymptotic(n: int, m: int, ints: bool) -> None:
    u, v = numeric_pair(n + m, n, m, ints)
    ours = ks(*samples(u, v))
    oracle = stats.ks_2samp(u, v)
    assert ours.statistic == pytest.approx(oracle.statistic, abs=1e-12)
    assert ours.p_value == pytest.approx(oracle.pvalue, rel=1e-9, abs=1e-300)


@pytest.mark.parametrize("n,m", SIZES)
@pytest.mark.parametrize("ints", [False, True])
def test_wasserstein_is_scipy_distance_over_reference_std(n: int, m: int, ints: bool) -> None:
    u, v = numeric_pair(3 * n + m, n, m, ints)
    ours = wasserstein(*samples(u, v))
    oracle = stats.wasserstein_distance(u, v) / max(float(np.std(u)), 0.001)
    assert ours.statistic == pytest.approx(oracle, rel=1e-10)
    assert ours.p_value is None


def test_wasserstein_std_floor_for_a_constant_reference() -> None:
    u, v = np.full(50, 2.0), np.linspace(2, 3, 80)
    ours = wasserstein(*samples(u, v)).statistic
    assert ours == pytest.approx(stats.wasserstein_distance(u, v) / 0.001)


def test_wasserstein_of_identical_samples_is_zero() -> None:
    u, _ = numeric_pair(5, 300, 1)
    assert wasserstein(*samples(u, u.copy())).statistic == 0.0


# --- categorical tests ----------------------------------------------------------------------


@pytest.mark.parametrize("n,m,k", [(200, 300, 3), (1000, 1000, 8), (50, 5000, 20)])
def test_chisquare_matches_scipy_with_reference_shares_as_expectation(n: int, m: int, k: int) -> None:
    ref, cur = category_pair(n * k, n, m, k)
    counts = counts_of(ref, cur)
    ours = chisquare(counts)
    expected = counts.reference * (m / n)  # Evidently: reference counts scaled to current size
    oracle = stats.chisquare(counts.current, expected)
    assert ours.statistic == pytest.approx(oracle.statistic, rel=1e-12)
    assert ours.p_value == pytest.approx(oracle.pvalue, rel=1e-9, abs=1e-300)


def test_chisquare_category_only_in_current_is_certain_drift() -> None:
    counts = Counts(["a", "b", "new"], np.array([50, 50, 0]), np.array([40, 50, 10]))
    result = chisquare(counts)
    assert math.isinf(result.statistic) and result.p_value == 0.0
    assert METHODS["chisquare"].drifted(result, 0.05)


@pytest.mark.parametrize("n,m,p1,p2", [(500, 800, 0.3, 0.35), (1000, 900, 0.5, 0.5), (60, 40, 0.1, 0.4)])
def test_z_test_equals_chi_square_of_the_two_by_two_table(n: int, m: int, p1: float, p2: float) -> None:
    rng = np.random.default_rng(n + m)
    ref = pd.Series(np.where(rng.random(n) < p1, "yes", "no"))
    cur = pd.Series(np.where(rng.random(m) < p2, "yes", "no"))
    counts = counts_of(ref, cur)
    ours = z_test(counts)
    table = np.array([counts.reference, counts.current])
    oracle = stats.chi2_contingency(table, correction=False)
    assert ours.statistic**2 == pytest.approx(oracle.statistic, rel=1e-9)
    assert ours.p_value == pytest.approx(oracle.pvalue, rel=1e-9)


def test_z_test_of_one_and_the_same_value_is_no_drift() -> None:
    result = z_test(Counts(["a"], np.array([10]), np.array([30])))
    assert result.p_value == 1.0 and not METHODS["z"].drifted(result, 0.05)


@pytest.mark.parametrize("seed", range(4))
def test_jensenshannon_matches_scipy_on_category_shares(seed: int) -> None:
    ref, cur = category_pair(seed, 2000, 3000, 10)
    counts = counts_of(ref, cur)
    p, q = binned_percents(counts)
    oracle = spatial.distance.jensenshannon(counts.reference / 2000, counts.current / 3000)
    assert jensenshannon(p, q).statistic == pytest.approx(oracle, rel=1e-12)


@pytest.mark.parametrize("ints", [False, True])
def test_numeric_binning_is_evidently_sturges_histogram_of_both_samples(ints: bool) -> None:
    u, v = numeric_pair(11, 4000, 2500)
    if ints:
        u, v = np.round(u * 20).astype(np.int64), np.round(v * 20).astype(np.int64)
    edges = np.histogram_bin_edges(np.concatenate([u, v]), bins="sturges")
    want_p = np.histogram(u, edges)[0] / u.size
    want_q = np.histogram(v, edges)[0] / v.size
    p, q = binned_percents(samples(u, v, integer=ints))
    np.testing.assert_allclose(p, want_p, rtol=0, atol=0)
    np.testing.assert_allclose(q, want_q, rtol=0, atol=0)
    assert jensenshannon(p, q).statistic == pytest.approx(spatial.distance.jensenshannon(want_p, want_q))


def test_numeric_with_few_reference_values_is_binned_per_value() -> None:
    rng = np.random.default_rng(3)
    u, v = rng.integers(0, 10, 500).astype(float), rng.integers(0, 12, 700).astype(float)
    p, q = binned_percents(samples(u, v))
    keys = np.union1d(u, v)
    np.testing.assert_allclose(p, [np.mean(u == k) for k in keys])
    np.testing.assert_allclose(q, [np.mean(v == k) for k in keys])


def evidently_zero_fill(x: np.ndarray) -> np.ndarray:
    low = x[x > 0].min()
    return np.where(x == 0, low / 1e6 if low <= 1e-4 else 1e-4, x)


@pytest.mark.parametrize("seed", range(4))
def test_psi_is_symmetric_kl_of_zero_filled_shares(seed: int) -> None:
    ref, cur = category_pair(seed, 3000, 2000, 12)
    counts = Counts(*_with_gaps(counts_of(ref, cur)))
    p, q = counts.reference / counts.reference.sum(), counts.current / counts.current.sum()
    r, c = evidently_zero_fill(p), evidently_zero_fill(q)
    oracle = special.rel_entr(r, c).sum() + special.rel_entr(c, r).sum()  # = sum((r-c) ln(r/c))
    assert psi(p, q).statistic == pytest.approx(oracle, rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_kl_div_matches_scipy_entropy_of_zero_filled_shares(seed: int) -> None:
    ref, cur = category_pair(seed, 3000, 2000, 12)
    counts = Counts(*_with_gaps(counts_of(ref, cur)))
    p, q = counts.reference / counts.reference.sum(), counts.current / counts.current.sum()
    oracle = stats.entropy(evidently_zero_fill(p), evidently_zero_fill(q))
    assert kl_div(p, q).statistic == pytest.approx(oracle, rel=1e-12)
    assert kl_div(p, q).statistic == pytest.approx(
        special.kl_div(evidently_zero_fill(p) / evidently_zero_fill(p).sum(),
                       evidently_zero_fill(q) / evidently_zero_fill(q).sum()).sum(), rel=1e-9
    )  # fmt: skip


def _with_gaps(counts: Counts) -> tuple[list[object], np.ndarray, np.ndarray]:
    """One category missing on each side, so zero-filling matters."""
    ref, cur = counts.reference.copy(), counts.current.copy()
    ref[0], cur[1] = 0, 0
    return counts.labels, ref, cur


@pytest.mark.parametrize("seed", range(4))
def test_hellinger_on_categories_matches_scipy_euclidean_of_square_roots(seed: int) -> None:
    ref, cur = category_pair(seed, 1500, 2500, 7)
    counts = counts_of(ref, cur)
    p, q = counts.reference / 1500, counts.current / 2500
    oracle = spatial.distance.euclidean(np.sqrt(p), np.sqrt(q)) / math.sqrt(2)
    assert hellinger(counts).statistic == pytest.approx(oracle, rel=1e-9)


@pytest.mark.parametrize("ints", [False, True])
def test_hellinger_on_numbers_uses_density_histograms_over_distinct_values(ints: bool) -> None:
    u, v = numeric_pair(21, 3000, 2000)
    if ints:
        u, v = np.round(u * 10).astype(np.int64), np.round(v * 10).astype(np.int64)
    keys = np.union1d(u, v)
    edges = np.histogram_bin_edges(keys, bins="sturges")  # Evidently's recipe
    h1 = np.histogram(u, edges, density=True)[0]
    h2 = np.histogram(v, edges, density=True)[0]
    width = (edges[-1] - edges[0]) / (len(edges) - 1)
    oracle = math.sqrt(1 - min(1.0, float(np.sum(np.sqrt(h1 * h2) * width))))
    assert hellinger(samples(u, v, integer=ints)).statistic == pytest.approx(oracle, rel=1e-9)


# --- binning helpers ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(30))
def test_sturges_edges_and_sorted_histogram_equal_numpy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    if seed % 3 == 0:
        a = rng.integers(-40, 40, n)
    else:
        a = rng.normal(size=n) * float(rng.choice([1e-3, 1.0, 1e6]))
    if seed % 7 == 0:
        a = np.full(n, a[0])  # constant: numpy widens the range by 0.5 on each side
    edges = sturges_edges(float(a.min()), float(a.max()), a.size, integer=a.dtype.kind == "i")
    oracle = np.histogram_bin_edges(a, bins="sturges")
    np.testing.assert_array_equal(edges, oracle)
    np.testing.assert_array_equal(
        sorted_histogram(np.sort(a.astype(float)), edges), np.histogram(a, oracle)[0]
    )


def test_fill_zeroes_follows_evidently() -> None:
    np.testing.assert_array_equal(fill_zeroes(np.array([0.5, 0.0, 0.5])), [0.5, 1e-4, 0.5])
    tiny = np.array([0.99995, 0.00005, 0.0])
    np.testing.assert_allclose(fill_zeroes(tiny), [0.99995, 0.00005, 0.00005 / 1e6])


# --- decision rules -------------------------------------------------------------------------


def test_decision_rules_follow_evidently_at_the_threshold() -> None:
    from mlci.checks.drift.stattests import TestOutcome

    at = TestOutcome(0.0, 0.05)
    assert METHODS["ks"].drifted(at, 0.05)  # KS: p <= threshold
    assert not METHODS["chisquare"].drifted(at, 0.05)  # chi-square and z: p < threshold
    assert not METHODS["z"].drifted(at, 0.05)
    for name in ("wasserstein", "jensenshannon", "psi", "kl_div", "hellinger"):
        assert METHODS[name].drifted(TestOutcome(0.1), 0.1)  # distances: >= threshold
        assert not METHODS[name].drifted(TestOutcome(0.0999), 0.1)
    assert not METHODS["ks"].drifted(TestOutcome(0.3, float("nan")), 0.05)


def test_default_thresholds_are_evidentlys() -> None:
    assert {n: m.threshold for n, m in METHODS.items()} == {
        "ks": 0.05, "chisquare": 0.05, "z": 0.05, "wasserstein": 0.1,
        "jensenshannon": 0.1, "psi": 0.1, "kl_div": 0.1, "hellinger": 0.1,
    }  # fmt: skip


def test_method_names_are_the_config_choices() -> None:
    from mlci.config.drift import DRIFT_METHODS

    assert tuple(METHODS) == DRIFT_METHODS
