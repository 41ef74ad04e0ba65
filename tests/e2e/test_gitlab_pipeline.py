"""mlci's GitLab CI/CD component run end to end by gitlab-ci-local against the GitLab stand-in.

One user's repository serves every test in this module (as one GitLab project does), so the
mlci venv the component caches under the project directory is built once; before each run
the working tree is cleaned back to its commit, as a GitLab runner's fresh checkout is.
Each test gets its own GitLab stand-in. A merge-request pipeline posts one sticky note and
the next push's pipeline updates it; a failing check fails the job but still posts; the
default branch releases exactly once; a job-token-only pipeline warns and posts nothing;
advisory mode passes a failed check, never a broken run; no token is ever in a job log.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlci.platforms.sticky import marker

from .gitlab import VERSION, GitLabProject, PipelineRun, find_gitlab_ci_local, gitlab_ci_local_version
from stubs.gitlab_stub import JOB_TOKEN, TOKEN, GitLabStub, gitlab_env

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "churn"
PROJECT_ID, IID = 42, 7

# Validation only: what these merge-request tests need, and nothing that depends on a baseline.
CHECK_CONFIG = """version: 1
datasets:
  train:   {path: data/train.csv,   schema: schema.yml}
  current: {path: data/current.csv, schema: schema.yml}
"""
RELEASE_CONFIG = """version: 1
model: {name: churn, metrics: out/metrics.json}
datasets:
  train: {path: data/train.csv, schema: schema.yml}
gates:
  - {metric: roc_auc, threshold: 0.80}
registry: {backend: file, path: .mlci/registry}
"""


@pytest.fixture(scope="session")
def gitlab_ci_local() -> str:
    tool = find_gitlab_ci_local()
    if tool is None:
        pytest.skip(
            f"gitlab-ci-local is not installed (npm install -g gitlab-ci-local@{VERSION}; "
            ".ci/system-deps.sh does it): the GitLab e2e tests run pipelines under it"
        )
    return tool


@pytest.fixture(scope="module")
def user_project(
    tmp_path_factory: pytest.TempPathFactory, gitlab_ci_local: str, action_source: Path
) -> GitLabProject:
    work = tmp_path_factory.mktemp("gitlab")
    project = GitLabProject(work / "churn", gitlab_ci_local, work / "home", action_source)
    project.add_components()
    project.write(".gitignore", ".mlci-venv/\n")
    project.commit("mlci's CI/CD components")
    return project


@pytest.fixture
def gitlab() -> Iterator[GitLabStub]:
    with GitLabStub() as stub:
        stub.add_project(PROJECT_ID, "group/churn")
        yield stub


def _variables(stub: GitLabStub, project: GitLabProject, **kwargs: object) -> dict[str, str | None]:
    env = gitlab_env(stub, project.root, project_id=PROJECT_ID, **kwargs)  # type: ignore[arg-type]
    env.pop("CI_PROJECT_DIR")  # gitlab-ci-local's own: where the job runs
    # Bounded, but patient enough for a loaded machine; nothing here is meant to time out.
    env.update({"MLCI_HTTP_TIMEOUT": "10", "MLCI_HTTP_MAX_WAIT": "30"})
    return env


def _merge_request(project: GitLabProject, stub: GitLabStub, *, current_ok: bool) -> str:
    """A feature branch with the churn example whose current data passes or fails validation."""
    project.checkout(f"feature-{'ok' if current_ok else 'bad'}")
    project.write("mlci.yml", CHECK_CONFIG)
    project.copy(EXAMPLE / "schema.yml", "schema.yml")
    project.copy(EXAMPLE / "data" / "train.csv", "data/train.csv")
    project.copy(EXAMPLE / "data" / ("train.csv" if current_ok else "current.csv"), "data/current.csv")
    project.write(".gitlab-ci.yml", project.pipeline())
    sha = project.commit("check the churn data")
    stub.add_merge_request(PROJECT_ID, IID, sha, source_branch=project.git("branch", "--show-current"))
    return sha


def _ours(stub: GitLabStub) -> list[dict[str, object]]:
    return [n for n in stub.mr_notes(PROJECT_ID, IID) if str(n["body"]).startswith("<!-- mlci:")]


def _run(project: GitLabProject, variables: dict[str, str | None], *jobs: str) -> PipelineRun:
    project.clean()
    return project.run(variables, jobs, secrets=(TOKEN, JOB_TOKEN))


def test_gitlab_ci_local_is_the_tested_release(gitlab_ci_local: str) -> None:
    assert gitlab_ci_local_version(gitlab_ci_local) == VERSION


@pytest.mark.slow
def test_failing_check_fails_the_job_posts_one_note_and_the_next_push_updates_it(
    user_project: GitLabProject, gitlab: GitLabStub
) -> None:
    sha = _merge_request(user_project, gitlab, current_ok=False)
    variables = _variables(gitlab, user_project, sha=sha, token=TOKEN, merge_request_iid=IID)

    first = _run(user_project, variables)

    assert first.job_failed("mlci") and first.returncode != 0, first.tail()
    assert "mlci: a check failed" in first.log
    notes = _ours(gitlab)
    assert len(notes) == 1, first.tail()
    posted = notes[0]
    body = str(posted["body"])
    assert body.startswith(marker("mlci/data") + "\n")
    # The violations a reviewer needs are in the note itself.
    for fragment in ("failed", "current", "unique", "age", "enterprise"):
        assert fragment in body, fragment
    # The MR widgets' inputs and the renderings are the job's artifacts, even though it failed.
    artifacts = user_project.root / ".gitlab-ci-local" / "artifacts" / "mlci"
    assert {p.name for p in artifacts.iterdir()} >= {
        "mlci-report.json",
        "mlci-junit.xml",
        "mlci-report.md",
        "mlci-report.html",
        "mlci-metrics.txt",
    }
    assert json.loads((artifacts / "mlci-report.json").read_text())["status"] == "failed"
    assert "<testsuite" in (artifacts / "mlci-junit.xml").read_text()
    assert 'mlci_report_passed{model="unnamed"} 0\n' in (artifacts / "mlci-metrics.txt").read_text()

    # The next push to the merge request: a new commit, the data still broken.
    user_project.write("NOTES.md", "retrained, data unchanged\n")
    pushed = user_project.commit("retrain")
    gitlab.add_commit(PROJECT_ID, pushed, branch=user_project.git("branch", "--show-current"))
    rerun = _run(user_project, {**variables, "CI_COMMIT_SHA": pushed, "CI_COMMIT_SHORT_SHA": pushed[:8]})

    assert rerun.job_failed("mlci"), rerun.tail()
    assert "reusing the cached venv" in rerun.log
    assert [n["id"] for n in _ours(gitlab)] == [posted["id"]]  # the same note, not a new one
    assert len(gitlab.calls("POST", r"/notes$")) == 1
    assert len(gitlab.calls("PUT", rf"/notes/{posted['id']}$")) == 1


@pytest.mark.slow
def test_job_token_only_pipeline_warns_and_posts_nothing(
    user_project: GitLabProject, gitlab: GitLabStub
) -> None:
    sha = _merge_request(user_project, gitlab, current_ok=True)
    # No MLCI_GITLAB_TOKEN: only the job's own CI_JOB_TOKEN, which cannot post notes.
    variables = _variables(gitlab, user_project, sha=sha, merge_request_iid=IID)
    assert variables["CI_JOB_TOKEN"] == JOB_TOKEN and "MLCI_GITLAB_TOKEN" not in variables

    run = _run(user_project, variables)

    assert run.job_passed("mlci") and run.returncode == 0, run.tail()
    assert "warning: cannot post the merge-request note" in run.log
    assert "CI_JOB_TOKEN" in run.log and "MLCI_GITLAB_TOKEN" in run.log  # says what to set
    assert "mlci: every check passed" in run.log
    assert _ours(gitlab) == [] and gitlab.calls("POST", r"/notes$") == []


@pytest.mark.slow
def test_default_branch_pipeline_releases_exactly_once(
    user_project: GitLabProject, gitlab: GitLabStub
) -> None:
    project = user_project
    project.checkout("main")
    project.write("mlci.yml", RELEASE_CONFIG)
    project.copy(EXAMPLE / "schema.yml", "schema.yml")
    project.copy(EXAMPLE / "data" / "train.csv", "data/train.csv")
    project.write("out/metrics.json", json.dumps({"roc_auc": 0.86, "accuracy": 0.81}))
    project.write(".gitlab-ci.yml", project.pipeline(release=True))
    sha = project.commit("merge: a better model")
    gitlab.add_commit(PROJECT_ID, sha, branch="main")
    variables = _variables(gitlab, project, sha=sha, token=TOKEN, merge_request_iid=None)

    first = _run(project, variables)

    assert first.job_passed("mlci") and first.job_passed("mlci-release"), first.tail()
    assert "no merge request for this pipeline" in first.log  # the check job posts no note
    tags = gitlab.tags[PROJECT_ID]
    assert list(tags) == ["churn@v1.0.0"], first.tail()
    tag = tags["churn@v1.0.0"]
    assert tag["commit"]["id"] == sha
    assert str(tag["message"]).startswith("Registering artifact churn version v1.0.0")  # GTO reads it
    assert list(gitlab.releases[PROJECT_ID]) == ["churn@v1.0.0"]
    links = {link["name"] for link in gitlab.releases[PROJECT_ID]["churn@v1.0.0"]["assets"]["links"]}
    assert "mlci-report.json" in links

    again = _run(project, variables, "mlci-release")

    assert again.job_passed("mlci-release"), again.tail()
    assert list(gitlab.tags[PROJECT_ID]) == ["churn@v1.0.0"]
    assert list(gitlab.releases[PROJECT_ID]) == ["churn@v1.0.0"]
    assert len(gitlab.calls("POST", r"/repository/tags$")) == 1
    assert len(gitlab.calls("POST", r"/releases$")) == 1


@pytest.mark.slow
def test_advisory_mode_passes_a_failed_check_but_a_broken_run_still_fails(
    user_project: GitLabProject, gitlab: GitLabStub
) -> None:
    sha = _merge_request(user_project, gitlab, current_ok=False)
    # fail-on-failure: false, as its variable: gitlab-ci-local 4.52.0 drops include inputs
    # whose value is false (tests/gitlab checks the input sets this variable).
    variables = {
        **_variables(gitlab, user_project, sha=sha, token=TOKEN, merge_request_iid=IID),
        "MLCI_FAIL_JOB": "false",
    }

    advisory = _run(user_project, variables)

    assert advisory.job_passed("mlci") and advisory.returncode == 0, advisory.tail()
    assert "a check failed; the job goes on because fail-on-failure is false" in advisory.log
    assert len(_ours(gitlab)) == 1  # reported all the same

    user_project.write("mlci.yml", CHECK_CONFIG.replace("data/current.csv", "data/missing.csv"))
    user_project.commit("point at data that is not there")

    broken = _run(user_project, variables)

    assert broken.job_failed("mlci"), broken.tail()
    assert "mlci check could not run (exit 2)" in broken.log
    assert "data/missing.csv" in broken.log  # the one-line error names the file
    # The report of a broken run (status error) still reaches the reviewers, in the same note.
    (note,) = _ours(gitlab)
    assert "missing.csv" in str(note["body"])
    assert len(gitlab.calls("POST", r"/notes$")) == 1 and len(gitlab.calls("PUT", r"/notes/")) == 1
