"""View helpers: what the templates list and count, computed once so every format agrees.

Templates format; they do not decide which checks failed or how many there are. Every
renderer (markdown, HTML, text, JUnit) takes its rows and counts from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mlci.report.model import Report
from mlci.report.validation import DatasetValidation, Violation

__all__ = ["ValidationCase", "summary_parts", "validation_cases"]


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
    if report.drift is not None:
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
