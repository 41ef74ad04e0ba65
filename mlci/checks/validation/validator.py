"""Validate a dataset against a schema, one chunk at a time, collecting every violation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from mlci.checks.validation.arrow_dtypes import typed_from_arrow
from mlci.checks.validation.results import Tally, ValidationOutcome
from mlci.checks.validation.rules import apply_rules, expected_text
from mlci.checks.validation.typed import Typed
from mlci.checks.validation.unique import FetchRows, UniqueTracker
from mlci.config.schema import ColumnSpec, Schema
from mlci.io.readers import DEFAULT_CHUNK_ROWS, DataSource

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Validator", "validate_frame", "validate_source", "text_columns"]

Progress = Callable[[int], None]


def text_columns(schema: Schema) -> list[str]:
    """Columns a CSV reader must keep as text so the checks see what the file holds."""
    return [n for n, c in schema.columns.items() if c.dtype in ("string", "category", "datetime")]


class Validator:
    """A mergeable accumulator: ``feed`` chunks, ``merge`` partials, then ``finish`` once.

    Results equal one validation of the whole file, whatever the order of chunks and of
    merges, as long as every row is fed to exactly one partial under its global row number
    (0-based: the chunk's index, or ``first_row`` onwards). Every partial of one dataset is
    built with the same ``schema`` and ``columns``.

    A partial is picklable (a Dask worker ships it to the client). It costs a few hundred
    bytes per (column, check) for counts and examples, plus 16 bytes per present value of
    each ``unique`` column (see ``UniqueTracker``); nothing else grows with the rows.
    """

    def __init__(self, schema: Schema, columns: list[str]) -> None:
        self.schema = schema
        self.columns = columns
        self.rows = 0
        self.tally = Tally()
        present = set(columns)
        for name in schema.columns:
            if name not in present:
                self.tally.add_one(name, "missing_column", None, "column present")
        if schema.strict:
            for name in columns:
                if name not in schema.columns:
                    self.tally.add_one(name, "extra_column", None, "not in schema (strict)")
        self.checked = [n for n in schema.columns if n in present]
        self.unique = {
            n: UniqueTracker(n, expected_text(schema.columns[n], "unique"))
            for n in self.checked
            if schema.columns[n].unique
        }

    def feed(self, chunk: pd.DataFrame | Any, first_row: int | None = None) -> None:
        """Check one chunk: a pandas DataFrame or an Arrow Table (or RecordBatch).

        Rows are numbered from ``first_row`` on; without it, by a DataFrame's index, and
        for Arrow from the number of rows this partial was fed so far.
        """
        rows: np.ndarray | None = None
        columns: dict[str, Any]
        if hasattr(chunk, "schema") and hasattr(chunk, "num_rows"):  # Arrow
            table: Any = chunk
            start = self.rows if first_row is None else first_row
            size = int(table.num_rows)
            columns = {name: table.column(name) for name in self.checked}
        else:
            size = len(chunk)
            start, rows = _row_numbers(chunk, first_row)
            columns = {name: chunk[name] for name in self.checked}
        self.rows += size
        numbers = np.arange(start, start + size, dtype=np.int64) if rows is None else rows
        for name, column in columns.items():
            spec = self.schema.columns[name]
            typed = _typed(column, spec, start, rows)
            apply_rules(name, spec, typed, self.tally)
            if name in self.unique:
                self.unique[name].feed_typed(typed, numbers)

    def merge(self, other: Validator) -> Validator:
        """Fold in a partial fed on other rows (in place, returning ``self``; drop ``other`` after)."""
        if other.columns != self.columns or other.schema != self.schema:
            raise ValueError("only partials of one dataset and schema can be merged")
        self.rows += other.rows
        self.tally.merge(other.tally)
        for name, tracker in self.unique.items():
            tracker.merge(other.unique[name])
        return self

    def finish(self, fetch: FetchRows) -> ValidationOutcome:
        """The outcome; ``fetch`` reads back a few values by global row (duplicates' examples)."""
        for tracker in self.unique.values():
            found = tracker.finish(fetch)
            if found is not None:
                self.tally.put(found)
        bounds = self.schema.rows
        if bounds is not None:
            if bounds.min is not None and self.rows < bounds.min:
                self.tally.add_one(None, "rows_min", self.rows, f">= {bounds.min} rows")
            if bounds.max is not None and self.rows > bounds.max:
                self.tally.add_one(None, "rows_max", self.rows, f"<= {bounds.max} rows")
        order: list[str | None] = [*self.schema.columns, *self.columns]
        return ValidationOutcome(
            self.rows, len(self.columns), self.tally.results(order), checks_run(self.schema)
        )


def _row_numbers(frame: pd.DataFrame, first_row: int | None) -> tuple[int, np.ndarray | None]:
    """(first row, None) for consecutive rows, else (0, every row's number) from the index."""
    if first_row is not None:
        return first_row, None
    index = frame.index
    step = getattr(index, "step", None)
    if step == 1:
        return int(index.start), None  # type: ignore[attr-defined]
    return 0, index.to_numpy(dtype=np.int64)


def _typed(column: Any, spec: ColumnSpec, start: int, rows: np.ndarray | None) -> Typed:
    """Arrow columns on the Arrow front end where it is sure; everything else through pandas."""
    from_arrow = rows is None and not hasattr(column, "iloc")
    if from_arrow:
        typed = typed_from_arrow(column, spec, start)
        if typed is not None:
            return typed
    from mlci.checks.validation.dtypes import typed_from_pandas  # imports pandas

    if from_arrow:
        column = column.to_pandas()
    return typed_from_pandas(column, spec, start, rows)


def checks_run(schema: Schema) -> list[tuple[str | None, str]]:
    """Every check a schema asks for, in report order (for test-report UIs)."""
    out: list[tuple[str | None, str]] = []
    if schema.rows is not None:
        out += [(None, c) for c in ("rows_min", "rows_max") if getattr(schema.rows, c[5:]) is not None]
    if schema.strict:
        out.append((None, "extra_column"))
    for name, spec in schema.columns.items():
        out += [(name, "missing_column"), (name, "dtype")]
        if not spec.nullable:
            out.append((name, "nullable"))
        if spec.unique:
            out.append((name, "unique"))
        for check in ("min", "max", "allowed", "pattern", "min_length", "max_length"):
            if getattr(spec, check) is not None:
                out.append((name, check))
    return out


def validate_frame(frame: pd.DataFrame, schema: Schema) -> ValidationOutcome:
    """Validate an in-memory DataFrame (its index is ignored; rows are numbered from 1)."""
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    validator = Validator(schema, list(frame.columns))
    validator.feed(frame)
    return validator.finish(lambda column, rows: frame[column].iloc[rows].tolist())


def validate_source(
    source: DataSource,
    schema: Schema,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Progress | None = None,
) -> ValidationOutcome:
    """Validate a file in chunks of ``chunk_rows``; memory does not grow with file size."""
    validator = Validator(schema, source.columns)
    text = text_columns(schema)
    # Columns the schema does not check are never parsed (an extra column only needs its name).
    wanted = validator.checked if validator.checked else None
    for chunk in source.batches(chunk_rows=chunk_rows, text_columns=text, columns=wanted):
        validator.feed(chunk)
        if progress is not None:
            progress(validator.rows)
    return validator.finish(_refetch(source, text, chunk_rows))


def _refetch(source: DataSource, text: Iterable[str], chunk_rows: int) -> FetchRows:
    """Read back a few values by row number (only needed when duplicates were found)."""

    def fetch(column: str, rows: list[int]) -> list[object]:
        wanted = sorted(set(rows))
        found: dict[int, object] = {}
        start = 0
        for chunk in source.batches(chunk_rows=chunk_rows, text_columns=text, columns=[column]):
            if hasattr(chunk, "num_rows"):  # Arrow: row numbers follow on from the last chunk
                size, values = chunk.num_rows, chunk.column(column)
                for row in wanted:
                    if start <= row < start + size:
                        found[row] = _arrow_value(values, row - start)
            else:
                size = len(chunk)
                for row in wanted:
                    if chunk.index[0] <= row <= chunk.index[-1]:
                        found[row] = chunk.at[row, column]
            start += size
            if len(found) == len(wanted):
                break
        return [found.get(r) for r in rows]

    return fetch


def _arrow_value(values: Any, position: int) -> object:
    """One value as the pandas reader would hold it (an int column with gaps as a float)."""
    import pyarrow as pa

    scalar = values[position]
    if not scalar.is_valid:
        return None
    if pa.types.is_integer(values.type) and values.null_count:
        return float(scalar.as_py())
    return scalar.as_py()
