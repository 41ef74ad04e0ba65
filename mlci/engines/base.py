"""The one interface both engines offer: open a dataset, validate it, compare two for drift."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # drift's modules bring pandas, which the Arrow validate path avoids
    from mlci.checks.drift.detector import DriftOptions
    from mlci.checks.drift.results import DriftOutcome
    from mlci.checks.validation.results import ValidationOutcome
    from mlci.config.schema import Schema

__all__ = ["Engine", "Progress"]

Progress = Callable[[int], None]


class Engine(Protocol):
    """Where checks run, on datasets opened by ``mlci.engines.factory.open_data``."""

    name: str

    def validate(
        self, data: Any, schema: Schema, *, chunk_rows: int, progress: Progress | None = None
    ) -> ValidationOutcome: ...

    def drift(
        self,
        reference: Any,
        current: Any,
        options: DriftOptions,
        *,
        schema: Schema | None,
        chunk_rows: int,
        progress: Callable[[Any], Progress | None] | None = None,
    ) -> DriftOutcome: ...
