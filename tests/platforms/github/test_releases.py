"""Releases against the stand-in API: complete, idempotent, never on the wrong commit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mlci.app.approval import approval_problems
from mlci.config.release import ApprovalConfig
from mlci.errors import EXIT_CHECK_FAILED, ServiceError
from mlci.platforms.github.approval import pull_request_facts
from mlci.platforms.github.client import GitHubClient, ReadOnlyError, RetryPolicy
from mlci.platforms.github.releases import Asset, ReleaseRefused, ReleaseSpec, publish_release
from mlci.report import GateResult, GatesSection, Report

from stubs.github_stub import TOKEN, GitHubStub

REPO = "octo/churn"
SHA = "1" * 40
OTHER = "2" * 40


@pytest.fixture
def stub() -> Iterator[GitHubStub]:
    with GitHubStub() as server:
        server.add_commit(REPO, SHA)
        server.add_commit(REPO, OTHER)
        yield server


@pytest.fixture
def client(stub: GitHubStub) -> Iterator[GitHubClient]:
    with GitHubClient(TOKEN, stub.url, RetryPolicy(timeout=2, backoff=0.01, max_wait=5)) as c:
        yield c


@pytest.fixture
def spec(tmp_path: Path) -> ReleaseSpec:
    (tmp_path / "mlci-report.json").write_text('{"status": "passed"}', encoding="utf-8")
    (tmp_path / "model.pkl").write_bytes(b"\x00model" * 100)
    return ReleaseSpec(
        tag="churn@v1.3.0",
        sha=SHA,
        message="churn v1.3.0\n\nroc_auc: 0.84",
        name="churn v1.3.0",
        body="## churn v1.3.0\n",
        assets=(
            Asset(tmp_path / "mlci-report.json", "mlci-report.json"),
            Asset(tmp_path / "model.pkl", "model.pkl"),
        ),
    )


def test_a_release_is_tag_object_ref_release_and_assets(
    stub: GitHubStub, client: GitHubClient, spec: ReleaseSpec
) -> None:
    outcome = publish_release(client, REPO, spec)
    assert outcome.tag_created and outcome.release_created
    assert outcome.uploaded == ["mlci-report.json", "model.pkl"]
    assert outcome.release_url == "https://github.com/octo/churn/releases/tag/churn@v1.3.0"
    # An annotated tag (a tag object) pointing at the commit, GTO's form of a version.
    ref = stub.refs[REPO]["refs/tags/churn@v1.3.0"]
    assert ref["type"] == "tag"
    tag = stub.tag_objects[ref["sha"]]
    assert tag["object"] == {"sha": SHA, "type": "commit"} and tag["message"] == spec.message
    (release,) = stub.releases[REPO]
    assert release["name"] == "churn v1.3.0" and not release["draft"]
    assets = stub.assets[release["id"]]
    assert [(a["name"], a["content_type"], a["state"]) for a in assets] == [
        ("mlci-report.json", "application/json", "uploaded"),
        ("model.pkl", "application/octet-stream", "uploaded"),
    ]
    assert stub.asset_bytes[assets[1]["id"]] == b"\x00model" * 100


def test_rerunning_a_release_changes_nothing(
    stub: GitHubStub, client: GitHubClient, spec: ReleaseSpec
) -> None:
    publish_release(client, REPO, spec)
    stub.requests.clear()
    again = publish_release(client, REPO, spec)
    assert not again.tag_created and not again.release_created and again.uploaded == []
    assert again.already_there == ["mlci-report.json", "model.pkl"]
    assert [r.method for r in stub.requests] == ["GET"] * len(stub.requests)
    assert len(stub.releases[REPO]) == 1 and len(stub.tag_objects) == 1


def test_a_tag_on_another_commit_is_refused(
    stub: GitHubStub, client: GitHubClient, spec: ReleaseSpec
) -> None:
    publish_release(client, REPO, ReleaseSpec(**{**spec.__dict__, "sha": OTHER, "assets": ()}))
    releases_before = len(stub.releases[REPO])
    with pytest.raises(ReleaseRefused) as info:
        publish_release(client, REPO, spec)
    assert info.value.exit_code == EXIT_CHECK_FAILED
    assert str(info.value).startswith(
        f"tag churn@v1.3.0 already exists on commit {OTHER[:12]}, not on {SHA[:12]}"
    )
    assert len(stub.releases[REPO]) == releases_before


def test_a_lightweight_tag_on_the_same_commit_is_accepted(
    stub: GitHubStub, client: GitHubClient, spec: ReleaseSpec
) -> None:
    stub.refs[REPO] = {"refs/tags/churn@v1.3.0": {"sha": SHA, "type": "commit"}}
    outcome = publish_release(client, REPO, spec)
    assert not outcome.tag_created and outcome.release_created


def test_an_interrupted_release_is_completed_by_the_rerun(
    stub: GitHubStub, client: GitHubClient, spec: ReleaseSpec
) -> None:
    stub.fail(502, times=10_000, path="/uploads/")
    policy = RetryPolicy(timeout=2, backoff=0.01, max_wait=0.3)
    with GitHubClient(TOKEN, stub.url, policy) as flaky, pytest.raises(ServiceError):
        publish_release(flaky, REPO, spec)
    assert len(stub.releases[REPO]) == 1 and stub.assets[stub.releases[REPO][0]["id"]] == []
    stub.faults.clear()
    outcome = publish_release(client, REPO, spec)
    assert not outcome.tag_created and not outcome.release_created
    assert outcome.uploaded == ["mlci-report.json", "model.pkl"]
    assert len(stub.releases[REPO]) == 1 and len(stub.tag_objects) == 1


def test_an_upload_that_died_midway_is_replaced(
    stub: GitHubStub, client: GitHubClient, spec: ReleaseSpec
) -> None:
    stub.break_uploads = 1  # leaves a "starter" asset holding the name, answers 502
    outcome = publish_release(client, REPO, spec)
    assets = stub.assets[stub.releases[REPO][0]["id"]]
    assert sorted(a["name"] for a in assets) == ["mlci-report.json", "model.pkl"]
    assert all(a["state"] == "uploaded" for a in assets)
    assert outcome.uploaded == ["mlci-report.json", "model.pkl"]


def test_a_ref_created_by_a_timed_out_request_is_recognised(stub: GitHubStub, spec: ReleaseSpec) -> None:
    stub.slow(1.0, method="POST", path="/git/refs$")  # created, but answered too late
    with GitHubClient(TOKEN, stub.url, RetryPolicy(timeout=0.3, backoff=0.01, max_wait=5)) as c:
        outcome = publish_release(c, REPO, spec)
    assert outcome.tag_created is False  # the retry found the ref the first request made
    assert len(stub.refs[REPO]) == 1 and outcome.release_created


def test_an_existing_draft_release_is_not_duplicated(
    stub: GitHubStub, client: GitHubClient, spec: ReleaseSpec
) -> None:
    stub.refs[REPO] = {"refs/tags/churn@v1.3.0": {"sha": SHA, "type": "commit"}}
    client.request("POST", f"/repos/{REPO}/releases", json={"tag_name": "churn@v1.3.0", "draft": True})
    outcome = publish_release(client, REPO, spec)
    assert not outcome.release_created and len(stub.releases[REPO]) == 1


def test_rate_limits_during_a_release_are_waited_out(
    stub: GitHubStub, client: GitHubClient, spec: ReleaseSpec
) -> None:
    stub.secondary_rate_limit(retry_after=0, times=2, method="POST")
    stub.fail(502, times=2)
    publish_release(client, REPO, spec)
    assert len(stub.releases[REPO]) == 1 and len(stub.assets[stub.releases[REPO][0]["id"]]) == 2


def test_a_read_only_token_cannot_release(stub: GitHubStub, client: GitHubClient, spec: ReleaseSpec) -> None:
    stub.read_only = True
    with pytest.raises(ReadOnlyError):
        publish_release(client, REPO, spec)


def test_long_release_notes_are_cut_to_githubs_limit(
    stub: GitHubStub, client: GitHubClient, spec: ReleaseSpec
) -> None:
    long_notes = "## notes\n" + "".join(f"- metric {i}: 0.5\n" for i in range(20_000))
    publish_release(client, REPO, ReleaseSpec(**{**spec.__dict__, "body": long_notes, "assets": ()}))
    body = stub.releases[REPO][0]["body"]
    assert len(body) <= 125_000 and "cut to fit" in body


# -- approval ------------------------------------------------------------------------


def passed_report(**kw: object) -> Report:
    gates = GatesSection(
        status="passed", results=[GateResult(metric="roc_auc", candidate=0.9, status="passed")]
    )
    return Report(status="passed", gates=gates, **kw)  # type: ignore[arg-type]


def test_approval_needs_a_passed_report_with_gates() -> None:
    policy = ApprovalConfig()
    assert approval_problems(passed_report(), policy, None, sha=SHA) == []
    failed = Report(
        status="failed",
        gates=GatesSection(status="failed", results=[GateResult(metric="roc_auc", status="failed")]),
    )
    assert approval_problems(failed, policy, None, sha=SHA) == [
        "the report did not pass",
        "gates failed: roc_auc",
    ]
    no_gates = Report(status="passed")
    assert "the report has no gates" in approval_problems(no_gates, policy, None, sha=SHA)[0]
    assert approval_problems(no_gates, ApprovalConfig(gates_passed=False), None, sha=SHA) == []


def test_approval_by_review_and_label_on_the_producing_pull_request(
    stub: GitHubStub, client: GitHubClient
) -> None:
    stub.add_pull(REPO, 8, head_sha="3" * 40, state="closed", merge_commit_sha=SHA, labels=("ship-it",))
    stub.add_review(REPO, 8, "alice", "APPROVED")
    stub.add_review(REPO, 8, "bob", "APPROVED")
    stub.add_review(REPO, 8, "bob", "CHANGES_REQUESTED")  # bob withdrew
    stub.add_review(REPO, 8, "alice", "COMMENTED")  # a comment does not withdraw
    facts = pull_request_facts(client, REPO, SHA)
    assert facts is not None
    assert (facts.number, facts.labels, facts.approved_by) == (8, ("ship-it",), ("alice",))
    strict = ApprovalConfig(review=True, labels=["ship-it"])
    assert approval_problems(passed_report(), strict, facts, sha=SHA) == []
    other_label = ApprovalConfig(labels=["release"])
    assert approval_problems(passed_report(), other_label, facts, sha=SHA) == [
        "pull request #8 has none of the labels: release"
    ]


def test_approval_without_a_pull_request_is_refused(stub: GitHubStub, client: GitHubClient) -> None:
    assert pull_request_facts(client, REPO, OTHER) is None
    problems = approval_problems(passed_report(), ApprovalConfig(review=True), None, sha=OTHER)
    assert problems == [f"no pull request produced commit {OTHER[:12]}, so nobody approved it"]
