"""The ``gates:`` and ``registry:`` sections of mlci.yml.

A gate names a metric and one or more rules::

    gates:
      - {metric: roc_auc, threshold: 0.80, max_regression: 0.01, alpha: 0.05}
      - {metric: latency_ms, direction: lower, max_regression_pct: 10}
      - {metric: accuracy, alpha: 0.05}      # no rule: "no significant regression"

``threshold`` is an absolute bound; ``max_regression`` (absolute) and
``max_regression_pct`` (percent of the baseline) bound the worsening against the
registered baseline. ``alpha`` asks for a paired significance test when per-example
predictions of the candidate and the baseline are available.
"""

from __future__ import annotations

import math

from pydantic import Field, model_validator

from mlci.config.base import StrictModel
from mlci.vocab import RULE_KINDS, Direction, RegistryBackend, RuleKind

__all__ = ["GateConfig", "RegistryConfig", "RuleKind", "GateRule"]


class GateRule(StrictModel):
    """One rule of a gate, as the checks see it."""

    kind: RuleKind
    limit: float
    implicit: bool = False  # a gate without rules means "no regression" (max_regression: 0)


class GateConfig(StrictModel):
    metric: str = Field(min_length=1)
    threshold: float | None = None
    max_regression: float | None = Field(default=None, ge=0)
    max_regression_pct: float | None = Field(default=None, ge=0)
    # Default by metric name: loss, error, rmse, mae, mape, latency, brier are lower-is-better.
    direction: Direction | None = None
    # Significance level of the paired test on relative rules (needs both sides' predictions).
    alpha: float | None = Field(default=None, gt=0, lt=0.5)
    resamples: int = Field(default=2000, ge=1000, le=1_000_000)
    seed: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _finite(self) -> GateConfig:
        for name in ("threshold", "max_regression", "max_regression_pct"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number")
        if self.alpha is not None and self.alpha * (self.resamples + 1) < 1:
            # The interval's ends are the floor(alpha * (resamples + 1))-th smallest and
            # largest resamples: with fewer, no result could ever be significant.
            needed = math.ceil(1 / self.alpha) - 1
            raise ValueError(f"alpha {self.alpha:g} needs at least {needed} resamples (got {self.resamples})")
        return self

    def rules(self) -> list[GateRule]:
        """The rules in a fixed order; none configured means max_regression: 0."""
        rules = [
            GateRule(kind=kind, limit=float(getattr(self, kind)))
            for kind in RULE_KINDS
            if getattr(self, kind) is not None
        ]
        return rules or [GateRule(kind="max_regression", limit=0.0, implicit=True)]


class RegistryConfig(StrictModel):
    backend: RegistryBackend = "file"
    # file backend: where the JSON records live (relative to mlci.yml).
    path: str = ".mlci/registry"
    # The alias (file, mlflow) or GTO stage (git) that marks the baseline.
    alias: str = Field(default="champion", pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
    # git backend: push new tags to this remote (none: tags stay local until you push them).
    remote: str | None = None
    # git backend: timeout of every git command, seconds.
    timeout: float = Field(default=60, gt=0)
    # mlflow backend: the tracking server (default $MLFLOW_TRACKING_URI) and the run
    # artifact `mlci release` registers as the new version (runs:/<run_id>/<artifact_path>).
    tracking_uri: str | None = Field(default=None, min_length=1)
    artifact_path: str = Field(default="model", min_length=1)
