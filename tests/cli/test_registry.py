"""``mlci registry list|show|register|promote`` against real files and real git repos."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

CONFIG = """\
version: 1
model: {name: churn, metrics: out/metrics.json}
datasets:
  train: {path: data/train.csv}
  current: {path: data/missing.csv}
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / "out").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "out/metrics.json").write_text(json.dumps({"eval": {"f1": 0.7, "auc": 0.8}}))
    (tmp_path / "data/train.csv").write_text("x\n1\n")
    (tmp_path / "mlci.yml").write_text(CONFIG)
    return tmp_path / "mlci.yml"


def test_register_list_show_promote(mlci, config, tmp_path):
    run = mlci(
        "registry", "register", "-c", config, "--version", "1.0.0", "--alias", "champion",
        "--approved-by", "ada", "--description", "first",
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("registered churn 1.0.0 in ")
    assert "dataset 'current' not found" in run.stderr  # fingerprinted what exists, said so
    (tmp_path / "out/metrics.json").write_text(json.dumps({"eval": {"f1": 0.75, "auc": 0.82}}))
    assert mlci("registry", "register", "-c", config, "--version", "1.1.0").exit_code == 0

    listing = mlci("registry", "list", "-c", config)
    assert listing.exit_code == 0
    lines = listing.stdout.splitlines()
    assert lines[0] == "churn (file registry, 2 versions)"
    assert lines[1].startswith("* 1.0.0") and "[champion]" in lines[1]
    assert lines[2].startswith("  1.1.0")

    shown = json.loads(mlci("registry", "show", "-c", config, "--format", "json").stdout)
    assert shown["version"] == "1.0.0" and shown["approved_by"] == "ada"
    assert shown["metrics"] == {"eval.f1": 0.7, "eval.auc": 0.8}
    assert shown["datasets"]["train"].startswith("sha256:") and "current" not in shown["datasets"]

    assert mlci("registry", "promote", "1.1.0", "-c", config).stdout.strip() == (
        "churn 1.1.0 is now 'champion'"
    )
    text = mlci("registry", "show", "-c", config).stdout
    assert "version:     1.1.0  [champion]" in text and "eval.f1: 0.75" in text
    data = json.loads(mlci("registry", "list", "-c", config, "--format", "json").stdout)
    assert data["baseline"] == "1.1.0" and data["aliases"] == {"champion": "1.1.0"}
    assert [v["version"] for v in data["versions"]] == ["1.0.0", "1.1.0"]


def test_register_from_predictions_keeps_them(mlci, config, tmp_path):
    (tmp_path / "out/pred.csv").write_text("y_true,y_pred,y_score\n1,1,0.9\n0,0,0.2\n1,0,0.4\n0,0,0.1\n")
    run = mlci(
        "registry", "register", "-c", config, "--version", "2.0.0", "--predictions",
        tmp_path / "out/pred.csv", "--alias", "champion",
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    shown = json.loads(mlci("registry", "show", "-c", config, "--format", "json").stdout)
    assert shown["metrics"]["accuracy"] == 0.75 and shown["metrics"]["roc_auc"] == 1.0
    assert shown["metrics"]["eval.f1"] == 0.7  # the metrics file too
    artifact = shown["artifacts"]["predictions"]
    assert artifact["path"] == "out/pred.csv" and artifact["sha256"].startswith("sha256:")
    stored = tmp_path / ".mlci/registry/churn" / artifact["stored"]
    assert stored.read_text() == (tmp_path / "out/pred.csv").read_text()


def test_non_finite_metrics_are_dropped_with_a_warning(mlci, config, tmp_path):
    (tmp_path / "out/metrics.json").write_text('{"auc": 0.8, "loss": NaN}')
    run = mlci("registry", "register", "-c", config, "--version", "1.0.0")
    assert run.exit_code == 0
    assert "metric 'loss' is not a finite number; not registered" in run.stderr
    shown = json.loads(mlci("registry", "show", "1.0.0", "-c", config, "--format", "json").stdout)
    assert shown["metrics"] == {"auc": 0.8}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show",), "no baseline registered; name a version to show"),
        (("show", "3.0.0"), "no version 3.0.0"),
        (("promote", "3.0.0"), "no version 3.0.0"),
        (("register", "--version", "one"), "--version: 'one' is not a semantic version"),
    ],
)
def test_errors_are_one_line_exit_2(mlci, config, args, message):
    run = mlci("registry", args[0], "-c", config, *args[1:])
    assert run.exit_code == 2
    assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_registering_a_version_twice_is_refused(mlci, config):
    assert mlci("registry", "register", "-c", config, "--version", "1.0.0").exit_code == 0
    run = mlci("registry", "register", "-c", config, "--version", "1.0.0")
    assert run.exit_code == 2 and "already registered" in run.stderr


def test_git_backend_from_the_cli(mlci, config, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for key, value in {"NAME": "Ada", "EMAIL": "ada@example.com"}.items():
        monkeypatch.setenv(f"GIT_AUTHOR_{key}", value)
        monkeypatch.setenv(f"GIT_COMMITTER_{key}", value)
    config.write_text(CONFIG + "registry: {backend: git, alias: prod}\n")

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(tmp_path), *args], check=True, capture_output=True, text=True
        ).stdout

    git("init", "-q")
    git("commit", "-q", "--allow-empty", "-m", "one")
    run = mlci("registry", "register", "-c", config, "--version", "1.0.0", "--alias", "prod")
    assert run.exit_code == 0, run.stderr
    assert git("tag", "-l").split() == ["churn#prod#1", "churn@v1.0.0"]
    shown = json.loads(mlci("registry", "show", "-c", config, "--format", "json").stdout)
    assert shown["commit"] == git("rev-parse", "HEAD").strip()
    assert shown["metrics"] == {"eval.f1": 0.7, "eval.auc": 0.8}


def test_a_partitioned_dataset_is_fingerprinted_with_its_partitions(mlci, config, tmp_path):
    from mlci.io.dataset import open_dataset, sha256_data

    (tmp_path / "data/events/day=1").mkdir(parents=True)
    (tmp_path / "data/events/day=1/part-0.csv").write_text("x\n1\n")
    (tmp_path / "data/events/day=2").mkdir()
    (tmp_path / "data/events/day=2/part-0.csv").write_text("x\n2\n")
    config.write_text(CONFIG.replace("data/missing.csv", "data/events/"))
    run = mlci("registry", "register", "-c", config, "--version", "1.0.0")
    assert run.exit_code == 0 and "not fingerprinted" not in run.stderr, run.stderr
    shown = json.loads(mlci("registry", "show", "1.0.0", "-c", config, "--format", "json").stdout)
    assert shown["datasets"]["current"] == sha256_data(open_dataset(tmp_path / "data/events"))
    (tmp_path / "data/events/day=2/part-0.csv").write_text("x\n3\n")
    assert sha256_data(open_dataset(tmp_path / "data/events")) != shown["datasets"]["current"]
