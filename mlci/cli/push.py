"""``mlci push REPORT.json --pushgateway URL``: the report's metrics to a Prometheus Pushgateway."""

from __future__ import annotations

from pathlib import Path

import click

from mlci.cli._common import option

__all__ = ["push"]


@click.command()
@click.argument("report_path", metavar="REPORT.json", type=click.Path(dir_okay=False, path_type=Path))
@option(
    "--pushgateway",
    env="PUSHGATEWAY",
    required=True,
    help="The Pushgateway's root URL, e.g. http://pushgateway:9091.",
)
@option(
    "--job",
    env="JOB",
    default="mlci",
    show_default=True,
    help="The job label of the pushed group.",
)
def push(report_path: Path, pushgateway: str, job: str) -> None:
    """Push REPORT.json's metrics (as `mlci report --format prometheus` prints them).

    One PUT of the group job/<job>/model/<model>, which replaces the whole group: a column
    that is gone from the data is gone from the gateway too. Credentials come from
    MLCI_PUSHGATEWAY_TOKEN (bearer) or MLCI_PUSHGATEWAY_USERNAME/_PASSWORD (basic auth)
    and are never printed.

    \b
    Examples:
      mlci push mlci-report.json --pushgateway http://pushgateway:9091
      MLCI_PUSHGATEWAY=http://127.0.0.1:9091 mlci push mlci-report.json --job nightly

    Exits 0 when pushed, whatever the report's verdict; 2 for bad usage (a URL that is not
    a Pushgateway's root answers 404); 3 when the gateway is unreachable, answers 5xx after
    retries, or refuses the push (400 metrics, 401/403 credentials).
    """
    from mlci.app.push import push_report
    from mlci.report import load_report

    report = load_report(report_path)
    result = push_report(report, pushgateway, job=job)
    click.echo(f"mlci: pushed {result.series} series to {result.url}", err=True)
