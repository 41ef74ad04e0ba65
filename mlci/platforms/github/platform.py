"""GitHub as a ``Platform``: sticky PR comments, job summary, outputs, annotations, releases."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlci.platforms.base import (
    ChangeFacts,
    CommentMode,
    CommentResult,
    NoticeLevel,
    ReleaseOutcome,
    ReleaseSpec,
    RunPlace,
)
from mlci.platforms.github.context import GitHubContext, load_context
from mlci.platforms.github.limits import SUMMARY_LIMIT

if TYPE_CHECKING:
    from mlci.io.git_tags import LocalTag
    from mlci.platforms.github.client import GitHubClient
    from mlci.platforms.issues import IssueStore
    from mlci.report.model import Report

__all__ = ["GitHubPlatform"]


class GitHubPlatform:
    """GitHub Actions (or a local run given ``--repo`` and GITHUB_TOKEN) and the REST API."""

    name = "github"
    checks_approvals = True
    tags_locally = False
    summary_limit = SUMMARY_LIMIT
    comment_budget = 64_000  # GitHub's comment holds 65,536; room for the marker and a note
    issue_limit = 65_536

    def __init__(self, ctx: GitHubContext) -> None:
        self.ctx = ctx
        self._client: GitHubClient | None = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, repo: str | None = None, pr: int | None = None
    ) -> GitHubPlatform:
        return cls(load_context(environ, repo=repo, pr=pr))

    def client(self) -> GitHubClient:
        if self._client is None:
            from mlci.platforms.github.client import GitHubClient, RetryPolicy

            self._client = GitHubClient(self.ctx.token, self.ctx.api_url, RetryPolicy.from_env())
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def place(self) -> RunPlace:
        ctx = self.ctx
        return RunPlace(
            platform="github",
            repository=ctx.repository,
            server_url=ctx.server_url,
            sha=ctx.sha,
            run_url=ctx.run_url,
            workflow=ctx.workflow,
            in_ci=ctx.in_actions,
        )

    # -- the run's own page ------------------------------------------------------------

    def notify(self, level: NoticeLevel, message: str) -> None:
        """An annotation inside GitHub Actions, a stderr line elsewhere."""
        from mlci.platforms.github.annotations import escape_data

        if self.ctx.in_actions:
            click.echo(f"::{level} title=mlci::{escape_data(message)}")
        else:
            click.echo(f"{level}: {message}", err=True)

    def annotate(self, report: Report) -> None:
        from mlci.platforms.github.annotations import format_annotation, report_annotations

        if self.ctx.in_actions:
            for note in report_annotations(report):
                click.echo(format_annotation(note))

    def write_summary(self, markdown: str) -> Path | None:
        from mlci.platforms.github.summary import write_step_summary

        return write_step_summary(markdown)

    def write_outputs(self, values: Mapping[str, str]) -> None:
        from mlci.platforms.github.outputs import write_outputs

        write_outputs(values)

    # -- the pull request ----------------------------------------------------------------

    def comment_body(self, markdown: str, key: str) -> str:
        from mlci.platforms.github.comments import comment_body

        return comment_body(markdown, key)

    def post_comment(
        self, key: str, body: str, mode: CommentMode, *, have_summary: bool
    ) -> CommentResult | None:
        from mlci.errors import UsageError
        from mlci.platforms.github.client import ReadOnlyError
        from mlci.platforms.github.comments import is_app_token, upsert_comment
        from mlci.platforms.github.context import find_pull_request
        from mlci.platforms.github.fork import read_only_warning

        ctx = self.ctx
        if ctx.fork:
            self.notify("warning", read_only_warning("a pull request from a fork gets a read-only token"))
            return None
        missing = ctx.missing_for_api()
        if missing:
            where = "" if have_summary else " (or use --dry-run to print the comment)"
            raise UsageError("cannot post the comment: missing " + " and ".join(missing) + where)
        assert ctx.repository is not None
        client = self.client()
        number = ctx.pr_number or find_pull_request(client, ctx)
        if number is None:
            what = f"this {ctx.event_name} run" if ctx.event_name else "this run"
            if not have_summary:
                raise UsageError(f"no pull request for {what}: pass --pr NUMBER")
            self.notify("notice", f"no pull request for {what}; the report is in the job summary")
            return None
        try:
            return upsert_comment(
                client, ctx.repository, number, key, body, mode, bots_only=is_app_token(ctx.token)
            )
        except ReadOnlyError:
            self.notify("warning", read_only_warning("the token may not write to this pull request"))
            return None

    # -- releases ------------------------------------------------------------------------

    def release_problems(self) -> list[str]:
        missing = self.ctx.missing_for_api()
        if not missing:
            return []
        return ["cannot release on GitHub: missing " + " and ".join(missing) + " (or use --local)"]

    def change_facts(self, sha: str) -> ChangeFacts | None:
        from mlci.platforms.github.approval import pull_request_facts

        if not self.ctx.repository:
            return None
        return pull_request_facts(self.client(), self.ctx.repository, sha)

    def remote_tag_commit(self, tag: str) -> str | None:
        from mlci.platforms.github.releases import remote_tag_commit

        if not self.ctx.repository:
            return None
        return remote_tag_commit(self.client(), self.ctx.repository, tag)

    def publish_release(self, spec: ReleaseSpec) -> ReleaseOutcome:
        from mlci.platforms.github.releases import publish_release

        assert self.ctx.repository is not None
        return publish_release(self.client(), self.ctx.repository, spec)

    # -- the monitor ---------------------------------------------------------------------

    def monitor_problems(self) -> list[str]:
        missing = self.ctx.missing_for_api()
        return ["missing " + " and ".join(missing)] if missing else []

    def sticky_issue(self, key: str) -> IssueStore:
        from mlci.platforms.github.comments import is_app_token
        from mlci.platforms.github.issues import StickyIssue

        assert self.ctx.repository is not None
        return StickyIssue(self.client(), self.ctx.repository, key, bots_only=is_app_token(self.ctx.token))

    def dispatch_workflow(self, workflow: str, ref: str, inputs: Mapping[str, str]) -> None:
        from mlci.platforms.github.dispatch import dispatch_workflow

        dispatch_workflow(self.client(), self.ctx.repository or "", workflow, ref, inputs)

    def publish_tag(self, tag: LocalTag) -> bool:
        from mlci.platforms.github.releases import ensure_tag

        assert self.ctx.repository is not None
        return ensure_tag(self.client(), self.ctx.repository, tag.name, tag.commit, tag.message, tag.tagger)
