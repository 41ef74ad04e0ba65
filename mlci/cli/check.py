"""``mlci check``: run everything mlci.yml configures, write mlci-report.json."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlci.cli._common import (
    ProgressBars,
    chunk_rows_option,
    color_enabled,
    config_option,
    option,
    status_exit,
    write_output,
)
from mlci.cli.engine_options import engine_given, engine_options

if TYPE_CHECKING:
    from mlci.engines import EngineOptions

__all__ = ["check"]


@click.command()
@config_option()
@option(
    "-o",
    "--output",
    env="REPORT",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mlci-report.json"),
    show_default=True,
    help="Where to write the report JSON that every later step reads.",
)
@chunk_rows_option()
@option(
    "--template-dir",
    env="TEMPLATE_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Override templates (else report.templates in mlci.yml).",
)
@engine_options()
@click.pass_context
def check(
    ctx: click.Context,
    config_path: Path,
    output: Path,
    chunk_rows: int | None,
    template_dir: Path | None,
    engine: EngineOptions,
) -> None:
    """Run every check mlci.yml configures and write the report.

    Validates each dataset that names a schema, measures drift between the
    reference and current datasets, and gates the model's metrics against the
    registered baseline. Every section of mlci.yml is optional.

    \b
    Examples:
      mlci check                          # mlci.yml in the current directory
      mlci check -c examples/churn/mlci.yml -o out/mlci-report.json
      mlci report mlci-report.json --format md   # render it again later

    An input that cannot be used (mlci.yml, a schema, a dataset, the metrics) still gets a
    report: status "error", an errors list naming each file and line, and every section
    that could run.

    Exits 0 when everything passed, 1 when a check failed, 2 on bad config or data
    (3 when a service such as the registry failed).
    """
    from mlci.app.check import error_report, run_project
    from mlci.config.project import load_project
    from mlci.errors import MlciError
    from mlci.io import DEFAULT_CHUNK_ROWS
    from mlci.render import render
    from mlci.report.errors import errors_exit_code, report_errors

    try:
        config = load_project(config_path)
    except MlciError as exc:
        # Even an unusable mlci.yml gets a report: the Action posts it, so reviewers see why.
        report = error_report(exc, config_path=config_path)
        templates = template_dir
    else:
        with ProgressBars() as bars:
            report = run_project(
                config,
                config_path,
                chunk_rows=chunk_rows or DEFAULT_CHUNK_ROWS,
                progress=bars.start,
                engine=engine if engine_given(ctx) else None,  # else mlci.yml's engine:
            )
        templates = template_dir or (
            config.resolve(config.report.templates) if config.report.templates else None
        )
    try:
        text = render(report, "text", templates=templates, color=color_enabled(None))
    except MlciError as exc:
        # A broken template is an input the run could not use: the report says so too.
        report = report.model_copy(update={"errors": report.errors + report_errors(exc, "report")})
        report = report.with_status()
        text = render(report, "text", color=color_enabled(None))
    write_output(report.to_json(), output)
    click.echo(text, nl=False)
    for error in report.errors:
        click.echo(f"error: {error.one_line()}", err=True)
    click.echo(f"report written to {output}", err=True)
    ctx.exit(errors_exit_code(report.errors) if report.errors else status_exit(report.status))
