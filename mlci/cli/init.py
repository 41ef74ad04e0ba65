"""``mlci init [DIR]``: scaffold mlci.yml, a schema inferred from data, and the CI file."""

from __future__ import annotations

from pathlib import Path

import click

from mlci.cli._common import ProgressBars, option

__all__ = ["init"]


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path), metavar="[DIR]")
@option(
    "--data",
    env="DATA",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A dataset to check (repeatable). The first one's schema is inferred into "
    "schema.yml; with two, the second is checked for drift against the first.",
)
@option(
    "--workflow/--no-workflow",
    env="WORKFLOW",
    default=True,
    show_default=True,
    help="Also write the CI file at the git root: .github/workflows/mlci.yml, or .gitlab-ci.yml "
    "with --platform gitlab.",
)
@option(
    "--platform",
    "platform",
    env="INIT_PLATFORM",
    type=click.Choice(["github", "gitlab"], case_sensitive=False),
    default="github",
    show_default=True,
    help="The CI the workflow is for: a GitHub Actions workflow, or a .gitlab-ci.yml using "
    "mlci's GitLab CI/CD component.",
)
@option("--force", env="FORCE", is_flag=True, help="Overwrite files that already exist.")
def init(directory: Path, data: tuple[Path, ...], workflow: bool, platform: str, force: bool) -> None:
    """Scaffold mlci in DIR (default: the current directory).

    Writes mlci.yml, schema.yml inferred from the first --data file, and a GitHub
    workflow that runs the checks on every pull request and posts the report as a
    comment (with --platform gitlab: a .gitlab-ci.yml that does the same for merge
    requests). Existing files are never overwritten without --force. .gitignore gains
    mlci-report.json and the registry's lock file (only the lines it lacks).

    \b
    Examples:
      mlci init --data data/train.csv --data data/current.csv
      mlci init services/churn --data services/churn/data/train.parquet
      mlci init --platform gitlab --data data/train.csv

    Exits 0 when the files are written, 2 when one exists (without --force) or a
    dataset cannot be read.
    """
    from mlci.app.gitignore import ignore_entries
    from mlci.app.init import scaffold

    with ProgressBars() as bars:
        done = scaffold(
            directory,
            data,
            workflow=workflow,
            force=force,
            platform="gitlab" if platform.lower() == "gitlab" else "github",
            progress=bars.start,
            warn=lambda line: click.echo(f"warning: {line}", err=True),
        )
    change = "merge request" if platform.lower() == "gitlab" else "pull request"
    for item in done:
        click.echo(f"{'overwrote' if item.overwrote else 'created'} {item.path}")
    added = ignore_entries(directory / ".gitignore")
    if added:
        click.echo(f"added {', '.join(added)} to {directory / '.gitignore'}")
    click.echo(
        f"next: review schema.yml, run `mlci check`, then commit and open a {change}"
        if data
        else "next: add your datasets to mlci.yml (or re-run with --data), then `mlci check`"
    )
