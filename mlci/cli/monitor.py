"""``mlci monitor [-c mlci.yml]``: scheduled drift, metrics, the sticky issue and retraining."""

from __future__ import annotations

from pathlib import Path

import click

from mlci.cli._common import ProgressBars, chunk_rows_option, config_option, option, write_output

__all__ = ["monitor"]


@click.command()
@config_option()
@option(
    "-o",
    "--output",
    env="OUTPUT",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mlci-report.json"),
    show_default=True,
    help="Where to write the report.",
)
@option(
    "--pushgateway",
    env="PUSHGATEWAY",
    default=None,
    help="Push the metrics here.  [default: monitor.pushgateway in mlci.yml, else $MLCI_PUSHGATEWAY]",
)
@chunk_rows_option()
@click.pass_context
def monitor(
    click_ctx: click.Context, config_path: Path, output: Path, pushgateway: str | None, chunk_rows: int | None
) -> None:
    """Run what the monitor: section of mlci.yml configures (meant for a scheduled workflow).

    Drift of monitor.current against monitor.reference (and validation of the current data
    when it has a schema); writes the report; pushes its metrics when a Pushgateway is set.
    When the dataset drifts: opens or updates one sticky issue per model (label
    mlci-monitor) and dispatches the retraining workflow, at most once per cooldown. When
    the drift is gone, the issue says so and closes. GitHub comes from GITHUB_REPOSITORY,
    GITHUB_TOKEN and GITHUB_API_URL, as in every mlci step.

    \b
    Examples:
      mlci monitor -c mlci.yml
      mlci monitor -c mlci.yml -o monitor-report.json --pushgateway http://127.0.0.1:9091

    Exits 0 when the run finished, drift or not (drift is a finding: it was handled);
    1 when the report failed (a schema violation, or drift with monitor.fail_on_drift);
    2 for bad config or a dispatch GitHub refuses (no such workflow, no workflow_dispatch
    trigger, undeclared inputs, missing permissions); 3 when GitHub or the Pushgateway
    failed after retries.
    """
    from mlci.app.monitor import run_monitor
    from mlci.io import DEFAULT_CHUNK_ROWS
    from mlci.platforms.github.outputs import write_outputs
    from mlci.platforms.github.summary import write_step_summary
    from mlci.render.formats import render_markdown

    def warn(line: str) -> None:
        click.echo(f"warning: {line}", err=True)

    # The flag beats mlci.yml; the environment variable is only the default behind mlci.yml.
    if click_ctx.get_parameter_source("pushgateway") is click.core.ParameterSource.ENVIRONMENT:
        pushgateway = None
    with ProgressBars() as bars:
        outcome = run_monitor(
            config_path,
            output=output,
            pushgateway=pushgateway,
            chunk_rows=chunk_rows or DEFAULT_CHUNK_ROWS,
            progress=bars.start,
            write=write_output,
            warn=warn,
        )
    report = outcome.report
    for line in outcome.log_lines(output):
        click.echo(f"mlci monitor: {line}", err=True)
    write_step_summary(render_markdown(report))
    write_outputs(
        {
            "status": report.status,
            "report-path": str(output.resolve()),
            "drifted": "true" if outcome.drifted else "false",
            "dispatched": "true" if outcome.dispatched else "false",
            "issue-url": outcome.issue_url or "",
        }
    )
    click_ctx.exit(outcome.exit_code)
