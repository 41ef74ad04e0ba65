"""The ``mlci.yml`` contract: what ``mlci check`` runs.

Every section is optional: a data-only project has no ``model`` and no ``gates``.
Relative paths are resolved against the directory holding ``mlci.yml`` and must stay
inside its repository (``mlci.config.paths``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator

from mlci.config.base import StrictModel as _Strict
from mlci.config.drift import DriftConfig
from mlci.config.engine import EngineConfig
from mlci.config.gates import GateConfig, RegistryConfig
from mlci.config.monitor import MonitorConfig
from mlci.config.paths import confine
from mlci.config.problems import ConfigProblems, from_validation_error, problem
from mlci.config.release import ReleaseConfig
from mlci.config.yaml_source import YamlDocument, load_yaml
from mlci.errors import ConfigError
from mlci.vocab import Task

__all__ = [
    "ModelConfig",
    "DatasetConfig",
    "DriftConfig",
    "GateConfig",
    "RegistryConfig",
    "ReportConfig",
    "ProjectConfig",
    "load_project",
]


class ModelConfig(_Strict):
    """The candidate model: its metrics and/or per-example predictions (see docs/gates.md)."""

    name: str = Field(min_length=1)
    metrics: str | None = None  # flat or nested JSON of numbers (dvclive style)
    predictions: str | None = None  # CSV/Parquet/JSONL with y_true and y_pred and/or y_score
    # The baseline's predictions on the same evaluation set (enables significance tests);
    # when absent, the ones stored with the registered baseline version are used.
    baseline_predictions: str | None = None
    y_true: str = Field(default="y_true", min_length=1)
    y_pred: str = Field(default="y_pred", min_length=1)
    y_score: str = Field(default="y_score", min_length=1)
    task: Task | None = None  # inferred when absent
    positive_label: str | int | bool | None = None  # binary classification; default 1/True


class DatasetConfig(_Strict):
    path: str
    schema_: str | None = Field(default=None, alias="schema")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ReportConfig(_Strict):
    templates: str | None = None


class ProjectConfig(_Strict):
    version: Literal[1] = 1
    model: ModelConfig | None = None
    datasets: dict[str, DatasetConfig] = Field(default_factory=dict)
    drift: DriftConfig | None = None
    gates: list[GateConfig] = Field(default_factory=list)
    registry: RegistryConfig = Field(default_factory=RegistryConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    release: ReleaseConfig = Field(default_factory=ReleaseConfig)
    monitor: MonitorConfig | None = None
    engine: EngineConfig = Field(default_factory=EngineConfig)

    # Where mlci.yml lives; relative paths inside it are resolved against this.
    root: Path = Field(default=Path("."), exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _no_root_key(cls, data: object) -> object:
        if isinstance(data, dict) and "root" in data:
            raise ValueError("unknown key 'root'")
        return data

    @model_validator(mode="after")
    def _drift_names_exist(self) -> ProjectConfig:
        if self.drift is not None:
            for side in ("reference", "current"):
                name = getattr(self.drift, side)
                if name not in self.datasets:
                    known = ", ".join(self.datasets) or "none defined"
                    raise ValueError(
                        f"drift.{side} names dataset '{name}', which is not under datasets ({known})"
                    )
        return self

    def resolve(self, relative: str | Path) -> Path:
        """A path written in mlci.yml: relative to it, and confined to its repository."""
        path = Path(relative)
        return confine(path if path.is_absolute() else self.root / path, self.root)


def project_from_document(doc: YamlDocument) -> ProjectConfig:
    data = doc.data
    if not isinstance(data, dict):
        raise problem(doc, (), f"expected a mapping, got {type(data).__name__}")
    try:
        config = ProjectConfig.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(doc, exc, ProjectConfig) from None
    if config.monitor is not None:
        # Checked here, not in a model validator, so the error points at the key's line.
        for side in ("reference", "current"):
            name = getattr(config.monitor, side)
            if name not in config.datasets:
                known = ", ".join(config.datasets) or "none defined"
                raise ConfigProblems(
                    [
                        problem(
                            doc,
                            ("monitor", side),
                            f"names dataset '{name}', which is not under datasets ({known})",
                        )
                    ]
                )
    return config.model_copy(update={"root": doc.path.parent})


def load_project(path: str | Path) -> ProjectConfig:
    """Load ``mlci.yml``; every problem is reported at once with file, line and key."""
    doc = load_yaml(path, what="mlci config")
    return project_from_document(doc)


__all__ += ["ConfigError", "ConfigProblems"]
