"""``mlci gate``: the candidate's metrics against the gates in mlci.yml and the baseline."""

from __future__ import annotations

from pathlib import Path

import click

from mlci.cli._common import (
    color_enabled,
    config_option,
    file_option,
    format_option,
    option,
    output_option,
    status_exit,
    write_output,
)

__all__ = ["gate"]


@click.command()
@config_option()
@file_option(
    "metrics",
    "metrics_path",
    "Candidate metrics JSON (flat or nested), or runs:/<run_id>: an MLflow run's latest metrics "
    "(default: model.metrics).",
)
@file_option(
    "predictions", "predictions_path", "Candidate per-example predictions (default: model.predictions)."
)
@option(
    "--baseline",
    "baseline_version",
    env="BASELINE",
    default=None,
    metavar="VERSION",
    help="Compare with this registered version instead of the baseline alias (champion).",
)
@option(
    "--baseline-predictions",
    "baseline_predictions",
    env="BASELINE_PREDICTIONS",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The baseline's predictions on the same examples (enables significance tests).",
)
@format_option(["text", "json", "md"])
@output_option()
@click.pass_context
def gate(
    ctx: click.Context,
    config_path: Path,
    metrics_path: Path | None,
    predictions_path: Path | None,
    baseline_version: str | None,
    baseline_predictions: Path | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Gate the candidate model's metrics against the registered baseline.

    Each gate in mlci.yml names a metric and rules: `threshold` (an absolute bound),
    `max_regression` / `max_regression_pct` (worsening allowed against the baseline),
    and optionally `alpha`: with the candidate's and the baseline's per-example
    predictions, a regression beyond tolerance fails only when a paired bootstrap says
    it is significant.

    \b
    Examples:
      mlci gate                                   # mlci.yml in this directory
      mlci gate --metrics out/metrics.json --format md -o gates.md
      mlci gate --metrics runs:/0a1b2c3d4e5f                # an MLflow run
      mlci gate --predictions out/pred.csv --baseline-predictions out/champion.csv

    Exits 0 when every gate passed (or was skipped, e.g. no baseline yet), 1 when a gate
    failed, 2 on bad config, metrics or predictions, 3 when a registry server failed.
    """
    from mlci.app.gate import gates_report
    from mlci.config import load_project
    from mlci.render import render

    config = load_project(config_path)
    report = gates_report(
        config,
        metrics_path=metrics_path,
        predictions_path=predictions_path,
        baseline_version=baseline_version,
        baseline_predictions=baseline_predictions,
        config_path=config_path,
    )
    templates = config.resolve(config.report.templates) if config.report.templates else None
    write_output(render(report, fmt, templates=templates, color=color_enabled(output)), output)
    ctx.exit(status_exit(report.status))
