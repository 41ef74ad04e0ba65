"""GitLab as a ``Platform``: the sticky merge-request note, tags and releases, MR approvals.

GitLab has no job summary, step outputs or annotations: the report reaches reviewers as the
note, the MR widgets (``artifacts:reports:junit`` / ``metrics``) and the job's artifacts.
Without a token that may write notes (``CI_JOB_TOKEN`` alone, or a read_api token) the
report goes to the job log with a warning, and the step still passes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlci.platforms.base import (
    ChangeFacts,
    CommentMode,
    CommentResult,
    MonitorOnGitHubOnly,
    NoticeLevel,
    ReleaseOutcome,
    ReleaseSpec,
    RunPlace,
)
from mlci.platforms.gitlab.context import GitLabContext, load_context

if TYPE_CHECKING:
    from mlci.io.git_tags import LocalTag
    from mlci.platforms.gitlab.client import GitLabClient
    from mlci.platforms.gitlab.releases import GitLabReleases
    from mlci.report.model import Report

__all__ = ["GitLabPlatform"]


class GitLabPlatform(MonitorOnGitHubOnly):
    name = "gitlab"
    checks_approvals = True
    tags_locally = False
    summary_limit = 0  # GitLab has no job summary
    comment_budget = 990_000  # a note holds 1,000,000 characters

    def __init__(self, ctx: GitLabContext) -> None:
        self.ctx = ctx
        self._client: GitLabClient | None = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, repo: str | None = None, pr: int | None = None
    ) -> GitLabPlatform:
        return cls(load_context(environ, repo=repo, pr=pr))

    def client(self) -> GitLabClient:
        if self._client is None:
            from mlci.io.http import RetryPolicy
            from mlci.platforms.gitlab.client import GitLabClient

            self._client = GitLabClient(
                self.ctx.api_url,
                token=self.ctx.token,
                job_token=self.ctx.job_token,
                policy=RetryPolicy.from_env(),
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def place(self) -> RunPlace:
        ctx = self.ctx
        return RunPlace(
            platform="gitlab",
            repository=ctx.project_path or ctx.project,
            server_url=ctx.server_url,
            sha=ctx.sha,
            run_url=ctx.pipeline_url,
            workflow=ctx.job_name,  # the default note key is <job>/<model>
            in_ci=ctx.in_ci,
        )

    def notify(self, level: NoticeLevel, message: str) -> None:
        click.echo(f"{level}: {message}", err=True)

    def annotate(self, report: Report) -> None:
        return None  # the MR's test-report widget shows the JUnit rendering instead

    def write_summary(self, markdown: str) -> Path | None:
        return None

    def write_outputs(self, values: Mapping[str, str]) -> None:
        return None

    def comment_body(self, markdown: str, key: str) -> str:
        from mlci.platforms.gitlab.notes import note_body

        return note_body(markdown, key)

    def post_comment(
        self, key: str, body: str, mode: CommentMode, *, have_summary: bool
    ) -> CommentResult | None:
        from mlci.errors import UsageError
        from mlci.platforms.gitlab.client import GitLabForbidden
        from mlci.platforms.gitlab.notes import GitLabNotes
        from mlci.platforms.sticky import upsert

        ctx = self.ctx
        if not ctx.project:
            raise UsageError("cannot post the note: missing the project (set CI_PROJECT_ID or pass --repo)")
        if ctx.mr_iid is None:
            self.notify(
                "notice", "no merge request for this pipeline (not a merge-request pipeline); no note posted"
            )
            return None
        if not ctx.token:
            why = "only CI_JOB_TOKEN, which cannot post notes" if ctx.job_token else "no token"
            self._fall_back(body, f"{why}; set MLCI_GITLAB_TOKEN to a project access token (api scope)")
            return None
        notes = GitLabNotes(self.client(), ctx.project_ref, ctx.mr_iid, ctx.web_url)
        try:
            return upsert(notes, key, body, mode)
        except GitLabForbidden:
            self._fall_back(body, "the token may not write notes on this merge request")
            return None

    def _fall_back(self, body: str, reason: str) -> None:
        self.notify(
            "warning", f"cannot post the merge-request note ({reason}); the report follows in the job log"
        )
        click.echo(body, nl=not body.endswith("\n"))

    def release_problems(self) -> list[str]:
        missing = self.ctx.missing_for_api()
        return (
            ["cannot release on GitLab: missing " + " and ".join(missing) + " (or use --local)"]
            if missing
            else []
        )

    def _releases(self) -> GitLabReleases:
        from mlci.platforms.gitlab.releases import GitLabReleases

        return GitLabReleases(self.client(), self.ctx.project_ref, self.ctx.server_url)

    def change_facts(self, sha: str) -> ChangeFacts | None:
        from mlci.platforms.gitlab.approval import merge_request_facts

        if not self.ctx.project:
            return None
        return merge_request_facts(self.client(), self.ctx.project_ref, sha)

    def remote_tag_commit(self, tag: str) -> str | None:
        if not self.ctx.project:
            return None
        return self._releases().tag_commit(tag)

    def publish_release(self, spec: ReleaseSpec) -> ReleaseOutcome:
        return self._releases().publish(spec)

    def publish_tag(self, tag: LocalTag) -> bool:
        return self._releases().ensure_tag(tag.name, tag.commit, tag.message)
