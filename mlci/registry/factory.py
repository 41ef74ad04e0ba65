"""``open_registry(config)``: the backend mlci.yml's ``registry:`` section names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from mlci.config.project import ProjectConfig
from mlci.errors import ConfigError, DataError
from mlci.registry.base import Registry
from mlci.registry.record import ArtifactRef, VersionRecord

__all__ = ["open_registry", "model_name", "build_record", "current_commit"]


def model_name(config: ProjectConfig) -> str:
    if config.model is None:
        raise ConfigError("mlci.yml has no 'model' section (the registry needs model.name)", key="model")
    return config.model.name


def open_registry(config: ProjectConfig) -> Registry:
    """The registry of ``config.model`` (ConfigError, exit 2, for an unsupported backend)."""
    settings = config.registry
    model = model_name(config)
    if settings.backend == "file":
        from mlci.registry.file import FileRegistry

        return FileRegistry(model, config.resolve(settings.path), root=config.root, alias=settings.alias)
    if settings.backend == "git":
        from mlci.registry.git import GitRegistry

        return GitRegistry(
            model,
            config.root,
            alias=settings.alias,
            remote=settings.remote,
            timeout=settings.timeout,
        )
    if settings.backend == "mlflow":
        from mlci.registry.mlflow import MlflowRegistry
        from mlci.registry.mlflow_api import MlflowApi

        api = MlflowApi.open(settings.tracking_uri)
        return MlflowRegistry(
            model, api, root=config.root, alias=settings.alias, artifact_path=settings.artifact_path
        )
    raise ConfigError(
        f"registry backend '{settings.backend}' is not supported (use file, git or mlflow)",
        key="registry.backend",
    )


def current_commit(root: Path) -> str | None:
    """HEAD of the git repository holding ``root``, or None outside one."""
    from mlci.io.git import commit_of

    return commit_of(root, timeout=30)


def build_record(
    config: ProjectConfig,
    *,
    version: str,
    metrics: dict[str, float],
    artifacts: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
    approved_by: str | None = None,
    description: str | None = None,
    commit: str | None = None,
    run_id: str | None = None,
) -> tuple[VersionRecord, list[str]]:
    """A version record with its lineage filled in, and warnings (datasets not found).

    Datasets are fingerprinted with sha256 (``mlci.io.sha256_file``; a partitioned or
    remote one with ``mlci.io.sha256_data``); artifact paths are kept relative to mlci.yml.
    """
    from mlci.io import sha256_data, sha256_file
    from mlci.io.configured import dataset_location, open_configured, shown_location

    warnings: list[str] = []
    datasets: dict[str, str] = {}
    for name, dataset in config.datasets.items():
        path = dataset_location(config, dataset.path)
        if isinstance(path, Path) and path.is_file():
            datasets[name] = sha256_file(path)
            continue
        try:
            datasets[name] = sha256_data(open_configured(config, dataset.path))
        except DataError as exc:
            shown = shown_location(str(path))
            warnings.append(f"dataset '{name}' not found at {shown}: not fingerprinted ({exc.message})")
    record = VersionRecord(
        model=model_name(config),
        version=version,
        metrics=metrics,
        created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        commit=commit or current_commit(config.root),
        datasets=datasets,
        params=params or {},
        artifacts={
            name: ArtifactRef(path=str(path), sha256=sha256_file(config.resolve(path)))
            for name, path in (artifacts or {}).items()
        },
        approved_by=approved_by,
        description=description,
        run_id=run_id,
    )
    return record, warnings
