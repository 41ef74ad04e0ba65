"""The ``engine:`` section of mlci.yml: where ``mlci check`` validates and compares datasets.

```yaml
engine: dask                      # shorthand for {name: dask}
engine:
  name: dask                      # local (default) | dask
  scheduler: tcp://10.0.0.5:8786  # default $DASK_SCHEDULER_ADDRESS, else a local cluster
  timeout: 10                     # seconds to reach the scheduler before exit 3
```
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mlci.config.base import StrictModel

__all__ = ["EngineConfig"]


class EngineConfig(StrictModel):
    name: Literal["local", "dask"] = "local"
    scheduler: str | None = None
    timeout: float = Field(default=10.0, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: object) -> object:
        return {"name": data} if isinstance(data, str) else data
