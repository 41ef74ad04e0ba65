"""``mlci registry register``: a new model version with its metrics and lineage."""

from __future__ import annotations

from pathlib import Path

import click

from mlci.cli._common import config_option, file_option, option

__all__ = ["register"]


@click.command()
@config_option()
@option(
    "--version",
    "version",
    env="MODEL_VERSION",
    required=True,
    metavar="X.Y.Z",
    help="The semantic version to register.",
)
@file_option(
    "metrics",
    "metrics_path",
    "Metrics JSON of this version, or runs:/<run_id>: an MLflow run (default: model.metrics).",
)
@file_option(
    "predictions",
    "predictions_path",
    "Per-example predictions: metrics are computed from them and they are kept with "
    "the version for later significance tests (default: model.predictions).",
)
@option(
    "--alias",
    "aliases",
    env="ALIAS",
    multiple=True,
    help="Assign this alias (e.g. champion: the new baseline). Repeatable.",
)
@option(
    "--approved-by",
    env="APPROVED_BY",
    default=None,
    help="Who or what approved this version  [default: $GITHUB_ACTOR].",
)
@option(
    "--params",
    "params_path",
    env="PARAMS",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Training parameters to keep with the version (JSON or YAML).",
)
@option("--description", env="DESCRIPTION", default=None, help="A line about this version.")
@option("--commit", env="COMMIT", default=None, help="Commit it was built from  [default: HEAD].")
def register(
    config_path: Path,
    version: str,
    metrics_path: Path | None,
    predictions_path: Path | None,
    aliases: tuple[str, ...],
    approved_by: str | None,
    params_path: Path | None,
    description: str | None,
    commit: str | None,
) -> None:
    """Register a new model version with its metrics and lineage.

    \b
    Examples:
      mlci registry register --version 1.0.0 --metrics out/metrics.json --alias champion
      mlci registry register --version 1.1.0 --predictions out/predictions.csv
    """
    from mlci.app.registry import RegisterRequest, open_project_registry, register_version

    config, reg = open_project_registry(config_path)
    request = RegisterRequest(
        version, metrics_path, predictions_path, aliases, approved_by, params_path, description, commit
    )
    record = register_version(
        config, reg, request, warn=lambda line: click.echo(f"warning: {line}", err=True)
    )
    suffix = f"; aliases: {', '.join(aliases)}" if aliases else ""
    click.echo(f"registered {record.model} {record.version} in {reg.where()}{suffix}")
