"""The ``monitor:`` section of mlci.yml: what a scheduled ``mlci monitor`` run does.

```yaml
monitor:
  reference: train                 # dataset keys from datasets:
  current: production              # e.g. a sample exported from serving logs
  pushgateway: http://pushgateway:9091   # optional; default $MLCI_PUSHGATEWAY
  job: mlci                        # the Pushgateway job label
  fail_on_drift: false             # exit 1 when the dataset drifts
  on_drift:
    issue: true                    # one sticky issue per model, updated in place
    dispatch: {workflow: retrain.yml, ref: main}   # workflow_dispatch on GitHub
    cooldown: 24h                  # no second dispatch within this window
```

Drift settings (``drift_share``, ``include``, ``exclude``, per-column ``columns``) come
from the ``drift:`` section when there is one, so the PR check and the monitor agree.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, Field, model_validator

from mlci.config.base import StrictModel

__all__ = ["DispatchConfig", "MonitorConfig", "OnDriftConfig", "parse_duration"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")


def parse_duration(value: object) -> float:
    """``24h``, ``90m``, ``1h30m``, ``2d``, ``0`` or a number of seconds -> seconds."""
    if isinstance(value, bool):
        raise ValueError("not a duration: use a number and a unit (s, m, h, d, w), e.g. 24h, 90m, 1h30m")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("a duration must not be negative")
        return float(value)
    text = str(value).strip().lower()
    if text in ("0", "none", "off"):
        return 0.0
    if not text or _DURATION_RE.sub("", text).strip():
        raise ValueError("not a duration: use a number and a unit (s, m, h, d, w), e.g. 24h, 90m, 1h30m")
    return float(sum(float(n) * _UNITS[unit] for n, unit in _DURATION_RE.findall(text)))


Duration = Annotated[float, BeforeValidator(parse_duration)]


class DispatchConfig(StrictModel):
    workflow: str = Field(min_length=1)  # the workflow's file name (retrain.yml) or its id
    ref: str | None = None  # default: the branch the monitor runs on (GITHUB_REF_NAME)
    # None: {model, drifted_share}. {}: none (GitHub answers 422 to undeclared inputs).
    # Values may name {model}, {drifted_share}, {dataset}, {issue_url}, {run_url}.
    inputs: dict[str, str] | None = None

    @model_validator(mode="after")
    def _workflow_is_a_file(self) -> DispatchConfig:
        if "/" in self.workflow and not self.workflow.startswith(".github/workflows/"):
            raise ValueError("workflow is the file name under .github/workflows (e.g. retrain.yml) or its id")
        return self

    @property
    def workflow_id(self) -> str:
        return self.workflow.removeprefix(".github/workflows/")


class OnDriftConfig(StrictModel):
    issue: bool = True
    dispatch: DispatchConfig | None = None
    cooldown: Duration = 24 * 3600.0
    labels: list[str] = Field(default_factory=list)  # added to the issue besides mlci-monitor


class MonitorConfig(StrictModel):
    reference: str
    current: str
    pushgateway: str | None = None
    job: str = Field(default="mlci", min_length=1)
    fail_on_drift: bool = False
    on_drift: OnDriftConfig = Field(default_factory=OnDriftConfig)

    @model_validator(mode="after")
    def _cooldown_needs_the_issue(self) -> MonitorConfig:
        on_drift = self.on_drift
        if on_drift.dispatch is not None and not on_drift.issue and on_drift.cooldown > 0:
            raise ValueError(
                "on_drift.dispatch with a cooldown needs on_drift.issue: true (the last dispatch "
                "time is kept in the issue), or set cooldown: 0"
            )
        return self
