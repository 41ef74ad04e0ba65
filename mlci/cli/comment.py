"""``mlci comment REPORT.json``: sticky PR comment, job summary, step outputs, annotations."""

from __future__ import annotations

from pathlib import Path

import click

from mlci.cli._common import option, platform_option, template_dir_option

__all__ = ["comment"]


@click.command()
@click.argument("report_path", metavar="REPORT.json", type=click.Path(path_type=Path))
@option("--repo", env="REPO", default=None, help="OWNER/NAME.  [default: $GITHUB_REPOSITORY]")
@option(
    "--pr",
    env="PR",
    type=click.IntRange(min=1),
    default=None,
    help="Pull request number.  [default: from the event payload]",
)
@option(
    "--key",
    env="KEY",
    default=None,
    help="Which sticky comment to update; one per key and PR.  [default: WORKFLOW/MODEL]",
)
@option(
    "--mode",
    env="MODE",
    type=click.Choice(["update", "recreate", "off"], case_sensitive=False),
    default="update",
    show_default=True,
    help="update: edit the comment in place. recreate: delete it and post a new one at the "
    "bottom. off: no comment (job summary, outputs and annotations only).",
)
@platform_option()
@template_dir_option()
@option(
    "--dry-run",
    env="DRY_RUN",
    is_flag=True,
    help="Print the comment body; call nothing, write nothing.",
)
@option(
    "--fail-on-failure",
    env="FAIL_ON_FAILURE",
    is_flag=True,
    help="Exit 1 when the report failed or has errors (after publishing it).",
)
@click.pass_context
def comment(
    click_ctx: click.Context,
    report_path: Path,
    repo: str | None,
    pr: int | None,
    key: str | None,
    mode: str,
    platform_name: str,
    template_dir: Path | None,
    dry_run: bool,
    fail_on_failure: bool,
) -> None:
    """Post REPORT.json as one sticky comment on the pull request, updated on every re-run.

    Also writes the job summary ($GITHUB_STEP_SUMMARY), step outputs ($GITHUB_OUTPUT:
    status, report-path, comment-url, comment-id) and annotations for failing gates and
    schema violations. The repository, pull request and token come from the GitHub
    Actions environment (GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_TOKEN).

    A pull request from a fork (read-only token) gets the job summary and a warning
    instead of a red build; see docs/github.md for the workflow_run pattern.

    \b
    Examples:
      mlci comment mlci-report.json
      mlci comment mlci-report.json --repo octo/churn --pr 42 --key nightly
      mlci comment mlci-report.json --dry-run

    Exits 0 when published (or skipped for a fork), 2 when something needed is missing,
    3 when GitHub failed after retries.
    """
    from mlci.app.comment import comment_key, publish_report
    from mlci.platforms.detect import open_platform
    from mlci.render.formats import render_markdown
    from mlci.report import load_report

    report = load_report(report_path)
    platform = open_platform(platform_name, repo=repo, pr=pr)
    markdown = render_markdown(report, template_dir, limit=platform.comment_budget)
    key = comment_key(report, platform, key)
    body = platform.comment_body(markdown, key)
    failed = 1 if fail_on_failure and report.status in ("failed", "error") else 0
    if dry_run:
        click.echo(body, nl=not body.endswith("\n"))
        click_ctx.exit(failed)
    try:
        outcome = publish_report(
            report, report_path, platform, key=key, body=body, mode=mode, templates=template_dir
        )
    finally:
        platform.close()
    if outcome.result is not None:
        click.echo(f"mlci: {outcome.result.action} comment {outcome.result.url}", err=True)
        if outcome.result.deleted:
            click.echo(f"mlci: deleted {outcome.result.deleted} older or duplicate comment(s)", err=True)
    click_ctx.exit(failed)
