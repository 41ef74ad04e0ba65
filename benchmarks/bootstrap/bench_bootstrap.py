"""Benchmark mlci's paired bootstrap on 1M paired predictions, against a plain loop.

Generates a binary classification evaluation set (default 1,000,000 examples) with a
candidate and a baseline scorer of slightly different quality, and a regression pair,
then times ``mlci.checks.significance.bootstrap_deltas`` per metric at ``--resamples``
(default 1000) and prints wall time, CPU time, peak memory above the start, the observed
difference and the 90% interval.

For scale, a plain bootstrap (draw indices with numpy, recompute the metric with
scikit-learn, as most notebooks do) is timed on ``--naive-resamples`` resamples (default
20) and its time extrapolated to ``--resamples``.

    python benchmarks/bootstrap/bench_bootstrap.py
    python benchmarks/bootstrap/bench_bootstrap.py --examples 100000 --resamples 2000

The machine's load matters: the numbers printed are for this run only.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import pandas as pd

from mlci.checks.predictions import PredictionColumns, encode_predictions
from mlci.checks.significance import bootstrap_deltas

CLASSIFICATION = ["accuracy", "f1", "f1_macro", "log_loss", "brier", "roc_auc", "average_precision"]
REGRESSION = ["rmse", "mae", "r2"]


def _rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _classification(n: int):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, n)
    columns = []
    for quality in (0.30, 0.295):
        score = np.clip(y * quality + rng.random(n) * (1 - quality), 0, 1)
        columns.append(
            PredictionColumns("bench", pd.Series(y), pd.Series((score > 0.5).astype(int)), pd.Series(score))
        )
    return encode_predictions(columns)


def _regression(n: int):
    rng = np.random.default_rng(1)
    y = rng.normal(100, 20, n)
    columns = [
        PredictionColumns("bench", pd.Series(y), pd.Series(y + rng.normal(0, s, n)), None)
        for s in (5.0, 5.02)
    ]
    return encode_predictions(columns, task="regression")


def _naive(cand, base, metric: str, resamples: int) -> float:
    from sklearn import metrics as sk

    y = (cand.y_true == cand.labels.positive).astype(int)
    fn = {
        "accuracy": lambda idx, p: sk.accuracy_score(y[idx], p.y_pred[idx] == cand.labels.positive),
        "log_loss": lambda idx, p: sk.log_loss(y[idx], p.y_score[idx], labels=[0, 1]),
        "roc_auc": lambda idx, p: sk.roc_auc_score(y[idx], p.y_score[idx]),
    }[metric]
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(resamples):
        idx = rng.integers(0, len(y), len(y))
        fn(idx, cand) - fn(idx, base)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1_000_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--naive-resamples", type=int, default=20)
    parser.add_argument("--metrics", nargs="*", default=CLASSIFICATION + REGRESSION)
    args = parser.parse_args()

    n = args.examples
    print(
        f"paired bootstrap, {n:,} examples, {args.resamples:,} resamples, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
    )
    pairs = {"classification": _classification(n), "regression": _regression(n)}
    header = f"{'metric':<18} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9} {'delta':>10}  90% interval"
    print(header)
    print("-" * len(header))
    for metric in args.metrics:
        cand, base = pairs["regression" if metric in REGRESSION else "classification"]
        rss0 = _rss_mib()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        result = bootstrap_deltas(cand, base, metric, resamples=args.resamples, seed=0)
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss0
        low, high = np.quantile(result.deltas, [0.05, 0.95])
        print(
            f"{metric:<18} {wall:>8.2f} {cpu:>8.2f} {max(peak, 0):>9.0f} "
            f"{result.candidate - result.baseline:>+10.5f}  [{low:+.5f}, {high:+.5f}]"
        )
    if args.naive_resamples:
        print(
            f"\nplain loop (numpy indices + scikit-learn), timed on {args.naive_resamples} "
            f"resamples, extrapolated to {args.resamples:,}:"
        )
        cand, base = pairs["classification"]
        for metric in ("accuracy", "log_loss", "roc_auc"):
            seconds = _naive(cand, base, metric, args.naive_resamples)
            print(f"{metric:<18} {seconds / args.naive_resamples * args.resamples:>8.0f} s")


if __name__ == "__main__":
    main()
