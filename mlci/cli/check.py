"""``mlci check``: run everything mlci.yml configures, write mlci-report.json."""

from __future__ import annotations

from pathlib import Path

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
@click.pass_context
def check(
    ctx: click.Context,
    config_path: Path,
    output: Path,
    chunk_rows: int | None,
    template_dir: Path | None,
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

    Exits 0 when everything passed, 1 when a check failed, 2 on bad config or data.
    """
    from mlci.app.check import run_project
    from mlci.config.project import load_project
    from mlci.io import DEFAULT_CHUNK_ROWS
    from mlci.render import render

    config = load_project(config_path)
    with ProgressBars() as bars:
        report = run_project(
            config, config_path, chunk_rows=chunk_rows or DEFAULT_CHUNK_ROWS, progress=bars.start
        )
    write_output(report.to_json(), output)
    templates = template_dir or (config.resolve(config.report.templates) if config.report.templates else None)
    click.echo(render(report, "text", templates=templates, color=color_enabled(None)), nl=False)
    click.echo(f"report written to {output}", err=True)
    ctx.exit(status_exit(report.status))
