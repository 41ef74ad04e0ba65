"""The eight drift methods, vectorised, with Evidently's definitions and decision rules.

Numeric methods take the two samples as *sorted* finite float64 arrays (sorted once per
column by the caller); categorical methods take the two count vectors aligned on the
same sorted categories. Each returns the statistic and, for hypothesis tests, the
p-value; :data:`METHODS` says how a statistic becomes a decision.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from mlci.checks.drift.binning import (
    BINNED_MIN_DISTINCT,
    distinct_count,
    fill_zeroes,
    sorted_histogram,
    sturges_edges,
)

__all__ = [
    "METHODS",
    "METHOD_NAMES",
    "Method",
    "TestOutcome",
    "Sample",
    "Counts",
    "ks",
    "wasserstein",
    "chisquare",
    "z_test",
    "jensenshannon",
    "psi",
    "kl_div",
    "hellinger",
    "binned_percents",
]

# scipy's ks_2samp computes exact p-values up to this many values per sample.
KS_EXACT_MAX_N = 10_000


@dataclass(frozen=True)
class Sample:
    """One side of a numeric column: sorted finite values; ``integer`` if read as ints."""

    values: np.ndarray
    integer: bool = False

    @cached_property
    def std(self) -> float:
        """Population standard deviation (ddof 0), as ``np.std``; computed once."""
        return float(np.std(self.values))


@dataclass(frozen=True)
class Counts:
    """Both sides of a categorical column: counts aligned on the same sorted labels."""

    labels: list[object]
    reference: np.ndarray
    current: np.ndarray


@dataclass(frozen=True)
class TestOutcome:
    statistic: float
    p_value: float | None = None


# --- numeric ------------------------------------------------------------------------------


def _cdf_at(sorted_values: np.ndarray, points: np.ndarray) -> np.ndarray:
    return np.searchsorted(sorted_values, points, side="right") / sorted_values.size


def ks(ref: Sample, cur: Sample) -> TestOutcome:
    """Two-sample Kolmogorov-Smirnov, two-sided, as ``scipy.stats.ks_2samp`` (method auto)."""
    # scipy.stats costs ~0.9 s to import: only the p-value tests (KS, chi-square, z) need it.
    from scipy import stats

    u, v = ref.values, cur.values
    n, m = u.size, v.size
    if max(n, m) <= KS_EXACT_MAX_N:
        # Small samples: scipy's exact distribution, cheap at this size.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # its fallback to asymptotic
            exact = stats.ks_2samp(u, v)
        return TestOutcome(float(exact.statistic), float(exact.pvalue))
    # The ECDF gap is largest at one of the observed values; evaluate both ECDFs there.
    d = max(
        float(np.max(np.abs(_cdf_at(u, u) - _cdf_at(v, u)))),
        float(np.max(np.abs(_cdf_at(u, v) - _cdf_at(v, v)))),
    )
    # Smirnov's asymptotic distribution, as scipy uses beyond its exact range.
    big, small = max(float(n), float(m)), min(float(n), float(m))
    en = big * small / (big + small)
    return TestOutcome(d, float(np.clip(stats.kstwo.sf(d, np.round(en)), 0, 1)))


def _w1_sorted(u: np.ndarray, v: np.ndarray) -> float:
    """First Wasserstein distance of two sorted samples: the area between quantile functions.

    Quantile function steps fall at k/n and l/m; in units of 1/(n*m) those are the
    integers k*m and l*n, whose merged order is known arithmetically, so no sort and no
    search is needed.
    """
    n, m = u.size, v.size
    if n == m:
        return float(np.abs(u - v).sum()) / n
    ends = np.empty(n + m, dtype=np.int64)
    k = np.arange(1, n + 1, dtype=np.int64)
    ends[k - 1 + (k * m - 1) // n] = k * m  # a u-step ends after every v-step ending strictly before
    del k
    ll = np.arange(1, m + 1, dtype=np.int64)
    ends[ll - 1 + (ll * n) // m] = ll * n
    del ll
    lengths = np.diff(ends, prepend=0).astype(np.float64)
    iu = (ends + (m - 1)) // m - 1
    gaps = u[iu]
    del iu
    ends += n - 1
    ends //= n
    ends -= 1
    gaps -= v[ends]
    np.abs(gaps, out=gaps)
    return float(np.dot(gaps, lengths)) / (float(n) * float(m))


def wasserstein(ref: Sample, cur: Sample) -> TestOutcome:
    """Wasserstein distance normed by the reference standard deviation (floored at 0.001)."""
    norm = max(ref.std, 0.001)
    return TestOutcome(_w1_sorted(ref.values, cur.values) / norm)


# --- categorical --------------------------------------------------------------------------


def chisquare(counts: Counts) -> TestOutcome:
    """Pearson's chi-square of current counts against reference shares scaled to current size.

    A category never seen in the reference has an expected count of 0: the statistic is
    infinite and the p-value 0, as in Evidently.
    """
    from scipy import stats

    ref = counts.reference.astype(np.float64)
    obs = counts.current.astype(np.float64)
    if ref.size < 2:
        return TestOutcome(0.0, 1.0)
    expected = ref * (obs.sum() / ref.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = (obs - expected) ** 2 / expected
    statistic = float(terms.sum())
    return TestOutcome(statistic, float(stats.chi2.sf(statistic, ref.size - 1)))


def z_test(counts: Counts) -> TestOutcome:
    """Two-proportion z-test of the share of values other than the first (sorted) category."""
    from scipy import stats

    ref, cur = counts.reference, counts.current
    n1, n2 = int(ref.sum()), int(cur.sum())
    present_ref, present_cur = np.flatnonzero(ref), np.flatnonzero(cur)
    if present_ref.size == 1 and present_cur.size == 1 and present_ref[0] == present_cur[0]:
        return TestOutcome(0.0, 1.0)  # one and the same value on both sides
    x1, x2 = n1 - int(ref[0]), n2 - int(cur[0])
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return TestOutcome(abs(z), float(2 * stats.norm.sf(abs(z))))


def _rel_entr(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x * log(x / y), with 0 where x is 0 (the definition scipy.special.rel_entr uses)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out: np.ndarray = x * np.log(x / y)
    out[x == 0] = 0.0
    out[(x > 0) & (y == 0)] = np.inf
    return out


def jensenshannon(ref_percents: np.ndarray, cur_percents: np.ndarray) -> TestOutcome:
    """Jensen-Shannon *distance* (natural log), as ``scipy.spatial.distance.jensenshannon``."""
    p = ref_percents / ref_percents.sum()
    q = cur_percents / cur_percents.sum()
    mid = (p + q) / 2.0
    js = float(_rel_entr(p, mid).sum() + _rel_entr(q, mid).sum())
    return TestOutcome(math.sqrt(max(js, 0.0) / 2.0))


def psi(ref_percents: np.ndarray, cur_percents: np.ndarray) -> TestOutcome:
    """Population stability index over zero-filled shares."""
    r, c = fill_zeroes(ref_percents), fill_zeroes(cur_percents)
    return TestOutcome(float(np.sum((r - c) * np.log(r / c))))


def kl_div(ref_percents: np.ndarray, cur_percents: np.ndarray) -> TestOutcome:
    """Kullback-Leibler divergence KL(reference || current) over zero-filled shares."""
    r, c = fill_zeroes(ref_percents), fill_zeroes(cur_percents)
    r, c = r / r.sum(), c / c.sum()
    return TestOutcome(float(_rel_entr(r, c).sum()))


def hellinger_counts(counts: Counts) -> TestOutcome:
    p = counts.reference / counts.reference.sum()
    q = counts.current / counts.current.sum()
    overlap = float(np.clip(np.sqrt(p * q).sum(), 0, 1))
    return TestOutcome(math.sqrt(1 - overlap))


def hellinger_numeric(ref: Sample, cur: Sample) -> TestOutcome:
    """Hellinger distance of density histograms; Sturges bins over the distinct values."""
    keys = np.union1d(_unique_sorted(ref.values), _unique_sorted(cur.values))
    edges = sturges_edges(float(keys[0]), float(keys[-1]), keys.size, integer=ref.integer and cur.integer)
    widths = np.diff(edges)
    h1 = sorted_histogram(ref.values, edges) / (ref.values.size * widths)
    h2 = sorted_histogram(cur.values, edges) / (cur.values.size * widths)
    bin_width = (edges[-1] - edges[0]) / (edges.size - 1)
    overlap = float(np.clip((np.sqrt(h1 * h2) * bin_width).sum(), 0, 1))
    return TestOutcome(math.sqrt(1 - overlap))


def hellinger(data: Counts | tuple[Sample, Sample]) -> TestOutcome:
    if isinstance(data, Counts):
        return hellinger_counts(data)
    return hellinger_numeric(*data)


def _unique_sorted(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def sample_counts(ref: Sample, cur: Sample) -> Counts:
    """A numeric column seen as categories: the count of each distinct value."""
    labels = np.union1d(_unique_sorted(ref.values), _unique_sorted(cur.values))
    return Counts(
        labels=labels.tolist(),
        reference=_count_in(ref.values, labels),
        current=_count_in(cur.values, labels),
    )


def _count_in(sorted_values: np.ndarray, labels: np.ndarray) -> np.ndarray:
    left = np.searchsorted(sorted_values, labels, side="left")
    right = np.searchsorted(sorted_values, labels, side="right")
    return (right - left).astype(np.int64)


def binned_percents(data: Counts | tuple[Sample, Sample]) -> tuple[np.ndarray, np.ndarray]:
    """Evidently's ``get_binned_data``: per-bin (numeric) or per-value shares of each side."""
    if isinstance(data, Counts):
        return data.reference / data.reference.sum(), data.current / data.current.sum()
    ref, cur = data
    if distinct_count(ref.values) > BINNED_MIN_DISTINCT:
        low = min(float(ref.values[0]), float(cur.values[0]))
        high = max(float(ref.values[-1]), float(cur.values[-1]))
        edges = sturges_edges(
            low, high, ref.values.size + cur.values.size, integer=ref.integer and cur.integer
        )
        return (
            sorted_histogram(ref.values, edges) / ref.values.size,
            sorted_histogram(cur.values, edges) / cur.values.size,
        )
    counts = sample_counts(ref, cur)
    return counts.reference / ref.values.size, counts.current / cur.values.size


# --- the registry -------------------------------------------------------------------------

Numeric = tuple[Sample, Sample]
Data = Counts | Numeric


@dataclass(frozen=True)
class Method:
    """A drift method: what it applies to, its default threshold and its decision rule."""

    name: str
    title: str
    kinds: tuple[str, ...]  # "numeric", "categorical"
    threshold: float
    # The decision compares the p-value (tests) or the statistic (distances) to the threshold.
    uses_p_value: bool
    comparison: str  # "<=", "<" or ">="
    compute: Callable[[Data], TestOutcome]

    def drifted(self, outcome: TestOutcome, threshold: float) -> bool:
        score = outcome.p_value if self.uses_p_value else outcome.statistic
        if score is None or math.isnan(score):
            return False
        if self.comparison == "<=":
            return score <= threshold
        if self.comparison == "<":
            return score < threshold
        return score >= threshold

    def score(self, outcome: TestOutcome) -> float | None:
        return outcome.p_value if self.uses_p_value else outcome.statistic


def _numeric(fn: Callable[[Sample, Sample], TestOutcome]) -> Callable[[Data], TestOutcome]:
    def run(data: Data) -> TestOutcome:
        assert not isinstance(data, Counts)
        return fn(*data)

    return run


def _counts(fn: Callable[[Counts], TestOutcome]) -> Callable[[Data], TestOutcome]:
    def run(data: Data) -> TestOutcome:
        return fn(data if isinstance(data, Counts) else sample_counts(*data))

    return run


def _binned(fn: Callable[[np.ndarray, np.ndarray], TestOutcome]) -> Callable[[Data], TestOutcome]:
    def run(data: Data) -> TestOutcome:
        return fn(*binned_percents(data))

    return run


_BOTH = ("numeric", "categorical")
METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("ks", "Kolmogorov-Smirnov", ("numeric",), 0.05, True, "<=", _numeric(ks)),
        Method("chisquare", "chi-square", ("categorical",), 0.05, True, "<", _counts(chisquare)),
        Method("z", "two-proportion z-test", ("categorical",), 0.05, True, "<", _counts(z_test)),
        Method(
            "wasserstein",
            "Wasserstein distance (normed)",
            ("numeric",),
            0.1,
            False,
            ">=",
            _numeric(wasserstein),
        ),
        Method(
            "jensenshannon",
            "Jensen-Shannon distance",
            _BOTH,
            0.1,
            False,
            ">=",
            _binned(jensenshannon),
        ),
        Method("psi", "population stability index", _BOTH, 0.1, False, ">=", _binned(psi)),
        Method("kl_div", "Kullback-Leibler divergence", _BOTH, 0.1, False, ">=", _binned(kl_div)),
        Method("hellinger", "Hellinger distance", _BOTH, 0.1, False, ">=", hellinger),
    )
}
METHOD_NAMES: tuple[str, ...] = tuple(METHODS)
