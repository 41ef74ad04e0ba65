"""A real ``dask.distributed`` cluster for the engine tests, and datasets split into partitions.

The LocalCluster (two single-threaded worker processes on 127.0.0.1, no dashboard) is
started once per module and closed after; ``subprocess_cluster`` starts ``dask scheduler``
and two ``dask worker`` processes on free ports, and stops them.
"""

from __future__ import annotations

import faulthandler
from collections.abc import Iterator

import pytest

from stubs.dask_cluster import SubprocessCluster, running_dask_cluster

distributed = pytest.importorskip("distributed", reason="pip install 'mlci[dask]'")


# No test here may hang CI: past this, the run stops with every thread's traceback.
TEST_DEADLINE = 300


@pytest.fixture(autouse=True)
def _bounded_in_time() -> Iterator[None]:
    faulthandler.dump_traceback_later(TEST_DEADLINE, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The address of a LocalCluster with two worker processes, one thread each."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        silence_logs=50,
    ) as local:
        yield local.scheduler_address


@pytest.fixture
def subprocess_cluster() -> Iterator[SubprocessCluster]:
    """``dask scheduler`` + two ``dask worker`` processes on 127.0.0.1 free ports, stopped after."""
    with running_dask_cluster(2) as running:
        yield running
