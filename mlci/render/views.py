"""View helpers: what templates would otherwise compute (orderings, sparklines, geometry, rule
phrasing), once, in Python, and shared by every format. Templates only format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BarPair",
    "by_severity",
    "distribution_bars",
    "gate_rule",
    "severity_bar",
    "sparkline",
    "sparklines",
]

_BLOCKS = "▁▂▃▄▅▆▇█"


def by_severity(columns: Sequence[Any]) -> list[Any]:
    """Drift columns, the most drifted first (score relative to threshold), ties by name."""
    return sorted(columns, key=lambda c: (-c.severity, c.column))


def sparkline(values: Sequence[float], top: float) -> str:
    """One block character per bin or category, scaled to ``top``."""
    return "".join(_BLOCKS[int(round(v / top * 7)) if top > 0 else 0] for v in values)


def sparklines(ref: Sequence[float], cur: Sequence[float]) -> tuple[str, str] | None:
    """Both sides on the same scale, or None when either side is empty."""
    if not ref or not cur:
        return None
    top = max(max(ref), max(cur))
    return sparkline(ref, top), sparkline(cur, top)


def severity_bar(severity: float, width: float) -> float:
    """Width of a severity bar: the threshold sits at the middle, 2x the threshold fills it."""
    return round(min(severity, 2) * width / 2, 1)


@dataclass(frozen=True)
class BarPair:
    """One bin or category of an inline SVG histogram: both sides' bars and a label slot."""

    x_ref: float
    x_cur: float
    width: float
    y_ref: float
    h_ref: float
    y_cur: float
    h_cur: float
    ref_pct: float
    cur_pct: float


def distribution_bars(ref: Sequence[float], cur: Sequence[float]) -> tuple[list[BarPair], float, float]:
    """Bars 80 px high at most, 4 to 36 px per bin, for 360 px in all; (bars, step, total width)."""
    n = len(ref)
    if n == 0:
        return [], 0.0, 0.0
    top = max(max(ref), max(cur), 0.0001)
    step = max(min(360 / n, 36), 4)
    bars = [
        BarPair(
            x_ref=round(i * step + 5, 1),
            x_cur=round(i * step + 5 + step / 2, 1),
            width=round(step / 2 - 1, 1),
            y_ref=round(85 - 80 * ref[i] / top, 1),
            h_ref=round(80 * ref[i] / top, 1),
            y_cur=round(85 - 80 * cur[i] / top, 1),
            h_cur=round(80 * cur[i] / top, 1),
            ref_pct=round(ref[i] * 100, 1),
            cur_pct=round(cur[i] * 100, 1),
        )
        for i in range(n)
    ]
    return bars, step, n * step + 10


def gate_rule(result: Any, style: str = "unicode") -> str:
    """A gate's rule as one phrase, the same in every format (``style``: unicode or ascii)."""
    from mlci.render.templates import number

    ascii_ = style == "ascii"
    higher = result.direction == "higher"
    limit = number(result.limit)
    if result.rule == "threshold":
        text = f"{('>=' if higher else '<=') if ascii_ else ('≥' if higher else '≤')} {limit}"
    elif result.implicit:
        text = "no regression"
    elif result.rule in ("max_regression", "max_regression_pct"):
        delta, sign = (
            ("delta", (">= -" if higher else "<= +")) if ascii_ else ("Δ", ("≥ −" if higher else "≤ +"))
        )
        text = f"{delta} {sign}{limit}" + ("% of baseline" if result.rule == "max_regression_pct" else "")
    else:
        text = ""
    if result.alpha is not None:
        text += f" (alpha {number(result.alpha)})" if ascii_ else f" (α = {number(result.alpha)})"
    return text
