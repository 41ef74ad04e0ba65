"""Turn check results into report sections (the checks never see the report model)."""

from __future__ import annotations

from pathlib import Path

from mlci.checks.validation import ValidationOutcome
from mlci.report.model import Report
from mlci.report.validation import DatasetValidation, Violation

__all__ = ["validation_entry", "validation_report"]


def validation_entry(
    dataset: str,
    path: str | Path,
    outcome: ValidationOutcome,
    *,
    schema_path: str | Path | None = None,
    fingerprint: str | None = None,
) -> DatasetValidation:
    return DatasetValidation(
        dataset=dataset,
        path=str(path),
        rows=outcome.rows,
        columns=outcome.columns,
        status="passed" if outcome.passed else "failed",
        violations=[
            Violation(
                column=v.column,
                check=v.check,
                failed_count=v.failed_count,
                examples=v.examples,
                example_rows=v.example_rows,
                expected=v.expected,
            )
            for v in outcome.violations
        ],
        schema_path=str(schema_path) if schema_path is not None else None,
        checks=[f"{column or ''}:{check}" for column, check in outcome.checks],
        fingerprint=fingerprint,
    )


def validation_report(entries: list[DatasetValidation]) -> Report:
    return Report(validation=entries).with_status()
