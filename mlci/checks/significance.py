"""Is a candidate's difference from the baseline real or noise? A paired bootstrap.

Both models' predictions on the same evaluation examples are resampled together (the
same examples in each resample), giving the sampling distribution of the metric
difference without assuming its shape. Resampling is exact and vectorised:

- A resample is a vector of counts (how often each example is drawn), a multinomial
  draw. Metrics are functions of count-weighted sums, so one resample costs one matrix
  product, never a Python loop over examples.
- Label metrics (accuracy, precision, recall, f1 and their macro forms) depend on an
  example only through its (true, candidate, baseline) labels, so examples are first
  grouped into those few categories and the counts are drawn over the categories:
  a million examples cost the same as ten.
- Otherwise per-example counts are drawn block by block (blocks of 65,536 examples,
  whose sizes in the resample are themselves a multinomial draw), which keeps every
  scattered write in cache; memory stays bounded by batching resamples.

Each batch of resamples has its own random stream spawned from ``seed``, so results are
identical for a given seed whatever the number of threads.

For accuracy, McNemar's exact test (a binomial test on the discordant pairs) is also
reported.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlci.checks.bootstrap import CategoryPlan, ExamplePlan, Plan, observed, resample
from mlci.checks.metrics import LABEL_METRICS, SCORE_METRICS, per_class_score
from mlci.checks.predictions import Predictions
from mlci.vocab import Direction

__all__ = [
    "BootstrapDeltas",
    "order_statistic",
    "Significance",
    "bootstrap_deltas",
    "mcnemar_exact",
    "paired_bootstrap",
]

_MAX_CATEGORIES = 4096  # draw over categories when there are at most this many
_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class Significance:
    """The paired test of one metric: observed values, interval and one-sided p-value."""

    metric: str
    examples: int
    resamples: int
    candidate: float
    baseline: float
    delta: float  # candidate - baseline, on the paired examples
    ci_low: float
    ci_high: float
    ci_level: float  # 1 - 2 alpha: the interval matches the one-sided test at alpha
    tolerance: float  # worsening allowed by the rule, in metric units (>= 0)
    p_value: float  # P(worsening <= tolerance) under the bootstrap: small = real regression
    alpha: float
    mcnemar_p_value: float | None = None  # accuracy only: two-sided, H0 equal accuracy
    # The whole interval lies beyond the tolerance: a significant regression. Equal to
    # ``p_value <= alpha`` by construction (see ``BootstrapDeltas.test``).
    beyond_tolerance: bool = False
    # The whole interval lies on the worse side of zero: the candidate is worse at this
    # level, whether or not by more than the tolerance.
    worse_for_sure: bool = False

    @property
    def significant(self) -> bool:
        return self.beyond_tolerance


def mcnemar_exact(candidate_correct: np.ndarray, baseline_correct: np.ndarray) -> float:
    """Two-sided exact McNemar p-value: a binomial test on the discordant pairs."""
    from scipy.stats import binomtest

    only_candidate = int(np.count_nonzero(candidate_correct & ~baseline_correct))
    only_baseline = int(np.count_nonzero(~candidate_correct & baseline_correct))
    discordant = only_candidate + only_baseline
    if discordant == 0:
        return 1.0
    return float(binomtest(only_candidate, discordant, 0.5).pvalue)


# --- statistics as functions of weighted sums ---------------------------------------------


def _one_hot_blocks(blocks: list[tuple[np.ndarray, np.ndarray | None]], k: int) -> object:
    """A sparse (units x len(blocks)*k) matrix: per block, a one-hot of the class, masked."""
    from scipy import sparse

    parts = []
    for classes, mask in blocks:
        data = np.ones(len(classes)) if mask is None else mask.astype(np.float64)
        rows = np.arange(len(classes))
        parts.append(sparse.csr_matrix((data, (rows, classes)), shape=(len(classes), k)))
    return sparse.hstack(parts, format="csr")


def _matmul(w: np.ndarray, columns: Any) -> np.ndarray:
    if isinstance(columns, np.ndarray):
        dense: np.ndarray = w @ columns
        return dense
    product: np.ndarray = np.asarray((columns.T @ w.T).T)
    return product


def _label_plan(cand: Predictions, base: Predictions, metric: str) -> Plan:
    labels = cand.labels
    assert labels is not None and cand.y_pred is not None and base.y_pred is not None
    k = len(labels.classes)
    n = cand.rows
    code = (cand.y_true * k + cand.y_pred) * k + base.y_pred
    units, inverse, counts = np.unique(code, return_inverse=True, return_counts=True)
    t, rest = np.divmod(units, k * k)
    pc, pb = np.divmod(rest, k)

    columns: Any  # dense, or sparse for the per-class blocks of macro metrics
    if metric == "accuracy":
        columns = np.column_stack([t == pc, t == pb]).astype(np.float64)

        def reduce(sums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return sums[:, 0] / n, sums[:, 1] / n

    elif metric.endswith("_macro"):
        which = metric.removesuffix("_macro")
        columns = _one_hot_blocks([(t, t == pc), (pc, None), (t, t == pb), (pb, None), (t, None)], k)
        seen_c = (np.bincount(cand.y_true, minlength=k) + np.bincount(cand.y_pred, minlength=k)) > 0
        seen_b = (np.bincount(base.y_true, minlength=k) + np.bincount(base.y_pred, minlength=k)) > 0

        def per_model(tp: np.ndarray, pp: np.ndarray, tt: np.ndarray, seen: np.ndarray) -> np.ndarray:
            means: np.ndarray = per_class_score(which, tp, pp, tt)[:, seen].mean(axis=1)
            return means

        def reduce(sums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            tp_c, pp_c, tp_b, pp_b, tt = (sums[:, i * k : (i + 1) * k] for i in range(5))
            return per_model(tp_c, pp_c, tt, seen_c), per_model(tp_b, pp_b, tt, seen_b)

    else:  # binary precision / recall / f1 of the positive label
        pos = labels.positive
        is_t, is_c, is_b = t == pos, pc == pos, pb == pos
        columns = np.column_stack([is_t & is_c, is_c, is_t & is_b, is_b, is_t]).astype(np.float64)

        def reduce(sums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            tp_c, pp_c, tp_b, pp_b, tt = sums.T
            return per_class_score(metric, tp_c, pp_c, tt), per_class_score(metric, tp_b, pp_b, tt)

    if len(units) <= _MAX_CATEGORIES:
        return CategoryPlan(counts.astype(np.float64), lambda w: reduce(_matmul(w, columns)))

    def from_examples(w: np.ndarray) -> tuple[float, float]:
        # Many categories (many classes): fold the example counts into category totals.
        per_unit = np.bincount(inverse, weights=w, minlength=len(units))
        c, b = reduce(_matmul(per_unit[None, :], columns))
        return float(c[0]), float(b[0])

    return ExamplePlan(n, np.float64, from_examples)


def _mean_plan(cand: Predictions, base: Predictions, metric: str) -> Plan:
    """Metrics that are means (or functions of means) of per-example values."""
    n = cand.rows
    if cand.task == "classification":
        assert cand.labels is not None and cand.y_score is not None and base.y_score is not None
        y = (cand.y_true == cand.labels.positive).astype(np.float64)
        sc, sb = cand.y_score, base.y_score
        if metric == "log_loss":
            pc, pb = np.clip(sc, _EPS, 1 - _EPS), np.clip(sb, _EPS, 1 - _EPS)
            vc = -(y * np.log(pc) + (1 - y) * np.log1p(-pc))
            vb = -(y * np.log(pb) + (1 - y) * np.log1p(-pb))
        else:  # brier
            vc, vb = (sc - y) ** 2, (sb - y) ** 2
        columns = np.column_stack([vc, vb])
    else:
        assert cand.y_pred is not None and base.y_pred is not None
        y = cand.y_true.astype(np.float64)
        ec, eb = y - cand.y_pred, y - base.y_pred
        if metric in ("mse", "rmse", "r2"):
            vc, vb = ec**2, eb**2
        elif metric == "mae":
            vc, vb = np.abs(ec), np.abs(eb)
        else:  # mape
            scale = np.maximum(np.abs(y), _EPS)
            vc, vb = np.abs(ec) / scale, np.abs(eb) / scale
        centred = y - y.mean()  # a constant shift leaves the total sum of squares unchanged
        columns = np.column_stack([vc, vb, centred, centred**2])
    columns = np.asfortranarray(columns)  # a column-major matrix-vector product is faster

    def statistic(w: np.ndarray) -> tuple[float, float]:
        sums = w @ columns
        mc, mb = sums[0] / n, sums[1] / n
        if metric == "rmse":
            return float(np.sqrt(mc)), float(np.sqrt(mb))
        if metric == "r2":
            ss_tot = sums[3] - sums[2] ** 2 / n
            return _r2(sums[0], ss_tot), _r2(sums[1], ss_tot)
        return float(mc), float(mb)

    return ExamplePlan(n, np.float64, statistic)


def _r2(ss_res: float, ss_tot: float) -> float:
    if ss_tot > 1e-12 * abs(ss_res) and ss_tot > 0:
        return float(1 - ss_res / ss_tot)
    return 1.0 if ss_res == 0 else 0.0  # constant target: scikit-learn's convention


def _rank_plan(cand: Predictions, base: Predictions, metric: str) -> Plan:
    """roc_auc and average_precision from the draw counts, in each model's score order."""
    assert cand.labels is not None and cand.y_score is not None and base.y_score is not None
    positive = cand.y_true == cand.labels.positive
    # Draw counts are exchangeable, so let slot i of a resample be the example ranked i-th
    # by the candidate: the candidate then needs no gather, the baseline one.
    c_order = np.argsort(cand.y_score, kind="stable")
    slot = np.empty_like(c_order)
    slot[c_order] = np.arange(len(c_order))
    b_order = np.argsort(base.y_score, kind="stable")
    candidate = _ScoreOrder(cand.y_score[c_order], positive[c_order], None)
    baseline = _ScoreOrder(base.y_score[b_order], positive[b_order], slot[b_order])

    def statistic(w: np.ndarray) -> tuple[float, float]:
        return candidate.metric(w, metric), baseline.metric(w, metric)

    # Counts fit in a byte (a count above 255 has probability far below 1e-300).
    return ExamplePlan(cand.rows, np.uint8, statistic)


class _ScoreOrder:
    """One model's examples in ascending score order, with tie groups, for weighted ranks.

    With ``c`` the draw counts in that order and ``N(<g)``/``N(<=g)`` the drawn negatives
    below / up to a positive's tie group, twice the Mann-Whitney wins are the sum over
    positives of ``c * (N(<g) + N(<=g))``; average precision averages, over drawn
    positives, the precision at their group's threshold. Prefix sums and gathers in
    ascending order only: no sort per resample.
    """

    def __init__(self, ordered: np.ndarray, positive: np.ndarray, gather: np.ndarray | None):
        self.gather = gather  # where this order's examples sit in the counts vector
        new_group = np.r_[True, ordered[1:] != ordered[:-1]]
        starts = np.flatnonzero(new_group)
        ends = np.r_[starts[1:], len(ordered)]  # one past each group's last example
        group = np.cumsum(new_group) - 1
        self.negative = (~positive).astype(np.uint8)
        self.positions = np.flatnonzero(positive)
        self.ties = len(starts) < len(ordered)
        self.start = starts[group[self.positions]]  # per positive: its group's bounds
        self.end = ends[group[self.positions]]
        self._local = threading.local()  # prefix-sum buffers, one pair per thread

    def _prefixes(self) -> tuple[np.ndarray, np.ndarray]:
        buffers = getattr(self._local, "buffers", None)
        if buffers is None:
            size = len(self.negative) + 1
            buffers = self._local.buffers = (np.zeros(size, np.int64), np.zeros(size, np.int64))
        return buffers

    def metric(self, counts: np.ndarray, name: str) -> float:
        c = counts if self.gather is None else np.take(counts, self.gather)
        c_pos = c[self.positions].astype(np.int64)
        n_pos = int(c_pos.sum())
        neg_prefix, all_prefix = self._prefixes()  # drawn negatives / examples before i
        np.cumsum(c * self.negative, out=neg_prefix[1:])
        n_neg = int(neg_prefix[-1])
        if n_pos == 0 or (name == "roc_auc" and n_neg == 0):
            return float("nan")
        neg_below = neg_prefix[self.start]
        if name == "roc_auc":
            # Without ties a positive's group is itself: N(<g) = N(<=g).
            up_to = neg_prefix[self.end] if self.ties else neg_below
            return int(np.dot(c_pos, neg_below + up_to)) / (2.0 * n_pos * n_neg)
        # Precision at a positive's threshold: drawn positives over drawn examples at or
        # above its group's lowest score (never zero for a drawn positive).
        np.cumsum(c, out=all_prefix[1:])
        above = (n_pos + n_neg) - all_prefix[self.start]
        positives_above = above - (n_neg - neg_below)
        precision = positives_above / np.maximum(above, 1)
        # einsum, not a BLAS dot: no BLAS threads fighting ours.
        return float(np.einsum("i,i->", c_pos.astype(np.float64), precision) / n_pos)


def _plan(cand: Predictions, base: Predictions, metric: str) -> Plan:
    if metric in LABEL_METRICS:
        return _label_plan(cand, base, metric)
    if metric in ("roc_auc", "average_precision"):
        return _rank_plan(cand, base, metric)
    if metric in SCORE_METRICS or cand.task == "regression":
        return _mean_plan(cand, base, metric)
    raise KeyError(metric)


@dataclass(frozen=True)
class BootstrapDeltas:
    """The bootstrap distribution of candidate - baseline for one metric."""

    metric: str
    examples: int
    candidate: float  # observed on the paired examples
    baseline: float
    deltas: np.ndarray  # one per resample (resamples without a defined value dropped)
    mcnemar_p_value: float | None = None

    def test(self, *, direction: Direction, tolerance: float, alpha: float) -> Significance:
        """One-sided test of "worse by more than ``tolerance``", and its interval, as one.

        With ``B`` resamples and ``k`` of them worse by at most the tolerance, the p-value
        is ``(1 + k) / (1 + B)``. The interval's ends are the ``j``-th smallest and ``j``-th
        largest bootstrap deltas, ``j = floor(alpha * (1 + B))`` (the percentile bootstrap's
        order-statistic convention, level ``1 - 2 alpha``): the whole interval lies beyond
        the tolerance exactly when ``k < j``, that is exactly when ``p <= alpha``. The
        verdict is read off the interval, so the two cannot disagree.
        """
        sign = 1.0 if direction == "higher" else -1.0
        deltas = np.sort(self.deltas)
        b = len(deltas)
        slack = 1e-12 * max(1.0, abs(self.baseline))
        within = int(np.count_nonzero(-sign * deltas <= tolerance + slack))
        p_value = (1 + within) / (1 + b)
        j = order_statistic(alpha, b)
        if b and j >= 1:
            low, high = float(deltas[j - 1]), float(deltas[b - j])
        else:
            low = high = float("nan")
        # The least worsening the interval allows: its end nearest "better".
        least_worsening = -sign * (high if sign > 0 else low)
        return Significance(
            metric=self.metric,
            examples=self.examples,
            resamples=b,
            candidate=self.candidate,
            baseline=self.baseline,
            delta=self.candidate - self.baseline,
            ci_low=low,
            ci_high=high,
            ci_level=1 - 2 * alpha,
            tolerance=tolerance,
            p_value=float(p_value),
            alpha=alpha,
            mcnemar_p_value=self.mcnemar_p_value,
            beyond_tolerance=bool(least_worsening > tolerance + slack),
            worse_for_sure=bool(least_worsening > slack),
        )


def order_statistic(alpha: float, resamples: int) -> int:
    """``j``: the interval's ends are the ``j``-th smallest and largest of the resamples.

    ``floor(alpha * (1 + B))``, with the product's float error never rounding an exact
    integer down (0.07 * 100 is 7.000000000000001, 0.29 * 100 is 28.999999999999996).
    """
    exact = alpha * (1 + resamples)
    j = int(np.floor(exact))
    return j + 1 if abs(exact - (j + 1)) < 1e-9 else j


def bootstrap_deltas(
    candidate: Predictions, baseline: Predictions, metric: str, *, resamples: int, seed: int
) -> BootstrapDeltas:
    """Resample the paired examples and collect the metric difference of each resample.

    The predictions must be paired (see ``pairing_problem``) and ``metric`` computable for
    both (see ``mlci.checks.metrics.unavailable_reason``).
    """
    plan = _plan(candidate, baseline, metric)
    cand_obs, base_obs = observed(plan)
    cand_rs, base_rs = resample(plan, resamples, seed)
    deltas = cand_rs - base_rs
    mcnemar = None
    if metric == "accuracy":
        assert candidate.y_pred is not None and baseline.y_pred is not None
        mcnemar = mcnemar_exact(candidate.y_pred == candidate.y_true, baseline.y_pred == baseline.y_true)
    return BootstrapDeltas(
        metric=metric,
        examples=candidate.rows,
        candidate=cand_obs,
        baseline=base_obs,
        deltas=deltas[np.isfinite(deltas)],  # a resample without positives has no AUC
        mcnemar_p_value=mcnemar,
    )


def paired_bootstrap(
    candidate: Predictions,
    baseline: Predictions,
    metric: str,
    *,
    direction: Direction,
    tolerance: float,
    alpha: float,
    resamples: int = 2000,
    seed: int = 0,
) -> Significance:
    """Test whether the candidate is worse than the baseline by more than ``tolerance``."""
    deltas = bootstrap_deltas(candidate, baseline, metric, resamples=resamples, seed=seed)
    return deltas.test(direction=direction, tolerance=tolerance, alpha=alpha)
