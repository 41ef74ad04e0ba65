"""The pure parts of the mlflow backend: tags <-> records, run URIs, where the candidate comes from."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from mlci.config.project import ProjectConfig
from mlci.errors import ConfigError, MetricsError
from mlci.registry import RegistryError, VersionRecord
from mlci.registry.mlflow_api import credentials, tracking_uri
from mlci.registry.mlflow_records import record_from_mlflow, record_tags, run_metric_values
from mlci.registry.mlflow_runs import candidate_metrics_path, run_id_of


def as_mlflow(tags: dict[str, str], number: str = "4", run_id: str | None = "r1") -> dict[str, object]:
    """A model version as MLflow's REST API answers it."""
    return {
        "name": "churn",
        "version": number,
        "creation_timestamp": 1_700_000_000_000,
        "run_id": run_id,
        "tags": [{"key": k, "value": v} for k, v in tags.items()],
    }


def test_a_record_survives_the_round_trip_through_tags() -> None:
    record = VersionRecord(
        model="churn",
        version="1.2.0-rc.1",
        metrics={"roc_auc": 0.8412345678901234, "eval.f1": 0.5},
        commit="a" * 40,
        datasets={"train": "sha256:" + "b" * 64},
        params={"depth": 6, "lr": 0.1, "cols": ["a", "b"], "nested": {"x": None}},
        artifacts={
            "predictions": {"path": "out/p.csv", "sha256": "sha256:" + "c" * 64, "stored": "mlci/p.csv"}
        },
        approved_by="octocat",
        run_id="r1",
    )
    back = record_from_mlflow("churn", as_mlflow(record_tags(record)), None)
    for field in (
        "version",
        "metrics",
        "commit",
        "datasets",
        "params",
        "artifacts",
        "approved_by",
        "created_at",
    ):
        assert getattr(back, field) == getattr(record, field), field
    assert back.registry_version == "4" and back.run_id == "r1"


def test_a_plain_mlflow_version_takes_its_runs_metrics_params_and_commit() -> None:
    run = {
        "data": {
            "metrics": [
                {"key": "roc_auc", "value": 0.8},
                {"key": "loss", "value": "NaN"},  # protobuf's JSON for a NaN
                {"key": "big", "value": "Infinity"},
            ],
            "params": [{"key": "lr", "value": "0.1"}],
            "tags": [{"key": "mlflow.source.git.commit", "value": "d" * 40}],
        }
    }
    metrics, params = run_metric_values(run)
    assert metrics["roc_auc"] == 0.8 and math.isnan(metrics["loss"]) and metrics["big"] == math.inf
    record = record_from_mlflow("churn", as_mlflow({}, number="7"), run)
    assert record.version == "7" and record.metrics == {"roc_auc": 0.8}  # finite ones only
    assert record.params == {"lr": "0.1"} and record.commit == "d" * 40
    assert record.created_at == "2023-11-14T22:13:20+00:00"
    # A tag mlci wrote at registration wins over the run's value.
    tagged = record_from_mlflow("churn", as_mlflow({"mlci.metric.roc_auc": "0.81"}), run)
    assert tagged.metrics == {"roc_auc": 0.81}


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ({"mlci.version": "one"}, "tag mlci.version = 'one' is not a semantic version"),
        ({"mlci.metric.auc": "high"}, "tag mlci.metric.auc = 'high' is not valid"),
        ({"mlci.param.lr": "{oops"}, "tag mlci.param.lr = '{oops' is not valid"),
    ],
)
def test_a_broken_mlci_tag_is_a_clear_registry_error(tags: dict[str, str], message: str) -> None:
    with pytest.raises(RegistryError, match="MLflow model 'churn' version 4: " + message.replace("{", r"\{")):
        record_from_mlflow("churn", as_mlflow(tags), None)


@pytest.mark.parametrize(
    ("ref", "run_id"),
    [("runs:/abc123", "abc123"), ("runs:/abc123/model", "abc123"), ("runs:abc", "abc"), ("out/m.json", None)],
)
def test_run_uris(ref: str, run_id: str | None) -> None:
    assert run_id_of(ref) == run_id
    assert run_id_of(Path(ref)) == run_id  # what click hands over for --metrics


def test_a_run_uri_without_a_run_is_bad_input() -> None:
    with pytest.raises(MetricsError, match="names no run"):
        run_id_of("runs:/")


def test_where_the_candidate_comes_from(tmp_path: Path) -> None:
    def config(metrics: str | None, backend: str = "mlflow") -> ProjectConfig:
        model = {"name": "churn", **({"metrics": metrics} if metrics else {})}
        return ProjectConfig.model_validate({"model": model, "registry": {"backend": backend}}).model_copy(
            update={"root": tmp_path}
        )

    env = {"MLFLOW_RUN_ID": "fromenv"}
    assert candidate_metrics_path(config(None), Path("runs:/given"), env) == Path("runs:/given")
    assert candidate_metrics_path(config("runs:/conf"), None, env) == Path("runs:/conf")
    assert candidate_metrics_path(config("m.json"), None, env) == tmp_path / "m.json"
    assert candidate_metrics_path(config(None), None, env) == Path("runs:/fromenv")
    # MLFLOW_RUN_ID names the candidate only for projects whose registry is MLflow.
    assert candidate_metrics_path(config(None, backend="file"), None, env) is None


def test_tracking_uri_and_credentials_follow_mlflows_variables() -> None:
    assert tracking_uri(None, {"MLFLOW_TRACKING_URI": "http://h:5000/"}) == "http://h:5000"
    assert tracking_uri("https://mine", {"MLFLOW_TRACKING_URI": "http://h"}) == "https://mine"
    for bad in ({}, {"MLFLOW_TRACKING_URI": "file:///tmp/mlruns"}, {"MLFLOW_TRACKING_URI": "databricks"}):
        with pytest.raises(ConfigError, match="registry.tracking_uri"):
            tracking_uri(None, bad)
    assert credentials({}) == ({}, ())
    assert credentials({"MLFLOW_TRACKING_TOKEN": "t", "MLFLOW_TRACKING_USERNAME": "u"}) == (
        {"Authorization": "Bearer t"},
        ("t",),
    )
    headers, secrets = credentials({"MLFLOW_TRACKING_USERNAME": "u", "MLFLOW_TRACKING_PASSWORD": "p"})
    assert headers == {"Authorization": "Basic dTpw"} and secrets == ("p", "dTpw")
