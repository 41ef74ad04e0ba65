"""Turn pydantic validation errors into located, human ``ConfigError``s."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from mlci.config.yaml_source import YamlDocument
from mlci.errors import ConfigError

__all__ = ["ConfigProblems", "did_you_mean", "problem", "from_validation_error", "format_loc"]


class ConfigProblems(ConfigError):
    """Several problems in one config file, reported together (one line each)."""

    def __init__(self, problems: list[ConfigError]) -> None:
        first = problems[0]
        super().__init__(first.message, path=first.path, line=first.line, column=first.column, key=first.key)
        self.problems = problems

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


def did_you_mean(name: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest of ``choices`` to a misspelt ``name``, if one is close enough."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


def format_loc(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def problem(doc: YamlDocument, loc: tuple[str | int, ...], message: str) -> ConfigError:
    line, column = doc.position(loc)
    return ConfigError(message, path=doc.path, line=line, column=column, key=format_loc(loc) or None)


def _model_at(root: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The pydantic model class that owns the last element of ``loc``."""
    current: Any = root
    for part in loc[:-1]:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) in (dict, list):
            current = typing.get_args(current)[-1]
        else:
            return None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _unwrap(tp: Any) -> Any:
    """Optional[X] -> X (first model in a union)."""
    while typing.get_origin(tp) in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        tp = models[0] if models else args[0]
    return tp


def _message(err: Any, root: type[BaseModel]) -> str:
    kind = err["type"]
    loc = tuple(err["loc"])
    if kind == "extra_forbidden":
        model = _model_at(root, loc)
        name = str(loc[-1])
        msg = f"unknown key '{name}'"
        if model is not None:
            valid = sorted(model.model_fields)
            close = did_you_mean(name, valid)
            msg += f" (did you mean '{close}'?)" if close else f"; valid keys: {', '.join(valid)}"
        return msg
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        got = err.get("input")
        msg = f"unknown value {got!r}; expected one of {', '.join(choices)}"
        close = did_you_mean(str(got), choices, cutoff=0.5)
        if close:
            msg += f" (did you mean '{close}'?)"
        return msg
    if kind == "missing":
        return "required key is missing"
    text = str(err["msg"])
    if text.startswith("Value error, "):
        text = text[len("Value error, ") :]
    if "input" in err and kind not in ("model_type", "dict_type"):
        text += f", got {_short_repr(err['input'])}"
    elif kind in ("model_type", "dict_type"):
        text = f"expected a mapping, got {type(err.get('input')).__name__}"
    return text


def _short_repr(value: Any, limit: int = 120) -> str:
    """A bounded repr: a YAML alias bomb must not turn into a 400 MB error line."""
    import reprlib

    shorter = reprlib.Repr()
    shorter.maxlevel, shorter.maxlist, shorter.maxdict, shorter.maxstring = 3, 6, 6, 80
    text = shorter.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def from_validation_error(
    doc: YamlDocument, error: ValidationError, root: type[BaseModel], prefix: tuple[str | int, ...] = ()
) -> ConfigProblems:
    problems = []
    for err in error.errors():
        loc = prefix + tuple(err["loc"])
        problems.append(problem(doc, loc, _message({**err, "loc": loc[len(prefix) :]}, root)))
    return ConfigProblems(problems)
