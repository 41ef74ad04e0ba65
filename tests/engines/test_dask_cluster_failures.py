"""A cluster that cannot do the work is exit 3 in bounded time, never a report that says passed.

Also: a scheduler + two worker processes started as real ``dask`` subprocesses, one of
them killed mid-run (Dask reruns its work on the other), and the base install path (no
dask extra: exit 2 naming it; the local engine never imports dask).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stubs.dask_cluster import SubprocessCluster
from stubs.partitioned_data import SCHEMA, frame, planted, split

distributed = pytest.importorskip("distributed")


def _schema(tmp_path: Path) -> Path:
    path = tmp_path / "schema.yml"
    path.write_text(SCHEMA, encoding="utf-8")
    return path


def test_a_scheduler_that_never_answers_is_exit_3_within_the_timeout(mlci_process, tmp_path: Path) -> None:
    parts = split(frame(100), tmp_path / "d", "parquet")
    with socket.socket() as silent:  # accepts connections (kernel backlog), never speaks
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        run = mlci_process(
            "validate", parts, "-s", _schema(tmp_path), "--scheduler", address, "--scheduler-timeout", "2"
        )
        elapsed = time.monotonic() - started
    assert run.exit_code == 3
    assert run.stderr.strip().splitlines() == [run.stderr.strip()]  # one line, no traceback
    assert address in run.stderr and "did not answer" in run.stderr
    assert elapsed < 20


def test_a_closed_port_is_exit_3_for_drift_too(mlci_process, tmp_path: Path) -> None:
    parts = split(frame(100), tmp_path / "d", "parquet")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before mlci connects
    run = mlci_process(
        "drift",
        parts,
        parts,
        "--engine",
        "dask",
        "--scheduler-timeout",
        "2",
        env={"DASK_SCHEDULER_ADDRESS": f"tcp://127.0.0.1:{port}"},
    )
    assert run.exit_code == 3 and "Traceback" not in run.stderr
    assert f"127.0.0.1:{port}" in run.stderr


def test_scheduler_needs_the_dask_engine(mlci_process, tmp_path: Path) -> None:
    parts = split(frame(100), tmp_path / "d", "parquet")
    run = mlci_process(
        "validate", parts, "-s", _schema(tmp_path), "--engine", "local", "--scheduler", "tcp://127.0.0.1:1"
    )
    assert run.exit_code == 2 and "--engine dask" in run.stderr


def _python(code: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *[str(a) for a in args]], capture_output=True, text=True, timeout=120
    )


def test_without_the_dask_extra_the_dask_engine_is_exit_2_naming_it(tmp_path: Path) -> None:
    parts = split(frame(100), tmp_path / "d", "parquet")
    # As in a base install: importing distributed fails.
    code = (
        "import sys; sys.modules['distributed'] = None; sys.argv[0] = 'mlci'\n"
        "from mlci.cli.main import main; main()"
    )
    run = _python(code, "validate", parts, "-s", _schema(tmp_path), "--engine", "dask")
    assert run.returncode == 2, run.stderr
    assert "pip install 'mlci[dask]'" in run.stderr and "Traceback" not in run.stderr


def test_the_local_engine_never_imports_dask(tmp_path: Path) -> None:
    split(frame(100), tmp_path / "d", "parquet")
    code = (
        "import sys\nfrom mlci.cli.main import cli\n"
        "try:\n    cli.main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    run = _python(code, "validate", tmp_path / "d-whole.parquet", "-s", _schema(tmp_path))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[]"


def _entry(stdout: str) -> dict[str, object]:
    entry = json.loads(stdout)["validation"][0]
    return {k: v for k, v in entry.items() if k not in ("dataset", "path", "fingerprint")}


def test_a_scheduler_and_two_worker_processes_give_the_local_results(
    mlci_process, tmp_path: Path, subprocess_cluster: SubprocessCluster
) -> None:
    schema = _schema(tmp_path)
    parts = split(planted(), tmp_path / "events", "parquet")
    address = subprocess_cluster.address
    local = mlci_process("validate", tmp_path / "events-whole.parquet", "-s", schema, "--format", "json")
    remote = mlci_process("validate", parts, "-s", schema, "--format", "json", "--scheduler", address)
    assert remote.exit_code == local.exit_code == 1, remote.stderr
    assert _entry(remote.stdout) == _entry(local.stdout)
    cur = split(frame(2000, seed=9, shift=0.4), tmp_path / "cur", "parquet", size=600)
    local = mlci_process(
        "drift", tmp_path / "events-whole.parquet", tmp_path / "cur-whole.parquet", "--format", "json"
    )
    remote = mlci_process("drift", parts, cur, "--format", "json", "--scheduler", address)
    assert remote.exit_code == local.exit_code == 0, remote.stderr
    assert json.loads(remote.stdout)["drift"]["columns"] == json.loads(local.stdout)["drift"]["columns"]


def _start_validation(tmp_path: Path, address: str, *extra: str) -> tuple[subprocess.Popen[str], Path]:
    schema = _schema(tmp_path)
    df = planted(3000)
    parts = tmp_path / "many"
    parts.mkdir()
    for n in range(60):  # many partitions: the run is still going when a worker dies
        df.to_csv(parts / f"part-{n:03d}.csv", index=False)
    out = tmp_path / "report.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlci",
            "validate",
            str(parts),
            "-s",
            str(schema),
            "--format",
            "json",
            "-o",
            str(out),
            "--scheduler",
            address,
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, out


def _wait_until_busy(address: str, proc: subprocess.Popen[str]) -> None:
    with distributed.Client(address, timeout=30) as client:
        deadline = time.monotonic() + 60
        while not any(client.processing().values()):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_a_worker_killed_mid_run_is_retried_and_the_results_stay_exact(
    tmp_path: Path, subprocess_cluster: SubprocessCluster
) -> None:
    proc, out = _start_validation(tmp_path, subprocess_cluster.address)
    _wait_until_busy(subprocess_cluster.address, proc)
    subprocess_cluster.kill_worker(1)
    assert proc.poll() is None  # killed mid-run
    _, stderr = proc.communicate(timeout=180)
    assert proc.returncode == 1, stderr
    entry = json.loads(out.read_text(encoding="utf-8"))["validation"][0]
    assert entry["rows"] == 60 * 3000
    counts = {(v["column"], v["check"]): v["failed_count"] for v in entry["violations"]}
    assert counts[("age", "max")] == 60 * 2 and counts[("age", "min")] == 60
    # Every copy of the 3000 ids repeats the first copy's, plus the two planted repeats.
    assert counts[("id", "unique")] == 59 * 3000 + 2


def test_a_cluster_that_loses_every_worker_is_exit_3_not_a_report(
    tmp_path: Path, subprocess_cluster: SubprocessCluster
) -> None:
    proc, out = _start_validation(tmp_path, subprocess_cluster.address, "--scheduler-timeout", "3")
    _wait_until_busy(subprocess_cluster.address, proc)
    subprocess_cluster.kill_worker(0)
    subprocess_cluster.kill_worker(1)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 3, stderr
    assert "no worker" in stderr and "Traceback" not in stderr
    assert not out.exists()


@pytest.mark.parametrize("address", ["foo://bar:1", "tcp://", "not an address"])
def test_a_malformed_scheduler_address_is_bad_usage(mlci_process, tmp_path: Path, address: str) -> None:
    parts = split(frame(100), tmp_path / "d", "parquet")
    run = mlci_process("validate", parts, "-s", _schema(tmp_path), "--scheduler", address)
    assert run.exit_code == 2
    assert run.stderr.startswith(f"error: --scheduler {address!r}: ") and "Traceback" not in run.stderr
