"""``mlci drift REFERENCE CURRENT [--schema SCHEMA] [-c mlci.yml]``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlci.cli._common import (
    ProgressBars,
    chunk_rows_option,
    color_enabled,
    config_option,
    format_option,
    option,
    output_option,
    status_exit,
    write_output,
)
from mlci.cli.engine_options import engine_options

if TYPE_CHECKING:
    from mlci.engines import EngineOptions

__all__ = ["drift"]


@click.command()
@click.argument("reference", required=False, envvar="MLCI_REFERENCE", type=click.Path(path_type=str))
@click.argument("current", required=False, envvar="MLCI_CURRENT", type=click.Path(path_type=str))
@option(
    "-s",
    "--schema",
    "schema_path",
    env="SCHEMA",
    type=click.Path(path_type=Path),
    default=None,
    help="A schema.yml whose dtypes decide which columns are numeric or categorical.",
)
@config_option(None, "Take the datasets and settings from the drift: section of this mlci.yml.")
@option(
    "--fail-on-drift/--no-fail-on-drift",
    env="FAIL_ON_DRIFT",
    default=None,
    help="Exit 1 when the dataset drifts.  [default: the config's fail_on_drift, else no]",
)
@option(
    "--drift-share",
    env="DRIFT_SHARE",
    type=click.FloatRange(min=0, max=1, min_open=True),
    default=None,
    help="The dataset drifts when this share of columns drift.  [default: 0.5]",
)
@format_option(["text", "json", "md"])
@output_option()
@chunk_rows_option()
@engine_options()
@click.pass_context
def drift(
    ctx: click.Context,
    reference: str | None,
    current: str | None,
    schema_path: Path | None,
    config_path: Path | None,
    fail_on_drift: bool | None,
    drift_share: float | None,
    fmt: str,
    output: Path | None,
    chunk_rows: int | None,
    engine: EngineOptions,
) -> None:
    """Detect drift between a REFERENCE and a CURRENT dataset (CSV, TSV, Parquet, JSON Lines).

    Every column present in both is tested with Evidently's default method: with up to
    1000 reference values, KS for numbers, chi-square or a z-test for categories; beyond,
    the Wasserstein distance (normed) for numbers and the Jensen-Shannon distance for
    categories. The dataset drifts when half the columns drift (--drift-share).
    Each side is a file, a directory or glob of partitions, or an fsspec URL.

    \b
    Examples:
      mlci drift data/train.csv data/current.csv
      mlci drift train.parquet live.parquet --schema schema.yml --format md -o drift.md
      mlci drift -c mlci.yml --fail-on-drift
      mlci drift 's3://bucket/events/date=2024-*' 's3://bucket/events/date=2025-01-*'
      mlci drift data/train/ data/live/ --engine dask --scheduler tcp://10.0.0.5:8786

    Exits 0 unless --fail-on-drift is set and the dataset drifts (then 1); 2 when a
    file, the schema or the config cannot be used.
    """
    from mlci.app.drift import DriftRequest, drift_between_files
    from mlci.render import render

    request = DriftRequest(
        reference, current, schema_path, config_path, fail_on_drift, drift_share, chunk_rows, engine
    )
    with ProgressBars() as bars:
        report = drift_between_files(request, progress=bars.start)
    write_output(render(report, fmt, color=color_enabled(output)), output)
    ctx.exit(status_exit(report.status))
