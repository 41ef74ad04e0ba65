"""Registering a model version by hand (``mlci registry register``): metrics, lineage, aliases."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlci.app.gate import collect_candidate_metrics
from mlci.config.project import ProjectConfig
from mlci.errors import InputError, UsageError
from mlci.registry import Registry, VersionRecord, build_record, parse_semver
from mlci.registry.mlflow_runs import candidate_metrics_path, run_id_of

__all__ = ["RegisterRequest", "open_project_registry", "read_params", "register_version"]


@dataclass(frozen=True)
class RegisterRequest:
    version: str
    metrics_path: Path | None = None
    predictions_path: Path | None = None
    aliases: tuple[str, ...] = ()
    approved_by: str | None = None
    params_path: Path | None = None
    description: str | None = None
    commit: str | None = None


def open_project_registry(config_path: Path) -> tuple[ProjectConfig, Registry]:
    """mlci.yml and the registry its ``registry:`` section names."""
    from mlci.config import load_project
    from mlci.registry import open_registry

    config = load_project(config_path)
    return config, open_registry(config)


def register_version(
    config: ProjectConfig, registry: Registry, req: RegisterRequest, warn: Callable[[str], None]
) -> VersionRecord:
    try:
        parse_semver(req.version)
    except ValueError as exc:
        raise UsageError(f"--version: {exc}") from None
    metrics, predictions = collect_candidate_metrics(
        config, metrics_path=req.metrics_path, predictions_path=req.predictions_path
    )
    dropped = sorted(k for k, v in metrics.items() if not math.isfinite(v))
    for name in dropped:
        warn(f"metric '{name}' is not a finite number; not registered")
    artifacts = {}
    if predictions is not None:
        artifacts["predictions"] = _relative(predictions, config.root)
    record, warnings = build_record(
        config,
        version=req.version,
        metrics={k: v for k, v in metrics.items() if k not in dropped},
        artifacts=artifacts,
        params=read_params(req.params_path) if req.params_path else None,
        approved_by=req.approved_by or os.environ.get("GITHUB_ACTOR") or None,
        description=req.description,
        commit=req.commit,
        run_id=run_id_of(candidate_metrics_path(config, req.metrics_path)),  # mlflow: the run to register
    )
    for warning in warnings:
        warn(warning)
    return registry.register(record, aliases=req.aliases)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path.resolve())


def read_params(path: Path) -> dict[str, Any]:
    """Training parameters from a JSON or YAML file: an object, or exit 2 naming the file."""
    if path.suffix.lower() in (".yaml", ".yml"):
        from mlci.config.yaml_source import load_yaml

        data = load_yaml(path, what="params file").data
    else:
        from mlci.config.files import read_json

        data = read_json(path, what="params file")
    if not isinstance(data, dict):
        raise InputError("params file must hold an object of parameters", path=path)
    return data
