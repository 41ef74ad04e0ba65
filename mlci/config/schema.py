"""The ``schema.yml`` contract: what a dataset must look like."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from mlci.config.base import StrictModel as _Strict
from mlci.config.problems import ConfigProblems, from_validation_error, problem
from mlci.config.yaml_source import YamlDocument, load_yaml
from mlci.vocab import DTYPES, Dtype

__all__ = ["Dtype", "DTYPES", "ColumnSpec", "RowBounds", "Schema", "load_schema", "dump_schema"]

NUMERIC = ("int", "float")
TEXT = ("string", "category")


class ColumnSpec(_Strict):
    """One column's expectations. ``min``/``max``/``allowed`` are checked per dtype below."""

    dtype: Dtype
    nullable: bool = False
    unique: bool = False
    min: Any = None
    max: Any = None
    allowed: list[Any] | None = None
    pattern: str | None = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=0)
    format: str | None = None  # strptime format for datetime columns; ISO 8601 when absent
    description: str | None = None


class RowBounds(_Strict):
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)


class Schema(_Strict):
    version: Literal[1] = 1
    strict: bool = False
    rows: RowBounds | None = None
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and not (isinstance(value, float) and math.isnan(value))
    )


# Plain ISO 8601 that ``datetime`` reads exactly as ``pandas.Timestamp`` does (to microseconds).
_PLAIN_ISO = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}:\d{2})?")


def parse_datetime_bound(value: Any) -> Any:
    """A schema bound for a datetime column as a ``datetime`` (a ``pandas.Timestamp`` when
    the text needs pandas to read it, e.g. nanoseconds), or None if not a date."""
    if isinstance(value, bool) or not isinstance(value, (str, dt.date)):
        return None
    plain = _plain_datetime(value)
    if plain is not None:
        return plain  # no pandas import: validation of CSV and Parquet runs without it
    import pandas as pd  # lazily: config loads before any data; ns precision round-trips

    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return None
    return None if pd.isna(stamp) else stamp


def _plain_datetime(value: str | dt.date) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if not _PLAIN_ISO.fullmatch(value):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None  # pandas decides (and refuses, for a day that does not exist)


def _article(dtype: str) -> str:
    return f"an {dtype}" if dtype[0] in "aeiou" else f"a {dtype}"


def _column_problems(name: str, spec: ColumnSpec) -> list[tuple[tuple[str | int, ...], str]]:
    """Checks that depend on the dtype, which pydantic cannot express field by field."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    at = ("columns", name)
    for key in ("min", "max"):
        value = getattr(spec, key)
        if value is None:
            continue
        if spec.dtype in NUMERIC and not _is_number(value):
            out.append((at + (key,), f"expected a number for {_article(spec.dtype)} column, got {value!r}"))
        elif spec.dtype == "datetime" and parse_datetime_bound(value) is None:
            out.append((at + (key,), f"expected an ISO 8601 date for a datetime column, got {value!r}"))
        elif spec.dtype not in NUMERIC + ("datetime",):
            out.append((at + (key,), f"'{key}' applies to int, float and datetime columns, not {spec.dtype}"))
    if spec.min is not None and spec.max is not None and not out:
        lo, hi = spec.min, spec.max
        if spec.dtype == "datetime":
            lo, hi = parse_datetime_bound(lo), parse_datetime_bound(hi)
        try:
            if lo > hi:
                out.append((at + ("min",), f"min ({spec.min}) is greater than max ({spec.max})"))
        except TypeError:
            out.append(
                (at + ("min",), "min and max cannot be compared (mixing naive and timezone-aware dates?)")
            )
    for key in ("min_length", "max_length", "pattern"):
        if getattr(spec, key) is not None and spec.dtype not in TEXT:
            out.append((at + (key,), f"'{key}' applies to string and category columns, not {spec.dtype}"))
    if spec.min_length is not None and spec.max_length is not None and spec.min_length > spec.max_length:
        out.append((at + ("min_length",), "min_length is greater than max_length"))
    if spec.pattern is not None:
        try:
            re.compile(spec.pattern)
        except re.error as exc:
            out.append((at + ("pattern",), f"invalid regular expression {spec.pattern!r}: {exc}"))
    if spec.allowed is not None:
        if not spec.allowed:
            out.append((at + ("allowed",), "allowed must list at least one value"))
        for i, value in enumerate(spec.allowed):
            if isinstance(value, (dict, list)):
                out.append((at + ("allowed", i), f"allowed values must be scalars, got {value!r}"))
            elif spec.dtype in NUMERIC and not _is_number(value):
                out.append(
                    (
                        at + ("allowed", i),
                        f"expected a number for {_article(spec.dtype)} column, got {value!r}",
                    )
                )
    if spec.format is not None and spec.dtype != "datetime":
        out.append((at + ("format",), f"'format' applies to datetime columns, not {spec.dtype}"))
    elif spec.format is not None:
        problem = _strptime_problem(spec.format)
        if problem is not None:
            out.append((at + ("format",), f"invalid strptime format {spec.format!r}: {problem}"))
    return out


def _strptime_problem(fmt: str) -> str | None:
    """Why the validator's parser (pandas) refuses ``fmt``, found now rather than mid-data."""
    import pandas as pd  # lazily, as for datetime bounds

    try:
        pd.to_datetime(pd.Series(["2000-01-01"]), format=fmt, errors="coerce")
    except (ValueError, TypeError) as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def schema_from_document(doc: YamlDocument, prefix: tuple[str | int, ...] = ()) -> Schema:
    data = doc.data
    if not isinstance(data, dict):
        raise problem(doc, prefix, f"expected a mapping with 'columns', got {type(data).__name__}")
    if isinstance(data.get("columns"), dict):
        # Column names like 2024 or true are still names.
        data = {**data, "columns": {str(k): v for k, v in data["columns"].items()}}
    try:
        schema = Schema.model_validate(data)
    except ValidationError as exc:
        raise from_validation_error(doc, exc, Schema, prefix) from None
    problems = [
        problem(doc, prefix + loc, msg)
        for name, spec in schema.columns.items()
        for loc, msg in _column_problems(name, spec)
    ]
    rows = schema.rows
    if rows and rows.min is not None and rows.max is not None and rows.min > rows.max:
        problems.append(problem(doc, prefix + ("rows", "min"), "rows.min is greater than rows.max"))
    if problems:
        raise ConfigProblems(problems)
    return schema


def load_schema(path: str | Path) -> Schema:
    """Load and check a schema file; raises ``ConfigError`` with file, line and key."""
    doc = load_yaml(path, what="schema file")
    return schema_from_document(doc)


def dump_schema(schema: Schema) -> str:
    """YAML text for a schema, columns in order, defaults left out."""
    import yaml

    body: dict[str, Any] = {"version": schema.version, "strict": schema.strict}
    if schema.rows is not None:
        body["rows"] = schema.rows.model_dump(exclude_none=True)
    body["columns"] = {
        name: spec.model_dump(exclude_defaults=True, exclude_none=True) | {"dtype": spec.dtype}
        for name, spec in schema.columns.items()
    }
    # dtype first: it is what a reader looks for.
    body["columns"] = {name: {"dtype": col.pop("dtype"), **col} for name, col in body["columns"].items()}
    return yaml.dump(body, Dumper=_schema_dumper(), sort_keys=False, allow_unicode=True, width=100)


# YAML reads these as line breaks inside a plain or single-quoted scalar (folding them).
_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


def _schema_dumper() -> type[Any]:
    """The safe dumper, writing text a reader could not read back verbatim double-quoted.

    A column name holding U+0085 (NEL) or another YAML line break, or a control
    character, must survive the round trip: double quotes escape it (``"a\\Nb"``).
    """
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        exotic = any(c in value for c in _YAML_BREAKS) or not value.isprintable()
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if exotic else None)

    Dumper.add_representer(str, text)
    return Dumper
