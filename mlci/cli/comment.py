"""``mlci comment REPORT.json``: sticky PR comment, job summary, step outputs, annotations."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlci.cli._common import option

if TYPE_CHECKING:
    from mlci.publish.comments import CommentMode, CommentResult
    from mlci.publish.context import GitHubContext

__all__ = ["comment", "notify"]


def notify(ctx: GitHubContext, level: str, message: str) -> None:
    """A warning or notice: an annotation inside GitHub Actions, a stderr line elsewhere."""
    from mlci.publish.annotations import escape_data

    if ctx.in_actions:
        click.echo(f"::{level} title=mlci::{escape_data(message)}")
    else:
        click.echo(f"{level}: {message}", err=True)


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
@option(
    "--templates",
    env="TEMPLATES",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A folder whose templates override the built-in ones.",
)
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
    templates: Path | None,
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
    from mlci.publish.annotations import format_annotation, report_annotations
    from mlci.publish.comments import CommentMode, comment_body
    from mlci.publish.context import load_context
    from mlci.publish.limits import SUMMARY_LIMIT
    from mlci.publish.outputs import write_outputs
    from mlci.publish.summary import write_step_summary
    from mlci.render import render
    from mlci.render.formats import render_markdown
    from mlci.report import load_report

    report = load_report(report_path)
    markdown = render(report, "md", templates=templates)
    gh = load_context(repo=repo, pr=pr)
    if key is None:
        model = report.model.name if report.model else "data"
        key = f"{gh.workflow or 'mlci'}/{model}"
    body = comment_body(markdown, key)
    if dry_run:
        click.echo(body, nl=not body.endswith("\n"))
        click_ctx.exit(1 if fail_on_failure and report.status in ("failed", "error") else 0)

    # The job summary holds 1 MiB: there the report keeps the detail a comment must shed.
    summary = write_step_summary(render_markdown(report, templates, limit=SUMMARY_LIMIT - 64_000))
    if gh.in_actions:
        for note in report_annotations(report):
            click.echo(format_annotation(note))
    result: CommentResult | None = None
    try:
        if mode.lower() != "off":
            result = _post(gh, key, body, CommentMode(mode.lower()), have_summary=summary is not None)
    finally:
        write_outputs(
            {
                "status": report.status,
                "report-path": str(report_path.resolve()),
                "comment-url": result.url if result else "",
                "comment-id": str(result.id) if result else "",
            }
        )
    if result is not None:
        click.echo(f"mlci: {result.action} comment {result.url}", err=True)
        if result.deleted:
            click.echo(f"mlci: deleted {result.deleted} older or duplicate comment(s)", err=True)
    click_ctx.exit(1 if fail_on_failure and report.status in ("failed", "error") else 0)


def _post(
    gh: GitHubContext, key: str, body: str, mode: CommentMode, *, have_summary: bool
) -> CommentResult | None:
    from mlci.errors import UsageError
    from mlci.publish.comments import is_app_token, upsert_comment
    from mlci.publish.context import find_pull_request
    from mlci.publish.fork import read_only_warning
    from mlci.publish.github import GitHubClient, ReadOnlyError, RetryPolicy

    if gh.fork:
        notify(gh, "warning", read_only_warning("a pull request from a fork gets a read-only token"))
        return None
    missing = gh.missing_for_api()
    if missing:
        where = "" if have_summary else " (or use --dry-run to print the comment)"
        raise UsageError("cannot post the comment: missing " + " and ".join(missing) + where)
    assert gh.repository is not None
    with GitHubClient(gh.token, gh.api_url, RetryPolicy.from_env()) as client:
        number = gh.pr_number or find_pull_request(client, gh)
        if number is None:
            what = f"this {gh.event_name} run" if gh.event_name else "this run"
            if not have_summary:
                raise UsageError(f"no pull request for {what}: pass --pr NUMBER")
            notify(gh, "notice", f"no pull request for {what}; the report is in the job summary")
            return None
        try:
            return upsert_comment(
                client, gh.repository, number, key, body, mode, bots_only=is_app_token(gh.token)
            )
        except ReadOnlyError:
            notify(gh, "warning", read_only_warning("the token may not write to this pull request"))
            return None
