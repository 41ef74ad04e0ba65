"""``mlci drift REFERENCE CURRENT [--schema SCHEMA] [-c mlci.yml]``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from mlci.cli._common import (
    Progress,
    chunk_rows_option,
    color_enabled,
    config_option,
    format_option,
    option,
    output_option,
    status_exit,
    write_output,
)
from mlci.errors import ConfigError, UsageError

__all__ = ["drift"]


@click.command()
@click.argument("reference", required=False, envvar="MLCI_REFERENCE", type=click.Path(path_type=Path))
@click.argument("current", required=False, envvar="MLCI_CURRENT", type=click.Path(path_type=Path))
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
@click.pass_context
def drift(
    ctx: click.Context,
    reference: Path | None,
    current: Path | None,
    schema_path: Path | None,
    config_path: Path | None,
    fail_on_drift: bool | None,
    drift_share: float | None,
    fmt: str,
    output: Path | None,
    chunk_rows: int | None,
) -> None:
    """Detect drift between a REFERENCE and a CURRENT dataset (CSV, TSV, Parquet, JSON Lines).

    Every column present in both is tested with Evidently's default method: with up to
    1000 reference values, KS for numbers, chi-square or a z-test for categories; beyond,
    the Wasserstein distance (normed) for numbers and the Jensen-Shannon distance for
    categories. The dataset drifts when half the columns drift (--drift-share).

    \b
    Examples:
      mlci drift data/train.csv data/current.csv
      mlci drift train.parquet live.parquet --schema schema.yml --format md -o drift.md
      mlci drift -c mlci.yml --fail-on-drift

    Exits 0 unless --fail-on-drift is set and the dataset drifts (then 1); 2 when a
    file, the schema or the config cannot be used.
    """
    from mlci.app.drift import drift_report, drift_section
    from mlci.checks.drift import DriftOptions, detect_drift_sources
    from mlci.config.schema import load_schema
    from mlci.io import DEFAULT_CHUNK_ROWS, open_source
    from mlci.render import render

    options = DriftOptions()
    if config_path is not None:
        reference, current, schema_path, options = _from_config(config_path, reference, current, schema_path)
    if reference is None or current is None:
        raise UsageError("give REFERENCE and CURRENT datasets, or -c mlci.yml with a drift: section")
    overrides: dict[str, Any] = {}
    if fail_on_drift is not None:
        overrides["fail_on_drift"] = fail_on_drift
    if drift_share is not None:
        overrides["drift_share"] = drift_share
    if overrides:
        options = dataclasses.replace(options, **overrides)

    schema = load_schema(schema_path) if schema_path is not None else None
    ref_source, cur_source = open_source(reference), open_source(current)  # fail fast
    bars: list[Progress] = []

    def progress(source: Any) -> Progress:
        bars.append(Progress(f"reading {source.path}", source.total_rows))
        return bars[-1]

    try:
        outcome = detect_drift_sources(
            ref_source,
            cur_source,
            options,
            schema=schema,
            chunk_rows=chunk_rows or DEFAULT_CHUNK_ROWS,
            progress=progress,
        )
    except ConfigError as exc:
        if exc.path is None and config_path is not None:
            raise ConfigError(exc.message, path=config_path, key=exc.key) from None
        raise
    finally:
        for bar in bars:
            bar.done()
    section = drift_section(outcome, reference_path=reference, current_path=current)
    report = drift_report(section)
    write_output(render(report, fmt, color=color_enabled(output)), output)
    ctx.exit(status_exit(report.status))


def _from_config(
    path: Path, reference: Path | None, current: Path | None, schema_path: Path | None
) -> tuple[Path | None, Path | None, Path | None, Any]:
    """Datasets, schema and options from mlci.yml; paths on the command line win."""
    from mlci.checks.drift import DriftOptions
    from mlci.config import load_project

    project = load_project(path)
    if project.drift is None:
        if reference is None or current is None:
            raise ConfigError("no drift: section to take the datasets from", path=path)
        return reference, current, schema_path, DriftOptions()
    ref_set = project.datasets[project.drift.reference]
    cur_set = project.datasets[project.drift.current]
    if schema_path is None and ref_set.schema_ is not None:
        schema_path = project.resolve(ref_set.schema_)
    return (
        reference or project.resolve(ref_set.path),
        current or project.resolve(cur_set.path),
        schema_path,
        DriftOptions.from_config(project.drift),
    )
