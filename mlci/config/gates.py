"""The ``gates:`` and ``registry:`` sections of mlci.yml."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from mlci.config.base import StrictModel

__all__ = ["GateConfig", "RegistryConfig"]


class GateConfig(StrictModel):
    metric: str
    threshold: float | None = None
    max_regression: float | None = Field(default=None, ge=0)
    max_regression_pct: float | None = Field(default=None, ge=0)
    direction: Literal["higher", "lower"] | None = None


class RegistryConfig(StrictModel):
    backend: Literal["file", "git", "mlflow"] = "file"
    path: str = ".mlci/registry"
