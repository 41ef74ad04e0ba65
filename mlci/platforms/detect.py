"""Which platform a run reports to: ``--platform`` / ``MLCI_PLATFORM``, else detected.

``auto`` is GitLab inside a GitLab CI/CD job (``GITLAB_CI=true``), else GitHub (also outside
Actions, where ``--repo`` and GITHUB_TOKEN say where to post); ``local`` posts nothing and
tags in the local repository.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from mlci.errors import UsageError
from mlci.platforms.base import Platform

__all__ = ["PLATFORM_CHOICES", "PlatformName", "detect_platform", "open_platform"]

PlatformName = Literal["github", "gitlab", "local"]
PLATFORM_CHOICES = ("auto", "github", "gitlab", "local")


def detect_platform(environ: Mapping[str, str] | None = None) -> PlatformName:
    """The platform this run is on, from the environment."""
    env = os.environ if environ is None else environ
    return "gitlab" if env.get("GITLAB_CI") == "true" else "github"


def open_platform(
    name: str | None = None,
    *,
    repo: str | None = None,
    pr: int | None = None,
    root: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Platform:
    env = os.environ if environ is None else environ
    choice = (name or env.get("MLCI_PLATFORM") or "auto").lower()
    if choice == "auto":
        choice = detect_platform(env)
    if choice == "github":
        from mlci.platforms.github.platform import GitHubPlatform

        return GitHubPlatform.from_env(env, repo=repo, pr=pr)
    if choice == "gitlab":
        from mlci.platforms.gitlab.platform import GitLabPlatform

        return GitLabPlatform.from_env(env, repo=repo, pr=pr)
    if choice == "local":
        from mlci.platforms.local import LocalPlatform

        return LocalPlatform(root)
    raise UsageError(f"unknown platform {name!r} (choose from {', '.join(PLATFORM_CHOICES)})")
