"""``mlci comment`` on GitLab: one sticky merge-request note, found across every page of notes,
updated in place; a job token or a read-only token degrades to the job log, never a red job."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlci.platforms.gitlab.notes import NOTE_LIMIT, note_body
from mlci.report import DatasetValidation, ModelInfo, Report, Violation

from stubs.gitlab_stub import JOB_TOKEN, TOKEN, GitLabStub, gitlab_env

PROJECT, IID, SHA = 42, 7, "f" * 40
Mlci = Callable[..., Any]


@pytest.fixture
def stub() -> Iterator[GitLabStub]:
    with GitLabStub() as server:
        server.add_project(PROJECT, "group/churn")
        server.add_merge_request(PROJECT, IID, SHA)
        yield server


def report_file(tmp_path: Path, *, rows: int = 5000, column: str = "age") -> Path:
    report = Report(
        status="failed",
        model=ModelInfo(name="churn"),
        validation=[
            DatasetValidation(
                dataset="current",
                path="data/current.csv",
                rows=rows,
                status="failed",
                violations=[Violation(column=column, check="max", failed_count=3, examples=[130])],
            )
        ],
    )
    path = tmp_path / "mlci-report.json"
    path.write_text(report.to_json(), encoding="utf-8")
    return path


def ours(stub: GitLabStub) -> list[dict[str, Any]]:
    return [n for n in stub.mr_notes(PROJECT, IID) if n["body"].startswith("<!-- mlci:")]


def test_detected_from_gitlab_ci_and_posts_one_note(mlci: Mlci, stub: GitLabStub, tmp_path: Path) -> None:
    run = mlci("comment", report_file(tmp_path), env=gitlab_env(stub, tmp_path, token=TOKEN))
    assert run.exit_code == 0, run.stderr
    notes = ours(stub)
    assert len(notes) == 1
    assert notes[0]["body"].startswith("<!-- mlci:mlci/churn -->\n")
    assert "age" in notes[0]["body"] and "max" in notes[0]["body"]
    assert f"created comment {stub.note_url(PROJECT, IID, notes[0]['id'])}" in run.stderr
    sent = stub.calls("POST", r"/notes$")[0]
    assert sent.headers["private-token"] == TOKEN
    assert TOKEN not in run.stdout + run.stderr


def test_a_rerun_updates_the_same_note_found_past_many_pages(
    mlci: Mlci, stub: GitLabStub, tmp_path: Path
) -> None:
    env = gitlab_env(stub, tmp_path, token=TOKEN)
    assert mlci("comment", report_file(tmp_path), env=env).exit_code == 0
    first = ours(stub)[0]
    for i in range(250):  # a busy merge request: ours is now on the first of three pages
        stub.add_note(PROJECT, IID, f"review comment {i}")
    # One report file for both runs: its footer carries the report's creation second.
    bigger = report_file(tmp_path, rows=6000)
    run = mlci("comment", bigger, env=env)
    assert run.exit_code == 0, run.stderr
    assert [n["id"] for n in ours(stub)] == [first["id"]]
    assert "6,000" in ours(stub)[0]["body"]
    assert "updated comment" in run.stderr
    assert len(stub.calls("GET", r"/notes$")) >= 1 + 3  # every page was read the second time
    unchanged = mlci("comment", bigger, env=env)
    assert "unchanged comment" in unchanged.stderr and len(stub.calls("PUT", r"/notes/")) == 1


def test_recreate_posts_at_the_bottom_and_deletes_the_old_note(
    mlci: Mlci, stub: GitLabStub, tmp_path: Path
) -> None:
    env = gitlab_env(stub, tmp_path, token=TOKEN)
    mlci("comment", report_file(tmp_path), env=env)
    old = ours(stub)[0]["id"]
    stub.add_note(PROJECT, IID, "looks good")
    run = mlci("comment", report_file(tmp_path), "--mode", "recreate", env=env)
    assert run.exit_code == 0, run.stderr
    notes = stub.mr_notes(PROJECT, IID)
    assert [n["id"] for n in ours(stub)] != [old] and len(ours(stub)) == 1
    assert notes[-1]["body"].startswith("<!-- mlci:")


def test_a_person_pasting_the_marker_does_not_capture_the_note(
    mlci: Mlci, stub: GitLabStub, tmp_path: Path
) -> None:
    env = gitlab_env(stub, tmp_path, token=TOKEN)
    mlci("comment", report_file(tmp_path), env=env)
    stub.add_note(PROJECT, IID, "<!-- mlci:mlci/churn -->\nquoting the bot", author="mallory")
    mlci("comment", report_file(tmp_path, rows=7000), env=env)
    by = {n["author"]["username"]: n["body"] for n in ours(stub)}
    assert "7,000" in by[stub.token_user["username"]] and by["mallory"].endswith("quoting the bot")


def test_job_token_only_falls_back_to_the_log_with_a_warning(
    mlci: Mlci, stub: GitLabStub, tmp_path: Path
) -> None:
    run = mlci("comment", report_file(tmp_path), env=gitlab_env(stub, tmp_path))  # CI_JOB_TOKEN only
    assert run.exit_code == 0
    assert "warning: cannot post the merge-request note (only CI_JOB_TOKEN" in run.stderr
    assert "MLCI_GITLAB_TOKEN" in run.stderr
    assert run.stdout.startswith("<!-- mlci:mlci/churn -->") and "age" in run.stdout  # the report, in the log
    assert not stub.calls("POST") and JOB_TOKEN not in run.stdout + run.stderr


def test_a_read_only_token_falls_back_too(mlci: Mlci, stub: GitLabStub, tmp_path: Path) -> None:
    stub.read_only = True
    run = mlci("comment", report_file(tmp_path), env=gitlab_env(stub, tmp_path, token=TOKEN))
    assert run.exit_code == 0, run.stderr
    assert "may not write notes" in run.stderr and ours(stub) == []
    assert TOKEN not in run.stdout + run.stderr


def test_a_branch_pipeline_has_no_merge_request_to_comment_on(
    mlci: Mlci, stub: GitLabStub, tmp_path: Path
) -> None:
    env = gitlab_env(stub, tmp_path, token=TOKEN, merge_request_iid=None)
    run = mlci("comment", report_file(tmp_path), env=env)
    assert run.exit_code == 0 and "no merge request for this pipeline" in run.stderr
    assert not stub.calls("POST")


def test_5xx_is_retried_and_a_dead_api_is_exit_3_in_one_line(
    mlci: Mlci, stub: GitLabStub, tmp_path: Path
) -> None:
    env = gitlab_env(stub, tmp_path, token=TOKEN)
    stub.fail(502, times=2, method="POST")
    assert mlci("comment", report_file(tmp_path), env=env).exit_code == 0
    assert len(ours(stub)) == 1
    stub.fail(503, times=1000)
    run = mlci("comment", report_file(tmp_path), env={**env, "MLCI_HTTP_MAX_WAIT": "0.5"})
    assert run.exit_code == 3
    lines = [line for line in run.stderr.splitlines() if line.startswith("error")]
    assert len(lines) == 1 and "GitLab API GET" in lines[0] and "503" in lines[0]
    assert TOKEN not in run.stderr


def test_rate_limits_are_waited_out(mlci: Mlci, stub: GitLabStub, tmp_path: Path) -> None:
    stub.fail(429, times=1, headers={"Retry-After": "0"})
    run = mlci("comment", report_file(tmp_path), env=gitlab_env(stub, tmp_path, token=TOKEN))
    assert run.exit_code == 0, run.stderr and len(ours(stub)) == 1


def test_the_note_fits_gitlabs_limit_and_keeps_its_marker() -> None:
    body = note_body("| a | b |\n|---|---|\n" + "| x | y |\n" * 200_000, "ci/model")
    assert len(body) <= NOTE_LIMIT
    assert body.startswith("<!-- mlci:ci_model -->\n") or body.startswith("<!-- mlci:ci/model -->\n")
    assert "longer than a GitLab note allows" in body
