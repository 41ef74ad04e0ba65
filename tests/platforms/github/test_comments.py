"""Sticky comments against the stand-in API: one comment per key, whatever happens."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mlci.platforms.github.client import GitHubClient, RetryPolicy
from mlci.platforms.github.comments import (
    CommentMode,
    comment_body,
    is_app_token,
    marker,
    sanitize_key,
    upsert_comment,
)
from mlci.platforms.github.limits import COMMENT_LIMIT
from mlci.render import render
from mlci.report import DatasetValidation, ModelInfo, Report, Violation

from stubs.github_stub import BOT, TOKEN, GitHubStub

REPO = "octo/churn"


@pytest.fixture
def stub() -> Iterator[GitHubStub]:
    with GitHubStub() as server:
        server.add_pull(REPO, 7)
        yield server


@pytest.fixture
def client(stub: GitHubStub) -> Iterator[GitHubClient]:
    with GitHubClient(TOKEN, stub.url, RetryPolicy(timeout=2, backoff=0.01, max_wait=5)) as c:
        yield c


def bodies(stub: GitHubStub) -> list[str]:
    return [c["body"] for c in stub.pr_comments(REPO, 7)]


def test_first_run_creates_reruns_update_the_same_comment(stub: GitHubStub, client: GitHubClient) -> None:
    first = upsert_comment(client, REPO, 7, "CI/churn", comment_body("run 1", "CI/churn"))
    assert first.action == "created"
    assert first.url.endswith(f"#issuecomment-{first.id}")
    for n in (2, 3, 4):
        again = upsert_comment(client, REPO, 7, "CI/churn", comment_body(f"run {n}", "CI/churn"))
        assert again.action == "updated" and again.id == first.id
    assert bodies(stub) == ["<!-- mlci:CI/churn -->\nrun 4"]


def test_an_identical_body_is_not_rewritten(stub: GitHubStub, client: GitHubClient) -> None:
    body = comment_body("same", "k")
    upsert_comment(client, REPO, 7, "k", body)
    stub.requests.clear()
    assert upsert_comment(client, REPO, 7, "k", body).action == "unchanged"
    assert not stub.calls("PATCH") and not stub.calls("POST")


def test_the_marker_is_found_beyond_the_first_pages(stub: GitHubStub, client: GitHubClient) -> None:
    for i in range(120):
        stub.add_comment(REPO, 7, f"review chatter {i}")
    ours = stub.add_comment(REPO, 7, comment_body("old", "k"), user=BOT)
    for i in range(130):
        stub.add_comment(REPO, 7, f"more chatter {i}")
    result = upsert_comment(client, REPO, 7, "k", comment_body("new", "k"))
    assert result.action == "updated" and result.id == ours["id"]
    assert sum(b.startswith(marker("k")) for b in bodies(stub)) == 1
    pages = [r.query.get("page", "1") for r in stub.calls("GET", "/comments$")]
    assert pages == ["1", "2", "3"]


def test_keys_are_independent(stub: GitHubStub, client: GitHubClient) -> None:
    upsert_comment(client, REPO, 7, "CI/churn", comment_body("a", "CI/churn"))
    upsert_comment(client, REPO, 7, "CI/upsell", comment_body("b", "CI/upsell"))
    upsert_comment(client, REPO, 7, "CI/churn", comment_body("c", "CI/churn"))
    assert sorted(bodies(stub)) == ["<!-- mlci:CI/churn -->\nc", "<!-- mlci:CI/upsell -->\nb"]


def test_recreate_moves_the_comment_to_the_bottom(stub: GitHubStub, client: GitHubClient) -> None:
    old = upsert_comment(client, REPO, 7, "k", comment_body("old", "k"))
    stub.add_comment(REPO, 7, "a human reply")
    new = upsert_comment(client, REPO, 7, "k", comment_body("new", "k"), CommentMode.RECREATE)
    assert new.action == "recreated" and new.id != old.id and new.deleted == 1
    assert bodies(stub) == ["a human reply", "<!-- mlci:k -->\nnew"]


def test_duplicates_from_a_race_are_cleaned_up(stub: GitHubStub, client: GitHubClient) -> None:
    # Two jobs that both found no comment and both created one.
    first = stub.add_comment(REPO, 7, comment_body("job A", "k"), user=BOT)
    stub.add_comment(REPO, 7, comment_body("job B", "k"), user=BOT)
    result = upsert_comment(client, REPO, 7, "k", comment_body("job C", "k"))
    assert result.id == first["id"] and result.deleted == 1
    assert bodies(stub) == ["<!-- mlci:k -->\njob C"]


def test_a_create_that_timed_out_but_went_through_leaves_one_comment(stub: GitHubStub) -> None:
    # GitHub created the comment but the answer came too late: the retry creates another.
    stub.slow(1.0, times=1, method="POST")
    policy = RetryPolicy(timeout=0.3, backoff=0.01, max_wait=5)
    with GitHubClient(TOKEN, stub.url, policy) as c:
        result = upsert_comment(c, REPO, 7, "k", comment_body("report", "k"))
    assert len(stub.calls("POST")) == 2
    assert bodies(stub) == ["<!-- mlci:k -->\nreport"] and result.deleted == 1


def test_people_cannot_capture_the_sticky_comment(stub: GitHubStub, client: GitHubClient) -> None:
    ours = stub.add_comment(REPO, 7, comment_body("bot", "k"), user=BOT)
    human = {"login": "mallory", "type": "User"}
    pasted = stub.add_comment(REPO, 7, comment_body("looks official", "k"), user=human)
    quoted = stub.add_comment(REPO, 7, "> " + comment_body("quoted", "k"), user=human)
    result = upsert_comment(client, REPO, 7, "k", comment_body("real", "k"))
    assert result.id == ours["id"]
    remaining = {c["id"]: c["body"] for c in stub.pr_comments(REPO, 7)}
    # Nobody else's comment is edited or deleted.
    assert remaining[pasted["id"]] == pasted["body"] and remaining[quoted["id"]] == quoted["body"]
    assert remaining[ours["id"]].endswith("real")


def test_report_data_cannot_forge_the_marker() -> None:
    forged = "x --> <!-- mlci:CI/churn -->"
    report = Report(
        status="failed",
        model=ModelInfo(name=forged),
        validation=[
            DatasetValidation(
                dataset=forged,
                path="data.csv",
                rows=1,
                status="failed",
                violations=[Violation(column=forged, check="max", failed_count=1, examples=[forged])],
            )
        ],
    )
    body = comment_body(render(report, "md"), "CI/churn")
    assert body.count("<!--") == 1 and body.startswith("<!-- mlci:CI/churn -->\n")


@pytest.mark.parametrize(
    ("key", "expected"),
    [("CI/churn", "CI/churn"), ("my workflow / model", "my_workflow_/_model"), ("a-->b", "a-_b")],
)
def test_keys_are_made_safe_for_an_html_comment(key: str, expected: str) -> None:
    assert sanitize_key(key) == expected
    assert "--" not in marker(key)[4:-3]


def test_an_oversized_report_is_cut_to_fit_and_accepted(stub: GitHubStub, client: GitHubClient) -> None:
    rows = "\n".join(f"| col{i} | ✅ passed | {'é' * 40} |" for i in range(4000))
    markdown = f"## report\n\n<details><summary>all</summary>\n\n| a | b | c |\n|---|---|---|\n{rows}\n"
    markdown += "\n</details>\n\nfooter\n"
    body = comment_body(markdown, "k")
    assert len(body) <= COMMENT_LIMIT
    assert body.count("<details>") == body.count("</details>") == 1
    assert "was cut here" in body and "footer" not in body
    upsert_comment(client, REPO, 7, "k", body)  # the stand-in answers 422 beyond the limit
    assert bodies(stub) == [body]


def test_with_an_app_token_a_pasted_marker_is_never_taken_over(
    stub: GitHubStub, client: GitHubClient
) -> None:
    human = {"login": "mallory", "type": "User"}
    pasted = stub.add_comment(REPO, 7, comment_body("fake: all passed", "k"), user=human)
    result = upsert_comment(client, REPO, 7, "k", comment_body("real", "k"), bots_only=True)
    assert result.action == "created" and result.id != pasted["id"]
    assert bodies(stub) == [pasted["body"], "<!-- mlci:k -->\nreal"]
    assert is_app_token(TOKEN) and not is_app_token("ghp_" + "x" * 36) and not is_app_token(None)
