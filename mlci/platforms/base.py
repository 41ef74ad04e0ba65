"""The ``Platform`` protocol: where a run is and what it can publish there.

``mlci comment`` and ``mlci release`` talk to this protocol only. GitHub implements it in
``platforms/github``; ``platforms/local`` stands for a run outside CI (nothing posted,
tags made in the local repository). A second CI platform is a new package implementing
the same methods, found by ``platforms.detect``.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from mlci.io.git_tags import LocalTag
    from mlci.platforms.issues import IssueStore
    from mlci.report.model import Report

__all__ = [
    "Asset",
    "ChangeFacts",
    "CommentMode",
    "CommentResult",
    "MonitorOnGitHubOnly",
    "NoticeLevel",
    "Platform",
    "ReleaseOutcome",
    "ReleaseSpec",
    "RunPlace",
]

NoticeLevel = Literal["notice", "warning", "error"]


class CommentMode(str, Enum):
    UPDATE = "update"
    RECREATE = "recreate"


@dataclass(frozen=True)
class CommentResult:
    id: int
    url: str
    action: str  # created | updated | unchanged | recreated
    deleted: int = 0  # duplicates (or, when recreating, old copies) removed


@dataclass(frozen=True)
class RunPlace:
    """Where this run is: enough to name it in a report, a comment key or release notes."""

    platform: str  # github | local
    repository: str | None = None  # owner/name (GitHub), group/project (GitLab)
    server_url: str | None = None
    sha: str | None = None  # the commit this run built
    run_url: str | None = None
    workflow: str | None = None
    in_ci: bool = False


@dataclass(frozen=True)
class ChangeFacts:
    """The pull (merge) request that produced a commit: its labels and current approvals."""

    number: int
    labels: tuple[str, ...] = ()
    approved_by: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Asset:
    path: Path
    name: str

    @property
    def content_type(self) -> str:
        guessed = mimetypes.guess_type(self.name)[0]
        return guessed or "application/octet-stream"


@dataclass(frozen=True)
class ReleaseSpec:
    tag: str
    sha: str  # the commit the version was built from
    message: str  # the annotated tag's message
    name: str  # the release title
    body: str  # release notes (markdown)
    prerelease: bool = False
    assets: tuple[Asset, ...] = ()
    tagger: dict[str, str] | None = None  # {"name", "email", "date"}; None: the token's identity


@dataclass
class ReleaseOutcome:
    tag_created: bool = False
    release_created: bool = False
    release_url: str = ""
    uploaded: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)  # kept the release's copy, size differs


class Platform(Protocol):
    """What a use case may ask of the place a run reports to."""

    name: str
    # A release there can check reviews and labels (release.approval); the local one cannot.
    checks_approvals: bool
    # Tags are made in the local repository, not through an API.
    tags_locally: bool
    # Bytes a job summary may hold (0: the platform has none).
    summary_limit: int
    # Characters the rendered report may use in a comment before it sheds detail.
    comment_budget: int
    # Characters an issue body may hold (the monitor's sticky issue).
    issue_limit: int

    def place(self) -> RunPlace: ...

    def notify(self, level: NoticeLevel, message: str) -> None:
        """A warning or notice the user sees where the run's log is."""

    def annotate(self, report: Report) -> None:
        """Inline annotations for failing checks (nothing where the platform has none)."""

    def write_summary(self, markdown: str) -> Path | None:
        """The report where every run shows it (a job summary); None when there is none."""

    def write_outputs(self, values: Mapping[str, str]) -> None:
        """Step outputs for later steps of the same job."""

    def post_comment(
        self, key: str, body: str, mode: CommentMode, *, have_summary: bool
    ) -> CommentResult | None:
        """The sticky comment for ``key``; None when the platform fell back (and said why)."""

    def comment_body(self, markdown: str, key: str) -> str:
        """The marker line, then the report cut to the platform's comment limit."""

    def release_problems(self) -> list[str]:
        """What is missing to publish a release here (empty: ready)."""

    def change_facts(self, sha: str) -> ChangeFacts | None:
        """The change (PR/MR) that produced ``sha``, for the approval policy."""

    def remote_tag_commit(self, tag: str) -> str | None:
        """The commit ``tag`` names on the platform, or None when it has no such tag."""

    def publish_release(self, spec: ReleaseSpec) -> ReleaseOutcome:
        """Tag, release and assets, each only if missing; idempotent."""

    def publish_tag(self, tag: LocalTag) -> bool:
        """Re-create a local annotated tag on the platform as the same object; True if made."""

    def monitor_problems(self) -> list[str]:
        """What is missing to keep the monitor's issue and dispatch retraining here (empty: ready)."""

    def sticky_issue(self, key: str) -> IssueStore:
        """The monitor's one issue for ``key`` (found by its hidden marker)."""

    def dispatch_workflow(self, workflow: str, ref: str, inputs: Mapping[str, str]) -> None:
        """Start the retraining workflow on ``ref`` with ``inputs``."""

    def close(self) -> None: ...


class MonitorOnGitHubOnly:
    """For platforms without the monitor's sticky issue and retraining dispatch (yet)."""

    issue_limit = 0

    def monitor_problems(self) -> list[str]:
        return ["the monitor's issue and retraining dispatch are GitHub-only so far"]

    def sticky_issue(self, key: str) -> IssueStore:
        from mlci.errors import UsageError

        raise UsageError("the monitor's issue is on GitHub only so far")

    def dispatch_workflow(self, workflow: str, ref: str, inputs: Mapping[str, str]) -> None:
        from mlci.errors import UsageError

        raise UsageError("dispatching a retraining workflow is on GitHub only so far")
