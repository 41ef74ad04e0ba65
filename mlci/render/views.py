"""View helpers: what templates would otherwise compute (orderings, sparklines, geometry, rule
phrasing, which checks failed, the summary counts), once, in Python, and shared by every
format, so the formats agree. Templates only format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mlci.report.model import Report
from mlci.report.validation import DatasetValidation, Violation

__all__ = [
    "BarPair",
    "ValidationCase",
    "by_severity",
    "distribution_bars",
    "gate_rule",
    "severity_bar",
    "sparkline",
    "sparklines",
    "summary_parts",
    "validation_cases",
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
    n = min(len(ref), len(cur))  # a hand-edited report may disagree with itself
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


@dataclass(frozen=True)
class ValidationCase:
    """One check on one dataset, as a test case: passed, failed (with its violation) or skipped."""

    column: str | None  # None for table-level checks
    check: str
    status: Literal["passed", "failed", "skipped"]
    violation: Violation | None = None
    reason: str | None = None  # why a skipped check could not run

    @property
    def label(self) -> str:
        return f"{self.column if self.column is not None else '(table)'} {self.check}"


def validation_cases(ds: DatasetValidation) -> list[ValidationCase]:
    """Every check that ran, each violation exactly once as a failed case.

    ``ds.checks`` names the checks that ran ("column:check", ":rows_min" for the table);
    a table-level ``extra_column`` check fails once per extra column; the other checks of
    a missing column could not run, so they are skipped, not passed.
    """
    by_key: dict[tuple[str | None, str], list[Violation]] = {}
    for v in ds.violations:
        by_key.setdefault((v.column, v.check), []).append(v)
    extra = [v for v in ds.violations if v.check == "extra_column"]
    missing = {v.column for v in ds.violations if v.check == "missing_column"}
    used: set[int] = set()
    cases: list[ValidationCase] = []

    def fail(v: Violation) -> None:
        used.add(id(v))
        cases.append(ValidationCase(v.column, v.check, "failed", v))

    for name in ds.checks:
        column_text, _, check = name.rpartition(":")
        column = column_text or None
        if check == "extra_column" and column is None:
            for v in extra:
                fail(v)
            if not extra:
                cases.append(ValidationCase(None, check, "passed"))
            continue
        failed = [v for v in by_key.get((column, check), []) if id(v) not in used]
        if failed:
            for v in failed:
                fail(v)
        elif column is not None and column in missing:
            cases.append(ValidationCase(column, check, "skipped", reason="the column is missing"))
        else:
            cases.append(ValidationCase(column, check, "passed"))
    for v in ds.violations:  # a violation whose check is not listed (an older report)
        if id(v) not in used:
            fail(v)
    return cases


def _count(done: int, total: int, what: str) -> str:
    return f"{done}/{total} {what}"


def summary_parts(report: Report) -> list[str]:
    """The one-line summary: "1/2 datasets valid · 3/10 columns drifted · 2/3 gates passed"."""
    parts: list[str] = []
    if report.validation is not None:
        valid = sum(ds.status == "passed" for ds in report.validation)
        parts.append(_count(valid, len(report.validation), "datasets valid"))
    if report.drift is not None and report.drift.status == "skipped":
        parts.append("drift not tested")  # no column could be tested
    elif report.drift is not None:
        drifted = sum(c.drifted for c in report.drift.columns)
        parts.append(_count(drifted, len(report.drift.columns), "columns drifted"))
        if report.drift.skipped:
            parts.append(f"{len(report.drift.skipped)} not tested")
    if report.gates is not None:
        passed = sum(g.status == "passed" for g in report.gates.results)
        parts.append(_count(passed, len(report.gates.results), "gates passed"))
    if report.errors:
        n = len(report.errors)
        parts.append(f"{n} input{'s' if n != 1 else ''} could not be used")
    return parts
