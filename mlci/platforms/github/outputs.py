"""Step outputs (``$GITHUB_OUTPUT``), always in the multi-line form with a random delimiter."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path

from mlci.errors import UsageError

__all__ = ["write_outputs", "format_output"]

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def format_output(name: str, value: str) -> str:
    """``name<<DELIM`` / value / ``DELIM``: a value can never end the block early or inject
    another output, because the delimiter is random and checked against the value."""
    if not _NAME_RE.match(name):
        raise UsageError(f"invalid step output name {name!r}")
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    while delimiter in value:  # pragma: no cover - a uuid4 collision
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def write_outputs(values: Mapping[str, str], environ: Mapping[str, str] | None = None) -> Path | None:
    """Append each output; returns the file, or None outside GitHub Actions."""
    env = os.environ if environ is None else environ
    name = env.get("GITHUB_OUTPUT")
    if not name:
        return None
    text = "".join(format_output(key, value) for key, value in values.items())
    path = Path(name)
    try:
        with path.open("a", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write step outputs: {exc.strerror}", path=path) from None
    return path
