"""The ``drift:`` section of mlci.yml."""

from __future__ import annotations

from mlci.config.base import StrictModel

__all__ = ["DriftConfig"]


class DriftConfig(StrictModel):
    reference: str
    current: str
    fail_on_drift: bool = False
