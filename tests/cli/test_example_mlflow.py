"""examples/mlflow end to end against a real MLflow server: train.py logs the champion and a
candidate run as an MLflow user would; mlci gates the candidate and releases it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from stubs.mlflow_server import MlflowServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def train(folder: Path, server: MlflowServer, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "MLCI_", "GITHUB_"))}
    proc = subprocess.run(
        [sys.executable, str(folder / "train.py"), *args],
        env={**env, "MLFLOW_TRACKING_URI": server.url},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return proc.stdout.strip().splitlines()[-1]  # the run id


def test_the_mlflow_example_gates_and_releases_a_run(mlci, mlflow_server, tmp_path, monkeypatch) -> None:
    for name in [k for k in os.environ if k.startswith(("MLFLOW_", "GITHUB_"))]:
        monkeypatch.delenv(name)
    shutil.copytree(EXAMPLES / "churn", tmp_path / "churn", ignore=shutil.ignore_patterns("out", ".mlci"))
    shutil.copytree(EXAMPLES / "mlflow", tmp_path / "mlflow", ignore=shutil.ignore_patterns("out"))
    example = tmp_path / "mlflow"
    # A repository, as in real life: mlci.yml may point at ../churn/data inside it.
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, check=True, timeout=30)
    for key, value in (("user.name", "Test"), ("user.email", "test@example.com")):
        subprocess.run(["git", "config", key, value], cwd=tmp_path, check=True, timeout=30)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True, timeout=30)
    subprocess.run(["git", "commit", "-q", "-m", "candidate"], cwd=tmp_path, check=True, timeout=30)
    train(example, mlflow_server, "--features", "basic", "--register-champion")
    candidate = train(example, mlflow_server, "--features", "full")

    env = {"MLFLOW_TRACKING_URI": mlflow_server.url, "MLFLOW_RUN_ID": candidate}
    report = tmp_path / "mlci-report.json"
    run = mlci("check", "-c", example / "mlci.yml", "-o", report, env=env)
    assert run.exit_code == 0, run.stdout + run.stderr
    data = json.loads(report.read_text())
    assert data["model"] == {"name": "churn-mlflow", "baseline_version": "1", "candidate_run": candidate}
    gates = {g["metric"]: g for g in data["gates"]["results"]}
    # The champion's predictions.csv artifact pairs with the candidate's: the tests ran.
    assert gates["accuracy"]["p_value"] is not None and gates["roc_auc"]["ci_low"] is not None
    assert gates["roc_auc"]["candidate"] > gates["roc_auc"]["baseline"]

    released = mlci("release", report, "--local", env=env)
    assert released.exit_code == 0, released.stderr
    assert released.stdout == "1.0.0\n"
    champion = mlflow_server.client.get_model_version_by_alias("churn-mlflow", "champion")
    assert champion.run_id == candidate and champion.tags["mlci.version"] == "1.0.0"
