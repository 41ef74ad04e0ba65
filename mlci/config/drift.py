"""The ``drift:`` section of mlci.yml.

```yaml
drift:
  reference: train            # dataset names under datasets:
  current: current
  fail_on_drift: false        # exit 1 when the dataset drifts
  drift_share: 0.5            # the dataset drifts when this share of columns drift
  include: [age, plan]        # only these columns (default: every shared column)
  exclude: [customer_id]
  columns:                    # per-column overrides
    age: {method: psi, threshold: 0.2}
    zip: {kind: categorical}
```
"""

from __future__ import annotations

from pydantic import Field, model_validator

from mlci.config.base import StrictModel
from mlci.vocab import DriftKind, DriftMethod

__all__ = ["DRIFT_METHODS", "P_VALUE_METHODS", "DriftMethod", "DriftColumnConfig", "DriftConfig"]

DRIFT_METHODS: tuple[str, ...] = (
    "ks",
    "chisquare",
    "z",
    "wasserstein",
    "jensenshannon",
    "psi",
    "kl_div",
    "hellinger",
)
# Their threshold is a significance level (drift when the p-value falls below it).
P_VALUE_METHODS: tuple[str, ...] = ("ks", "chisquare", "z")


class DriftColumnConfig(StrictModel):
    """How one column is tested; anything left out follows the defaults."""

    method: DriftMethod | None = None
    threshold: float | None = Field(default=None, gt=0)
    kind: DriftKind | None = None

    @model_validator(mode="after")
    def _p_value_threshold(self) -> DriftColumnConfig:
        if self.method in P_VALUE_METHODS and self.threshold is not None and self.threshold >= 1:
            raise ValueError(
                f"threshold {self.threshold} is not a significance level: "
                f"{self.method} needs a p-value threshold between 0 and 1, such as 0.05"
            )
        return self


class DriftConfig(StrictModel):
    reference: str
    current: str
    fail_on_drift: bool = False
    drift_share: float = Field(default=0.5, gt=0, le=1)
    include: list[str] | None = None
    exclude: list[str] = Field(default_factory=list)
    columns: dict[str, DriftColumnConfig] = Field(default_factory=dict)
