"""A real Prometheus Pushgateway (Debian's prometheus-pushgateway) on 127.0.0.1, started by tests."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BINARY = "prometheus-pushgateway"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def binary() -> str:
    import shutil

    found = shutil.which(BINARY) or (f"/usr/bin/{BINARY}" if Path(f"/usr/bin/{BINARY}").is_file() else None)
    if found is None:
        pytest.skip(f"{BINARY} is not installed (Debian package {BINARY}; run .ci/system-deps.sh)")
    return found


@contextlib.contextmanager
def pushgateway(tmp_path: Path, *, users: dict[str, str] | None = None) -> Iterator[str]:
    """Start a gateway (basic auth for ``users`` when given), yield its URL, stop it."""
    port = free_port()
    # Debian's build persists to /var/lib/prometheus by default: keep each gateway in memory.
    args = [binary(), f"--web.listen-address=127.0.0.1:{port}", "--persistence.file=", "--log.level=warn"]
    if users:
        import bcrypt

        lines = ["basic_auth_users:"]
        for user, password in users.items():
            hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
            lines.append(f"  {user}: {hashed}")
        config = tmp_path / f"web-{port}.yml"
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        args.append(f"--web.config.file={config}")
    log = (tmp_path / f"pushgateway-{port}.log").open("wb")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the Pushgateway did not start: {proc.poll()}") from None
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def groups(url: str, auth: str | None = None) -> list[dict[str, Any]]:
    """The gateway's own view, ``GET /api/v1/metrics``: one entry per group."""
    request = urllib.request.Request(url + "/api/v1/metrics")
    if auth:
        request.add_header("Authorization", auth)
    with urllib.request.urlopen(request, timeout=10) as resp:
        data = json.load(resp)
    assert data["status"] == "success"
    return list(data["data"])


def series(group: dict[str, Any], name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """``{sorted labels: value}`` of one family in one group, as the gateway parsed it."""
    family = group.get(name)
    if family is None:
        return {}
    return {tuple(sorted(m["labels"].items())): float(m["value"]) for m in family["metrics"]}
