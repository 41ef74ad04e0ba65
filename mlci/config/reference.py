"""Generate ``docs/config.md`` from the pydantic models: ``python -m mlci.config.reference``.

Every key's type, default and bounds are read from the models that validate mlci.yml and
schema files, so the reference cannot drift from what mlci accepts; the meanings and
examples come from ``mlci.config.reference_text``. ``tests/config/test_reference.py``
checks the committed file equals this output.
"""

from __future__ import annotations

import sys
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from mlci.config.project import ProjectConfig
from mlci.config.reference_text import KEYS, SCHEMA_EXAMPLE, SCHEMA_KEYS, SECTIONS
from mlci.config.schema import Schema

__all__ = ["Key", "model_keys", "render_reference"]

_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean", Path: "path", Any: "any value"}


@dataclass(frozen=True)
class Key:
    path: str  # "gates[].metric", "datasets.<name>.path"
    type: str
    default: str
    bounds: str


def _optional(tp: Any) -> tuple[Any, bool]:
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) < len(typing.get_args(tp)):
            return (args[0] if len(args) == 1 else Union[tuple(args)]), True  # noqa: UP007
    return tp, False


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _type_name(tp: Any) -> str:
    tp, _ = _optional(tp)
    origin = typing.get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(f"`{v}`" for v in typing.get_args(tp))
    if origin in (Union, types.UnionType):
        names = [_type_name(a) for a in typing.get_args(tp)]
        return ", ".join(names[:-1]) + " or " + names[-1]
    if origin is list:
        (item,) = typing.get_args(tp)
        return "list of mappings" if _is_model(item) else f"list of {_type_name(item)}s"
    if origin is dict:
        value = typing.get_args(tp)[1]
        return "mapping of names to " + ("settings" if _is_model(value) else f"{_type_name(value)}s")
    if _is_model(tp):
        return "mapping"
    return _SCALARS.get(tp, getattr(tp, "__name__", str(tp)))


def _yaml(value: Any) -> str:
    import yaml

    text: str = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
    return text.removesuffix("...").strip()


def _is_duration(field: FieldInfo) -> bool:
    return any(getattr(getattr(m, "func", None), "__name__", "") == "parse_duration" for m in field.metadata)


def _duration(seconds: float) -> str:
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if _is_duration(field) and isinstance(value, (int, float)):
        return f"`{_duration(value)}`"
    if isinstance(value, BaseModel):
        return "(its defaults)"
    if value is None:
        return "none"
    return f"`{_yaml(value)}`"


def _bounds(field: FieldInfo) -> str:
    words = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤", "min_length": "length ≥", "max_length": "length ≤"}
    out = []
    for meta in field.metadata:
        for attr, word in words.items():
            value = getattr(meta, attr, None)
            if value is not None:
                out.append(f"{word} {value:,}" if isinstance(value, int) else f"{word} {value}")
        pattern = getattr(meta, "pattern", None)
        if pattern:
            out.append(f"matches `{pattern}`")
    return ", ".join(out)


def model_keys(model: type[BaseModel], prefix: str = "") -> list[Key]:
    """Every key ``model`` accepts, depth first, as the user writes it in YAML."""
    keys: list[Key] = []
    for name, field in model.model_fields.items():
        if field.exclude:
            continue  # set by mlci, never written by users (e.g. the config's root)
        path = f"{prefix}{field.alias or name}"
        kind = (
            "duration (`24h`, `90m`, `1h30m` or seconds)"
            if _is_duration(field)
            else _type_name(field.annotation)
        )
        keys.append(Key(path, kind, _default(field), _bounds(field)))
        inner, _ = _optional(field.annotation)
        origin = typing.get_origin(inner)
        if _is_model(inner):
            keys += model_keys(inner, path + ".")
        elif origin is dict and _is_model(typing.get_args(inner)[1]):
            value = typing.get_args(inner)[1]
            keys.append(Key(f"{path}.<name>", "mapping", "", ""))
            keys += model_keys(value, f"{path}.<name>.")
        elif origin is list and _is_model(typing.get_args(inner)[0]):
            keys.append(Key(f"{path}[]", "mapping", "", ""))
            keys += model_keys(typing.get_args(inner)[0], f"{path}[].")
    return keys


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(keys: list[Key], words: dict[str, tuple[str, str]]) -> list[str]:
    lines = ["| key | type | default | meaning | example |", "|---|---|---|---|---|"]
    for key in keys:
        meaning, example = words[key.path]
        kind = key.type + (f" ({key.bounds})" if key.bounds else "")
        default = key.default or "—"
        lines.append(
            f"| `{key.path}` | {_cell(kind)} | {_cell(default)} | {_cell(meaning)} | `{_cell(example)}` |"
        )
    return lines


def render_reference() -> str:
    project = model_keys(ProjectConfig)
    lines = [
        "# Configuration reference",
        "",
        "<!-- Generated by `python -m mlci.config.reference > docs/config.md` from the pydantic",
        "     models in mlci/config/; tests/config/test_reference.py keeps the two equal. -->",
        "",
        "Every key of `mlci.yml` and of schema files, with its type, default and an example.",
        "Unknown keys are errors (with a suggestion); paths in `mlci.yml` are relative to it.",
        "In key paths, `[]` is an item of a list and `<name>` a name you choose.",
        "",
        "## mlci.yml",
        "",
        "```yaml",
        *"".join(SECTIONS[k.path] for k in project if "." not in k.path and "[" not in k.path)
        .rstrip("\n")
        .splitlines(),
        "```",
    ]
    # Every top-level key of the model, in its order: a new section cannot be left out.
    for section in (k.path for k in project if "." not in k.path and "[" not in k.path):
        example = SECTIONS[section]
        keys = [k for k in project if k.path == section or k.path.startswith((section + ".", section + "["))]
        lines += ["", f"### `{section}`", "", KEYS[section][0], "", *_table(keys, KEYS)]
        lines += ["", "```yaml", *example.rstrip("\n").splitlines(), "```"]
    lines += [
        "",
        "## schema.yml",
        "",
        "What a dataset must look like (`mlci schema infer DATA -o schema.yml` writes a first one).",
        "`dtype` is one of `int`, `float`, `bool`, `string`, `category`, `datetime`.",
        "",
        *_table(model_keys(Schema), SCHEMA_KEYS),
        "",
        "```yaml",
        *SCHEMA_EXAMPLE.rstrip("\n").splitlines(),
        "```",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - exercised by the test through runpy
    sys.stdout.write(render_reference())
