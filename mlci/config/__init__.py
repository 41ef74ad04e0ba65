"""Layer 1: pydantic models for mlci.yml and schema files, loaded with located errors.

Names are imported on first use: ``mlci validate`` needs only the schema models, and
loading every section's model would cost it start-up time.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["ColumnSpec", "ProjectConfig", "Schema", "load_project", "load_schema"]

_WHERE = {
    "ColumnSpec": "mlci.config.schema",
    "Schema": "mlci.config.schema",
    "load_schema": "mlci.config.schema",
    "ProjectConfig": "mlci.config.project",
    "load_project": "mlci.config.project",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'mlci.config' has no attribute {name!r}")
