"""The resampling engine of the paired bootstrap: exact, vectorised, seeded, bounded memory.

A bootstrap resample of ``n`` examples is a vector of draw counts (how often each example
is drawn; a multinomial draw). Statistics are written as functions of such counts, so a
resample never materialises the resampled data. Two plans:

- ``CategoryPlan``: examples fall into a few categories that determine the statistic (for
  label metrics, the (true, candidate, baseline) labels), so the counts are drawn over
  the categories directly: a million examples cost the same as ten.
- ``ExamplePlan``: per-example counts, drawn block by block: the number of draws landing
  in each block of 65,536 examples is itself a multinomial draw, and 16 random bits are
  exactly a uniform index into a block, so every scattered write stays in cache. One
  reusable buffer per thread: memory does not grow with the number of resamples.

Resamples are split into fixed chunks, each with its own random stream spawned from the
seed, so the result for a given seed is the same with one thread or several.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

__all__ = ["CategoryPlan", "ExamplePlan", "Plan", "draw_counts", "observed", "resample"]

_BLOCK = 1 << 16
_CHUNK = 64  # resamples per random stream
_CATEGORY_BATCH = 1 << 22  # resamples x categories held at once
_PARALLEL_WORK = 1 << 26  # examples x resamples below which threads cost more than they save


@dataclass(frozen=True)
class CategoryPlan:
    counts: np.ndarray  # examples per category
    # (resamples, categories) weights -> (candidate values, baseline values)
    statistic: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]

    @property
    def examples(self) -> int:
        return int(self.counts.sum())


@dataclass(frozen=True)
class ExamplePlan:
    examples: int
    dtype: type  # of the counts buffer: float64 for matrix products, uint8 for rank metrics
    # counts of one resample, shape (examples,) -> (candidate value, baseline value)
    statistic: Callable[[np.ndarray], tuple[float, float]]


Plan = CategoryPlan | ExamplePlan


def draw_counts(rng: np.random.Generator, out: np.ndarray) -> None:
    """Fill ``out`` with the draw counts of one bootstrap resample of ``len(out)`` examples."""
    n = len(out)
    if n <= _BLOCK:
        out[:] = np.bincount(rng.integers(0, n, size=n), minlength=n)
        return
    full, rest = divmod(n, _BLOCK)
    sizes = np.array([_BLOCK] * full + ([rest] if rest else []), dtype=np.float64)
    per_block = rng.multinomial(n, sizes / n)
    drawn = int(per_block[:full].sum())
    bits = rng.bit_generator.random_raw(-(-drawn // 4)).view(np.uint16)
    at = 0
    for block in range(full):
        k = int(per_block[block])
        start = block * _BLOCK
        out[start : start + _BLOCK] = np.bincount(bits[at : at + k], minlength=_BLOCK)
        at += k
    if rest:
        tail = rng.integers(0, rest, size=int(per_block[-1]))
        out[full * _BLOCK :] = np.bincount(tail, minlength=rest)


def observed(plan: Plan) -> tuple[float, float]:
    """The statistic on the evaluation set itself: every example drawn once."""
    if isinstance(plan, CategoryPlan):
        c, b = plan.statistic(plan.counts[None, :].astype(np.float64))
        return float(c[0]), float(b[0])
    return plan.statistic(np.ones(plan.examples, dtype=plan.dtype))


def resample(plan: Plan, resamples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``resamples`` bootstrap values of the statistic for the candidate and the baseline."""
    if isinstance(plan, CategoryPlan):
        return _by_category(plan, resamples, seed)
    chunks = [min(_CHUNK, resamples - start) for start in range(0, resamples, _CHUNK)]
    streams = np.random.SeedSequence(seed).spawn(len(chunks))

    def run(i: int) -> np.ndarray:
        rng = np.random.Generator(np.random.PCG64(streams[i]))
        counts: np.ndarray = np.empty(plan.examples, dtype=plan.dtype)
        values = np.empty((chunks[i], 2))
        for row in range(chunks[i]):
            draw_counts(rng, counts)
            values[row] = plan.statistic(counts)
        return values

    workers = min(len(chunks), os.cpu_count() or 1, 4)
    if workers > 1 and plan.examples * resamples >= _PARALLEL_WORK:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(run, range(len(chunks))))
    else:
        parts = [run(i) for i in range(len(chunks))]
    values = np.concatenate(parts)
    return values[:, 0], values[:, 1]


def _by_category(plan: CategoryPlan, resamples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
    n = plan.examples
    p = plan.counts / n
    batch = max(1, min(resamples, _CATEGORY_BATCH // max(len(p), 1)))
    cand, base = [], []
    for start in range(0, resamples, batch):
        size = min(batch, resamples - start)
        c, b = plan.statistic(rng.multinomial(n, p, size=size).astype(np.float64))
        cand.append(c)
        base.append(b)
    return np.concatenate(cand), np.concatenate(base)
