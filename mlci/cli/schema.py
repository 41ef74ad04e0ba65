"""``mlci schema infer DATA [-o schema.yml]``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from mlci.cli._common import Progress, chunk_rows_option, option, output_option, write_output

__all__ = ["schema"]


@click.group()
def schema() -> None:
    """Work with dataset schemas (schema.yml)."""


@schema.command()
@click.argument("data", type=click.Path(path_type=str))
@output_option()
@option(
    "--max-categories",
    env="MAX_CATEGORIES",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Text columns with at most this many distinct (repeating) values become categories.",
)
@chunk_rows_option()
def infer(data: str, output: Path | None, max_categories: int, chunk_rows: int | None) -> None:
    """Infer a strict schema from DATA and print it as YAML.

    DATA is a file, a directory or glob of partitions, or an fsspec URL (s3://...).

    Infers each column's dtype, whether it may be missing, min/max for numbers and
    dates, allowed values for low-cardinality text, unique for identifiers, and row
    bounds (a tenth to ten times the rows seen). DATA always validates against the
    schema inferred from it; review and tighten it before committing.

    \b
    Example:
      mlci schema infer data/train.csv -o schema.yml
    """
    from mlci.checks.infer import infer_schema
    from mlci.config.schema import dump_schema
    from mlci.io import DEFAULT_CHUNK_ROWS, open_data, source_label

    source = open_data(data)
    progress = Progress(f"inferring {source_label(source)}", source.total_rows)
    inferred = infer_schema(
        source,
        max_categories=max_categories,
        chunk_rows=chunk_rows or DEFAULT_CHUNK_ROWS,
        progress=progress,
    )
    progress.done()
    today = dt.date.today().isoformat()
    name = " ".join(Path(source_label(source).rstrip("/")).name.split())  # one comment line
    header = f"# Inferred by `mlci schema infer` from {name} on {today}. Review before use.\n"
    write_output(header + dump_schema(inferred), output)
