"""Forks and read-only tokens: keep the report in the job summary, explain, never fail.

A pull request from a fork runs with a read-only ``GITHUB_TOKEN``, so it cannot comment.
The safe pattern is two workflows: the unprivileged one uploads ``mlci-report.json`` as an
artifact; a second workflow, triggered by ``workflow_run``, downloads it and runs
``mlci comment`` with a token that may write (it never runs the fork's code).
"""

from __future__ import annotations

__all__ = ["FORK_HINT", "read_only_warning"]

FORK_HINT = (
    "to comment on pull requests from forks, upload mlci-report.json as an artifact and run "
    "`mlci comment` from a workflow triggered by `workflow_run` (see docs/github.md)"
)


def read_only_warning(reason: str) -> str:
    """One line: why no comment was posted, where the report is, what to do about it."""
    return (
        f"cannot comment on the pull request ({reason}); the report is in the job summary. "
        f"To comment on pull requests from forks, {FORK_HINT.split(', ', 1)[1]}."
    )
