"""Which engine runs the checks, and how to reach a Dask cluster."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["ENGINE_NAMES", "DEFAULT_CONNECT_TIMEOUT", "EngineName", "EngineOptions"]

EngineName = Literal["local", "dask"]
ENGINE_NAMES: tuple[str, ...] = get_args(EngineName)
# Seconds to reach a scheduler (and for it to have a worker) before giving up with exit 3.
DEFAULT_CONNECT_TIMEOUT = 10.0


@dataclass(frozen=True)
class EngineOptions:
    """``--engine``, ``--scheduler`` and ``--scheduler-timeout`` (or ``engine:`` in mlci.yml).

    ``scheduler`` None with the dask engine starts a local cluster for the run.
    """

    name: EngineName = "local"
    scheduler: str | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT

    @property
    def is_dask(self) -> bool:
        return self.name == "dask"
