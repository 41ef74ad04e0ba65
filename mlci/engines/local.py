"""The local engine: this process reads each dataset in chunks (today's behaviour, unchanged)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlci.checks.drift.detector import DriftOptions, detect_drift_sources
from mlci.checks.drift.results import DriftOutcome
from mlci.checks.validation.results import ValidationOutcome
from mlci.checks.validation.validator import validate_source
from mlci.config.schema import Schema
from mlci.engines.base import Progress
from mlci.io.readers import DataSource

__all__ = ["LocalEngine"]


class LocalEngine:
    name = "local"

    def validate(
        self, data: DataSource, schema: Schema, *, chunk_rows: int, progress: Progress | None = None
    ) -> ValidationOutcome:
        return validate_source(data, schema, chunk_rows=chunk_rows, progress=progress)

    def drift(
        self,
        reference: DataSource,
        current: DataSource,
        options: DriftOptions,
        *,
        schema: Schema | None,
        chunk_rows: int,
        progress: Callable[[Any], Progress | None] | None = None,
    ) -> DriftOutcome:
        return detect_drift_sources(
            reference, current, options, schema=schema, chunk_rows=chunk_rows, progress=progress
        )
