"""Bounds for an inferred schema that a fresh sample of the same data also passes.

The sample's own extremes are the wrong bounds: a new batch from the same population
has a new maximum about half the time, and would go red for nothing. So each bound is
widened, then rounded outward to a round number, as a person would write it:

- numbers: padded on each side by twice the observed range (by half the value, or 1,
  for a constant column), then rounded outward to the leading digit of the padding
  (``age`` seen in 18..80 becomes ``min: 0, max: 300``). A column with no negative value
  keeps ``min >= 0``: being non-negative is what its data says, so ``min`` stops at 0.
- integers keep whole-number bounds, computed exactly (Python ints, any size).
- datetimes get a ``min`` padded the same way and cut to the day, and no ``max``: new
  data is newer, so any maximum would fail the next batch.

Bounds stay tight enough for what they are for: unit mistakes (x100, x1000), sentinels
such as -999 in a non-negative column, negative amounts, dates from another century.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

__all__ = ["PADDING", "widen_bounds"]

# Padding on each side, in observed ranges. Heavy tails need it: breast_cancer's "area
# error" has two values above 500 and the next at 233, so a 70% sample without both
# would fail the rest with any padding below ~1.4 ranges; 2 passes every split tried.
PADDING = 2.0


def widen_bounds(dtype: str, low: Any, high: Any) -> tuple[Any | None, Any | None]:
    """(min, max) for a column whose values span ``low..high``; None where no bound fits."""
    if dtype == "int":
        return _integers(int(low), int(high))
    if dtype == "float":
        return _floats(float(low), float(high))
    if dtype == "datetime":
        return _dates(pd.Timestamp(low), pd.Timestamp(high)), None
    return low, high


def _integers(low: int, high: int) -> tuple[int, int]:
    pad = (high - low) * int(PADDING) or max(abs(high) // 2, 1)
    step = 10 ** (len(str(pad)) - 1)  # the leading digit of the padding
    new_low = low - pad
    if low >= 0:
        new_low = max(new_low, 0)
    return (new_low // step) * step, -((-(high + pad)) // step) * step


def _floats(low: float, high: float) -> tuple[float | None, float | None]:
    if not (math.isfinite(low) and math.isfinite(high)):
        return None, None
    pad = (high - low) * PADDING or (abs(high) / 2 or 1.0)
    if not math.isfinite(pad) or pad < 1e-300:
        return low, high  # beyond what padding can say: the exact extremes
    exponent = math.floor(math.log10(pad))
    step = 10.0**exponent
    new_low = low - pad
    if low >= 0:
        new_low = max(new_low, 0.0)
    lowest = _tidy(math.floor(new_low / step) * step, exponent)
    highest = _tidy(math.ceil((high + pad) / step) * step, exponent)
    # Rounding must only ever widen; past float range there is no bound on that side.
    out_low = lowest if math.isfinite(lowest) and lowest <= low else low
    out_high = highest if math.isfinite(highest) and highest >= high else high
    return out_low, out_high


def _tidy(value: float, exponent: int) -> float:
    """``0.30000000000000004`` -> ``0.3``: no more digits than the step has."""
    return round(value, -exponent) if exponent < 0 else value


def _dates(low: pd.Timestamp, high: pd.Timestamp) -> pd.Timestamp:
    span = high - low
    pad = span * PADDING if span > pd.Timedelta(0) else pd.Timedelta(days=1)
    try:
        return (low - pad).floor("D")
    except (OverflowError, ValueError):  # before the earliest timestamp pandas holds
        return low
