"""Layer 1: pydantic models for mlci.yml and schema files, loaded with located errors."""

from mlci.config.project import ProjectConfig, load_project
from mlci.config.schema import ColumnSpec, Schema, load_schema

__all__ = ["ColumnSpec", "ProjectConfig", "Schema", "load_project", "load_schema"]
