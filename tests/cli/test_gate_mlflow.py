"""``mlci gate`` against a real MLflow server: the champion version is the baseline, the
candidate is a run (``runs:/<run_id>``); bad input is exit 2, a failing server exit 3."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest

from stubs.mlflow_server import MlflowServer, free_port
from stubs.mlflow_standin import stand_in

GATE = "gates:\n  - {metric: roc_auc, threshold: 0.8, max_regression: 0.01}\n"
FAST = {"MLCI_HTTP_MAX_WAIT": "2", "MLCI_HTTP_BACKOFF": "0.05", "MLCI_HTTP_TIMEOUT": "2"}


@pytest.fixture(autouse=True)
def _no_mlflow_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN", "MLFLOW_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_USERNAME", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_PASSWORD", raising=False)


def project(root: Path, url: str, model: str, *, metrics: str | None = None, gates: str = GATE) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    model_line = f"model: {{name: {model}" + (f", metrics: '{metrics}'" if metrics else "") + "}\n"
    config = root / "mlci.yml"
    config.write_text(
        f"version: 1\n{model_line}{gates}registry: {{backend: mlflow, tracking_uri: '{url}'}}\n",
        encoding="utf-8",
    )
    return config


def champion(server: MlflowServer, metrics: dict[str, Any], **run: Any) -> str:
    """A new model whose version 1, registered by MLflow alone, carries the alias champion."""
    model = server.model_name()
    server.register(model, server.log_run(metrics, **run), alias="champion")
    return model


def report(stdout: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(stdout)
    return data


def test_a_candidate_run_passes_against_the_champion(mlci, mlflow_server, tmp_path) -> None:
    model = champion(mlflow_server, {"roc_auc": 0.84})
    candidate = mlflow_server.log_run({"roc_auc": [0.80, 0.85]})
    config = project(tmp_path, mlflow_server.url, model)
    run = mlci("gate", "-c", config, "--metrics", f"runs:/{candidate}", "--format", "json")
    assert run.exit_code == 0, run.stderr
    out = report(run.stdout)
    assert out["model"] == {"name": model, "baseline_version": "1", "candidate_run": candidate}
    (threshold, regression) = out["gates"]["results"]
    assert regression["candidate"] == 0.85 and regression["baseline"] == 0.84  # the latest step
    assert out["gates"]["registry"] == "mlflow"
    assert out["gates"]["baseline_source"] == f"mlflow registry: {model} 1"
    md = mlci("gate", "-c", config, "--metrics", f"runs:/{candidate}", "--format", "md").stdout
    assert (
        f"Candidate (MLflow run <code>{candidate}</code>) vs baseline **v1** from the mlflow registry" in md
    )


def test_a_regression_against_the_champion_fails(mlci, mlflow_server, tmp_path) -> None:
    model = champion(mlflow_server, {"roc_auc": 0.84})
    candidate = mlflow_server.log_run({"roc_auc": 0.81})
    config = project(tmp_path, mlflow_server.url, model, metrics=f"runs:/{candidate}")
    run = mlci("gate", "-c", config, "--format", "json")
    assert run.exit_code == 1
    failed = [g for g in report(run.stdout)["gates"]["results"] if g["status"] == "failed"]
    assert [g["rule"] for g in failed] == ["max_regression"]
    assert "worse than the baseline by 0.03" in failed[0]["reason"]


def test_no_champion_yet_skips_the_relative_rule(mlci, mlflow_server, tmp_path) -> None:
    model = mlflow_server.model_name()
    mlflow_server.register(model, mlflow_server.log_run({"roc_auc": 0.84}))  # no alias
    candidate = mlflow_server.log_run({"roc_auc": 0.81})
    config = project(tmp_path, mlflow_server.url, model)
    run = mlci("gate", "-c", config, "--format", "json", env={"MLFLOW_RUN_ID": candidate})
    assert run.exit_code == 0, run.stderr
    out = report(run.stdout)
    assert out["model"]["candidate_run"] == candidate and out["model"]["baseline_version"] is None
    statuses = {g["rule"]: (g["status"], g["reason"]) for g in out["gates"]["results"]}
    assert statuses["threshold"][0] == "passed"
    status, reason = statuses["max_regression"]
    assert status == "skipped" and "carries the alias 'champion'" in reason


def test_the_champions_predictions_artifact_enables_the_paired_test(mlci, mlflow_server, tmp_path) -> None:
    rows = 200
    truth = [i % 2 for i in range(rows)]
    base = [t if i % 10 else 1 - t for i, t in enumerate(truth)]  # 90% right
    cand = [t if i % 5 else 1 - t for i, t in enumerate(truth)]  # 80% right
    csv = "y_true,y_pred\n" + "".join(f"{t},{p}\n" for t, p in zip(truth, base, strict=True))
    model = champion(mlflow_server, {"accuracy": 0.9}, artifacts={"predictions.csv": csv.encode()})
    (tmp_path / "pred.csv").write_text(
        "y_true,y_pred\n" + "".join(f"{t},{p}\n" for t, p in zip(truth, cand, strict=True)), encoding="utf-8"
    )
    gates = "gates:\n  - {metric: accuracy, max_regression: 0.01, alpha: 0.05}\n"
    config = project(tmp_path, mlflow_server.url, model, gates=gates)
    run = mlci("gate", "-c", config, "--predictions", tmp_path / "pred.csv", "--format", "json")
    assert run.exit_code == 1, run.stderr
    (gate,) = report(run.stdout)["gates"]["results"]
    assert gate["baseline"] == pytest.approx(0.9) and gate["candidate"] == pytest.approx(0.8)
    assert gate["p_value"] is not None and gate["significant"] is True
    assert "predictions" in report(run.stdout)["gates"]["baseline_source"]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown_run", "runs:/0123456789abcdef0123456789abcdef: MLflow at"),
        ("no_metric", "key: the run has no metric 'roc_auc' (its metrics: accuracy)"),
        ("param", "roc_auc: metric is not a number (got the run's param '0.9'"),
        ("unknown_model", "model.name: MLflow at"),
    ],
)
def test_bad_input_is_one_line_exit_2(mlci, mlflow_server, tmp_path, case: str, expected: str) -> None:
    model = champion(mlflow_server, {"roc_auc": 0.84})
    if case == "unknown_run":
        candidate = "0123456789abcdef0123456789abcdef"
    elif case == "param":
        candidate = mlflow_server.log_run({"accuracy": 0.7}, params={"roc_auc": "0.9"})
    else:
        candidate = mlflow_server.log_run({"accuracy": 0.7, "roc_auc": 0.9})
    if case == "no_metric":
        candidate = mlflow_server.log_run({"accuracy": 0.7})
    name = model + "-typo" if case == "unknown_model" else model
    config = project(tmp_path, mlflow_server.url, name)
    run = mlci("gate", "-c", config, "--metrics", f"runs:/{candidate}")
    assert run.exit_code == 2, run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr
    assert expected.replace("key: ", "") in lines[0]
    if case == "unknown_model":
        assert f"no registered model '{name}' (did you mean '{model}'?)" in lines[0]


def _gate_against(mlci, tmp_path: Path, url: str) -> tuple[Any, float]:
    config = project(tmp_path, url, "churn")
    (tmp_path / "metrics.json").write_text('{"roc_auc": 0.9}', encoding="utf-8")
    started = time.monotonic()
    run = mlci("gate", "-c", config, "--metrics", tmp_path / "metrics.json", env=FAST)
    return run, time.monotonic() - started


@pytest.mark.parametrize("status", [200, 404])
def test_a_server_answering_html_is_exit_3(mlci, tmp_path, status: int) -> None:
    page = b"<html><body>Please sign in</body></html>"
    with stand_in(lambda *_: (status, "text/html; charset=utf-8", page)) as server:
        run, _ = _gate_against(mlci, tmp_path, server.url)
    assert run.exit_code == 3  # a 404 page is not MLflow saying "no such model" (exit 2)
    (line,) = run.stderr.strip().splitlines()
    assert "not MLflow's JSON" in line and f"is {server.url} an MLflow tracking server?" in line


def test_a_server_failing_with_5xx_is_exit_3_in_bounded_time(mlci, tmp_path) -> None:
    with stand_in(lambda *_: (503, "text/plain", b"upstream overloaded")) as server:
        run, took = _gate_against(mlci, tmp_path, server.url)
    assert run.exit_code == 3 and took < 10
    (line,) = run.stderr.strip().splitlines()
    assert "MLflow GET /api/2.0/mlflow/registered-models/get: 503" in line and "gave up after" in line
    assert len(server.seen) > 1  # it retried


def test_a_server_that_is_down_is_exit_3_in_bounded_time(mlci, tmp_path) -> None:
    run, took = _gate_against(mlci, tmp_path, f"http://127.0.0.1:{free_port()}")
    assert run.exit_code == 3 and took < 10
    (line,) = run.stderr.strip().splitlines()
    assert "connection failed" in line and "gave up after" in line


@pytest.mark.parametrize("scheme", ["bearer", "basic"])
def test_credentials_are_sent_and_never_printed(mlci, tmp_path, scheme: str) -> None:
    secret = "s3cr3t-" + "x" * 24

    def refuse(method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        # A server that echoes what it got, as some proxies and auth plugins do.
        echoed = {"error_code": "PERMISSION_DENIED", "message": f"denied: {headers.get('authorization')}"}
        return 403, "application/json", json.dumps(echoed).encode()

    if scheme == "bearer":
        env = {"MLFLOW_TRACKING_TOKEN": secret}
        sent = f"Bearer {secret}"
    else:
        env = {"MLFLOW_TRACKING_USERNAME": "ci", "MLFLOW_TRACKING_PASSWORD": secret}
        sent = "Basic " + base64.b64encode(f"ci:{secret}".encode()).decode()
    with stand_in(refuse) as server:
        config = project(tmp_path, server.url, "churn", metrics="runs:/abc123")
        run = mlci("gate", "-c", config, env={**FAST, **env})
    assert server.seen and all(h.get("authorization") == sent for _, _, h in server.seen)
    assert run.exit_code == 3
    (line,) = run.stderr.strip().splitlines()
    assert "403 denied: " in line and "check MLFLOW_TRACKING_TOKEN" in line
    assert secret not in run.stdout + run.stderr and sent.split()[1] not in run.stderr


def test_a_nan_metric_in_the_run_fails_its_gate_visibly(mlci, mlflow_server, tmp_path) -> None:
    model = champion(mlflow_server, {"roc_auc": 0.84})
    candidate = mlflow_server.log_run({"roc_auc": float("nan")})
    config = project(tmp_path, mlflow_server.url, model)
    run = mlci("gate", "-c", config, "--metrics", f"runs:/{candidate}", "--format", "json")
    assert run.exit_code == 1, run.stderr
    reasons = {g["reason"] for g in report(run.stdout)["gates"]["results"]}
    assert reasons == {"the candidate's roc_auc is NaN"}


def test_a_champion_whose_run_is_gone_is_exit_2(mlci, mlflow_server, tmp_path) -> None:
    model = mlflow_server.model_name()
    mlflow_server.register(model, "f" * 32, alias="champion")  # MLflow accepts a run it does not have
    candidate = mlflow_server.log_run({"roc_auc": 0.85})
    config = project(tmp_path, mlflow_server.url, model)
    run = mlci("gate", "-c", config, "--metrics", f"runs:/{candidate}")
    assert run.exit_code == 2
    (line,) = run.stderr.strip().splitlines()
    assert f"MLflow model '{model}' version 1 ('champion') was registered from run {'f' * 32}" in line
