"""The release use case: ``ReleaseJob.plan()`` decides, ``ReleaseJob.execute()`` carries it out.

The plan is data (version, tag, commit, whether a previous run registered it, who approved),
made from the report, mlci.yml, the registry and what the platform says about the commit;
it refuses (``ReleaseRefused``, exit 1) before anything changes. Executing it registers the
version and moves the baseline alias (each only if a previous run did not), then tags and
publishes on the platform -- or, on the local platform, makes the annotated tag in the
local repository. Re-running converges: nothing is made twice.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mlci.app.approval import approval_problems, needs_pull_request
from mlci.app.release_plan import release_assets, release_notes, resolve_version
from mlci.config.project import ProjectConfig
from mlci.errors import ReleaseRefused, UsageError
from mlci.io.git_tags import ensure_local_tag, latest_stage_tag, local_commit, read_local_tag
from mlci.platforms.base import ChangeFacts, Platform, ReleaseOutcome, ReleaseSpec
from mlci.registry import Registry, VersionRecord
from mlci.registry.gto import version_tag, version_tag_message
from mlci.report.model import Report

__all__ = ["ReleaseJob", "ReleasePlan", "ReleaseRequest", "ReleaseResult"]

_SHA_RE = re.compile(r"^[0-9a-f]{40}$")
Log = Callable[[str], None]


@dataclass(frozen=True)
class ReleaseRequest:
    """What the user asked for."""

    report: Report
    report_path: Path
    project: ProjectConfig
    requested: str = "auto"  # X.Y.Z or auto
    sha: str | None = None
    model_file: Path | None = None
    templates: Path | None = None


@dataclass(frozen=True)
class ReleasePlan:
    """What the release will do; nothing has changed yet."""

    model: str
    version: str
    tag: str
    sha: str
    registered: VersionRecord | None  # a previous run registered this version already
    approved_by: str | None
    alias: str
    where: str  # the registry, as the user knows it

    @property
    def needs_registering(self) -> bool:
        return self.registered is None


@dataclass
class ReleaseResult:
    version: str
    tag: str
    release_url: str = ""
    registered: bool = False
    outcome: ReleaseOutcome = field(default_factory=ReleaseOutcome)


class ReleaseJob:
    def __init__(self, request: ReleaseRequest, registry: Registry, platform: Platform) -> None:
        self.request = request
        self.registry = registry
        self.platform = platform

    # -- deciding ------------------------------------------------------------------------

    def plan(self) -> ReleasePlan:
        req, registry, platform = self.request, self.registry, self.platform
        project = req.project
        sha = self._commit()
        policy = project.release.approval
        needs_change = needs_pull_request(policy)
        facts: ChangeFacts | None = None
        if needs_change and platform.checks_approvals:
            facts = platform.change_facts(sha)
        problems = approval_problems(req.report, policy, facts, sha=sha)
        if needs_change and not platform.checks_approvals:
            problems.append("--local cannot check reviews or labels (release.approval needs them)")
        if problems:
            raise ReleaseRefused("release refused: " + "; ".join(problems))

        version, record = resolve_version(registry, req.requested, sha, req.report)
        tag = version_tag(registry.model, version)
        # Refuse before changing anything when the tag already names another commit.
        on = platform.remote_tag_commit(tag)
        if on is None and not platform.tags_locally and registry.backend == "git":
            on = local_commit(project.root, f"refs/tags/{tag}")
        if on is not None and on != sha:
            raise ReleaseRefused(
                f"tag {tag} already exists on commit {on[:12]}, not on {sha[:12]}: "
                "a version names one commit; release a new version instead"
            )
        approved_by = None
        if facts is not None and facts.approved_by:
            approved_by = f"{', '.join(facts.approved_by)} (PR #{facts.number})"
        return ReleasePlan(
            model=registry.model,
            version=version,
            tag=tag,
            sha=sha,
            registered=record,
            approved_by=approved_by,
            alias=registry.alias,
            where=registry.where(),
        )

    def _commit(self) -> str:
        req = self.request
        recorded = req.report.run.commit if req.report.run else None
        candidate = req.sha or recorded or self.platform.place().sha
        if candidate and _SHA_RE.match(candidate.lower()):
            return candidate.lower()
        resolved = local_commit(req.project.root, candidate or "HEAD")
        if resolved is None:
            what = f"commit {candidate!r}" if candidate else "the commit to tag"
            raise UsageError(f"cannot find {what}: pass --sha with a full commit SHA")
        return resolved

    # -- doing ---------------------------------------------------------------------------

    def execute(self, plan: ReleasePlan, log: Log) -> ReleaseResult:
        record, registered = self._register(plan, log)
        log(
            f"mlci: {'registered' if registered else 'already registered'} {plan.model} {plan.version} "
            f"as {plan.alias} in {plan.where}"
        )
        message = version_tag_message(record)
        result = ReleaseResult(plan.version, plan.tag, registered=registered)
        if self.platform.tags_locally:
            created = ensure_local_tag(self.request.project.root, plan.tag, plan.sha, message)
            log(f"mlci: {'created' if created else 'kept'} local tag {plan.tag} on {plan.sha[:12]}")
            result.outcome = ReleaseOutcome(tag_created=created)
            return result
        result.outcome = self._publish(plan, message)
        outcome = result.outcome
        result.release_url = outcome.release_url
        log(f"mlci: {'created' if outcome.tag_created else 'kept'} tag {plan.tag} on {plan.sha[:12]}")
        log(f"mlci: {'created' if outcome.release_created else 'kept'} release {outcome.release_url}")
        if outcome.uploaded:
            log(f"mlci: uploaded {', '.join(outcome.uploaded)}")
        for name in outcome.differs:
            log(f"warning: release asset {name} differs from the local file; kept the release's copy")
        return result

    def _register(self, plan: ReleasePlan, log: Log) -> tuple[VersionRecord, bool]:
        """Register (when a previous run did not) and move the baseline alias; idempotent."""
        from mlci.app.gate import collect_candidate_metrics
        from mlci.registry import build_record
        from mlci.registry.mlflow_runs import RUN_SCHEME, candidate_metrics_path, run_id_of

        registry, project = self.registry, self.request.project
        record = plan.registered
        if record is not None:
            if registry.aliases().get(registry.alias) != plan.version:
                registry.promote(plan.version)
            return record, False
        # An MLflow candidate run (the report's model.candidate_run): its metrics, and the
        # model the mlflow registry registers.
        run_id = self.request.report.model.candidate_run if self.request.report.model else None
        source = Path(RUN_SCHEME + run_id) if run_id else None
        run_id = run_id or run_id_of(candidate_metrics_path(project, None))
        metrics, predictions = collect_candidate_metrics(project, metrics_path=source)
        artifacts = {}
        if predictions is not None:
            artifacts["predictions"] = str(_relative(predictions, project.root))
        record, warnings = build_record(
            project,
            version=plan.version,
            metrics={k: v for k, v in metrics.items() if math.isfinite(v)},
            artifacts=artifacts,
            approved_by=plan.approved_by or os.environ.get("GITHUB_ACTOR") or None,
            description=f"released by mlci release from commit {plan.sha[:12]}",
            commit=plan.sha,
            run_id=run_id,
        )
        for warning in warnings:
            log(f"warning: {warning}")
        return registry.register(record, aliases=(registry.alias,)), True

    def _publish(self, plan: ReleasePlan, message: str) -> ReleaseOutcome:
        from mlci.render import render

        req, registry, platform = self.request, self.registry, self.platform
        project, report = req.project, req.report
        settings = project.release
        place = platform.place()
        with tempfile.TemporaryDirectory(prefix="mlci-release-") as tmp:
            html = Path(tmp) / "mlci-report.html"
            html.write_text(render(report, "html", templates=req.templates), encoding="utf-8")
            files: list[tuple[Path, str | None]] = [(req.report_path, "mlci-report.json"), (html, None)]
            if project.model and project.model.metrics and project.resolve(project.model.metrics).is_file():
                files.append((project.resolve(project.model.metrics), None))
            chosen = req.model_file or (project.resolve(settings.model_file) if settings.model_file else None)
            if chosen is not None:
                files.append((chosen, None))
            files += [(project.resolve(extra), None) for extra in settings.assets]
            assets = release_assets(files)
            previous = (report.gates.baseline_version if report.gates else None) or (
                report.model.baseline_version if report.model else None
            )
            notes = release_notes(
                report,
                version=plan.version,
                sha=plan.sha,
                server_url=place.server_url or "",
                repository=place.repository,
                previous=previous if previous != plan.version else None,
                run_url=(report.run.run_url if report.run else None) or place.run_url,
                assets=[a.name for a in assets],
                templates=req.templates,
            )
            # The git registry made the tag locally: publish that very tag (message, tagger).
            local = read_local_tag(project.root, plan.tag) if registry.backend == "git" else None
            spec = ReleaseSpec(
                tag=plan.tag,
                sha=plan.sha,
                message=local.message if local else message,
                name=f"{registry.model} v{plan.version}",
                body=notes,
                prerelease=settings.prerelease,
                assets=assets,
                tagger=local.tagger if local else None,
            )
            outcome = platform.publish_release(spec)
        if registry.backend == "git":
            # The stage tag moves the baseline for every clone: publish it too.
            stage = latest_stage_tag(project.root, registry.model, registry.alias, plan.sha)
            staged = read_local_tag(project.root, stage) if stage else None
            if staged is not None:
                platform.publish_tag(staged)
        return outcome


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return path
