"""Semantic versions (semver.org 2.0): parsing, precedence and the next release number."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["SemVer", "parse_semver", "is_semver", "bump", "next_version"]

_SEMVER = re.compile(
    r"^v?(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    r"(?:-(?P<pre>(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
    r"(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+(?P<build>[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
Part = Literal["major", "minor", "patch"]


@dataclass(frozen=True)
class SemVer:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: str | None = None

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    def key(self) -> tuple[object, ...]:
        """Sort key by semver precedence (build metadata ignored)."""
        # A release sorts after its prereleases; numeric identifiers before alphanumeric.
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, not self.prerelease, pre)

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        if self.build:
            text += "+" + self.build
        return text


def parse_semver(text: str) -> SemVer:
    """``1.2.3``, ``v1.2.3``, ``1.2.3-rc.1+build.5``; ValueError otherwise."""
    match = _SEMVER.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0)")
    pre = match["pre"]
    return SemVer(
        int(match["major"]),
        int(match["minor"]),
        int(match["patch"]),
        tuple(pre.split(".")) if pre else (),
        match["build"],
    )


def is_semver(text: str) -> bool:
    return _SEMVER.match(text) is not None


def bump(version: str, part: Part) -> str:
    v = parse_semver(version)
    if part == "major":
        return f"{v.major + 1}.0.0"
    if part == "minor":
        return f"{v.major}.{v.minor + 1}.0"
    if v.is_prerelease:  # 1.3.0-rc.1 -> 1.3.0: the release the prerelease led to
        return f"{v.major}.{v.minor}.{v.patch}"
    return f"{v.major}.{v.minor}.{v.patch + 1}"


def next_version(versions: list[str], *, improved: bool, initial: str = "1.0.0") -> str:
    """The next release after the highest of ``versions`` (prereleases ignored).

    ``minor`` when a gated metric improved, ``patch`` otherwise; ``initial`` when there
    is no release yet. This is the auto-bump rule of ``mlci release``.
    """
    # Versions that are not semver (MLflow's own numbers "1", "2") do not take part.
    parsed = [parse_semver(v) for v in versions if is_semver(v)]
    releases = [v for v in parsed if not v.is_prerelease]
    if not releases:
        return initial
    latest = max(releases, key=SemVer.key)
    return bump(str(latest), "minor" if improved else "patch")
