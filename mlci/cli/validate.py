"""``mlci validate DATA... --schema SCHEMA``."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlci.cli._common import (
    Progress,
    chunk_rows_option,
    color_enabled,
    format_option,
    option,
    output_option,
    status_exit,
    write_output,
)
from mlci.cli.engine_options import engine_options

if TYPE_CHECKING:
    from mlci.config.schema import Schema
    from mlci.engines import EngineOptions
    from mlci.engines.base import Engine
    from mlci.report.validation import DatasetValidation

__all__ = ["validate"]


@click.command()
@click.argument("data", nargs=-1, required=True, type=click.Path(path_type=str))
@option(
    "-s",
    "--schema",
    "schema_path",
    env="SCHEMA",
    required=True,
    type=click.Path(path_type=Path),
    help="The schema.yml the data must satisfy.",
)
@format_option(["text", "json", "md"])
@output_option()
@chunk_rows_option()
@engine_options()
@click.pass_context
def validate(
    ctx: click.Context,
    data: tuple[str, ...],
    schema_path: Path,
    fmt: str,
    output: Path | None,
    chunk_rows: int | None,
    engine: EngineOptions,
) -> None:
    """Validate DATA (CSV, TSV, Parquet or JSON Lines) against a schema.

    DATA is a file, a directory or glob of partitions (hive key=value directories
    become columns), or an fsspec URL (s3://, gs://, az://, file://).

    Every violation is collected, with the column, the check, how many rows failed
    and up to five failing values with their row numbers (row 1 is the first record).

    \b
    Examples:
      mlci validate data/train.csv --schema schema.yml
      mlci validate data/*.parquet -s schema.yml --format md -o validation.md
      mlci validate 's3://bucket/events/' -s schema.yml
      mlci validate data/events/ -s schema.yml --engine dask --scheduler tcp://10.0.0.5:8786

    Exits 0 when every dataset passes, 1 when any violates the schema, 2 when a
    file or the schema cannot be used.
    """
    from mlci.config.schema import load_schema
    from mlci.engines.factory import open_engine
    from mlci.io import open_data, sha256_data
    from mlci.render import render
    from mlci.report.builder import validation_report

    schema = load_schema(schema_path)
    sources = [open_data(spec) for spec in data]  # fail fast, before any long read
    # Fingerprints hash the files on another thread (hashlib releases the GIL) while the
    # checks run: the read is the cost, and the two overlap.
    with ThreadPoolExecutor(max_workers=1) as pool, open_engine(engine) as runner:
        fingerprints = [pool.submit(sha256_data, source) for source in sources]
        entries = [
            _validate_one(runner, source, schema, schema_path, chunk_rows, fp)
            for source, fp in zip(sources, fingerprints, strict=True)
        ]
    report = validation_report(entries)
    write_output(render(report, fmt, color=color_enabled(output)), output)
    ctx.exit(status_exit(report.status))


def _validate_one(
    runner: Engine,
    source: Any,
    schema: Schema,
    schema_path: Path,
    chunk_rows: int | None,
    fingerprint: Future[str],
) -> DatasetValidation:
    from mlci.io import DEFAULT_CHUNK_ROWS, source_label
    from mlci.report.builder import validation_entry

    label = source_label(source)
    progress = Progress(f"validating {label}", source.total_rows)
    outcome = runner.validate(source, schema, chunk_rows=chunk_rows or DEFAULT_CHUNK_ROWS, progress=progress)
    progress.done()
    return validation_entry(
        _dataset_name(label), label, outcome, schema_path=schema_path, fingerprint=fingerprint.result()
    )


def _dataset_name(label: str) -> str:
    """``data/train.csv`` -> ``train``; ``s3://b/events/`` -> ``events``; a glob keeps its folder."""
    parts = [p for p in label.rstrip("/").replace("\\", "/").split("/") if p and not p.endswith(":")]
    while len(parts) > 1 and any(c in parts[-1] for c in "*?["):
        parts.pop()
    return Path(parts[-1]).stem if parts else label
