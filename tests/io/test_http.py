"""The one HTTP session against misbehaving servers on 127.0.0.1: every call ends in bounded time."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mlci.errors import EXIT_SERVICE, ServiceError
from mlci.io.http import HttpError, HttpSession, RetryPolicy, redact

SECRET = "s3cr3t-value-0123456789"
FAST = RetryPolicy(timeout=1, backoff=0.01, max_wait=1.5)

Behaviour = Callable[[BaseHTTPRequestHandler], None]


class Server:
    """A server whose every GET/PUT/POST runs ``behaviour``; counts requests."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.hits = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                server.hits += 1
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.behaviour(self)

            do_GET = do_PUT = do_POST = _serve

        class Threaded(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass

        self.httpd = Threaded(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _answer(
    handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None
) -> None:
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def serve() -> Iterator[Callable[[Behaviour], Server]]:
    servers: list[Server] = []

    def start(behaviour: Behaviour) -> Server:
        server = Server(behaviour).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()


def test_a_body_dripped_a_byte_at_a_time_stops_at_the_deadline(serve: Callable[[Behaviour], Server]) -> None:
    def drip(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "100000")
        h.end_headers()
        for _ in range(100000):  # each byte well within the read timeout
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.05)

    server = serve(drip)
    started = time.monotonic()
    with HttpSession(server.url, service="Drip", policy=FAST) as s, pytest.raises(ServiceError) as info:
        s.request("GET", "/slow")
    took = time.monotonic() - started
    assert took < FAST.max_wait + FAST.timeout + 0.5
    assert info.value.exit_code == EXIT_SERVICE
    assert "did not finish within 1.5s" in str(info.value) and "Drip GET /slow" in str(info.value)


def test_a_next_link_back_to_the_same_page_is_not_followed_forever(
    serve: Callable[[Behaviour], Server],
) -> None:
    server: Server

    def loop(h: BaseHTTPRequestHandler) -> None:
        _answer(h, 200, b"[1]", {"Link": f'<{server.url}/items?page=2>; rel="next"'})

    server = serve(loop)
    with HttpSession(server.url, service="Loop", policy=FAST) as s, pytest.raises(ServiceError) as info:
        list(s.follow_pages("/items"))
    assert "repeats a page" in str(info.value)
    assert server.hits == 2  # page 1, then page 2 whose next link is page 2 again


def test_a_walk_stops_at_the_page_cap(serve: Callable[[Behaviour], Server]) -> None:
    server: Server

    def endless(h: BaseHTTPRequestHandler) -> None:
        _answer(h, 200, b"[]", {"Link": f'<{server.url}/items?page={server.hits + 1}>; rel="next"'})

    server = serve(endless)
    policy = RetryPolicy(timeout=1, backoff=0.01, max_wait=2, max_pages=5)
    with HttpSession(server.url, service="Pages", policy=policy) as s, pytest.raises(ServiceError) as info:
        for _ in s.follow_pages("/items"):
            pass
    assert "more than 5 pages" in str(info.value)
    assert server.hits == 5


def test_a_next_link_to_another_host_gets_no_credentials(serve: Callable[[Behaviour], Server]) -> None:
    seen: list[str | None] = []

    def elsewhere(h: BaseHTTPRequestHandler) -> None:
        seen.append(h.headers.get("Authorization"))
        _answer(h, 200, b"[]", {"Link": '<http://evil.invalid/steal>; rel="next"'})

    server = serve(elsewhere)
    headers = {"Authorization": f"Bearer {SECRET}"}
    with (
        HttpSession(server.url, service="Svc", headers=headers, secrets=[SECRET], policy=FAST) as s,
        pytest.raises(ServiceError) as info,
    ):
        list(s.follow_pages("/items"))
    assert "another host (evil.invalid)" in str(info.value)
    assert seen == [f"Bearer {SECRET}"]


def test_an_answer_over_the_size_cap_is_refused(serve: Callable[[Behaviour], Server]) -> None:
    server = serve(lambda h: _answer(h, 200, b"x" * 5000))
    policy = RetryPolicy(timeout=1, backoff=0.01, max_wait=2, max_body=1000)
    with HttpSession(server.url, service="Big", policy=policy) as s, pytest.raises(ServiceError) as info:
        s.request("GET", "/big")
    assert "larger than 1,000 bytes" in str(info.value)
    assert server.hits == 1  # not retried: it would only be as big again


def test_secrets_are_redacted_even_when_the_server_echoes_them(serve: Callable[[Behaviour], Server]) -> None:
    def echo(h: BaseHTTPRequestHandler) -> None:
        body = '{{"message": "bad credentials {}", "error_code": "UNAUTHENTICATED"}}'.format(
            h.headers["Authorization"]
        )
        _answer(h, 401, body.encode())

    server = serve(echo)
    headers = {"Authorization": f"Bearer {SECRET}"}
    with (
        HttpSession(server.url, service="MLflow", headers=headers, secrets=[SECRET], policy=FAST) as s,
        pytest.raises(HttpError) as info,
    ):
        s.request("GET", "/api/2.0/mlflow/runs/get")
    err = info.value
    assert SECRET not in str(err) and "***" in str(err)
    assert (err.status, err.code, err.method, err.url_path) == (
        401,
        "UNAUTHENTICATED",
        "GET",
        "/api/2.0/mlflow/runs/get",
    )
    assert str(err).startswith("MLflow GET /api/2.0/mlflow/runs/get: 401 ")


def test_5xx_is_retried_then_succeeds_and_404_can_be_missing(serve: Callable[[Behaviour], Server]) -> None:
    def flaky(h: BaseHTTPRequestHandler) -> None:
        if h.path == "/missing":
            _answer(h, 404, b'{"message": "nope"}')
        elif server.hits < 3:
            _answer(h, 502, b"<html>bad gateway</html>")
        else:
            _answer(h, 200, b'{"ok": true}')

    server = serve(flaky)
    with HttpSession(server.url, service="Svc", policy=FAST) as s:
        assert s.get_json("/thing") == {"ok": True}
        assert s.get_json("/missing", missing_ok=True) is None
    assert server.hits == 4


def test_an_unreachable_server_is_exit_3_in_bounded_time() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    started = time.monotonic()
    with (
        HttpSession(f"http://127.0.0.1:{port}", service="Pushgateway", policy=FAST) as s,
        pytest.raises(ServiceError) as info,
    ):
        s.request("PUT", "/metrics/job/mlci", data=b"")
    assert time.monotonic() - started < FAST.max_wait + 0.5
    assert "Pushgateway PUT /metrics/job/mlci: connection failed" in str(info.value)
    assert "\n" not in str(info.value)


def test_redact_hides_longer_secrets_first_and_token_shapes() -> None:
    text = "user:pass user ghp_" + "a" * 36 + " glpat-" + "b" * 20
    assert redact(text, ["user", "user:pass"]) == "*** *** *** ***"


def test_the_github_comment_walk_stops_on_a_looping_next_link(serve: Callable[[Behaviour], Server]) -> None:
    from mlci.platforms.github.client import GitHubClient

    server: Server

    def loop(h: BaseHTTPRequestHandler) -> None:
        _answer(h, 200, b"[]", {"Link": f'<{server.url}/repos/o/r/issues/1/comments?page=2>; rel="next"'})

    server = serve(loop)
    with GitHubClient("ghs_" + "x" * 36, server.url, FAST) as client, pytest.raises(ServiceError) as info:
        list(client.paginate("/repos/o/r/issues/1/comments"))
    assert "repeats a page" in str(info.value) and server.hits == 2
