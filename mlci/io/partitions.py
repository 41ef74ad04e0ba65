"""Find the partitions of a dataset: a directory, a glob or a URL -> ordered ``Partition`` s.

The rules (docs/datasets.md):

- a partition is a file with a data extension (``.csv``, ``.parquet``, ``.jsonl``...,
  compressed or not) under the directory, recursively, or matching the glob (a directory
  the glob matches counts as all its files);
- a path component below the root that starts with ``.`` or ``_`` is skipped, as Spark,
  Hive and pyarrow skip them: hidden files, ``_SUCCESS``, ``_metadata``,
  ``_common_metadata``, ``_temporary/``, ``_delta_log/``;
- the order is the path below the root, compared directory by directory, so rows are
  numbered the same on every machine; symlinked directories are not followed;
- every partition has the same format and the same columns; a column whose Parquet type
  differs in kind (integer, floating, text, ...) between two files is a conflict.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mlci.errors import DataError
from mlci.io.formats import DataFormat, detect_format
from mlci.io.hive import HiveColumn, hive_columns, hive_pairs
from mlci.io.locations import has_glob, is_url, local_path, redact_url

__all__ = ["Partition", "find_partitions"]


@dataclass(frozen=True)
class Partition:
    """One file of a dataset: plain, picklable data, so a worker process can re-open it."""

    location: str  # local path or fsspec URL (may carry credentials: show ``shown``)
    format: DataFormat
    rows: int | None  # known up front for Parquet (footer), else None
    relative: str = ""  # path below the dataset's root, with ``/``
    columns: tuple[str, ...] = ()  # the file's own columns
    hive: tuple[tuple[str, str | None], ...] = ()  # its ``key=value`` directories
    hive_columns: tuple[HiveColumn, ...] = ()  # the dataset's key columns (same for all partitions)
    first_row: int | None = None  # global 0-based number of its first row, when every count is known

    @property
    def shown(self) -> str:
        return redact_url(self.location) if is_url(self.location) else self.location


@dataclass(frozen=True)
class _Found:
    location: str
    relative: PurePosixPath
    format: DataFormat


def find_partitions(spec: str) -> list[Partition]:
    """Every partition of ``spec``, probed (columns, row counts) and checked to agree."""
    found = _find_remote(spec) if is_url(spec) else _find_local(spec)
    if not found:
        what = "glob matches no data file" if has_glob(spec) else "directory holds no data file"
        raise DataError(f"{what} (.csv, .tsv, .parquet, .jsonl, optionally compressed)", path=_shown(spec))
    found.sort(key=lambda f: f.relative.parts)
    _same_format(found)
    probed = [_probe(f) for f in found]
    _same_columns(found, probed)
    return _with_hive(found, probed)


def _shown(spec: str) -> str:
    return redact_url(spec) if is_url(spec) else spec


def _ignored(relative: PurePosixPath) -> bool:
    return any(part.startswith((".", "_")) for part in relative.parts)


def _data_format(name: str) -> DataFormat | None:
    try:
        return detect_format(name)
    except DataError:
        return None


def _keep(location: str, relative: PurePosixPath) -> _Found | None:
    fmt = _data_format(relative.name)
    if fmt is None or _ignored(relative):
        return None
    return _Found(location, relative, fmt)


def _find_local(spec: str) -> list[_Found]:
    path = local_path(spec)
    if has_glob(str(path)) and not path.exists():
        root = _glob_root(path)
        files: list[Path] = []
        for match in glob.glob(str(path), recursive=True):
            hit = Path(match)
            files += _walk(hit) if hit.is_dir() else [hit]
    elif path.is_dir():
        root, files = path, _walk(path)
    elif path.exists():
        root, files = path.parent, [path]
    else:
        raise DataError("file or directory not found", path=spec)
    kept = (_keep(str(f), PurePosixPath(f.relative_to(root).as_posix())) for f in files)
    return [k for k in kept if k is not None]


def _glob_root(pattern: Path) -> Path:
    fixed = []
    for part in pattern.parts:
        if has_glob(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _walk(root: Path) -> list[Path]:
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith((".", "_"))]
        files += [Path(folder, n) for n in names if not n.startswith((".", "_"))]
    return files


def _find_remote(spec: str) -> list[_Found]:
    from mlci.io.remote import list_remote

    root_url, files = list_remote(spec)
    root = root_url.rstrip("/")
    kept = []
    for file in files:
        relative = (
            file.url[len(root) :].lstrip("/") if file.url.startswith(root) else PurePosixPath(file.path).name
        )
        found = _keep(file.url, PurePosixPath(relative))
        if found is not None:
            kept.append(found)
    return kept


def _same_format(found: list[_Found]) -> None:
    first = found[0]
    for other in found[1:]:
        if other.format is not first.format:
            raise DataError(
                f"partitions mix formats: this is {other.format.value.upper()} but "
                f"{_show(first.location)} is {first.format.value.upper()}",
                path=_show(other.location),
            )


def _show(location: str) -> str:
    return redact_url(location) if is_url(location) else location


@dataclass(frozen=True)
class _Probe:
    columns: list[str]
    rows: int | None
    types: dict[str, str]  # Parquet only: column -> kind of its Arrow type


def _probe(found: _Found) -> _Probe:
    if not is_url(found.location):
        from mlci.io.readers import open_source

        source = open_source(found.location)
        types = _parquet_kinds(found.location) if found.format is DataFormat.PARQUET else {}
        return _Probe(source.columns, source.total_rows, types)
    return _probe_remote(found)


def _probe_remote(found: _Found) -> _Probe:
    from mlci.io.remote import RemoteFile, filesystem, fs_call, open_remote

    fs = filesystem(found.location)
    file = RemoteFile(fs, fs._strip_protocol(found.location))
    shown = file.shown
    if found.format is DataFormat.PARQUET:
        import pyarrow as pa
        import pyarrow.parquet as pq

        with open_remote(file) as handle:
            try:
                meta = fs_call(file.url, lambda: pq.ParquetFile(handle).metadata)
            except (pa.ArrowException, ValueError) as exc:
                raise DataError(f"not a valid Parquet file: {exc}", path=shown) from None
        schema = meta.schema.to_arrow_schema()
        if meta.num_rows == 0:
            raise DataError("has columns but no data rows", path=shown)
        return _Probe([str(n) for n in schema.names], int(meta.num_rows), _kinds(schema))
    with open_remote(file, compression="infer") as handle:
        first = fs_call(file.url, lambda: _first_line(handle, found.format is DataFormat.JSONL))
    try:
        text = first.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError("is not valid UTF-8 text", path=shown) from None
    if not text.strip():
        raise DataError("file is empty", path=shown)
    if found.format is DataFormat.JSONL:
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"invalid JSON: {exc.msg}", path=shown, line=1, column=exc.colno) from None
        if not isinstance(record, dict):
            raise DataError(
                f"expected a JSON object per line, got {type(record).__name__}", path=shown, line=1
            )
        return _Probe([str(k) for k in record], None, {})
    delimiter = "\t" if found.format is DataFormat.TSV else ","
    return _Probe(next(csv.reader(io.StringIO(text), delimiter=delimiter), []), None, {})


def _first_line(handle: Any, skip_blank: bool) -> bytes:
    for line in handle:
        if line.strip() or not skip_blank:
            return bytes(line).rstrip(b"\r\n")
    return b""


def _parquet_kinds(path: str) -> dict[str, str]:
    import pyarrow.parquet as pq

    return _kinds(pq.read_schema(path))


def _kinds(schema: Any) -> dict[str, str]:
    import pyarrow.types as t

    def kind(typ: Any) -> str:
        for name, test in (
            ("null", t.is_null),
            ("bool", t.is_boolean),
            ("integer", t.is_integer),
            ("floating", t.is_floating),
            ("text", lambda x: t.is_string(x) or t.is_large_string(x) or t.is_dictionary(x)),
            ("timestamp", t.is_timestamp),
            ("date", t.is_date),
        ):
            if test(typ):
                return name
        return str(typ)

    return {str(field.name): kind(field.type) for field in schema}


def _same_columns(found: list[_Found], probed: list[_Probe]) -> None:
    first, base = found[0], probed[0]
    for other, probe in zip(found[1:], probed[1:], strict=True):
        here = _show(other.location)
        there = _show(first.location)
        for column in base.columns:
            if column not in probe.columns:
                raise DataError(
                    f"partitions disagree: column {column!r} is missing here but in {there}", path=here
                )
        for column in probe.columns:
            if column not in base.columns:
                raise DataError(
                    f"partitions disagree: column {column!r} is here but not in {there}", path=here
                )
            a, b = base.types.get(column, "null"), probe.types.get(column, "null")
            if "null" not in (a, b) and a != b:
                raise DataError(
                    f"partitions disagree: column {column!r} is {b} here but {a} in {there}", path=here
                )


def _with_hive(found: list[_Found], probed: list[_Probe]) -> list[Partition]:
    pairs = [hive_pairs(f.relative.parts[:-1]) for f in found]
    keys = [tuple(k for k, _ in p) for p in pairs]
    for f, k in zip(found[1:], keys[1:], strict=True):
        if k != keys[0]:
            raise DataError(
                f"partitions disagree on their key=value directories: ({', '.join(k)}) here but "
                f"({', '.join(keys[0])}) in {_show(found[0].location)}",
                path=_show(f.location),
            )
    own = set(probed[0].columns)
    values: dict[str, list[str | None]] = {key: [] for key in keys[0] if key not in own}
    for p in pairs:
        for key, value in p:
            if key in values:
                values[key].append(value)
    columns = tuple(hive_columns(values))
    counts = [p.rows for p in probed]
    offsets: list[int | None] = [None] * len(found)
    if all(c is not None for c in counts):
        total = 0
        for i, count in enumerate(counts):
            offsets[i] = total
            total += count or 0
    return [
        Partition(
            location=f.location,
            format=f.format,
            rows=p.rows,
            relative=str(f.relative),
            columns=tuple(p.columns),
            hive=pair,
            hive_columns=columns,
            first_row=offset,
        )
        for f, p, pair, offset in zip(found, probed, pairs, offsets, strict=True)
    ]
