"""The mlflow registry against a real MLflow server, filled with MLflow's own client."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mlci.errors import EXIT_BAD_INPUT
from mlci.registry import RegistryError, VersionRecord
from mlci.registry.mlflow import MlflowRegistry
from mlci.registry.mlflow_api import MlflowApi

from stubs.mlflow_server import MlflowServer

PREDICTIONS = b"y_true,y_pred\n1,1\n0,0\n1,0\n"


def registry(
    server: MlflowServer, model: str, root: Path = Path("."), alias: str = "champion"
) -> MlflowRegistry:
    return MlflowRegistry(model, MlflowApi.open(server.url, environ={}), root=root, alias=alias)


def record(model: str, version: str, run_id: str, **extra: object) -> VersionRecord:
    return VersionRecord(
        model=model,
        version=version,
        run_id=run_id,
        metrics={"roc_auc": 0.86, "eval.f1": 0.7},
        commit="a" * 40,
        datasets={"train": "sha256:" + "b" * 64},
        params={"depth": 6, "features": ["age", "plan"]},
        approved_by="octocat (PR #7)",
        **extra,  # type: ignore[arg-type]
    )


def test_a_version_registered_by_mlflow_alone_is_a_full_baseline(mlflow_server: MlflowServer) -> None:
    model = mlflow_server.model_name()
    run_id = mlflow_server.log_run(
        {"roc_auc": [0.70, 0.83], "log_loss": 0.4},  # two steps: the latest counts
        params={"lr": "0.1"},
        tags={"mlflow.source.git.commit": "c" * 40},
    )
    mlflow_server.register(model, run_id, alias="champion")
    reg = registry(mlflow_server, model)
    base = reg.baseline()
    assert base is not None
    assert base.version == "1" and base.registry_version == "1" and base.run_id == run_id
    assert base.metrics == {"roc_auc": 0.83, "log_loss": 0.4}
    assert base.params == {"lr": "0.1"} and base.commit == "c" * 40
    assert reg.aliases() == {"champion": "1"}
    assert [r.version for r in reg.list_versions()] == ["1"]
    assert reg.get("1").run_id == run_id


def test_no_alias_yet_is_no_baseline_with_a_hint(mlflow_server: MlflowServer) -> None:
    model = mlflow_server.model_name()
    mlflow_server.register(model, mlflow_server.log_run({"roc_auc": 0.8}))
    reg = registry(mlflow_server, model)
    assert reg.baseline() is None
    assert "none of the 1 versions" in reg.why_no_baseline() and "'champion'" in reg.why_no_baseline()


def test_register_writes_tags_moves_the_alias_and_is_idempotent(
    mlflow_server: MlflowServer, tmp_path: Path
) -> None:
    model = mlflow_server.model_name()
    run_id = mlflow_server.log_run({"roc_auc": 0.86})
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "predictions.csv").write_bytes(PREDICTIONS)
    reg = registry(mlflow_server, model, root=tmp_path)
    wanted = record(model, "1.2.0", run_id, artifacts={"predictions": {"path": "out/predictions.csv"}})
    first = reg.register(wanted, aliases=("champion",))
    again = reg.register(wanted, aliases=("champion",))
    (version,) = mlflow_server.versions(model)  # one MLflow version, whatever the re-runs
    assert version.source == f"runs:/{run_id}/model" and version.run_id == run_id
    assert version.tags["mlci.version"] == "1.2.0" and version.tags["mlci.commit"] == "a" * 40
    assert version.tags["mlci.metric.eval.f1"] == "0.7"
    assert version.tags["mlci.param.features"] == '["age", "plan"]'
    assert version.tags["mlci.approved_by"] == "octocat (PR #7)"
    assert mlflow_server.client.get_model_version_by_alias(model, "champion").version == version.version
    for got in (first, again, reg.baseline(), reg.get("1.2.0"), reg.get(version.version)):
        assert got is not None and got.version == "1.2.0" and got.metrics["eval.f1"] == 0.7
        assert got.params["features"] == ["age", "plan"] and got.datasets == wanted.datasets
    assert reg.aliases() == {"champion": "1.2.0"}
    # The predictions went to the run (mlci/predictions.csv) and come back sha-checked.
    path = reg.artifact("1.2.0", "predictions")
    assert path is not None and path.read_bytes() == PREDICTIONS
    ref = first.artifacts["predictions"]
    assert (
        ref.stored == "mlci/predictions.csv"
        and ref.sha256 == "sha256:" + hashlib.sha256(PREDICTIONS).hexdigest()
    )
    # Someone overwrites the run's copy: the baseline's predictions are no longer trusted.
    tampered = tmp_path / "tampered" / "predictions.csv"
    tampered.parent.mkdir()
    tampered.write_bytes(PREDICTIONS + b"1,1\n")
    mlflow_server.client.log_artifact(run_id, str(tampered), artifact_path="mlci")
    with pytest.raises(RegistryError, match="was modified after it was registered"):
        registry(mlflow_server, model, root=tmp_path).artifact("1.2.0", "predictions")


def test_register_completes_a_half_written_version(mlflow_server: MlflowServer) -> None:
    model = mlflow_server.model_name()
    run_id = mlflow_server.log_run({"roc_auc": 0.86})
    number = mlflow_server.register(model, run_id)
    mlflow_server.client.set_model_version_tag(model, number, "mlci.version", "2.0.0")
    reg = registry(mlflow_server, model)
    reg.register(record(model, "2.0.0", run_id), aliases=("champion",))
    (version,) = mlflow_server.versions(model)
    assert version.tags["mlci.commit"] == "a" * 40 and version.aliases == ["champion"]


def test_one_semver_never_names_two_runs(mlflow_server: MlflowServer) -> None:
    model = mlflow_server.model_name()
    reg = registry(mlflow_server, model)
    reg.register(record(model, "1.0.0", mlflow_server.log_run({"roc_auc": 0.8})))
    other = mlflow_server.log_run({"roc_auc": 0.9})
    with pytest.raises(RegistryError, match="1.0.0 of MLflow model .* is already registered"):
        reg.register(record(model, "1.0.0", other))
    assert len(mlflow_server.versions(model)) == 1


def test_promote_by_semver_or_mlflow_number(mlflow_server: MlflowServer) -> None:
    model = mlflow_server.model_name()
    reg = registry(mlflow_server, model)
    reg.register(record(model, "1.0.0", mlflow_server.log_run({"roc_auc": 0.8})), aliases=("champion",))
    reg.register(record(model, "1.1.0", mlflow_server.log_run({"roc_auc": 0.9})))
    reg.promote("1.1.0")
    assert reg.aliases() == {"champion": "1.1.0"}
    reg.promote("1", alias="fallback")
    assert reg.aliases() == {"champion": "1.1.0", "fallback": "1.0.0"}
    with pytest.raises(RegistryError, match=r"no version 9.9.9 \(known: 1.0.0, 1.1.0\)"):
        reg.promote("9.9.9")


def test_unknown_model_is_bad_input_with_a_suggestion(mlflow_server: MlflowServer) -> None:
    model = mlflow_server.model_name()
    mlflow_server.register(model, mlflow_server.log_run({"roc_auc": 0.8}))
    with pytest.raises(
        RegistryError, match=f"no registered model '{model}x' \\(did you mean '{model}'"
    ) as exc:
        registry(mlflow_server, model + "x").baseline()
    assert exc.value.exit_code == EXIT_BAD_INPUT


def test_an_alias_on_a_version_whose_run_is_gone_is_bad_input(mlflow_server: MlflowServer) -> None:
    model = mlflow_server.model_name()
    mlflow_server.register(model, "0" * 32, alias="champion")  # MLflow accepts any run id
    reg = registry(mlflow_server, model)
    with pytest.raises(RegistryError, match="registered from run 0{32}, which the server does not have"):
        reg.baseline()
    # Listing still works: the version is there, it just has no metrics any more.
    assert [(r.version, r.metrics) for r in reg.list_versions()] == [("1", {})]


def test_a_plain_predictions_artifact_is_the_baselines_predictions(mlflow_server: MlflowServer) -> None:
    model = mlflow_server.model_name()
    run_id = mlflow_server.log_run({"accuracy": 0.66}, artifacts={"predictions.csv": PREDICTIONS})
    mlflow_server.register(model, run_id, alias="champion")
    reg = registry(mlflow_server, model)
    path = reg.artifact("1", "predictions")
    assert path is not None and path.read_bytes() == PREDICTIONS
    none = mlflow_server.log_run({"accuracy": 0.6})
    mlflow_server.register(model, none)
    assert reg.artifact("2", "predictions") is None
