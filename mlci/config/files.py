"""Read a small input file (YAML, JSON) safely: a regular file, under a size cap.

A FIFO would block the read forever and ``/dev/zero`` would fill memory; both can be named
by a file a pull request changes. The file is opened without blocking and checked with
``fstat`` on the same descriptor, so what is checked is what is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mlci.errors import InputError

__all__ = ["MAX_CONFIG_BYTES", "MAX_JSON_BYTES", "check_regular_file", "read_capped"]

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


def read_capped(path: str | Path, *, what: str, limit: int, error: type[InputError] = InputError) -> bytes:
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
