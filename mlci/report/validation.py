"""The ``validation`` section of ``mlci-report.json``: one entry per dataset checked."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from mlci.vocab import VIOLATION_CHECKS, CheckStatus

__all__ = ["Violation", "DatasetValidation", "VIOLATION_CHECKS"]


class Violation(BaseModel):
    """One check that failed on one column, with up to five failing values."""

    column: str | None = None  # None for table-level checks (rows_min, rows_max)
    check: str
    failed_count: int = Field(ge=0)
    examples: list[Any] = Field(default_factory=list)
    # 1-based data row numbers of the examples (row 1 is the first record after any header).
    example_rows: list[int] = Field(default_factory=list)
    expected: str | None = None  # what the schema asked for, e.g. "<= 120" or "int"


class DatasetValidation(BaseModel):
    dataset: str
    path: str
    rows: int = Field(ge=0)
    status: CheckStatus
    violations: list[Violation] = Field(default_factory=list)
    schema_path: str | None = None
    columns: int | None = None
    # Every check that ran ("column:check", or ":rows_min" for table checks), passed or not.
    checks: list[str] = Field(default_factory=list)
    fingerprint: str | None = None
