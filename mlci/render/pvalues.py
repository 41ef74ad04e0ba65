"""P-values as text that never lands on the wrong side of alpha.

Four significant digits print p = 0.04998 as ``0.04998`` but p = 0.049996 as ``0.05``:
next to "significant at alpha = 0.05" a reader sees a p-value that is not below alpha.
So digits are added until the printed number compares with alpha as the p-value does.
"""

from __future__ import annotations

__all__ = ["format_p_value"]


def _same_side(shown: float, p: float, alpha: float) -> bool:
    if p < alpha:
        return shown < alpha
    if p > alpha:
        return shown > alpha
    return shown == alpha


def format_p_value(p: float | None, alpha: float | None = None, digits: int = 4) -> str:
    """``p`` with ``digits`` significant digits, or more when fewer would cross ``alpha``."""
    if p is None:
        return "—"
    if p != p:
        return "NaN"
    for places in range(digits, 18):
        text = f"{p:.{places}g}"
        if alpha is None or _same_side(float(text), p, alpha):
            break
    return text
