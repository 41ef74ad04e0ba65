"""Benchmark ``mlci gate`` against an MLflow registry vs the file registry (whole process).

Starts a real MLflow tracking server (SQLite store, proxied artifacts, 127.0.0.1, a free
port), registers the same champion in it and in a file registry, and times the whole
``mlci gate`` process (interpreter start, imports, HTTP calls, rendering) ``--repeat``
times per scenario (default 5, after one warm-up run; the scenarios take turns), printing
the median wall and CPU seconds:

- ``metrics``: the candidate's metrics file against the baseline's metrics;
- ``metrics from runs:/``: the same, the candidate read from an MLflow run (mlflow only);
- ``paired predictions``: ``--rows`` per-example predictions (default 10,000) of the
  candidate against the champion's stored predictions (for mlflow: the champion run's
  ``predictions.csv`` artifact, downloaded), with a paired bootstrap (``alpha``).

    python benchmarks/mlflow/bench_gate.py [--repeat 5] [--rows 10000]

Target: the mlflow registry adds at most 0.5 s to ``mlci gate``. The load average is
printed: on a busy machine the figures are upper bounds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

GATES = (
    "gates:\n  - {metric: roc_auc, threshold: 0.7, max_regression: 0.01}\n"
    "  - {metric: accuracy, max_regression: 0.02}\n"
)
PAIRED = "gates:\n  - {metric: accuracy, max_regression: 0.01, alpha: 0.05}\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    import requests

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}",
           "--artifacts-destination", str(root / "artifacts"), "--serve-artifacts",
           "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/health", timeout=2).status_code == 200:
                return proc, url
        except requests.RequestException:
            time.sleep(0.25)
    os.killpg(proc.pid, signal.SIGKILL)
    raise SystemExit("mlflow server did not start within 120 s")


def predictions(rows: int, accuracy: float, seed: int) -> str:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, rows)
    pred = np.where(rng.random(rows) < accuracy, truth, 1 - truth)
    return "y_true,y_pred\n" + "\n".join(f"{t},{p}" for t, p in zip(truth, pred, strict=True)) + "\n"


def mlci(*args: str | Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one whole ``mlci`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "mlci", *map(str, args)]
    proc = subprocess.run(cmd, env=env, capture_output=True, timeout=300)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"mlci {' '.join(map(str, args))} exited {proc.returncode}: {proc.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


def median_times(
    repeat: int, commands: list[list[str | Path]], env: dict[str, str]
) -> list[tuple[float, float]]:
    """Median wall and CPU seconds of each command; the commands take turns, so a load
    spike from elsewhere on the machine hits them all alike."""
    for args in commands:
        mlci(*args, env=env)  # warm-up: page cache, .pyc files
    runs: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(repeat):
        for i, args in enumerate(commands):
            runs[i].append(mlci(*args, env=env))
    return [(statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for r in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()

    from mlflow import MlflowClient

    root = Path(tempfile.mkdtemp(prefix="mlci-bench-mlflow-"))
    proc, url = start_server(root)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLCI_", "MLFLOW_", "GITHUB_"))}
    env["MLCI_DATA_ROOTS"] = str(root)  # the projects' files sit beside them, under root
    try:
        client = MlflowClient(tracking_uri=url, registry_uri=url)
        exp = client.create_experiment("bench")
        base_pred, cand_pred = root / "base.csv", root / "cand.csv"
        base_pred.write_text(predictions(args.rows, 0.85, 0), encoding="utf-8")
        cand_pred.write_text(predictions(args.rows, 0.84, 0), encoding="utf-8")

        def run(metrics: dict[str, float], artifact: Path | None = None) -> str:
            run_id = client.create_run(exp).info.run_id
            for key, value in metrics.items():
                client.log_metric(run_id, key, value)
            if artifact is not None:
                staged = root / "stage" / run_id / "predictions.csv"
                staged.parent.mkdir(parents=True)
                shutil.copy(artifact, staged)
                client.log_artifact(run_id, str(staged))
            client.set_terminated(run_id)
            return run_id

        champion = run({"roc_auc": 0.84, "accuracy": 0.85}, base_pred)
        client.create_registered_model("churn")
        version = client.create_model_version("churn", f"runs:/{champion}/model", run_id=champion)
        client.set_registered_model_alias("churn", "champion", version.version)
        candidate = run({"roc_auc": 0.845, "accuracy": 0.84})
        (root / "metrics.json").write_text(json.dumps({"roc_auc": 0.845, "accuracy": 0.84}), encoding="utf-8")

        configs = {}
        for backend, registry in (
            ("file", "{backend: file, path: reg}"),
            ("mlflow", f"{{backend: mlflow, tracking_uri: '{url}'}}"),
        ):
            for kind, gates in (("metrics", GATES), ("paired", PAIRED)):
                folder = root / f"{backend}-{kind}"
                folder.mkdir()
                (folder / "mlci.yml").write_text(
                    f"version: 1\nmodel: {{name: churn}}\n{gates}registry: {registry}\n"
                )
                configs[backend, kind] = folder / "mlci.yml"
        for kind in ("metrics", "paired"):
            reg = [
                "registry",
                "register",
                "-c",
                configs["file", kind],
                "--version",
                "1.0.0",
                "--alias",
                "champion",
            ]
            extra = ["--predictions", base_pred] if kind == "paired" else ["--metrics", root / "metrics.json"]
            cmd = [sys.executable, "-m", "mlci", *map(str, reg + extra)]
            subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=120)

        rows = [
            ("metrics", "file", ["--metrics", root / "metrics.json"], configs["file", "metrics"]),
            ("metrics", "mlflow", ["--metrics", root / "metrics.json"], configs["mlflow", "metrics"]),
            (
                "metrics from runs:/",
                "mlflow",
                ["--metrics", f"runs:/{candidate}"],
                configs["mlflow", "metrics"],
            ),
            (
                f"paired predictions ({args.rows:,} rows)",
                "file",
                ["--predictions", cand_pred],
                configs["file", "paired"],
            ),  # fmt: skip
            (
                f"paired predictions ({args.rows:,} rows)",
                "mlflow",
                ["--predictions", cand_pred],
                configs["mlflow", "paired"],
            ),  # fmt: skip
        ]
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cores: {os.cpu_count()}")
        print(f"{'scenario':<32} {'registry':<8} {'median wall s':>13} {'median CPU s':>13}")
        commands: list[list[str | Path]] = [["gate", "-c", config, *extra] for _, _, extra, config in rows]
        measured = median_times(args.repeat, commands, env)
        times: dict[tuple[str, str], tuple[float, float]] = {}
        for (scenario, backend, _, _), took in zip(rows, measured, strict=True):
            times[scenario, backend] = took
            print(f"{scenario:<32} {backend:<8} {took[0]:>13.3f} {took[1]:>13.3f}")
        pairs = [(s, s) for s in dict.fromkeys(r[0] for r in rows) if (s, "file") in times]
        pairs.append(("metrics from runs:/", "metrics"))
        for scenario, against in pairs:
            wall = times[scenario, "mlflow"][0] - times[against, "file"][0]
            cpu = times[scenario, "mlflow"][1] - times[against, "file"][1]
            print(f"mlflow adds {wall:+.3f} s wall, {cpu:+.3f} s CPU on '{scenario}' (target <= +0.5 s)")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
