"""``mlci release REPORT.json``: register the version, tag it, publish a GitHub Release."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlci.cli._common import config_option, option, platform_option, template_dir_option

if TYPE_CHECKING:
    from mlci.report.model import Report

__all__ = ["release"]


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
    help="Register and tag in the local git repository only; no GitHub (= --platform local).",
)
@platform_option()
@template_dir_option("A folder whose templates (release.md.j2) override the built-in ones.")
def release(
    report_path: Path,
    config_path: Path | None,
    requested: str,
    sha: str | None,
    repo: str | None,
    model_file: Path | None,
    local: bool,
    platform_name: str,
    template_dir: Path | None,
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
    from mlci.app.release import ReleaseJob, ReleaseRequest
    from mlci.config.project import load_project
    from mlci.errors import UsageError
    from mlci.platforms.detect import open_platform
    from mlci.registry import open_registry
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
    platform = open_platform("local" if local else platform_name, repo=repo, root=project.root)
    problems = platform.release_problems()
    if problems:
        raise UsageError("; ".join(problems))
    from mlci.render.escape import log_safe

    request = ReleaseRequest(report, report_path, project, requested, sha, model_file, template_dir)
    try:
        job = ReleaseJob(request, open_registry(project), platform)
        result = job.execute(job.plan(), log=lambda line: click.echo(log_safe(line), err=True))
    finally:
        platform.close()
    outputs = {"status": report.status, "version": result.version, "tag": result.tag}
    platform.write_outputs({**outputs, "release-url": result.release_url})
    click.echo(result.version)


def _config_path(given: Path | None, report: Report) -> Path:
    if given is not None:
        return given
    if report.config_path and Path(report.config_path).is_file():
        return Path(report.config_path)
    return Path("mlci.yml")
