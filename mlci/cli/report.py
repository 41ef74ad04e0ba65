"""``mlci report REPORT.json --format ...``: re-render a report from its JSON alone."""

from __future__ import annotations

from pathlib import Path

import click

from mlci.cli._common import color_enabled, option, output_option, write_output

__all__ = ["report"]


@click.command()
@click.argument("report_path", metavar="REPORT.json", type=click.Path(dir_okay=False, path_type=Path))
@option(
    "--format",
    "fmt",
    env="FORMAT",
    type=click.Choice(["md", "html", "json", "junit", "text", "prometheus"], case_sensitive=False),
    default="md",
    show_default=True,
    help="md: the PR comment (fits GitHub's size limit); html: one self-contained page; "
    "junit: XML for test-report UIs; text: a terminal summary; prometheus: the metrics text "
    "format (Pushgateway, node-exporter textfile, GitLab's metrics report).",
)
@output_option()
@option(
    "--template-dir",
    env="TEMPLATE_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A folder of templates that override the built-in ones by file name "
    "(report.md.j2, validation.md.j2, drift.md.j2, gates.md.j2, report.html.j2, junit.xml.j2, ...).",
)
def report(report_path: Path, fmt: str, output: Path | None, template_dir: Path | None) -> None:
    """Render REPORT.json (written by `mlci check`) in another format.

    Needs only the JSON: the data is not read again.

    \b
    Examples:
      mlci report mlci-report.json --format md -o comment.md
      mlci report mlci-report.json --format html -o report.html
      mlci report mlci-report.json --format junit -o mlci-junit.xml
      mlci report mlci-report.json --format prometheus -o metrics.txt
    """
    from mlci.render import render
    from mlci.report import load_report

    loaded = load_report(report_path)
    write_output(render(loaded, fmt, templates=template_dir, color=color_enabled(output)), output)
