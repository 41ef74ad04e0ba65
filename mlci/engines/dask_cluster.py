"""Reach a Dask cluster for one run: an existing scheduler, or a local cluster started here.

Every failure to reach or keep the cluster is a ``ServiceError`` (exit 3) in bounded time:
a scheduler that does not answer, one without workers, workers that keep dying. Errors
raised by mlci's own code on a worker (a malformed partition: ``DataError``) travel back
unchanged and keep their exit code.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from mlci.engines.options import EngineOptions
from mlci.errors import MlciError, ServiceError, UsageError

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = ["EXTRA_HINT", "dask_client", "gather", "local_cluster_workers"]

EXTRA_HINT = "pip install 'mlci[dask]'"
_POLL = 0.5  # seconds between checks that the cluster still has workers
_GRACE = 2.0  # seconds past the timeout for Dask's own timeout to fire first


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError(f"--engine dask needs Dask's distributed scheduler: {EXTRA_HINT}") from None
    # The scheduler's own chatter (reconnects, worker restarts) is not mlci's output.
    for name in ("distributed", "distributed.client", "distributed.worker", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return distributed


def local_cluster_workers() -> int:
    """Workers of a local cluster: one single-threaded process per core, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


@contextmanager
def dask_client(options: EngineOptions) -> Iterator[Client]:
    """A connected client (and, without a scheduler address, the local cluster behind it)."""
    distributed = _import_distributed()
    timeout = options.connect_timeout
    if options.scheduler is None:
        cluster = distributed.LocalCluster(
            n_workers=local_cluster_workers(),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # The scheduler still serves health/metrics over HTTP: on loopback, any free port.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.CRITICAL,
        )
        try:
            with distributed.Client(cluster, timeout=timeout) as client:
                yield client
        finally:
            cluster.close()
        return
    address = options.scheduler
    client = _connect(distributed, address, timeout)
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError):
            raise ServiceError(f"Dask scheduler {address} has no worker after {timeout:g} s") from None
        yield client
    finally:
        client.close(timeout=timeout)  # type: ignore[no-untyped-call]


def _connect(distributed: Any, address: str, timeout: float) -> Client:
    """A client of the scheduler at ``address``, or exit 3 after ``timeout`` seconds.

    Dask's own connect timeout does not cover a peer that accepts the connection and then
    says nothing (a wrong port, a stuck scheduler): the client is made on a daemon thread
    that the run stops waiting for.
    """
    outcome: dict[str, Any] = {}

    def connect() -> None:
        try:
            outcome["client"] = distributed.Client(address, timeout=timeout)
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=connect, name="mlci-dask-connect", daemon=True)
    thread.start()
    thread.join(timeout + _GRACE)
    error = outcome.get("error")
    if isinstance(error, ValueError):  # a malformed address
        raise UsageError(f"--scheduler {address!r}: {_first_line(error)}") from None
    if "client" not in outcome:
        why = f" ({_first_line(error)})" if error is not None else ""
        raise ServiceError(f"Dask scheduler {address} did not answer within {timeout:g} s{why}")
    client: Client = outcome["client"]
    return client


def gather(
    client: Client,
    futures: Sequence[Future[Any]],
    timeout: float,
    *,
    progress: Callable[[int], None] | None = None,
    weights: Sequence[int] | None = None,
) -> list[Any]:
    """The futures' results, or exit 3 when the cluster cannot finish them.

    Dask reruns the tasks of a worker that dies (up to its ``allowed-failures``); when the
    cluster keeps losing workers (``KilledWorker``) or has none left for ``timeout``
    seconds, the run stops with a ``ServiceError`` instead of waiting forever.
    ``progress`` is told the summed ``weights`` (e.g. rows) of the futures done so far.
    """
    distributed = _import_distributed()
    pending = list(futures)
    sizes = list(weights) if weights is not None else [1] * len(pending)
    no_worker_since: float | None = None
    try:
        while True:
            done: list[bool] = [bool(f.done()) for f in pending]  # type: ignore[no-untyped-call]
            waiting = [f for f, over in zip(pending, done, strict=True) if not over]
            if progress is not None:
                progress(sum(n for n, over in zip(sizes, done, strict=True) if over))
            if not waiting or any(f.status == "error" for f in pending):
                return list(client.gather(pending))  # type: ignore[no-untyped-call]
            try:
                distributed.wait(waiting, timeout=_POLL, return_when="FIRST_COMPLETED")
                no_worker_since = None  # something finished: the cluster is working
                continue
            except TimeoutError:
                pass  # nothing finished for a while: is there still a worker?
            if client.scheduler_info(n_workers=1).get("workers"):
                no_worker_since = None
            elif no_worker_since is None:
                no_worker_since = time.monotonic()
            elif time.monotonic() - no_worker_since > timeout:
                raise ServiceError(f"the Dask cluster has had no worker for {timeout:g} s")
    except MlciError:
        raise
    except distributed.client.FutureCancelledError as exc:
        raise ServiceError(f"the Dask cluster cancelled the work: {_first_line(exc)}") from None
    except (distributed.KilledWorker, OSError, TimeoutError) as exc:
        raise ServiceError(f"the Dask cluster failed: {type(exc).__name__}: {_first_line(exc)}") from None
    except distributed.comm.CommClosedError as exc:
        raise ServiceError(f"lost the Dask scheduler: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
