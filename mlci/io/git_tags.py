"""Annotated tags in the local git repository: make one, read one back, find a stage tag.

``mlci release --local`` makes the version tag here; a release on a platform re-creates a
tag the git registry made locally as the same object (message and tagger).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mlci.errors import ReleaseRefused, UsageError
from mlci.io.git import run_git

__all__ = ["LocalTag", "ensure_local_tag", "local_commit", "read_local_tag", "latest_stage_tag"]

_TAGGER_RE = re.compile(r"^tagger (?P<name>.*) <(?P<email>[^>]*)> (?P<epoch>\d+) (?P<tz>[+-]\d{4})$")


@dataclass(frozen=True)
class LocalTag:
    """An annotated tag as git stores it, to be re-created as the same object on GitHub."""

    name: str
    commit: str
    message: str
    tagger: dict[str, str] | None  # {"name", "email", "date"} as the git data API takes it


def _git(
    cwd: Path, *args: str, check: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return run_git(cwd, *args, check=check, stdin=stdin)


def local_commit(cwd: Path, rev: str = "HEAD") -> str | None:
    """The full commit SHA of ``rev`` in the repository at ``cwd``, or None."""
    proc = _git(cwd, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def ensure_local_tag(cwd: Path, tag: str, sha: str, message: str) -> bool:
    """Create the annotated tag unless it exists on ``sha``; True when created."""
    existing = local_commit(cwd, f"refs/tags/{tag}")
    if existing is not None:
        if existing != sha:
            raise ReleaseRefused(
                f"tag {tag} already exists on commit {existing[:12]}, not on {sha[:12]}: "
                "a version names one commit; release a new version instead"
            )
        return False
    if local_commit(cwd, sha) is None:
        raise UsageError(f"commit {sha[:12]} is not in the local repository", path=cwd)
    identity: list[str] = []
    # A fresh CI checkout has no identity, and an annotated tag needs a tagger.
    for key, default in (("user.name", "mlci"), ("user.email", "mlci@users.noreply.github.com")):
        if not _git(cwd, "config", key, check=False).stdout.strip():
            identity += ["-c", f"{key}={default}"]
    # The message goes through stdin, verbatim: it may be long and hold any character.
    _git(
        cwd,
        *identity,
        "tag",
        "--annotate",
        "--cleanup=verbatim",
        "--file=-",
        tag,
        sha,
        stdin=message,
    )
    return True


def read_local_tag(cwd: Path, tag: str) -> LocalTag | None:
    """The annotated tag ``tag`` of the local repository (None when absent or lightweight)."""
    proc = _git(cwd, "cat-file", "tag", f"refs/tags/{tag}", check=False)
    commit = local_commit(cwd, f"refs/tags/{tag}")
    if proc.returncode != 0 or commit is None:
        return None
    header, _, message = proc.stdout.partition("\n\n")
    tagger = None
    for line in header.splitlines():
        match = _TAGGER_RE.match(line)
        if match:
            sign = 1 if match["tz"][0] == "+" else -1
            offset = dt.timedelta(hours=int(match["tz"][1:3]), minutes=int(match["tz"][3:5]))
            when = dt.datetime.fromtimestamp(int(match["epoch"]), dt.timezone(sign * offset))
            tagger = {"name": match["name"], "email": match["email"], "date": when.isoformat()}
    return LocalTag(tag, commit, message, tagger)


def latest_stage_tag(cwd: Path, model: str, stage: str, commit: str) -> str | None:
    """The newest GTO stage tag ``<model>#<stage>#<n>`` on ``commit`` (highest ``n``)."""
    proc = _git(
        cwd,
        "for-each-ref",
        "--format=%(refname:strip=2) %(*objectname)",
        f"refs/tags/{model}#{stage}#*",
        check=False,
    )
    best: tuple[int, str] | None = None
    for line in proc.stdout.splitlines():
        name, _, target = line.partition(" ")
        counter = name.rsplit("#", 1)[-1]
        if target == commit and counter.isdigit() and (best is None or int(counter) > best[0]):
            best = (int(counter), name)
    return best[1] if best else None
