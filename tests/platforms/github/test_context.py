"""Reading where a run is from GitHub Actions' variables and event payloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlci.errors import InputError, UsageError
from mlci.platforms.github.client import GitHubClient, RetryPolicy
from mlci.platforms.github.context import find_pull_request, load_context

from stubs.github_stub import TOKEN, GitHubStub

SHA = "b" * 40


def env_for(tmp_path: Path, name: str | None, event: dict[str, Any] | None, **extra: str) -> dict[str, str]:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "octo/churn", "GITHUB_WORKFLOW": "CI"}
    if name:
        env["GITHUB_EVENT_NAME"] = name
    if event is not None:
        path = tmp_path / "event.json"
        path.write_text(json.dumps(event), encoding="utf-8")
        env["GITHUB_EVENT_PATH"] = str(path)
    env.update(extra)
    return env


def pull_event(head_repo: str = "octo/churn") -> dict[str, Any]:
    return {
        "number": 12,
        "pull_request": {
            "number": 12,
            "head": {"sha": SHA, "repo": {"full_name": head_repo}},
            "base": {"repo": {"full_name": "octo/churn"}},
        },
    }


def test_pull_request_from_the_same_repository(tmp_path: Path) -> None:
    ctx = load_context(env_for(tmp_path, "pull_request", pull_event(), GITHUB_TOKEN=TOKEN))
    assert (ctx.repository, ctx.pr_number, ctx.head_sha, ctx.fork) == ("octo/churn", 12, SHA, False)
    assert ctx.in_actions and ctx.token == TOKEN and ctx.missing_for_api() == []
    assert TOKEN not in repr(ctx)


def test_pull_request_from_a_fork_is_read_only(tmp_path: Path) -> None:
    ctx = load_context(env_for(tmp_path, "pull_request", pull_event("mallory/churn")))
    assert ctx.fork and ctx.pr_number == 12


def test_pull_request_target_from_a_fork_may_write(tmp_path: Path) -> None:
    ctx = load_context(env_for(tmp_path, "pull_request_target", pull_event("mallory/churn")))
    assert not ctx.fork and ctx.pr_number == 12


def test_workflow_run_takes_the_pr_and_the_triggering_workflow_name(tmp_path: Path) -> None:
    event = {
        "workflow_run": {
            "name": "CI",
            "event": "pull_request",
            "head_sha": SHA,
            "pull_requests": [{"number": 5, "head": {"sha": SHA}}],
        }
    }
    ctx = load_context(env_for(tmp_path, "workflow_run", event, GITHUB_WORKFLOW="Comment"))
    assert ctx.pr_number == 5 and ctx.workflow == "CI" and ctx.lookup_sha is None


def test_workflow_run_from_a_fork_finds_the_pr_by_head_sha(tmp_path: Path) -> None:
    event = {
        "workflow_run": {
            "name": "CI",
            "event": "pull_request",
            "head_sha": SHA,
            "head_branch": "patch-1",
            "head_repository": {"owner": {"login": "mallory"}},
            "pull_requests": [],
        }
    }
    ctx = load_context(env_for(tmp_path, "workflow_run", event))
    assert ctx.pr_number is None and ctx.lookup_sha == SHA and ctx.lookup_head == "mallory:patch-1"
    with GitHubStub() as stub:
        for n in range(1, 40):  # enough open PRs to need a second page
            stub.add_pull("octo/churn", n, head_sha=f"{n:040x}")
        stub.add_pull("octo/churn", 40, head_sha=SHA, head_repo="mallory/churn", head_ref="patch-1")
        ctx = load_context(env_for(tmp_path, "workflow_run", event, GITHUB_API_URL=stub.url))
        with GitHubClient(TOKEN, stub.url, RetryPolicy(backoff=0.01, max_wait=2)) as client:
            assert find_pull_request(client, ctx) == 40
        assert stub.calls("GET", "/pulls$")[0].query["head"] == "mallory:patch-1"
        # A renamed branch: the narrow search finds nothing, the full scan does.
        renamed = dict(event["workflow_run"], head_branch="gone")
        ctx = load_context(env_for(tmp_path, "workflow_run", {"workflow_run": renamed}))
        with GitHubClient(TOKEN, stub.url, RetryPolicy(backoff=0.01, max_wait=2)) as client:
            assert find_pull_request(client, ctx) == 40


def test_issue_comment_on_a_pull_request_and_on_an_issue(tmp_path: Path) -> None:
    on_pr = {"issue": {"number": 3, "pull_request": {"url": "x"}}}
    assert load_context(env_for(tmp_path, "issue_comment", on_pr)).pr_number == 3
    on_issue = {"issue": {"number": 4}}
    assert load_context(env_for(tmp_path, "issue_comment", on_issue)).pr_number is None


def test_push_has_no_pull_request(tmp_path: Path) -> None:
    ctx = load_context(env_for(tmp_path, "push", {"after": SHA}, GITHUB_SHA=SHA))
    assert ctx.pr_number is None and ctx.head_sha == SHA


def test_explicit_repo_and_pr_win(tmp_path: Path) -> None:
    ctx = load_context(env_for(tmp_path, "pull_request", pull_event("mallory/churn")), repo="o/r", pr=9)
    assert (ctx.repository, ctx.pr_number, ctx.fork) == ("o/r", 9, False)
    with pytest.raises(UsageError, match="OWNER/NAME"):
        load_context({}, repo="not a repo")


def test_enterprise_server_api_url(tmp_path: Path) -> None:
    ctx = load_context(
        env_for(
            tmp_path,
            None,
            None,
            GITHUB_API_URL="https://ghe.example.com/api/v3/",
            GITHUB_SERVER_URL="https://ghe.example.com",
            GITHUB_RUN_ID="9",
        )
    )
    assert ctx.api_url == "https://ghe.example.com/api/v3"
    assert ctx.run_url == "https://ghe.example.com/octo/churn/actions/runs/9"


def test_locally_it_says_what_is_missing() -> None:
    ctx = load_context({})
    assert not ctx.in_actions and ctx.pr_number is None
    missing = " ".join(ctx.missing_for_api())
    assert "GITHUB_REPOSITORY" in missing and "GITHUB_TOKEN" in missing


def test_an_unreadable_event_payload_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="event payload not found"):
        load_context({"GITHUB_EVENT_PATH": str(tmp_path / "nope.json")})
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read the event payload") as info:
        load_context({"GITHUB_EVENT_PATH": str(bad)})
    assert str(bad) in str(info.value)
