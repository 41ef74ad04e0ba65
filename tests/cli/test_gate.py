"""``mlci gate`` on real projects: fail real regressions, pass noise with a reason."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


def project(root: Path, config: str, metrics: dict | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if metrics is not None:
        (root / "out").mkdir(exist_ok=True)
        (root / "out/metrics.json").write_text(json.dumps(metrics))
    (root / "mlci.yml").write_text(config)
    return root / "mlci.yml"


def predictions(path: Path, quality: float, seed: int, n: int = 6000) -> Path:
    """A binary classifier's predictions on a fixed evaluation set (labels from seed 0)."""
    y = np.random.default_rng(0).integers(0, 2, n)
    rng = np.random.default_rng(seed)
    score = np.clip(y * quality + rng.random(n) * (1 - quality), 0, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"y_true": y, "y_pred": (score > 0.5).astype(int), "y_score": score}).to_csv(
        path, index=False
    )
    return path


METRICS_CONFIG = """\
version: 1
model: {name: churn, metrics: out/metrics.json}
gates:
  - {metric: roc_auc, threshold: 0.80, max_regression: 0.01}
  - {metric: latency_ms, max_regression_pct: 10}
"""


def test_no_baseline_yet_skips_relative_rules_visibly(mlci, tmp_path):
    config = project(tmp_path, METRICS_CONFIG, {"roc_auc": 0.84, "latency_ms": 12})
    run = mlci("gate", "-c", config, "--format", "json")
    assert run.exit_code == 0, run.stderr
    report = json.loads(run.stdout)
    gates = report["gates"]
    assert report["model"] == {"name": "churn", "baseline_version": None}
    assert [(r["metric"], r["rule"], r["status"]) for r in gates["results"]] == [
        ("roc_auc", "threshold", "passed"),
        ("roc_auc", "max_regression", "skipped"),
        ("latency_ms", "max_regression_pct", "skipped"),
    ]
    assert gates["results"][1]["reason"] == "no baseline registered"
    assert report["validation"] is None and report["drift"] is None
    for key in ("metric", "candidate", "baseline", "delta", "status", "p_value"):
        assert key in gates["results"][0]


def test_a_real_regression_fails_the_build(mlci, tmp_path):
    config = project(tmp_path, METRICS_CONFIG, {"roc_auc": 0.86, "latency_ms": 10})
    reg = mlci("registry", "register", "-c", config, "--version", "1.0.0", "--alias", "champion")
    assert reg.exit_code == 0, reg.stderr
    (tmp_path / "out/metrics.json").write_text(json.dumps({"roc_auc": 0.84, "latency_ms": 10.5}))
    run = mlci("gate", "-c", config)
    assert run.exit_code == 1
    assert "baseline 1.0.0" in run.stdout
    assert "roc_auc is worse than the baseline by 0.02 (allowed 0.01)" in run.stdout
    md = mlci("gate", "-c", config, "--format", "md")
    assert "| metric | baseline | candidate | Δ | rule | result |" in md.stdout
    assert "| <code>roc&#95;auc</code> | 0.86 | 0.84 | −0.02 | Δ ≥ −0.01 | ❌ failed |" in md.stdout
    assert "Δ ≤ +10% of baseline | ✅ passed |" in md.stdout


def test_the_float_boundary_passes(mlci, tmp_path):
    config = project(tmp_path, METRICS_CONFIG, {"roc_auc": 0.83, "latency_ms": 10})
    mlci("registry", "register", "-c", config, "--version", "1.0.0", "--alias", "champion")
    (tmp_path / "out/metrics.json").write_text(json.dumps({"roc_auc": 0.82, "latency_ms": 11}))
    assert mlci("gate", "-c", config).exit_code == 0


SIGNIFICANCE_CONFIG = """\
version: 1
model: {name: churn, predictions: out/candidate.csv}
gates:
  - {metric: roc_auc, max_regression: 0.002, alpha: 0.05, resamples: 1000}
  - {metric: accuracy, alpha: 0.05, resamples: 1000}
"""


def _register_baseline(mlci, config: Path, root: Path) -> None:
    base = predictions(root / "registered/baseline.csv", 0.30, seed=1)
    run = mlci(
        "registry", "register", "-c", config, "--version", "1.0.0",
        "--predictions", base, "--alias", "champion",
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr


def test_noise_passes_with_an_explanation(mlci, tmp_path):
    config = project(tmp_path, SIGNIFICANCE_CONFIG)
    _register_baseline(mlci, config, tmp_path)
    predictions(tmp_path / "out/candidate.csv", 0.30, seed=3)  # as good, different noise
    run = mlci("gate", "-c", config, "--format", "json")
    assert run.exit_code == 0, run.stdout
    results = json.loads(run.stdout)["gates"]["results"]
    worse = [r for r in results if r["delta"] < 0]
    assert worse, results  # this seed makes the candidate slightly worse on both metrics
    for r in worse:
        assert r["status"] == "passed" and r["code"] == "regression_not_significant"
        assert r["p_value"] > 0.05 and "not significant" in r["reason"]
        assert r["ci_low"] < 0 < r["ci_high"] and r["ci_level"] == pytest.approx(0.9)
        assert r["examples"] == 6000 and r["resamples"] == 1000
    accuracy = next(r for r in results if r["metric"] == "accuracy")
    assert accuracy["mcnemar_p_value"] is not None and "McNemar" in accuracy["note"]


def test_a_significant_regression_fails(mlci, tmp_path):
    config = project(tmp_path, SIGNIFICANCE_CONFIG)
    _register_baseline(mlci, config, tmp_path)
    predictions(tmp_path / "out/candidate.csv", 0.22, seed=4)
    run = mlci("gate", "-c", config, "--format", "md")
    assert run.exit_code == 1
    assert "significant" in run.stdout and "90% CI" in run.stdout
    data = json.loads(mlci("gate", "-c", config, "--format", "json").stdout)
    assert all(r["significant"] and r["status"] == "failed" for r in data["gates"]["results"])


def test_explicit_baseline_predictions_must_pair(mlci, tmp_path):
    config = project(tmp_path, SIGNIFICANCE_CONFIG)
    _register_baseline(mlci, config, tmp_path)
    predictions(tmp_path / "out/candidate.csv", 0.3, seed=3)
    other = predictions(tmp_path / "other.csv", 0.3, seed=5, n=100)
    run = mlci("gate", "-c", config, "--baseline-predictions", other)
    assert run.exit_code == 2
    assert "do not pair" in run.stderr and "other.csv" in run.stderr


def test_unknown_metric_is_a_config_error_listing_known_ones(mlci, tmp_path):
    config = project(
        tmp_path,
        "version: 1\nmodel: {name: churn, metrics: out/metrics.json}\ngates:\n"
        "  - {metric: roc_auc, threshold: 0.5}\n  - {metric: rocauc, threshold: 0.5}\n",
        {"roc_auc": 0.9, "eval": {"f1": 0.7}},
    )
    run = mlci("gate", "-c", config)
    assert run.exit_code == 2
    (line,) = run.stderr.strip().splitlines()
    assert f"{config}:5:" in line and "gates[1].metric" in line
    assert "unknown metric 'rocauc' (did you mean 'roc_auc'?)" in line
    assert "known metrics:" in line and "eval.f1" in line and "rmse" in line


@pytest.mark.parametrize(
    ("metrics", "code"),
    [({"other": 1.0}, "missing_candidate"), ({"roc_auc": None}, "nan_candidate")],
)
def test_missing_or_nan_candidate_fails(mlci, tmp_path, metrics, code):
    config = project(
        tmp_path,
        METRICS_CONFIG.replace("  - {metric: latency_ms, max_regression_pct: 10}\n", ""),
        {"roc_auc": 0.9},
    )
    mlci("registry", "register", "-c", config, "--version", "1.0.0", "--alias", "champion")
    (tmp_path / "out/metrics.json").write_text(json.dumps(metrics))
    run = mlci("gate", "-c", config, "--format", "json")
    assert run.exit_code == 1
    results = json.loads(run.stdout)["gates"]["results"]
    assert {r["code"] for r in results} == {code}


@pytest.mark.parametrize("text", ["Infinity", "-Infinity", "1e309", "9" * 5000])
def test_a_non_finite_candidate_fails_its_gates(mlci, tmp_path, text):
    config = project(tmp_path, METRICS_CONFIG, {"roc_auc": 0.9, "latency_ms": 10})
    mlci("registry", "register", "-c", config, "--version", "1.0.0", "--alias", "champion")
    (tmp_path / "out/metrics.json").write_text(f'{{"roc_auc": {text}, "latency_ms": {text}}}')
    run = mlci("gate", "-c", config, "--format", "json")
    assert run.exit_code == 1, run.stderr
    results = json.loads(run.stdout)["gates"]["results"]
    assert [(r["status"], r["code"]) for r in results] == [("failed", "infinite_candidate")] * 3
    assert all("not a finite number" in r["reason"] for r in results)
    md = mlci("gate", "-c", config, "--format", "md")
    assert md.exit_code == 1 and "not a finite number" in md.stdout


def test_bad_metrics_file_is_one_line_exit_2(mlci_process, tmp_path):
    config = project(tmp_path, METRICS_CONFIG, {})
    (tmp_path / "out/metrics.json").write_text('{"roc_auc": 0.9,}')
    run = mlci_process("gate", "-c", config)
    assert run.exit_code == 2
    where = tmp_path / "out/metrics.json"
    assert run.stderr.startswith(f"error: {where}:1:17: invalid JSON: Expecting property name")
    assert len(run.stderr.strip().splitlines()) == 1


def test_git_backend_baseline_and_version_choice(mlci, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key, value in {"NAME": "Ada", "EMAIL": "ada@example.com"}.items():
        monkeypatch.setenv(f"GIT_AUTHOR_{key}", value)
        monkeypatch.setenv(f"GIT_COMMITTER_{key}", value)
    config = project(
        tmp_path,
        METRICS_CONFIG + "registry: {backend: git}\n",
        {"roc_auc": 0.90, "latency_ms": 10},
    )

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    git("commit", "-q", "--allow-empty", "-m", "one")
    assert mlci("registry", "register", "-c", config, "--version", "1.0.0").exit_code == 0
    git("commit", "-q", "--allow-empty", "-m", "two")
    (tmp_path / "out/metrics.json").write_text(json.dumps({"roc_auc": 0.85, "latency_ms": 10}))
    assert mlci("registry", "register", "-c", config, "--version", "1.1.0").exit_code == 0
    (tmp_path / "out/metrics.json").write_text(json.dumps({"roc_auc": 0.86, "latency_ms": 10}))
    # Highest release is the baseline: 0.86 vs 0.85 passes.
    run = mlci("gate", "-c", config, "--format", "json")
    assert run.exit_code == 0, run.stdout
    assert json.loads(run.stdout)["model"]["baseline_version"] == "1.1.0"
    # Against 1.0.0 (0.90) it is a regression; promoting 1.0.0 makes that the default.
    assert mlci("gate", "-c", config, "--baseline", "1.0.0").exit_code == 1
    assert mlci("registry", "promote", "1.0.0", "-c", config).exit_code == 0
    run = mlci("gate", "-c", config, env={"MLCI_FORMAT": "json"})
    assert run.exit_code == 1
    assert json.loads(run.stdout)["gates"]["baseline_source"] == "git registry: churn 1.0.0"


def test_mlflow_backend_needs_a_tracking_server(mlci, tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    config = project(tmp_path, METRICS_CONFIG + "registry: {backend: mlflow}\n", {"roc_auc": 0.9})
    run = mlci("gate", env={"MLCI_CONFIG": str(config)})
    assert run.exit_code == 2
    assert "registry.tracking_uri: no MLflow tracking server" in run.stderr


def test_no_model_section(mlci, tmp_path):
    config = project(tmp_path, "version: 1\ngates:\n  - {metric: f1, threshold: 0.5}\n")
    run = mlci("gate", "-c", config)
    assert run.exit_code == 2 and "no 'model' section" in run.stderr


def test_markdown_escapes_metric_names(mlci, tmp_path):
    name = "a|b <img src=x> @team"
    config = project(
        tmp_path,
        "version: 1\nmodel: {name: churn, metrics: out/metrics.json}\ngates:\n"
        f"  - {{metric: {json.dumps(name)}, threshold: 2}}\n",
        {name: 1.0},
    )
    run = mlci("gate", "-c", config, "--format", "md", "-o", tmp_path / "gates.md")
    assert run.exit_code == 1
    text = (tmp_path / "gates.md").read_text()
    assert "a&#124;b &lt;img src=x&gt; &#64;&#8203;team" in text  # a zero-width space stops the mention
    assert "<img" not in text and "@team" not in text


def _labels(path: Path, y: np.ndarray, correct: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"y_true": y, "y_pred": np.where(correct, y, 1 - y)}).to_csv(path, index=False)
    return path


def test_a_real_drop_within_noise_of_the_tolerance_is_not_called_noise(mlci, tmp_path):
    # The candidate is wrong on 200 examples the baseline gets right, and right on none it
    # gets wrong: a drop of exactly 0.02, real (the interval is wholly below zero), but not
    # shown to exceed the 0.019 tolerance.
    n = 10_000
    y = np.random.default_rng(0).integers(0, 2, n)
    base_ok = np.arange(n) % 5 != 0  # 80% right
    cand_ok = base_ok & ~((np.arange(n) % 5 == 1) & (np.arange(n) < 1000))
    config = project(
        tmp_path,
        "version: 1\nmodel: {name: churn, predictions: out/candidate.csv}\n"
        "gates:\n  - {metric: accuracy, max_regression: 0.019, alpha: 0.05, resamples: 2000}\n",
    )
    base = _labels(tmp_path / "registered/baseline.csv", y, base_ok)
    mlci(
        "registry",
        "register",
        "-c",
        config,
        "--version",
        "1.0.0",
        "--predictions",
        base,
        "--alias",
        "champion",
    )
    _labels(tmp_path / "out/candidate.csv", y, cand_ok)
    run = mlci("gate", "-c", config, "--format", "json")
    assert run.exit_code == 0, run.stderr
    (r,) = json.loads(run.stdout)["gates"]["results"]
    assert r["delta"] == pytest.approx(-0.02) and r["ci_high"] < 0
    assert (r["status"], r["code"], r["significant"]) == ("passed", "regression_not_significant", False)
    assert "a real drop" in r["reason"] and "not shown to exceed the tolerance" in r["reason"]
    assert "noise" not in r["reason"]
    # McNemar answers "do the accuracies differ at all?", and says so.
    assert "two-sided, H0: equal accuracy" in r["note"] and "candidate is less accurate" in r["note"]
    md = mlci("gate", "-c", config, "--format", "md").stdout
    assert "regression p = " in md and "a real drop" in md
