"""A ``VersionRecord`` as MLflow model-version tags, and back.

mlci keeps what MLflow has no field for in ``mlci.*`` tags, one fact per tag so they
read well in MLflow's UI::

    mlci.version       1.2.0                 the semver (MLflow numbers versions 1, 2, 3)
    mlci.commit        <sha>                 mlci.created_at, mlci.approved_by, mlci.mlci_version
    mlci.metric.<m>    0.84                  the metrics the gates compared
    mlci.param.<p>     <JSON>                training parameters
    mlci.dataset.<d>   sha256:<hex>          data fingerprints
    mlci.artifact.<a>  {"path", "sha256"}    files of the version (JSON)

A version registered by MLflow alone has none of them and is still a full record: its
run's metrics and params, its run's ``mlflow.source.git.commit``, and MLflow's number as
its version.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from pydantic import ValidationError

from mlci.registry.errors import RegistryError
from mlci.registry.record import ArtifactRef, VersionRecord
from mlci.registry.semver import is_semver

__all__ = ["PREFIX", "VERSION_TAG", "record_tags", "record_from_mlflow", "run_metric_values", "tag_map"]

PREFIX = "mlci."
VERSION_TAG = "mlci.version"
_SCALARS = ("commit", "created_at", "approved_by", "mlci_version")
_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def tag_map(entries: object) -> dict[str, str]:
    """MLflow's ``[{key, value}]`` list as a dict."""
    if not isinstance(entries, list):
        return {}
    return {
        str(e["key"]): str(e.get("value", ""))
        for e in entries
        if isinstance(e, dict) and isinstance(e.get("key"), str)
    }


def record_tags(record: VersionRecord) -> dict[str, str]:
    """Every ``mlci.*`` tag of a version."""
    tags = {VERSION_TAG: record.version}
    for name in _SCALARS:
        value = getattr(record, name)
        if value:
            tags[PREFIX + name] = str(value)
    tags.update({f"{PREFIX}metric.{k}": repr(float(v)) for k, v in record.metrics.items()})
    tags.update({f"{PREFIX}param.{k}": json.dumps(v, sort_keys=True) for k, v in record.params.items()})
    tags.update({f"{PREFIX}dataset.{k}": v for k, v in record.datasets.items()})
    for name, ref in record.artifacts.items():
        tags[f"{PREFIX}artifact.{name}"] = ref.model_dump_json(exclude_none=True)
    return tags


def run_metric_values(run: dict[str, Any] | None) -> tuple[dict[str, float], dict[str, str]]:
    """A run's latest metric values (MLflow's ``runs/get`` keeps the latest step), and its
    params (strings)."""
    data = run.get("data") if run else None
    if not isinstance(data, dict):
        return {}, {}
    metrics: dict[str, float] = {}
    for entry in data.get("metrics") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            continue
        value = entry.get("value")
        if isinstance(value, str):  # protobuf's JSON writes non-finite doubles as strings
            value = _NON_FINITE.get(value, value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            metrics[entry["key"]] = float(value)
    return metrics, tag_map(data.get("params"))


def record_from_mlflow(model: str, version: dict[str, Any], run: dict[str, Any] | None) -> VersionRecord:
    """The record of one MLflow model version (``model-versions/get``), with its run."""
    number = str(version.get("version", ""))
    tags = tag_map(version.get("tags"))
    where = f"MLflow model '{model}' version {number}"
    semver = tags.get(VERSION_TAG)
    if semver is not None and not is_semver(semver):
        raise RegistryError(f"{where}: tag {VERSION_TAG} = {semver[:40]!r} is not a semantic version")

    run_metrics, run_params = run_metric_values(run)
    metrics = {k: v for k, v in run_metrics.items() if math.isfinite(v)}
    params: dict[str, Any] = dict(run_params)
    datasets: dict[str, str] = {}
    artifacts: dict[str, ArtifactRef] = {}
    for key, value in tags.items():
        kind, _, name = key[len(PREFIX) :].partition(".")
        if not key.startswith(PREFIX) or not name:
            continue
        try:
            if kind == "metric":
                metrics[name] = float(value)  # what mlci gated at registration wins
            elif kind == "param":
                params[name] = json.loads(value)
            elif kind == "dataset":
                datasets[name] = value
            elif kind == "artifact":
                artifacts[name] = ArtifactRef.model_validate_json(value)
        except (ValueError, ValidationError):
            raise RegistryError(f"{where}: tag {key} = {value[:40]!r} is not valid") from None
    run_tags = tag_map((run or {}).get("data", {}).get("tags"))
    try:
        return VersionRecord(
            model=model,
            version=semver or number,
            metrics={k: v for k, v in metrics.items() if math.isfinite(v)},
            created_at=tags.get(PREFIX + "created_at") or _iso(version.get("creation_timestamp")),
            commit=tags.get(PREFIX + "commit") or run_tags.get("mlflow.source.git.commit"),
            datasets=datasets,
            params=params,
            artifacts=artifacts,
            approved_by=tags.get(PREFIX + "approved_by"),
            description=str(version.get("description") or "") or None,
            mlci_version=tags.get(PREFIX + "mlci_version", ""),
            run_id=str(version.get("run_id") or "") or None,
            registry_version=number,
        )
    except ValidationError as exc:
        raise RegistryError(f"{where}: {exc.errors()[0]['msg']}") from None


def _iso(millis: object) -> str:
    if not isinstance(millis, (int, float)):
        try:
            millis = float(str(millis))
        except ValueError:
            return ""
    when = dt.datetime.fromtimestamp(float(millis) / 1000, tz=dt.timezone.utc)
    return when.isoformat(timespec="seconds")
