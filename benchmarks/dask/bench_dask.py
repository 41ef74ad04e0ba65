"""Benchmark the local engine against Dask (two single-threaded workers) on partitioned Parquet.

Generates, once, ``benchmarks/.data/dask_<rows>/part-NNNNN.parquet`` (1M rows a partition by
default; 8 columns: two ``unique`` ones, ints, floats, a category, a bool) and a schema,
then for each size runs, each in its own processes:

- ``local``  ``mlci validate DIR`` / ``mlci drift DIR DIR`` with the local engine;
- ``dask``   the same with ``--scheduler`` pointing at a ``dask scheduler`` and two
             ``dask worker --nthreads 1 --no-nanny --memory-limit 2GiB`` processes started
             for the run (on 127.0.0.1, free ports) and stopped after it.

Per run it prints wall and CPU seconds of the mlci process, its peak RSS (the client, for
Dask), each worker's peak RSS and CPU seconds (``os.wait4`` on the worker processes: their
own high-water marks), and the largest single object any worker held (sampled every 0.2 s
from the workers' task sizes). Worker memory should stay flat as rows grow.

    python benchmarks/dask/bench_dask.py                          # 10M and 50M rows
    python benchmarks/dask/bench_dask.py --rows 1000000,2000000   # while developing
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE.parent / ".data"
GENERATOR_VERSION = 1
SEED = 20261202

SCHEMA_YML = """\
version: 1
columns:
  id:    {dtype: string, unique: true, pattern: '^U\\d{10}$'}
  seq:   {dtype: int, unique: true, min: 0}
  age:   {dtype: int, min: 18, max: 120}
  spend: {dtype: float, min: 0, nullable: true}
  score: {dtype: float, min: 0, max: 1}
  plan:  {dtype: category, allowed: [free, pro, team]}
  churned: {dtype: bool}
  visits: {dtype: int, min: 0}
"""


def generate(rows: int, partition_rows: int) -> Path:
    """The partitioned dataset of ``rows`` rows (made once; a marker records how)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = DATA_DIR / f"dask_{rows}"
    marker = root / "_generated.json"
    spec = {"version": GENERATOR_VERSION, "rows": rows, "partition_rows": partition_rows}
    if marker.exists() and json.loads(marker.read_text()) == spec:
        return root
    root.mkdir(parents=True, exist_ok=True)
    for old in root.glob("part-*.parquet"):
        old.unlink()
    for n, lo in enumerate(range(0, rows, partition_rows)):
        size = min(partition_rows, rows - lo)
        rng = np.random.default_rng(SEED + n)
        seq = np.arange(lo, lo + size, dtype=np.int64)
        spend = rng.lognormal(3, 1, size)
        spend[rng.random(size) < 0.02] = np.nan
        table = pa.table(
            {
                "id": pa.array(np.char.add("U", np.char.zfill(seq.astype(str), 10))),
                "seq": seq,
                "age": rng.integers(18, 100, size),
                "spend": spend,
                "score": rng.random(size),
                "plan": rng.choice(np.array(["free", "pro", "team"]), size, p=[0.6, 0.3, 0.1]),
                "churned": rng.random(size) < 0.2,
                "visits": rng.poisson(12, size),
            }
        )
        pq.write_table(table, root / f"part-{n:05d}.parquet")
    marker.write_text(json.dumps(spec))
    return root


@dataclass
class Measure:
    wall: float
    cpu: float
    rss_mib: float
    exit_code: int
    workers: list[tuple[float, float]] = field(default_factory=list)  # (peak MiB, cpu s)
    largest_mib: float = 0.0


def _run(cmd: list[str]) -> Measure:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {code}: {err.strip()[-500:]}")
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# No dashboard; the scheduler's health/metrics HTTP server on loopback, any free port.
_QUIET_HTTP = ("--no-dashboard", "--dashboard-address", "127.0.0.1:0")


def _dask(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", f"distributed.cli.dask_{args[0]}", *args[1:]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _largest_held(dask_worker: object) -> int:
    """The biggest task result in this worker's memory, in bytes (run on the worker)."""
    tasks = dask_worker.state.tasks.values()  # type: ignore[attr-defined]
    return max((ts.nbytes or 0 for ts in tasks if ts.state == "memory"), default=0)


def _run_on_dask(cmd: list[str], workers: int, memory: str) -> Measure:
    import distributed

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _dask("scheduler", "--host", "127.0.0.1", "--port", str(port), *_QUIET_HTTP)
    flags = [
        "--host",
        "127.0.0.1",
        "--nthreads",
        "1",
        "--no-nanny",
        "--no-dashboard",
        "--memory-limit",
        memory,
    ]
    procs = [_dask("worker", address, *flags) for _ in range(workers)]
    largest = [0]
    stop = threading.Event()
    try:
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)

            def sample() -> None:
                while not stop.wait(0.2):
                    try:
                        sizes = client.run(_largest_held)
                    except Exception:  # a worker between tasks: next sample
                        continue
                    largest[0] = max([largest[0], *sizes.values()])

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            measure = _run([*cmd, "--scheduler", address])
            stop.set()
            sampler.join()
    finally:
        stop.set()
        for proc in procs:
            proc.terminate()
        for proc in procs:
            _, _, usage = os.wait4(proc.pid, 0)
            measure.workers.append((usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime))
        scheduler.terminate()
        scheduler.wait(timeout=30)
    measure.largest_mib = largest[0] / 2**20
    return measure


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", default="10000000,50000000", help="comma-separated dataset sizes")
    parser.add_argument("--partition-rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--worker-memory",
        default="2GiB",
        help="each worker's --memory-limit: past 60%% of it Dask spills held results to disk",
    )
    parser.add_argument("--no-drift", action="store_true", help="validation only")
    args = parser.parse_args()

    schema = DATA_DIR / "dask_schema.yml"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    schema.write_text(SCHEMA_YML)
    mlci = [sys.executable, "-m", "mlci"]
    header = (
        f"{'rows':>11} {'work':8} {'engine':6} {'wall s':>7} {'cpu s':>7} {'client MiB':>10} "
        f"{'worker peak MiB':>16} {'worker cpu s':>13} {'largest obj MiB':>15}"
    )
    print(header)
    for rows in (int(r) for r in args.rows.split(",")):
        data = str(generate(rows, args.partition_rows))
        works = {"validate": [*mlci, "validate", data, "-s", str(schema), "--format", "json"]}
        if not args.no_drift:
            works["drift"] = [*mlci, "drift", data, data, "--format", "json"]
        for work, cmd in works.items():
            for engine in ("local", "dask"):
                m = _run(cmd) if engine == "local" else _run_on_dask(cmd, args.workers, args.worker_memory)
                peaks = "/".join(f"{p:.0f}" for p, _ in m.workers) or "-"
                cpus = "/".join(f"{c:.1f}" for _, c in m.workers) or "-"
                largest = f"{m.largest_mib:.1f}" if m.workers else "-"
                print(
                    f"{rows:>11,} {work:8} {engine:6} {m.wall:>7.1f} {m.cpu:>7.1f} {m.rss_mib:>10.0f} "
                    f"{peaks:>16} {cpus:>13} {largest:>15}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
