"""What ``mlci release`` will do: which version, which tag and message, which notes and assets.

Pure decisions over the report, the registry and mlci.yml; ``app.release`` carries them
out through a ``Platform``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from mlci.checks.metrics import default_direction
from mlci.errors import ReleaseRefused, UsageError
from mlci.platforms.base import Asset
from mlci.registry import Registry, VersionRecord, next_version, parse_semver
from mlci.registry.gto import version_tag, version_tag_message
from mlci.registry.semver import is_semver
from mlci.render.templates import render_template
from mlci.report.model import Report

__all__ = [
    "gates_improved",
    "release_assets",
    "release_notes",
    "resolve_version",
    "version_tag",
    "version_tag_message",
]


def gates_improved(report: Report) -> bool:
    """Did any gated metric get better than the baseline (minor bump), or not (patch)?"""
    for gate in report.gates.results if report.gates else []:
        if gate.status != "passed" or gate.delta is None or gate.baseline is None:
            continue
        direction = gate.direction or default_direction(gate.metric)
        sign = 1.0 if direction == "higher" else -1.0
        # Floating-point noise in a re-computed metric is not an improvement.
        if sign * gate.delta > 1e-9 * max(1.0, abs(gate.baseline)):
            return True
    return False


def resolve_version(
    registry: Registry, requested: str | None, sha: str, report: Report
) -> tuple[str, VersionRecord | None]:
    """The version to release, and its record when a previous run already registered it.

    ``auto`` re-uses the version registered on this commit (a re-run), else bumps the
    highest version: minor when a gated metric improved, patch otherwise (1.0.0 first).
    """
    records = registry.list_versions()
    if requested in (None, "", "auto"):
        # Only mlci's own (semver) versions: one MLflow registered alone on this commit
        # (its run's git commit) is not this release.
        on_commit = [r for r in records if r.commit == sha and is_semver(r.version)]
        if on_commit:
            return on_commit[-1].version, on_commit[-1]
        return next_version([r.version for r in records], improved=gates_improved(report)), None
    try:
        version = str(parse_semver(requested))
    except ValueError as exc:
        raise UsageError(f"--version: {exc}") from None
    for record in records:
        if record.version == version:
            if record.commit == sha:
                return version, record
            where = f"commit {record.commit[:12]}" if record.commit else "no recorded commit"
            raise ReleaseRefused(
                f"version {version} of {registry.model} is already registered on {where}, "
                f"not on {sha[:12]}: release a new version instead"
            )
    return version, None


def release_assets(files: Iterable[tuple[Path, str | None]]) -> tuple[Asset, ...]:
    """Assets from ``(path, name)`` pairs (name defaults to the file name); names unique."""
    assets: dict[str, Asset] = {}
    for path, name in files:
        asset_name = name or path.name
        if not path.is_file():
            raise UsageError("release asset not found", path=path)
        if asset_name in assets and assets[asset_name].path.resolve() != path.resolve():
            raise UsageError(f"two release assets are named {asset_name!r}", path=path)
        assets[asset_name] = Asset(path, asset_name)
    return tuple(assets.values())


def _url(url: str | None) -> str | None:
    # Links in the notes: no character that could end the markdown link or start markup.
    return quote(url, safe=":/?#&=%+~.,-_@") if url else None


def release_notes(
    report: Report,
    *,
    version: str,
    sha: str,
    server_url: str,
    repository: str | None,
    previous: str | None,
    run_url: str | None,
    assets: Iterable[str],
    templates: str | Path | None = None,
) -> str:
    model = report.model.name if report.model else "model"
    tag = version_tag(model, version)
    base = f"{server_url}/{repository}" if repository else None
    names = list(assets)
    report_url = None
    if base and "mlci-report.html" in names:
        report_url = f"{base}/releases/download/{quote(tag, safe='')}/mlci-report.html"
    return render_template(
        "release.md.j2",
        templates,
        report=report,
        model=model,
        version=version,
        tag=tag,
        previous=previous,
        sha=sha,
        commit_url=_url(f"{base}/commit/{sha}" if base else None) or "",
        run_url=_url(run_url),
        report_url=_url(report_url),
        assets=names,
    )
