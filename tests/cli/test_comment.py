"""``mlci comment`` end to end: real CLI, real files, the stand-in GitHub API over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlci.report import DatasetValidation, GateResult, GatesSection, ModelInfo, Report, Violation

from stubs.github_stub import TOKEN, GitHubStub, actions_env, read_outputs

REPO = "octo/churn"
HEAD = "c" * 40


@pytest.fixture
def stub() -> Iterator[GitHubStub]:
    with GitHubStub() as server:
        server.add_pull(REPO, 42, head_sha=HEAD)
        yield server


def report_file(tmp_path: Path, status: str = "failed") -> Path:
    failed = status == "failed"
    report = Report(
        status=status,
        model=ModelInfo(name="churn", baseline_version="1.2.0"),
        validation=[
            DatasetValidation(
                dataset="current",
                path="data/current.csv",
                rows=5000,
                status=status,
                violations=[Violation(column="age", check="max", failed_count=3, examples=[130])]
                if failed
                else [],
            )
        ],
        gates=GatesSection(
            status=status,
            results=[
                GateResult(
                    metric="roc_auc",
                    candidate=0.78 if failed else 0.84,
                    baseline=0.83,
                    delta=-0.05 if failed else 0.01,
                    status=status,
                )
            ],
        ),
    )
    path = tmp_path / "mlci-report.json"
    path.write_text(report.to_json(), encoding="utf-8")
    return path


def pr_event(head_repo: str = REPO) -> dict[str, Any]:
    return {
        "number": 42,
        "pull_request": {
            "number": 42,
            "head": {"sha": HEAD, "repo": {"full_name": head_repo}},
            "base": {"repo": {"full_name": REPO}},
        },
    }


def no_token(*outputs: str) -> None:
    for text in outputs:
        assert TOKEN not in text


def test_posts_one_sticky_comment_and_writes_summary_outputs_annotations(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    report = report_file(tmp_path)
    env = actions_env(stub, tmp_path, event=pr_event())
    result = mlci("comment", report, env=env)
    assert result.exit_code == 0, result.stderr
    comments = stub.pr_comments(REPO, 42)
    assert len(comments) == 1
    body = comments[0]["body"]
    assert body.startswith("<!-- mlci:CI/churn -->\n") and "churn" in body

    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "mlci" in summary and "<!-- mlci:" not in summary
    outputs = read_outputs(tmp_path / "output.txt")
    assert outputs["status"] == "failed"
    assert outputs["report-path"] == str(report.resolve())
    assert outputs["comment-url"] == comments[0]["html_url"]
    assert outputs["comment-id"] == str(comments[0]["id"])
    assert "::error title=mlci gate failed%3A roc_auc::roc_auc = 0.78" in result.stdout
    assert "::error file=data/current.csv,title=mlci schema violation%3A current::" in result.stdout
    assert "created comment" in result.stderr
    no_token(result.stdout, result.stderr, summary)


def test_rerunning_never_spams_the_pull_request(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    report = report_file(tmp_path)
    for _ in range(3):
        env = actions_env(stub, tmp_path, event=pr_event())
        assert mlci("comment", report, env=env).exit_code == 0
    report_file(tmp_path, status="passed")
    result = mlci("comment", report, env=actions_env(stub, tmp_path, event=pr_event()))
    assert result.exit_code == 0 and "updated comment" in result.stderr
    comments = stub.pr_comments(REPO, 42)
    assert len(comments) == 1 and "passed" in comments[0]["body"]
    assert len(stub.calls("POST")) == 1


def test_recreate_mode_and_custom_key(mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path) -> None:
    report = report_file(tmp_path)
    env = actions_env(stub, tmp_path, event=pr_event(), MLCI_KEY="nightly")
    assert mlci("comment", report, env=env).exit_code == 0
    stub.add_comment(REPO, 42, "LGTM")
    assert mlci("comment", report, "--mode", "recreate", env=env).exit_code == 0
    bodies = [c["body"] for c in stub.pr_comments(REPO, 42)]
    assert bodies[0] == "LGTM" and bodies[1].startswith("<!-- mlci:nightly -->") and len(bodies) == 2


def test_fork_pull_request_gets_the_summary_and_a_warning_not_a_red_build(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    env = actions_env(stub, tmp_path, event=pr_event(head_repo="mallory/churn"))
    result = mlci("comment", report_file(tmp_path), env=env)
    assert result.exit_code == 0
    assert stub.requests == []  # nothing was even attempted with the read-only token
    assert (
        "::warning title=mlci::cannot comment on the pull request (a pull request from a fork"
        in result.stdout
    )
    assert "workflow_run" in result.stdout
    assert "mlci" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert read_outputs(tmp_path / "output.txt")["comment-url"] == ""


def test_read_only_token_falls_back_to_the_summary(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    stub.read_only = True  # e.g. a Dependabot pull request
    result = mlci("comment", report_file(tmp_path), env=actions_env(stub, tmp_path, event=pr_event()))
    assert result.exit_code == 0
    assert "the token may not write to this pull request" in result.stdout
    assert stub.pr_comments(REPO, 42) == []
    assert (tmp_path / "summary.md").stat().st_size > 0


def test_workflow_run_pattern_posts_the_forks_report_on_its_pull_request(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    # 1. The unprivileged pull_request run (a fork): summary only, report kept as artifact.
    report = report_file(tmp_path)
    fork_run = mlci("comment", report, env=actions_env(stub, tmp_path, event=pr_event("mallory/churn")))
    assert fork_run.exit_code == 0 and stub.requests == []
    # 2. The privileged workflow_run run, with the downloaded artifact.
    stub.add_pull(REPO, 43, head_sha="d" * 40, head_repo="mallory/churn", head_ref="patch-1")
    artifact = tmp_path / "artifact" / "mlci-report.json"
    artifact.parent.mkdir()
    artifact.write_bytes(report.read_bytes())
    event = {
        "workflow_run": {
            "name": "CI",
            "event": "pull_request",
            "head_sha": "d" * 40,
            "head_branch": "patch-1",
            "head_repository": {"owner": {"login": "mallory"}, "full_name": "mallory/churn"},
            "pull_requests": [],  # GitHub leaves this empty for forks
        }
    }
    env = actions_env(stub, tmp_path, event_name="workflow_run", event=event, GITHUB_WORKFLOW="mlci comment")
    result = mlci("comment", artifact, env=env)
    assert result.exit_code == 0, result.stderr
    comments = stub.pr_comments(REPO, 43)
    # Keyed by the triggering workflow, like a comment posted directly from "CI" would be.
    assert len(comments) == 1 and comments[0]["body"].startswith("<!-- mlci:CI/churn -->")


def test_github_down_is_exit_3_with_one_line_and_the_summary_still_written(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    stub.fail(502, times=10_000)
    env = actions_env(stub, tmp_path, event=pr_event(), MLCI_HTTP_MAX_WAIT="0.3")
    result = mlci("comment", report_file(tmp_path), env=env)
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "error: GitHub API GET /repos/octo/churn/issues/42/comments"
    )
    assert "Traceback" not in result.stderr
    assert (tmp_path / "summary.md").stat().st_size > 0
    assert read_outputs(tmp_path / "output.txt")["status"] == "failed"
    no_token(result.stdout, result.stderr)


def test_github_down_as_a_real_process(
    mlci_process: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    stub.fail(503, times=10_000, body={"message": f"echo {TOKEN}"})
    env = {
        k: v for k, v in actions_env(stub, tmp_path, event=pr_event(), MLCI_HTTP_MAX_WAIT="0.3").items() if v
    }
    result = mlci_process("comment", report_file(tmp_path), env=env)
    assert result.exit_code == 3 and "Traceback" not in result.stderr
    assert "503" in result.stderr
    no_token(result.stdout, result.stderr)


def test_push_event_writes_the_summary_and_skips_the_comment(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    env = actions_env(stub, tmp_path, event_name="push", event={"after": HEAD})
    result = mlci("comment", report_file(tmp_path, "passed"), env=env)
    assert result.exit_code == 0
    assert "::notice title=mlci::no pull request for this push run" in result.stdout
    assert stub.requests == []


def test_explicit_pr_without_an_event(mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path) -> None:
    env = actions_env(stub, tmp_path, event_name=None, event={})
    result = mlci("comment", report_file(tmp_path), "--repo", REPO, "--pr", "42", env=env)
    assert result.exit_code == 0
    assert len(stub.pr_comments(REPO, 42)) == 1


def test_locally_without_github_it_says_what_is_missing(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    env = {k: None for k in actions_env(stub, tmp_path)}
    result = mlci("comment", report_file(tmp_path), env=env)
    assert result.exit_code == 2
    assert "GITHUB_REPOSITORY" in result.stderr and "GITHUB_TOKEN" in result.stderr
    assert "--dry-run" in result.stderr


def test_missing_token_in_actions_is_exit_2(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    result = mlci(
        "comment",
        report_file(tmp_path),
        env=actions_env(stub, tmp_path, event=pr_event(), token=None),
    )
    assert result.exit_code == 2 and "GITHUB_TOKEN" in result.stderr
    assert (tmp_path / "summary.md").exists()


def test_dry_run_prints_the_body_and_calls_nothing(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    env = {k: None for k in actions_env(stub, tmp_path)}
    result = mlci("comment", report_file(tmp_path), "--dry-run", "--key", "demo", env=env)
    assert result.exit_code == 0
    assert result.stdout.startswith("<!-- mlci:demo -->\n")
    assert stub.requests == []


def test_fail_on_failure_exits_1_after_publishing(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    env = actions_env(stub, tmp_path, event=pr_event())
    result = mlci("comment", report_file(tmp_path), "--fail-on-failure", env=env)
    assert result.exit_code == 1 and len(stub.pr_comments(REPO, 42)) == 1


def test_a_bad_report_is_exit_2(mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path) -> None:
    bad = tmp_path / "mlci-report.json"
    bad.write_text(json.dumps({"status": "maybe"}), encoding="utf-8")
    result = mlci("comment", bad, env=actions_env(stub, tmp_path, event=pr_event()))
    assert result.exit_code == 2 and "mlci-report.json" in result.stderr
    assert stub.requests == []


def test_mode_off_publishes_everything_but_the_comment(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    env = actions_env(stub, tmp_path, event=pr_event(), MLCI_MODE="off", MLCI_KEY="")
    result = mlci("comment", report_file(tmp_path), env=env)
    assert result.exit_code == 0 and stub.requests == []
    assert "::error" in result.stdout and (tmp_path / "summary.md").stat().st_size > 0
    assert read_outputs(tmp_path / "output.txt")["status"] == "failed"


def test_a_report_with_errors_is_posted_with_its_errors_and_annotated(
    mlci: Callable[..., Any], stub: GitHubStub, tmp_path: Path
) -> None:
    # What `mlci check` writes when the current batch is only a header: the Action must
    # still post something the reviewers can act on.
    (tmp_path / "ref.csv").write_text("x\n1\n2\n")
    (tmp_path / "cur.csv").write_text("x\n")
    (tmp_path / "schema.yml").write_text("columns:\n  x: {dtype: int}\n")
    (tmp_path / "mlci.yml").write_text(
        "version: 1\ndatasets:\n  ref: {path: ref.csv, schema: schema.yml}\n"
        "  cur: {path: cur.csv, schema: schema.yml}\ndrift: {reference: ref, current: cur}\n"
    )
    report = tmp_path / "mlci-report.json"
    check = mlci("check", "-c", tmp_path / "mlci.yml", "-o", report)
    assert check.exit_code == 2 and report.exists()

    env = actions_env(stub, tmp_path, event=pr_event())
    result = mlci("comment", report, env=env)
    assert result.exit_code == 0, result.stderr
    [posted] = stub.pr_comments(REPO, 42)
    assert "mlci error" in posted["body"] and "could not be used" in posted["body"]
    assert "has a header but no data rows" in posted["body"]
    assert "datasets.cur.path" in posted["body"]
    assert read_outputs(tmp_path / "output.txt")["status"] == "error"
    assert "::error title=mlci could not use an input::" in result.stdout
    assert "has a header but no data rows" in result.stdout

    failing = mlci("comment", report, "--fail-on-failure", env=env)
    assert failing.exit_code == 1  # an error report fails the step when asked to
