"""The one interface both engines offer: open a dataset, validate it, compare two for drift."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from mlci.checks.drift.detector import DriftOptions
from mlci.checks.drift.results import DriftOutcome
from mlci.checks.validation.results import ValidationOutcome
from mlci.config.schema import Schema

__all__ = ["Engine", "Progress"]

Progress = Callable[[int], None]


class Engine(Protocol):
    """Where checks run. ``open`` fails fast (exit 2) before any long read."""

    name: str

    def open(self, path: str | Path) -> Any:
        """The dataset at ``path``: its ``path``, ``columns`` and ``total_rows`` (None if unknown)."""
        ...

    def fingerprint(self, data: Any) -> str: ...

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
