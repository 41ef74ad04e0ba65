"""Validation on a Dask cluster: one partial ``Validator`` per partition, merged, finished once.

Rows are numbered globally: Parquet partitions know their row counts from their footers;
other formats are counted first, on the workers (one extra read of each partition), so
example rows are the same as the local engine's. Partials carry counts and a few examples
(small); ``unique`` is reduced on the workers by hash group (see ``dask_unique``).
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlci.checks.validation.results import MAX_EXAMPLES, Tally, ValidationOutcome, ViolationResult, json_safe
from mlci.checks.validation.rules import expected_text
from mlci.checks.validation.unique import FetchRows
from mlci.checks.validation.validator import Validator, checks_run, text_columns
from mlci.config.schema import Schema
from mlci.engines.dask_cluster import gather
from mlci.engines.dask_unique import GroupedHashes, Piece, duplicates_in_group, group_bits
from mlci.io.dataset import Partition, open_partition
from mlci.io.readers import DEFAULT_CHUNK_ROWS

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["count_rows", "partition_offsets", "validate_partitioned"]


@dataclass
class _Partial:
    validator: Validator
    unique: dict[str, list[Piece]]  # column -> its hash groups


def count_rows(partition: Partition, chunk_rows: int) -> int:
    """A partition's rows: the footer's count for Parquet, else a read of one column."""
    if partition.rows is not None:
        return partition.rows
    source = open_partition(partition)
    return sum(len(c) for c in source.chunks(chunk_rows=chunk_rows, columns=source.columns[:1]))


def partition_offsets(parts: list[Partition], rows: list[int]) -> list[int]:
    """The global number of each partition's first row."""
    if all(p.first_row is not None for p in parts):
        return [int(p.first_row or 0) for p in parts]
    return [0, *itertools.accumulate(rows)][:-1]


def _validate_partition(
    partition: Partition, offset: int, columns: list[str], schema: Schema, chunk_rows: int, bits: int
) -> _Partial:
    source = open_partition(partition)
    validator = Validator(schema, columns)  # the dataset's columns: partials merge only alike
    trackers = {name: GroupedHashes() for name in validator.unique}
    validator.unique = trackers  # type: ignore[assignment]
    wanted = validator.checked if validator.checked else None
    for chunk in source.batches(chunk_rows=chunk_rows, text_columns=text_columns(schema), columns=wanted):
        validator.feed(chunk, first_row=offset + validator.rows)  # chunks follow on in a partition
    validator.unique = {}  # a partial travels without its hashes; they stay on this worker
    return _Partial(validator, {name: t.groups(bits) for name, t in trackers.items()})


def _validator(partial: _Partial) -> Validator:
    return partial.validator


def _piece(partial: _Partial, column: str, group: int) -> Piece:
    return partial.unique[column][group]


def _values_at(
    partition: Partition, column: str, rows: list[int], text: list[str], chunk_rows: int
) -> list[Any]:
    """The file's values (as the checks saw them) at rows numbered within the partition."""
    wanted, found = set(rows), {}
    source = open_partition(partition)
    for chunk in source.chunks(chunk_rows=chunk_rows, text_columns=text, columns=[column]):
        for row in wanted:
            if chunk.index[0] <= row <= chunk.index[-1]:
                found[row] = json_safe(chunk.at[row, column])
        if len(found) == len(wanted):
            break
    return [found.get(r) for r in rows]


def _fetcher(
    client: Client,
    parts: list[Partition],
    offsets: list[int],
    text: list[str],
    chunk_rows: int,
    timeout: float,
) -> FetchRows:
    """Values at global rows (0-based), read back on the workers from their partitions."""

    def fetch(column: str, rows: list[int]) -> list[object]:
        by_partition: dict[int, list[int]] = {}
        for row in rows:
            by_partition.setdefault(bisect_right(offsets, row) - 1, []).append(row)
        futures = [
            client.submit(_values_at, parts[i], column, [r - offsets[i] for r in rs], text, chunk_rows)
            for i, rs in by_partition.items()
        ]
        found: dict[int, object] = {}
        for rs, values in zip(by_partition.values(), gather(client, futures, timeout), strict=True):
            found.update(zip(rs, values, strict=True))
        return [found.get(r) for r in rows]

    return fetch


def validate_partitioned(
    client: Client,
    parts: list[Partition],
    columns: list[str],
    schema: Schema,
    *,
    timeout: float,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
) -> ValidationOutcome:
    """Validate a dataset's partitions on the cluster; the outcome equals the local engine's."""
    rows = [p.rows for p in parts]
    if any(r is None for r in rows):
        rows = gather(client, client.map(count_rows, parts, chunk_rows=chunk_rows, pure=False), timeout)
    counts = [int(r or 0) for r in rows]
    offsets = partition_offsets(parts, counts)
    bits = group_bits(sum(counts))
    partials = client.map(
        _validate_partition,
        parts,
        offsets,
        columns=columns,
        schema=schema,
        chunk_rows=chunk_rows,
        bits=bits,
        pure=False,
    )
    unique = [n for n, c in schema.columns.items() if c.unique and n in columns]
    reduced = {
        name: [
            client.submit(duplicates_in_group, *[client.submit(_piece, p, name, g) for p in partials])
            for g in range(1 << bits)
        ]
        for name in unique
    }
    validators = gather(
        client,
        [client.submit(_validator, p) for p in partials],
        timeout,
        progress=progress,
        weights=counts,
    )
    merged = validators[0]
    for other in validators[1:]:
        merged = merged.merge(other)
    fetch = _fetcher(client, parts, offsets, text_columns(schema), chunk_rows, timeout)
    found = [_unique_result(name, schema, gather(client, f, timeout), fetch) for name, f in reduced.items()]
    del partials, reduced  # the hashes on the workers can go
    outcome: ValidationOutcome = merged.finish(fetch)
    tally = Tally()
    for item in [*outcome.violations, *(f for f in found if f is not None)]:
        tally.put(item)
    outcome.violations = tally.results([*schema.columns, *columns])
    outcome.checks = checks_run(schema)
    return outcome


def _unique_result(
    name: str, schema: Schema, groups: list[tuple[int, list[int]]], fetch: FetchRows
) -> ViolationResult | None:
    count = sum(c for c, _ in groups)
    if count == 0:
        return None
    first = sorted(r for _, rows in groups for r in rows)[:MAX_EXAMPLES]
    values = [json_safe(v) for v in fetch(name, first)]
    expected = expected_text(schema.columns[name], "unique")
    return ViolationResult(name, "unique", count, values, [r + 1 for r in first], expected)
