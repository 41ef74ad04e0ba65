"""Read a small input file (YAML, JSON) safely: a regular file, under a size cap.

A FIFO would block the read forever and ``/dev/zero`` would fill memory; both can be named
by a file a pull request changes. The file is opened without blocking and checked with
``fstat`` on the same descriptor, so what is checked is what is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from mlci.errors import InputError, MlciError

__all__ = [
    "MAX_CONFIG_BYTES",
    "MAX_JSON_BYTES",
    "check_regular_file",
    "decode_text",
    "parse_json",
    "read_capped",
    "read_json",
]

MAX_CONFIG_BYTES = 8 * 1024 * 1024  # mlci.yml, schema.yml: far above any real one
MAX_JSON_BYTES = 64 * 1024 * 1024  # metrics and report JSON


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_regular_file(path: Path, what: str, error: type[InputError] = InputError) -> None:
    """Refuse anything but a regular file (after symlinks) before a reader opens it."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise error(f"{what} not found", path=path) from None
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror}", path=path) from None
    if not stat.S_ISREG(mode):
        raise error(f"{what} is {_kind(mode)}, expected a regular file", path=path)


def read_capped(path: str | Path, *, what: str, limit: int, error: type[MlciError] = InputError) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or ``error`` naming the file."""
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise error(f"{what} not found", path=path) from None
    except IsADirectoryError:
        raise error(f"{what} is a directory, expected a regular file", path=path) from None
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror}", path=path) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise error(f"{what} is {_kind(mode)}, expected a regular file", path=path)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot read {what}: {exc.strerror}", path=path) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise error(f"{what} is larger than {limit:,} bytes: refused", path=path)
    return data


def decode_text(raw: bytes, path: str | Path, *, what: str, error: type[MlciError] = InputError) -> str:
    """UTF-8 text, or ``error`` naming the file and the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{what} is not UTF-8 text (byte {exc.start})", path=path) from None


def parse_json(text: str, path: str | Path, *, error: type[MlciError] = InputError, **loads: Any) -> Any:
    """The JSON value of ``text``; a syntax error names its line and column."""
    import json

    try:
        return json.loads(text, **loads)
    except json.JSONDecodeError as exc:
        raise error(f"invalid JSON: {exc.msg}", path=path, line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise error("JSON nested too deeply", path=path) from None
    except ValueError as exc:  # a parse hook's refusal, an integer of more than 4,300 digits
        raise error(f"invalid JSON: {str(exc).splitlines()[0]}", path=path) from None


def read_json(
    path: str | Path,
    *,
    what: str,
    limit: int = MAX_JSON_BYTES,
    error: type[MlciError] = InputError,
    **loads: Any,
) -> Any:
    """Read, decode and parse a JSON file: one ladder of located errors for every caller."""
    raw = read_capped(path, what=what, limit=limit, error=error)
    return parse_json(decode_text(raw, path, what=what, error=error), path, error=error, **loads)
