"""The Dask engine: partitions are read and checked on a cluster's workers.

``open_engine`` (in ``mlci.engines.factory``) connects once per run; every dataset of the
run is validated and compared on the same cluster. See docs/engines.md for what runs
where and what it costs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mlci.checks.drift.detector import DriftOptions, detect_drift_columns
from mlci.checks.drift.results import DriftOutcome
from mlci.checks.validation.results import ValidationOutcome
from mlci.checks.validation.validator import text_columns
from mlci.config.schema import Schema
from mlci.engines.base import Progress
from mlci.engines.dask_drift import DaskColumns
from mlci.engines.dask_validate import validate_partitioned
from mlci.io.dataset import Dataset, Partition
from mlci.io.readers import DataSource

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["DaskEngine", "partitions_of"]


def partitions_of(data: DataSource) -> list[Partition]:
    """A Dataset's partitions; a single file is one partition."""
    if isinstance(data, Dataset):
        return data.partitions
    name = data.path.name
    return [Partition(str(data.path), data.format, data.total_rows, name, tuple(data.columns), first_row=0)]


class DaskEngine:
    name = "dask"

    def __init__(self, client: Client, timeout: float) -> None:
        self.client = client
        self.timeout = timeout

    def validate(
        self,
        data: DataSource,
        schema: Schema,
        *,
        chunk_rows: int,
        progress: Progress | None = None,
    ) -> ValidationOutcome:
        outcome = validate_partitioned(
            self.client,
            partitions_of(data),
            data.columns,
            schema,
            timeout=self.timeout,
            chunk_rows=chunk_rows,
        )
        if progress is not None:
            progress(outcome.rows)
        return outcome

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
        text = text_columns(schema) if schema is not None else []
        ref, cur = (
            DaskColumns(
                self.client,
                partitions_of(side),
                text_columns=text,
                timeout=self.timeout,
                chunk_rows=chunk_rows,
            )
            for side in (reference, current)
        )
        return detect_drift_columns(ref, cur, reference.columns, current.columns, options, schema=schema)
