"""An HTTP stand-in on 127.0.0.1 for what a real MLflow server will not do on demand:
answer HTML or 5xx, demand credentials and echo them back, or hang on one call while
passing every other call through to the real server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

# (method, path, headers, body) -> (status, content type, body) or None to pass through
Answer = Callable[[str, str, dict[str, str], bytes], "tuple[int, str, bytes] | None"]


@dataclass
class StandIn:
    url: str
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


@contextmanager
def stand_in(answer: Answer, upstream: str | None = None) -> Iterator[StandIn]:
    state = StandIn(url="")

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            state.seen.append((self.command, self.path, headers))
            reply = answer(self.command, self.path, headers, body)
            if reply is None and upstream is not None:
                resp = requests.request(
                    self.command,
                    upstream + self.path,
                    data=body or None,
                    headers={k: v for k, v in headers.items() if k not in ("host", "content-length")},
                    timeout=30,
                )
                reply = (resp.status_code, resp.headers.get("content-type", ""), resp.content)
            status, kind, content = reply or (404, "text/plain", b"not here")
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
