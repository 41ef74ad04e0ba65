"""The release plan without the CLI: decided as data, refused before anything changes, executed
once. A real git repository and a real file registry; the local platform, so no network."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mlci.app.release import ReleaseJob, ReleaseRequest
from mlci.config import load_project
from mlci.config.project import ProjectConfig
from mlci.errors import ReleaseRefused
from mlci.platforms.local import LocalPlatform
from mlci.registry import open_registry
from mlci.report import GateResult, GatesSection, ModelInfo, Report
from mlci.report.provenance import RunInfo


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=30
    ).stdout.strip()


@pytest.fixture
def project(tmp_path: Path) -> ProjectConfig:
    root = tmp_path / "repo"
    (root / "out").mkdir(parents=True)
    (root / "out" / "metrics.json").write_text('{"roc_auc": 0.84}', encoding="utf-8")
    (root / "mlci.yml").write_text(
        "version: 1\n"
        "model: {name: churn, metrics: out/metrics.json}\n"
        "gates:\n  - {metric: roc_auc, threshold: 0.8}\n"
        "registry: {backend: file, path: .mlci/registry}\n",
        encoding="utf-8",
    )
    git(root, "init", "-q", "-b", "main")
    git(
        root,
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "x",
    )
    return load_project(root / "mlci.yml")


def report_for(project: ProjectConfig, *, status: str = "passed", delta: float | None = 0.02) -> Report:
    gate = GateResult(
        metric="roc_auc",
        candidate=0.84,
        baseline=None if delta is None else 0.84 - delta,
        delta=delta,
        status="failed" if status == "failed" else "passed",
        direction="higher",
    )
    return Report(
        status=status,
        model=ModelInfo(name="churn"),
        gates=GatesSection(status=gate.status, results=[gate]),
        run=RunInfo(commit=git(project.root, "rev-parse", "HEAD")),
    )


def job(project: ProjectConfig, report: Report, **request: object) -> ReleaseJob:
    req = ReleaseRequest(report, project.root / "mlci-report.json", project, **request)  # type: ignore[arg-type]
    return ReleaseJob(req, open_registry(project), LocalPlatform(project.root))


def test_the_plan_is_data_and_changes_nothing(project: ProjectConfig) -> None:
    plan = job(project, report_for(project)).plan()
    sha = git(project.root, "rev-parse", "HEAD")
    assert (plan.model, plan.version, plan.tag, plan.sha) == ("churn", "1.0.0", "churn@v1.0.0", sha)
    assert plan.needs_registering and plan.alias == "champion"
    assert open_registry(project).list_versions() == []
    assert git(project.root, "tag") == ""


def test_execute_registers_tags_and_a_second_run_converges(project: ProjectConfig) -> None:
    first = job(project, report_for(project))
    lines: list[str] = []
    result = first.execute(first.plan(), lines.append)
    assert result.registered and result.outcome.tag_created
    assert [r.version for r in open_registry(project).list_versions()] == ["1.0.0"]
    assert git(project.root, "tag") == "churn@v1.0.0"

    again = job(project, report_for(project))
    plan = again.plan()
    assert plan.version == "1.0.0" and not plan.needs_registering  # the re-run finds it
    result = again.execute(plan, lines.append)
    assert not result.registered and not result.outcome.tag_created
    assert [r.version for r in open_registry(project).list_versions()] == ["1.0.0"]
    assert any("already registered churn 1.0.0" in line for line in lines)


def test_an_improved_gate_bumps_minor_and_a_flat_one_patch(project: ProjectConfig) -> None:
    first = job(project, report_for(project))
    first.execute(first.plan(), lambda line: None)
    git(
        project.root,
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "y",
    )
    assert job(project, report_for(project, delta=0.01)).plan().version == "1.1.0"
    assert job(project, report_for(project, delta=0.0)).plan().version == "1.0.1"


def test_a_failed_report_is_refused_before_anything_changes(project: ProjectConfig) -> None:
    with pytest.raises(ReleaseRefused, match="the report did not pass"):
        job(project, report_for(project, status="failed")).plan()
    assert open_registry(project).list_versions() == []


def test_reviews_cannot_be_checked_locally(project: ProjectConfig) -> None:
    strict = project.model_copy(
        update={
            "release": project.release.model_copy(
                update={"approval": project.release.approval.model_copy(update={"review": True})}
            )
        }
    )
    with pytest.raises(ReleaseRefused, match="cannot check reviews"):
        job(strict, report_for(strict)).plan()


def test_a_tag_on_another_commit_is_refused(project: ProjectConfig) -> None:
    git(project.root, "tag", "churn@v1.0.0")
    git(
        project.root,
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "z",
    )
    with pytest.raises(ReleaseRefused, match="already exists on commit"):
        job(project, report_for(project), requested="1.0.0").plan()
