"""The GitLab stand-in answers as GitLab documents, so clients tested against it hold up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from stubs.gitlab_stub import BOT, JOB_TOKEN, TOKEN, GitLabStub, gitlab_env

SHA = "a" * 40
FULL = {"PRIVATE-TOKEN": TOKEN}
JOB = {"JOB-TOKEN": JOB_TOKEN}


@pytest.fixture
def stub() -> Iterator[GitLabStub]:
    with GitLabStub() as running:
        running.add_project(42, "group/churn")
        running.add_commit(42, SHA, branch="main")
        running.add_merge_request(42, 7, "b" * 40, labels=("mlci",))
        yield running


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def api(stub: GitLabStub, path: str) -> str:
    return stub.url + "/api/v4" + path


def walk(http: requests.Session, url: str, headers: dict[str, str]) -> tuple[list[Any], list[Any]]:
    """Every item twice: once following X-Next-Page, once following Link rel=next."""
    by_header: list[Any] = []
    page = "1"
    while page:
        reply = http.get(url, params={"per_page": 100, "page": page}, headers=headers, timeout=5)
        assert reply.status_code == 200
        by_header += reply.json()
        page = reply.headers["X-Next-Page"]
    by_link: list[Any] = []
    next_url: str | None = url + "?per_page=100"
    while next_url:
        reply = http.get(next_url, headers=headers, timeout=5)
        by_link += reply.json()
        next_url = reply.links.get("next", {}).get("url")
    return by_header, by_link


def test_250_notes_walk_the_same_by_next_page_header_and_by_link(
    stub: GitLabStub, http: requests.Session
) -> None:
    for n in range(250):
        stub.add_note(42, 7, f"note {n}")
    url = api(stub, "/projects/42/merge_requests/7/notes")
    by_header, by_link = walk(http, url, FULL)
    assert [n["id"] for n in by_header] == [n["id"] for n in by_link]
    assert len({n["id"] for n in by_header}) == 250
    # Newest first by default, as GitLab lists notes.
    assert by_header[0]["body"] == "note 249" and by_header[-1]["body"] == "note 0"

    last = http.get(url, params={"per_page": 100, "page": 3}, headers=FULL, timeout=5)
    assert len(last.json()) == 50
    assert last.headers["X-Next-Page"] == "" and last.headers["X-Prev-Page"] == "2"
    assert (last.headers["X-Total"], last.headers["X-Total-Pages"], last.headers["X-Page"]) == (
        "250",
        "3",
        "3",
    )
    assert set(last.links) == {"prev", "first", "last"}
    assert last.links["first"]["url"].startswith(stub.url + "/api/v4/projects/42/")


def test_notes_default_to_20_a_page_cap_at_100_and_sort_ascending_on_request(
    stub: GitLabStub, http: requests.Session
) -> None:
    for n in range(130):
        stub.add_note(42, 7, f"note {n}")
    url = api(stub, "/projects/42/merge_requests/7/notes")
    first = http.get(url, headers=FULL, timeout=5)
    assert len(first.json()) == 20 and first.headers["X-Per-Page"] == "20"
    assert first.headers["X-Prev-Page"] == "" and first.headers["X-Next-Page"] == "2"
    capped = http.get(url, params={"per_page": 500}, headers=FULL, timeout=5)
    assert len(capped.json()) == 100 and capped.headers["X-Total-Pages"] == "2"
    oldest = http.get(url, params={"sort": "asc", "order_by": "updated_at"}, headers=FULL, timeout=5)
    assert oldest.json()[0]["body"] == "note 0"
    assert "sort=asc" in oldest.links["next"]["url"]


def test_note_create_update_delete_with_the_full_token(stub: GitLabStub, http: requests.Session) -> None:
    url = api(stub, "/projects/42/merge_requests/7/notes")
    created = http.post(url, json={"body": "<!-- mlci -->\nreport"}, headers=FULL, timeout=5)
    assert created.status_code == 201
    note = created.json()
    assert note["author"]["username"] == BOT["username"] and note["author"]["bot"] is True
    assert note["system"] is False and note["noteable_iid"] == 7
    edited = http.put(f"{url}/{note['id']}", json={"body": "v2"}, headers=FULL, timeout=5)
    assert edited.status_code == 200 and edited.json()["body"] == "v2"
    assert stub.mr_notes(42, 7)[0]["body"] == "v2"
    assert stub.note_url(42, 7, note["id"]) == f"{stub.url}/group/churn/-/merge_requests/7#note_{note['id']}"
    assert http.delete(f"{url}/{note['id']}", headers=FULL, timeout=5).status_code == 204
    assert stub.mr_notes(42, 7) == []


def test_note_bodies_are_validated_and_others_notes_are_not_editable(
    stub: GitLabStub, http: requests.Session
) -> None:
    url = api(stub, "/projects/42/merge_requests/7/notes")
    assert http.post(url, json={}, headers=FULL, timeout=5).json() == {"error": "body is missing"}
    blank = http.post(url, json={"body": "  "}, headers=FULL, timeout=5)
    assert (blank.status_code, blank.json()) == (400, {"message": {"body": ["can't be blank"]}})
    too_long = http.post(url, json={"body": "x" * 1_000_001}, headers=FULL, timeout=5)
    assert too_long.status_code == 400 and "maximum is 1000000 characters" in too_long.json()["message"]
    assert http.post(url, json={"body": "x" * 1_000_000}, headers=FULL, timeout=5).status_code == 201
    theirs = stub.add_note(42, 7, "human comment", author="alice")
    assert http.put(f"{url}/{theirs['id']}", json={"body": "x"}, headers=FULL, timeout=5).status_code == 403
    system = stub.add_note(42, 7, "added 1 commit", author="alice", system=True)
    assert http.delete(f"{url}/{system['id']}", headers=FULL, timeout=5).status_code == 403
    mine = stub.add_note(42, 7, "an earlier run", author=BOT["username"])
    assert http.put(f"{url}/{mine['id']}", json={"body": "v2"}, headers=FULL, timeout=5).status_code == 200
    form = http.post(url, data={"body": "from a form"}, headers=FULL, timeout=5)
    assert form.status_code == 201 and form.json()["body"] == "from a form"


def test_job_token_is_refused_on_notes_tags_and_approvals_and_accepted_on_releases(
    stub: GitLabStub, http: requests.Session
) -> None:
    refused = [
        ("GET", "/projects/42/merge_requests/7/notes", None),
        ("POST", "/projects/42/merge_requests/7/notes", {"body": "hi"}),
        ("GET", "/projects/42/merge_requests/7/approvals", None),
        ("POST", "/projects/42/repository/tags", {"tag_name": "v1", "ref": SHA}),
        ("GET", "/user", None),
    ]
    for method, path, body in refused:
        reply = http.request(method, api(stub, path), json=body, headers=JOB, timeout=5)
        assert (reply.status_code, reply.json()) == (401, {"message": "401 Unauthorized"}), path
    created = http.post(
        api(stub, "/projects/42/releases"),
        json={"tag_name": "churn@v1.0.0", "ref": SHA, "description": "notes"},
        headers=JOB,
        timeout=5,
    )
    assert created.status_code == 201
    assert http.get(api(stub, "/projects/42/releases/churn%40v1.0.0"), headers=JOB, timeout=5).ok
    assert stub.mr_notes(42, 7) == []


def test_a_wrong_or_missing_token_is_401(stub: GitLabStub, http: requests.Session) -> None:
    for headers in (
        {},
        {"PRIVATE-TOKEN": "glpat-wrong"},
        {"JOB-TOKEN": "nope"},
        {"Authorization": "token x"},
    ):
        reply = http.get(api(stub, "/projects/42"), headers=headers, timeout=5)
        assert (reply.status_code, reply.json()) == (401, {"message": "401 Unauthorized"})
    bearer = http.get(api(stub, "/projects/42"), headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert bearer.json()["path_with_namespace"] == "group/churn"


def test_read_only_token_reads_but_every_write_is_insufficient_scope(
    stub: GitLabStub, http: requests.Session
) -> None:
    stub.read_only = True
    notes = api(stub, "/projects/42/merge_requests/7/notes")
    assert http.get(notes, headers=FULL, timeout=5).status_code == 200
    writes = [
        ("POST", notes, {"body": "x"}),
        ("POST", api(stub, "/projects/42/repository/tags"), {"tag_name": "v1", "ref": SHA}),
        ("POST", api(stub, "/projects/42/releases"), {"tag_name": "v1", "ref": SHA}),
    ]
    for method, url, body in writes:
        reply = http.request(method, url, json=body, headers=FULL, timeout=5)
        assert reply.status_code == 403
        assert reply.json()["error"] == "insufficient_scope" and reply.json()["scope"] == "api"
    assert stub.tags[42] == {} and stub.releases[42] == {}
    scopes = http.get(api(stub, "/personal_access_tokens/self"), headers=FULL, timeout=5).json()["scopes"]
    assert scopes == ["read_api"]


def test_projects_and_tags_are_addressed_by_url_encoded_path_and_name(
    stub: GitLabStub, http: requests.Session
) -> None:
    by_path = http.get(api(stub, "/projects/group%2Fchurn"), headers=FULL, timeout=5).json()
    assert by_path["id"] == 42 and by_path["web_url"] == f"{stub.url}/group/churn"
    assert http.get(api(stub, "/projects/group%2Fother"), headers=FULL, timeout=5).status_code == 404
    tags = api(stub, "/projects/group%2Fchurn/repository/tags")
    created = http.post(
        tags,
        json={"tag_name": "churn@v1.0.0", "ref": "main", "message": "version: 1.0.0"},
        headers=FULL,
        timeout=5,
    )
    assert created.status_code == 201
    tag = http.get(tags + "/churn%40v1.0.0", headers=FULL, timeout=5).json()
    assert tag["name"] == "churn@v1.0.0" and tag["message"] == "version: 1.0.0"
    assert tag["commit"]["id"] == SHA and tag["target"] != SHA  # annotated: target is the tag object
    missing = http.get(tags + "/churn%40v9", headers=FULL, timeout=5)
    assert (missing.status_code, missing.json()) == (404, {"message": "404 Tag Not Found"})


def test_tag_duplicates_unknown_refs_and_lightweight_tags(stub: GitLabStub, http: requests.Session) -> None:
    tags = api(stub, "/projects/42/repository/tags")
    light = http.post(tags, data={"tag_name": "churn@v1.0.0", "ref": SHA}, headers=FULL, timeout=5).json()
    assert light["target"] == SHA and light["message"] is None
    again = http.post(
        tags, json={"tag_name": "churn@v1.0.0", "ref": SHA, "message": "m"}, headers=FULL, timeout=5
    )
    assert (again.status_code, again.json()) == (400, {"message": "Tag churn@v1.0.0 already exists"})
    unknown = http.post(tags, json={"tag_name": "v2", "ref": "c" * 40}, headers=FULL, timeout=5)
    assert (unknown.status_code, unknown.json()) == (400, {"message": f"Target {'c' * 40} is invalid"})
    assert http.post(tags, json={"ref": SHA}, headers=FULL, timeout=5).json() == {
        "error": "tag_name is missing"
    }


def test_releases_are_created_once_with_links(stub: GitLabStub, http: requests.Session) -> None:
    releases = api(stub, "/projects/42/releases")
    body = {
        "name": "churn v1.0.0",
        "tag_name": "churn@v1.0.0",
        "ref": SHA,
        "description": "## Notes",
        "assets": {"links": [{"name": "report.html", "url": "https://x/r.html", "link_type": "other"}]},
    }
    created = http.post(releases, json=body, headers=FULL, timeout=5)
    assert created.status_code == 201
    release = created.json()
    assert release["_links"]["self"] == f"{stub.url}/group/churn/-/releases/churn%40v1.0.0"
    assert [link["name"] for link in release["assets"]["links"]] == ["report.html"]
    assert stub.tags[42]["churn@v1.0.0"]["commit"]["id"] == SHA  # the tag came with it
    again = http.post(releases, json=body, headers=FULL, timeout=5)
    assert (again.status_code, again.json()) == (409, {"message": "Release already exists"})
    links = releases + "/churn%40v1.0.0/assets/links"
    dup = http.post(links, json={"name": "report.html", "url": "https://x/other"}, headers=FULL, timeout=5)
    assert (dup.status_code, dup.json()) == (400, {"message": {"name": ["has already been taken"]}})
    added = http.post(
        links, json={"name": "metrics.json", "url": "https://x/m.json"}, headers=FULL, timeout=5
    )
    assert added.status_code == 201 and added.json()["link_type"] == "other"
    listed = http.get(links, headers=FULL, timeout=5).json()
    assert [link["name"] for link in listed] == ["report.html", "metrics.json"]
    # The stored release has the answer's shape, so tests can read it as GitLab returns it.
    fetched = http.get(releases + "/churn%40v1.0.0", headers=FULL, timeout=5).json()
    assert stub.releases[42]["churn@v1.0.0"]["assets"]["links"] == fetched["assets"]["links"] == listed
    assert fetched["assets"]["count"] == 2
    gone = http.get(releases + "/churn%40v9", headers=FULL, timeout=5)
    assert (gone.status_code, gone.json()) == (404, {"message": "404 Not Found"})
    no_ref = http.post(releases, json={"tag_name": "churn@v2.0.0"}, headers=FULL, timeout=5)
    assert no_ref.status_code == 422 and "churn@v2.0.0" not in stub.tags[42]


def test_merge_request_approvals_and_commit_lookup(stub: GitLabStub, http: requests.Session) -> None:
    mr = http.get(api(stub, "/projects/42/merge_requests/7"), headers=FULL, timeout=5).json()
    assert (mr["sha"], mr["labels"], mr["source_branch"], mr["state"]) == (
        "b" * 40,
        ["mlci"],
        "feature",
        "opened",
    )
    approvals = api(stub, "/projects/42/merge_requests/7/approvals")
    assert http.get(approvals, headers=FULL, timeout=5).json()["approved"] is False
    stub.approve(42, 7, "alice")
    answer = http.get(approvals, headers=FULL, timeout=5).json()
    assert answer["approved"] is True and answer["approved_by"][0]["user"]["username"] == "alice"
    stub.add_merge_request(42, 8, "d" * 40, state="merged", merge_commit_sha="e" * 40)
    found = http.get(
        api(stub, f"/projects/42/repository/commits/{'e' * 40}/merge_requests"), headers=FULL, timeout=5
    )
    assert [(m["iid"], m["merge_commit_sha"]) for m in found.json()] == [(8, "e" * 40)]
    unknown = http.get(
        api(stub, f"/projects/42/repository/commits/{'9' * 40}/merge_requests"), headers=FULL, timeout=5
    )
    assert unknown.status_code == 404
    assert http.get(api(stub, "/projects/42/merge_requests/99"), headers=FULL, timeout=5).status_code == 404


def test_uploads_keep_the_bytes(stub: GitLabStub, http: requests.Session) -> None:
    reply = http.post(
        api(stub, "/projects/42/uploads"),
        files={"file": ("report.html", b"<h1>ok</h1>")},
        headers=FULL,
        timeout=5,
    )
    assert reply.status_code == 201
    upload = reply.json()
    assert upload["url"].startswith("/uploads/") and upload["url"].endswith("/report.html")
    assert upload["full_path"] == "/-/project/42" + upload["url"]
    assert upload["markdown"] == f"[report.html]({upload['url']})"
    assert stub.uploads[0]["data"] == b"<h1>ok</h1>"
    assert http.post(api(stub, "/projects/42/uploads"), headers=JOB, timeout=5).status_code == 401


def test_faults_5xx_rate_limit_and_slow_answers(stub: GitLabStub, http: requests.Session) -> None:
    url = api(stub, "/projects/42/merge_requests/7/notes")
    stub.fail(502, 1, method="POST", path=r"/notes$")
    failed = http.post(url, json={"body": "x"}, headers=FULL, timeout=5)
    assert (failed.status_code, failed.json()) == (502, {"message": "502 Bad Gateway"})
    assert stub.mr_notes(42, 7) == []  # the failed request did nothing
    stub.rate_limit(retry_after=3)
    limited = http.get(url, headers=FULL, timeout=5)
    assert limited.status_code == 429 and limited.text == "Retry later\n"
    assert limited.headers["Retry-After"] == "3" and limited.headers["RateLimit-Remaining"] == "0"
    assert int(limited.headers["RateLimit-Reset"]) >= int(time.time()) + 2
    stub.slow(0.5, method="POST")
    with pytest.raises(requests.Timeout):
        http.post(url, json={"body": "late"}, headers=FULL, timeout=0.1)
    time.sleep(0.5)
    assert [n["body"] for n in stub.mr_notes(42, 7)] == ["late"]  # carried out, answered too late
    assert len(stub.calls("POST", r"/merge_requests/7/notes$")) == 2
    assert http.get(url, headers=FULL, timeout=5).status_code == 200


def test_gitlab_env_is_a_merge_request_pipeline(stub: GitLabStub, tmp_path: Path) -> None:
    env = gitlab_env(stub, tmp_path, token=TOKEN, GITHUB_ACTIONS=None)
    assert env["GITLAB_CI"] == "true" and env["CI_PIPELINE_SOURCE"] == "merge_request_event"
    assert env["CI_API_V4_URL"] == stub.url + "/api/v4" and env["CI_PROJECT_ID"] == "42"
    assert env["CI_MERGE_REQUEST_IID"] == "7" and env["CI_COMMIT_BRANCH"] is None
    assert env["CI_JOB_TOKEN"] == JOB_TOKEN and env["MLCI_GITLAB_TOKEN"] == TOKEN
    assert env["CI_PROJECT_DIR"] == str(tmp_path) and env["GITHUB_ACTIONS"] is None
    branch = gitlab_env(stub, tmp_path, merge_request_iid=None)
    assert branch["CI_COMMIT_BRANCH"] == "main" and branch["CI_PIPELINE_SOURCE"] == "push"
    assert branch.get("CI_MERGE_REQUEST_IID") is None
