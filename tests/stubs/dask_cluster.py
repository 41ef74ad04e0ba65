"""A real Dask cluster of separate processes: ``dask scheduler`` + ``dask worker`` on 127.0.0.1."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["SubprocessCluster", "free_port", "running_dask_cluster"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SubprocessCluster:
    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def kill_worker(self, index: int) -> None:
        self.workers[index].send_signal(signal.SIGKILL)
        self.workers[index].wait(timeout=30)


# No dashboard; the scheduler's health/metrics HTTP server on loopback, any free port.
_QUIET_HTTP = ("--no-dashboard", "--dashboard-address", "127.0.0.1:0")


def _dask(*args: str) -> subprocess.Popen[bytes]:
    """``dask scheduler ...`` / ``dask worker ...``, quiet (no nanny: a killed worker stays dead)."""
    return subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_" + args[0], *args[1:]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextmanager
def running_dask_cluster(workers: int = 2) -> Iterator[SubprocessCluster]:
    """``dask scheduler`` + ``workers`` ``dask worker`` processes (no nanny) on 127.0.0.1 free ports."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _dask("scheduler", "--host", "127.0.0.1", "--port", str(port), *_QUIET_HTTP)
    running = SubprocessCluster(address, scheduler)
    try:
        for _ in range(workers):
            running.workers.append(
                _dask(
                    "worker",
                    address,
                    "--host",
                    "127.0.0.1",
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--no-dashboard",
                )
            )
        import distributed

        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=60)
        yield running
    finally:
        for proc in [*running.workers, scheduler]:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 20
        for proc in [*running.workers, scheduler]:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
