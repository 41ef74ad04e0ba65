"""The local engine: this process reads each dataset in chunks (today's behaviour, unchanged)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mlci.engines.base import Progress

if TYPE_CHECKING:
    from mlci.checks.drift.detector import DriftOptions
    from mlci.checks.drift.results import DriftOutcome
    from mlci.checks.validation.results import ValidationOutcome
    from mlci.config.schema import Schema
    from mlci.io.readers import DataSource

__all__ = ["LocalEngine"]


class LocalEngine:
    name = "local"

    def validate(
        self, data: DataSource, schema: Schema, *, chunk_rows: int, progress: Progress | None = None
    ) -> ValidationOutcome:
        # Imported here: drift's modules bring pandas, which the Arrow validate path avoids.
        from mlci.checks.validation.validator import validate_source

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
        from mlci.checks.drift.detector import detect_drift_sources

        return detect_drift_sources(
            reference, current, options, schema=schema, chunk_rows=chunk_rows, progress=progress
        )
