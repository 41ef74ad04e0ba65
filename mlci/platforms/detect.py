"""Which platform a run reports to: ``--platform`` / ``MLCI_PLATFORM``, else detected.

``auto`` is GitHub (also outside Actions, where ``--repo`` and GITHUB_TOKEN say where to
post); ``local`` posts nothing and tags in the local repository.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from mlci.errors import UsageError
from mlci.platforms.base import Platform

__all__ = ["PLATFORM_CHOICES", "PlatformName", "detect_platform", "open_platform"]

PlatformName = Literal["github", "local"]
PLATFORM_CHOICES = ("auto", "github", "local")


def detect_platform(environ: dict[str, str] | None = None) -> PlatformName:
    """The platform this run is on, from the environment."""
    del environ  # GitHub is the only CI platform so far; GitLab will be detected by GITLAB_CI
    return "github"


def open_platform(
    name: str | None = None, *, repo: str | None = None, pr: int | None = None, root: Path | None = None
) -> Platform:
    choice = (name or os.environ.get("MLCI_PLATFORM") or "auto").lower()
    if choice == "auto":
        choice = detect_platform()
    if choice == "github":
        from mlci.platforms.github.platform import GitHubPlatform

        return GitHubPlatform.from_env(repo=repo, pr=pr)
    if choice == "local":
        from mlci.platforms.local import LocalPlatform

        return LocalPlatform(root)
    raise UsageError(f"unknown platform {name!r} (choose from {', '.join(PLATFORM_CHOICES)})")
