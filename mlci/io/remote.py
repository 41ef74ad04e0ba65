"""Datasets behind fsspec URLs (``s3://``, ``gs://``, ``az://``...): list, probe, stage.

fsspec and the store's own package (s3fs, gcsfs, adlfs) are imported only here, on first
use. Credentials come from each store's usual environment (``AWS_*`` and profiles for
s3fs, ``GOOGLE_APPLICATION_CREDENTIALS`` for gcsfs, ``AZURE_STORAGE_*`` for adlfs) or
fsspec's own configuration (``FSSPEC_S3_ENDPOINT_URL``...); mlci never sees or prints them.

A remote partition is read by copying it to a local temporary file (``stage``) and
reading that with the ordinary readers: the results are the local ones by construction,
memory stays bounded (the copy is on disk, one partition at a time), and the copy is
deleted once read. Every error carries the URL redacted (``locations.redact_url``).

Exit codes: a missing bucket or key, a refused credential or a filesystem that is not
installed is bad input (2, with the extra to install); a store that does not answer
within ``MLCI_STORE_TIMEOUT`` seconds (default 30) per request is exit 3.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from mlci.errors import DataError, ServiceError
from mlci.io.locations import has_glob, redact_text, redact_url, scheme_of

__all__ = ["EXTRAS", "RemoteFile", "fs_call", "list_remote", "open_remote", "stage", "store_timeout"]

T = TypeVar("T")

# URL scheme -> the mlci extra that installs its fsspec filesystem
EXTRAS = {
    "s3": "s3",
    "s3a": "s3",
    "gs": "gcs",
    "gcs": "gcs",
    "az": "azure",
    "abfs": "azure",
    "abfss": "azure",
    "adl": "azure",
}
TIMEOUT_ENV = "MLCI_STORE_TIMEOUT"


def store_timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return 30.0
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise DataError(f"{TIMEOUT_ENV} must be a positive number of seconds, got {raw!r}")
    return value


def _install_hint(scheme: str) -> str:
    extra = EXTRAS.get(scheme)
    if extra is not None:
        return f"pip install 'mlci[{extra}]'"
    return "install the fsspec filesystem for it"


def filesystem(url: str) -> Any:
    """The fsspec filesystem for ``url``'s scheme, with bounded timeouts."""
    scheme = scheme_of(url) or "file"
    shown = redact_url(url)
    try:
        import fsspec
        from fsspec.registry import known_implementations
    except ImportError:
        raise DataError(f"reading {scheme}:// URLs needs {_install_hint(scheme)}", path=shown) from None
    if scheme not in known_implementations and scheme not in fsspec.available_protocols():
        raise DataError(f"unknown URL scheme {scheme!r} (no fsspec filesystem has it)", path=shown)
    try:
        cls = fsspec.get_filesystem_class(scheme)
    except ImportError:
        raise DataError(f"reading {scheme}:// URLs needs {_install_hint(scheme)}", path=shown) from None
    options: dict[str, Any] = {}
    if getattr(cls, "protocol", None) in ("s3", ("s3", "s3a")):
        options = _s3_options()
    try:
        return fsspec.filesystem(scheme, **options)
    except ImportError:
        raise DataError(f"reading {scheme}:// URLs needs {_install_hint(scheme)}", path=shown) from None
    except (ValueError, TypeError) as exc:
        raise DataError(f"cannot use this URL: {redact_text(str(exc))}", path=shown) from None


def _s3_options() -> dict[str, Any]:
    """botocore's defaults wait 60 s per read and retry for minutes: bound both."""
    from fsspec.config import conf

    timeout = store_timeout()
    user = dict(conf.get("s3", {}).get("config_kwargs", {}))
    config = {"connect_timeout": timeout, "read_timeout": timeout, "retries": {"max_attempts": 2}}
    return {"config_kwargs": {**config, **user}, "retries": 2}


def fs_call(url: str, call: Callable[[], T]) -> T:
    """Run one call to a store, mapping its failures to mlci's errors (exit 2 or 3)."""
    shown = redact_url(url)
    try:
        return call()
    except (DataError, ServiceError):
        raise
    except FileNotFoundError:
        raise DataError("not found (no such bucket, container or key)", path=shown) from None
    except PermissionError as exc:
        raise DataError(f"access denied: {_short(exc)}", path=shown) from None
    except IsADirectoryError:
        raise DataError("is a directory, expected a data file", path=shown) from None
    except ImportError as exc:
        scheme = scheme_of(url) or ""
        raise DataError(
            f"cannot read {scheme}:// URLs: {_short(exc)}; {_install_hint(scheme)}", path=shown
        ) from None
    except Exception as exc:  # a store's client raises its own types: the store failed
        raise ServiceError(
            f"the store did not answer: {type(exc).__name__}: {_short(exc)}", path=shown
        ) from None


def _short(exc: BaseException) -> str:
    text = redact_text(str(exc)).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line[:300]


class RemoteFile:
    """One file in a store: its URL, the URL redacted, and the filesystem that reads it."""

    def __init__(self, fs: Any, path: str) -> None:
        self.fs = fs
        self.path = path  # as the filesystem names it (no scheme)
        self.url = fs.unstrip_protocol(path)

    @property
    def shown(self) -> str:
        return redact_url(self.url)


def list_remote(url: str) -> tuple[str, list[RemoteFile]]:
    """(root URL, every file) of a remote file, prefix ("directory") or glob, unsorted."""
    fs = filesystem(url)
    stripped = fs._strip_protocol(url)
    if has_glob(stripped):
        root = _glob_root(stripped)
        found = fs_call(url, lambda: fs.glob(stripped, detail=True))
        files = []
        for path, info in found.items():
            if info.get("type") == "directory":  # a matched directory counts as all its files
                files += [RemoteFile(fs, p) for p in fs_call(url, partial(fs.find, path))]
            else:
                files.append(RemoteFile(fs, path))
        return fs.unstrip_protocol(root), files
    info = fs_call(url, lambda: fs.info(stripped))
    if info.get("type") == "directory":
        found = fs_call(url, lambda: fs.find(stripped, detail=True))
        return fs.unstrip_protocol(stripped), [RemoteFile(fs, p) for p in found]
    return fs.unstrip_protocol(str(PurePosixPath(stripped).parent)), [RemoteFile(fs, stripped)]


def _glob_root(pattern: str) -> str:
    parts = PurePosixPath(pattern).parts
    fixed = [p for p in _until_glob(parts)]
    return str(PurePosixPath(*fixed)) if fixed else ""


def _until_glob(parts: tuple[str, ...]) -> list[str]:
    out = []
    for part in parts:
        if has_glob(part):
            break
        out.append(part)
    return out


def open_remote(file: RemoteFile, **kwargs: Any) -> Any:
    """An open binary (or decompressed, with ``compression="infer"``) file object."""
    return fs_call(file.url, lambda: file.fs.open(file.path, "rb", **kwargs))


def stage(file: RemoteFile, suffix: str) -> Path:
    """Copy a remote file to a new local temporary file (the caller deletes it)."""
    handle, name = tempfile.mkstemp(prefix="mlci-part-", suffix=suffix)
    os.close(handle)
    try:
        fs_call(file.url, lambda: file.fs.get_file(file.path, name))
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)
