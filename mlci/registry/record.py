"""The version record: what the registry knows about one model version."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mlci import __version__
from mlci.registry.semver import parse_semver

__all__ = ["ArtifactRef", "VersionRecord", "json_int", "utc_now"]


def json_int(text: str) -> int | float:
    """``parse_int`` for records: an integer too long for Python's int parser is +-inf.

    A hand-edited record with a 5000-digit metric then fails its gates
    (``infinite_baseline``) instead of crashing the run.
    """
    try:
        return int(text)
    except ValueError:  # beyond sys.get_int_max_str_digits()
        return -math.inf if text.startswith("-") else math.inf


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class ArtifactRef(BaseModel):
    """A file that belongs to a version (predictions, model file, plots)."""

    model_config = ConfigDict(extra="ignore")

    path: str  # as given, relative to the directory of mlci.yml
    sha256: str | None = None  # "sha256:<hex>" of the content when registered
    stored: str | None = None  # file backend: the copy kept in the registry (relative)


class VersionRecord(BaseModel):
    """One registered model version. Unknown keys are ignored when reading (newer mlci)."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(min_length=1)
    version: str
    metrics: dict[str, float] = Field(default_factory=dict)
    created_at: str = Field(default_factory=utc_now)
    commit: str | None = None
    datasets: dict[str, str] = Field(default_factory=dict)  # name -> "sha256:<hex>"
    params: dict[str, Any] = Field(default_factory=dict)
    artifacts: dict[str, ArtifactRef] = Field(default_factory=dict)
    approved_by: str | None = None  # who or what approved it (a user, a workflow run)
    description: str | None = None
    mlci_version: str = __version__
    # mlflow backend: the run the version was registered from, and MLflow's own number.
    run_id: str | None = None
    registry_version: str | None = None

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        # A version registered by MLflow alone has only MLflow's number ("1", "2", ...).
        if value.isdecimal() and value.isascii():
            return str(int(value))
        return str(parse_semver(value))  # normalised: no leading "v"

    @field_validator("metrics")
    @classmethod
    def _finite(cls, value: dict[str, float]) -> dict[str, float]:
        bad = [k for k, v in value.items() if not math.isfinite(v)]
        if bad:
            raise ValueError(f"metrics must be finite numbers; not: {', '.join(bad)}")
        return value

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"
