"""A run outside CI as a ``Platform``: nothing is posted; tags are made in the local repository.

``mlci release --local`` (or ``--platform local``) registers the version and makes the same
annotated tag GitHub would get, in the git repository holding mlci.yml; reviews and labels
cannot be checked here, so a release policy that needs them refuses.
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

if TYPE_CHECKING:
    from mlci.io.git_tags import LocalTag
    from mlci.report.model import Report

__all__ = ["LocalPlatform"]


class LocalPlatform(MonitorOnGitHubOnly):
    name = "local"
    checks_approvals = False
    tags_locally = True
    summary_limit = 0
    comment_budget = 64_000

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or Path.cwd()

    def place(self) -> RunPlace:
        return RunPlace(platform="local")

    def notify(self, level: NoticeLevel, message: str) -> None:
        click.echo(f"{level}: {message}", err=True)

    def annotate(self, report: Report) -> None:
        return None  # a terminal has no annotations: the text report says it all

    def write_summary(self, markdown: str) -> Path | None:
        return None

    def write_outputs(self, values: Mapping[str, str]) -> None:
        # A local release inside a CI job still hands its outputs to later steps.
        from mlci.platforms.github.outputs import write_outputs

        write_outputs(values)

    def comment_body(self, markdown: str, key: str) -> str:
        from mlci.platforms.github.comments import marker

        return marker(key) + "\n" + markdown

    def post_comment(
        self, key: str, body: str, mode: CommentMode, *, have_summary: bool
    ) -> CommentResult | None:
        self.notify("notice", "not in CI: no comment posted (use --dry-run to print it)")
        return None

    def release_problems(self) -> list[str]:
        return []

    def change_facts(self, sha: str) -> ChangeFacts | None:
        return None

    def remote_tag_commit(self, tag: str) -> str | None:
        from mlci.io.git_tags import local_commit

        return local_commit(self.root, f"refs/tags/{tag}")

    def publish_release(self, spec: ReleaseSpec) -> ReleaseOutcome:
        from mlci.io.git_tags import ensure_local_tag

        created = ensure_local_tag(self.root, spec.tag, spec.sha, spec.message)
        return ReleaseOutcome(tag_created=created)

    def publish_tag(self, tag: LocalTag) -> bool:
        return False  # it is already here

    def close(self) -> None:
        return None
