"""``mlci release REPORT.json``: register the version, tag it, publish a GitHub Release."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlci.cli._common import config_option, option

if TYPE_CHECKING:
    from mlci.config.project import ProjectConfig
    from mlci.platforms.github.client import GitHubClient
    from mlci.platforms.github.context import GitHubContext
    from mlci.registry import Registry, VersionRecord
    from mlci.report.model import Report

__all__ = ["release"]

_SHA_RE = re.compile(r"^[0-9a-f]{40}$")


@click.command()
@click.argument("report_path", metavar="REPORT.json", type=click.Path(path_type=Path))
@config_option(None, "The project's mlci.yml.  [default: the one the report was made from, else ./mlci.yml]")
@option(
    "--version",
    "requested",
    env="MODEL_VERSION",
    default="auto",
    show_default=True,
    metavar="X.Y.Z|auto",
    help="The version to release; auto: minor bump when a gated metric improved, else patch.",
)
@option(
    "--sha",
    env="SHA",
    default=None,
    help="The commit to tag.  [default: the report's commit, $GITHUB_SHA, HEAD]",
)
@option("--repo", env="REPO", default=None, help="OWNER/NAME.  [default: $GITHUB_REPOSITORY]")
@option(
    "--model-file",
    env="MODEL_FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A model file to attach to the release.  [default: release.model_file in mlci.yml]",
)
@option(
    "--local",
    env="LOCAL",
    is_flag=True,
    help="Register and tag in the local git repository only; no GitHub.",
)
@option(
    "--templates",
    env="TEMPLATES",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A folder whose templates (release.md.j2) override the built-in ones.",
)
def release(
    report_path: Path,
    config_path: Path | None,
    requested: str,
    sha: str | None,
    repo: str | None,
    model_file: Path | None,
    local: bool,
    templates: Path | None,
) -> None:
    """Release the model version REPORT.json was made for.

    Refuses (exit 1) unless the report passed and the approval policy of mlci.yml
    (release.approval: gates passed, an approving review, a label) holds. Then, each
    step only if a previous run did not already do it: register the version in the
    registry and move the baseline alias (champion) to it; create the annotated tag
    <model>@v<version> on the commit (GTO-compatible); create the GitHub Release with
    notes and assets (report JSON and HTML, metrics, the model file). Re-running is
    harmless; a tag that exists on another commit is refused (exit 1).

    \b
    Examples:
      mlci release mlci-report.json
      mlci release mlci-report.json --version 2.0.0 --model-file out/model.pkl
      mlci release mlci-report.json --local

    Exits 0 when released, 1 when refused, 2 for bad input, 3 when GitHub failed.
    """
    from mlci.config.project import load_project
    from mlci.errors import UsageError
    from mlci.platforms.github.client import GitHubClient, RetryPolicy
    from mlci.platforms.github.context import load_context
    from mlci.report import load_report

    report = load_report(report_path)
    if report.model is None:
        raise UsageError(
            "the report names no model (run `mlci check` with a model section)", path=report_path
        )
    project = load_project(_config_path(config_path, report))
    if project.model is None or project.model.name != report.model.name:
        named = project.model.name if project.model else "none"
        raise UsageError(f"the report is for model {report.model.name!r}, mlci.yml for {named!r}")
    gh = load_context(repo=repo)
    if local:
        _run(report, report_path, project, gh, None, requested, sha, model_file, templates)
        return
    missing = gh.missing_for_api()
    if missing:
        raise UsageError("cannot release on GitHub: missing " + " and ".join(missing) + " (or use --local)")
    with GitHubClient(gh.token, gh.api_url, RetryPolicy.from_env()) as client:
        _run(report, report_path, project, gh, client, requested, sha, model_file, templates)


def _config_path(given: Path | None, report: Report) -> Path:
    if given is not None:
        return given
    if report.config_path and Path(report.config_path).is_file():
        return Path(report.config_path)
    return Path("mlci.yml")


def _commit(given: str | None, report: Report, gh: GitHubContext, root: Path) -> str:
    from mlci.errors import UsageError
    from mlci.io.git_tags import local_commit

    candidate = given or (report.run.commit if report.run else None) or gh.sha
    if candidate and _SHA_RE.match(candidate.lower()):
        return candidate.lower()
    resolved = local_commit(root, candidate or "HEAD")
    if resolved is None:
        what = f"commit {candidate!r}" if candidate else "the commit to tag"
        raise UsageError(f"cannot find {what}: pass --sha with a full commit SHA")
    return resolved


def _run(
    report: Report,
    report_path: Path,
    project: ProjectConfig,
    gh: GitHubContext,
    client: GitHubClient | None,
    requested: str,
    sha_option: str | None,
    model_file: Path | None,
    templates: Path | None,
) -> None:
    from mlci.io.git_tags import ensure_local_tag, local_commit
    from mlci.platforms.github.approval import approval_problems, needs_pull_request, pull_request_facts
    from mlci.platforms.github.release_plan import resolve_version, version_tag, version_tag_message
    from mlci.platforms.github.releases import ReleaseRefused, remote_tag_commit
    from mlci.registry import open_registry

    sha = _commit(sha_option, report, gh, project.root)
    policy = project.release.approval
    facts = None
    if needs_pull_request(policy) and client is not None and gh.repository:
        facts = pull_request_facts(client, gh.repository, sha)
    problems = approval_problems(report, policy, facts, sha=sha)
    if client is None and needs_pull_request(policy):
        problems.append("--local cannot check reviews or labels (release.approval needs them)")
    if problems:
        raise ReleaseRefused("release refused: " + "; ".join(problems))

    registry = open_registry(project)
    version, record = resolve_version(registry, requested, sha, report)
    tag = version_tag(registry.model, version)
    # Refuse before changing anything when the tag already names another commit.
    on = None
    if client is not None and gh.repository:
        on = remote_tag_commit(client, gh.repository, tag)
    if on is None and (client is None or registry.backend == "git"):
        on = local_commit(project.root, f"refs/tags/{tag}")
    if on is not None and on != sha:
        raise ReleaseRefused(
            f"tag {tag} already exists on commit {on[:12]}, not on {sha[:12]}: "
            "a version names one commit; release a new version instead"
        )
    approved_by = None
    if facts is not None and facts.approved_by:
        approved_by = f"{', '.join(facts.approved_by)} (PR #{facts.number})"
    record, registered = _register(registry, project, record, version, sha, approved_by)
    click.echo(
        f"mlci: {'registered' if registered else 'already registered'} {registry.model} {version} "
        f"as {registry.alias} in {registry.where()}",
        err=True,
    )
    message = version_tag_message(record)
    if client is None:
        created = ensure_local_tag(project.root, tag, sha, message)
        click.echo(f"mlci: {'created' if created else 'kept'} local tag {tag} on {sha[:12]}", err=True)
        _outputs(report, version, tag, "")
        return
    _publish(
        report,
        report_path,
        project,
        gh,
        client,
        registry,
        tag,
        version,
        sha,
        message,
        model_file,
        templates,
    )


def _register(
    registry: Registry,
    project: ProjectConfig,
    record: VersionRecord | None,
    version: str,
    sha: str,
    approved_by: str | None,
) -> tuple[VersionRecord, bool]:
    """Register (when a previous run did not) and move the baseline alias; idempotent."""
    import math
    import os

    from mlci.app.gate import collect_candidate_metrics
    from mlci.registry import build_record

    registered = False
    if record is None:
        metrics, predictions = collect_candidate_metrics(project)
        artifacts = {}
        if predictions is not None:
            artifacts["predictions"] = str(_relative(predictions, project.root))
        record, warnings = build_record(
            project,
            version=version,
            metrics={k: v for k, v in metrics.items() if math.isfinite(v)},
            artifacts=artifacts,
            approved_by=approved_by or os.environ.get("GITHUB_ACTOR") or None,
            description=f"released by mlci release from commit {sha[:12]}",
            commit=sha,
        )
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
        record = registry.register(record, aliases=(registry.alias,))
        registered = True
    elif registry.aliases().get(registry.alias) != version:
        registry.promote(version)
    return record, registered


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return path


def _publish(
    report: Report,
    report_path: Path,
    project: ProjectConfig,
    gh: GitHubContext,
    client: GitHubClient,
    registry: Registry,
    tag: str,
    version: str,
    sha: str,
    message: str,
    model_file: Path | None,
    templates: Path | None,
) -> None:
    from mlci.io.git_tags import latest_stage_tag, read_local_tag
    from mlci.platforms.github.release_plan import release_assets, release_notes
    from mlci.platforms.github.releases import ReleaseSpec, ensure_tag, publish_release
    from mlci.render import render

    assert gh.repository is not None
    settings = project.release
    with tempfile.TemporaryDirectory(prefix="mlci-release-") as tmp:
        html = Path(tmp) / "mlci-report.html"
        html.write_text(render(report, "html", templates=templates), encoding="utf-8")
        files: list[tuple[Path, str | None]] = [(report_path, "mlci-report.json"), (html, None)]
        if project.model and project.model.metrics and project.resolve(project.model.metrics).is_file():
            files.append((project.resolve(project.model.metrics), None))
        chosen_model = model_file or (project.resolve(settings.model_file) if settings.model_file else None)
        if chosen_model is not None:
            files.append((chosen_model, None))
        files += [(project.resolve(extra), None) for extra in settings.assets]
        assets = release_assets(files)
        previous = (report.gates.baseline_version if report.gates else None) or (
            report.model.baseline_version if report.model else None
        )
        notes = release_notes(
            report,
            version=version,
            sha=sha,
            server_url=gh.server_url,
            repository=gh.repository,
            previous=previous if previous != version else None,
            run_url=(report.run.run_url if report.run else None) or gh.run_url,
            assets=[a.name for a in assets],
            templates=templates,
        )
        # The git registry made the tag locally: publish that very tag (message, tagger).
        local = read_local_tag(project.root, tag) if registry.backend == "git" else None
        spec = ReleaseSpec(
            tag=tag,
            sha=sha,
            message=local.message if local else message,
            name=f"{registry.model} v{version}",
            body=notes,
            prerelease=settings.prerelease,
            assets=assets,
            tagger=local.tagger if local else None,
        )
        outcome = publish_release(client, gh.repository, spec)
    if registry.backend == "git":
        # The stage tag moves the baseline for every clone: publish it too.
        stage = latest_stage_tag(project.root, registry.model, registry.alias, sha)
        staged = read_local_tag(project.root, stage) if stage else None
        if staged is not None:
            ensure_tag(client, gh.repository, staged.name, sha, staged.message, staged.tagger)
    click.echo(f"mlci: {'created' if outcome.tag_created else 'kept'} tag {tag} on {sha[:12]}", err=True)
    click.echo(
        f"mlci: {'created' if outcome.release_created else 'kept'} release {outcome.release_url}",
        err=True,
    )
    if outcome.uploaded:
        click.echo(f"mlci: uploaded {', '.join(outcome.uploaded)}", err=True)
    for name in outcome.differs:
        click.echo(
            f"warning: release asset {name} differs from the local file; kept the release's copy",
            err=True,
        )
    _outputs(report, version, tag, outcome.release_url)


def _outputs(report: Report, version: str, tag: str, url: str) -> None:
    from mlci.platforms.github.outputs import write_outputs

    write_outputs({"status": report.status, "version": version, "tag": tag, "release-url": url})
    click.echo(version)
