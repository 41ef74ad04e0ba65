"""The HTTP server every stand-in runs on: 127.0.0.1, a free port, one thread per request.

A stand-in subclasses ``StubServer`` and implements ``_dispatch(handler)``; using it as a
context manager starts and stops the server.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

__all__ = ["StubServer"]

S = TypeVar("S", bound="StubServer")


class StubServer:
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self: S) -> S:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out as two writes: without this, Nagle's algorithm
                # meets the client's delayed ACK and every answer takes 40 ms more.
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                # A client that gave up on a slow answer has hung up: that is the point.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError, TimeoutError):
                    stub._dispatch(self)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
