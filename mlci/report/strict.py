"""What a report file must be before mlci believes it.

In the fork-safe ``workflow_run`` pattern the report JSON comes from a fork's run and is
rendered by a privileged job, so every field is attacker-chosen. On load (each problem
exit 2, naming the file and the key):

- JSON only, no ``NaN``/``Infinity`` (mlci writes ``null`` for those), no number too large
  for a float or a 64-bit count, nesting at most ``MAX_DEPTH`` deep;
- an object with ``mlci_report_version`` (``{}``, a metrics file or an array is refused);
- strings at most ``MAX_STRING`` characters, lists at most ``MAX_ITEMS`` items, failure
  examples scalars;
- codes from their vocabularies: violation ``check`` (and the ``checks`` list), gate
  ``code``, drift ``kind``, ``method`` and skip ``reason``, the registry backend;
- URLs (``run.run_url``, ``run.server_url``) absolute http(s);
- lists that go together agree (``example_rows`` and ``examples``, histogram bins, shares
  in [0, 1], ``ci_low``/``ci_high``/``ci_level``), so every accepted report renders.

The file itself is read as a regular file of at most ``MAX_REPORT_BYTES``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mlci.errors import InputError
from mlci.vocab import (
    DRIFT_KINDS,
    DRIFT_METHODS,
    GATE_CODES,
    REGISTRY_BACKENDS,
    SKIP_REASONS,
    VIOLATION_CHECKS,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_ITEMS",
    "MAX_REPORT_BYTES",
    "MAX_STRING",
    "check_report",
    "check_vocabulary",
    "parse_report",
]

MAX_REPORT_BYTES = 64 * 1024 * 1024
MAX_STRING = 20_000
MAX_ITEMS = 200_000
MAX_DEPTH = 32
_MAX_INT = 2**63
_URL_KEYS = ("run_url", "server_url")


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number (write null)")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is too large")
    return value


def parse_report(raw: bytes, path: Path) -> Any:
    """The JSON value of a report file, numbers finite, or an ``InputError``."""
    from mlci.config.files import decode_text, parse_json

    text = decode_text(raw, path, what="report")
    return parse_json(text, path, parse_constant=_refuse_constant, parse_float=_finite)


def _walk(value: Any, key: str, depth: int) -> Iterator[tuple[str, str]]:
    """(key, problem) for every size limit ``value`` breaks."""
    if depth > MAX_DEPTH:
        yield key, f"nested more than {MAX_DEPTH} levels deep"
    elif isinstance(value, str):
        if len(value) > MAX_STRING:
            yield key, f"text of {len(value):,} characters (at most {MAX_STRING:,})"
    elif isinstance(value, bool) or value is None or isinstance(value, float):
        return
    elif isinstance(value, int):
        if abs(value) >= _MAX_INT:
            yield key, "number too large"
    elif isinstance(value, list):
        if len(value) > MAX_ITEMS:
            yield key, f"list of {len(value):,} items (at most {MAX_ITEMS:,})"
            return
        for i, item in enumerate(value):
            yield from _walk(item, f"{key}.{i}" if key else str(i), depth + 1)
    elif isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            yield key, f"object of {len(value):,} keys (at most {MAX_ITEMS:,})"
            return
        for name, item in value.items():
            yield from _walk(item, f"{key}.{name}" if key else name, depth + 1)


def _items(data: dict[str, Any], *keys: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(dotted key, object) for each object at ``data[k0][*][k1][*]...`` (lists walked)."""
    level: list[tuple[str, Any]] = [("", data)]
    for name in keys:
        nxt: list[tuple[str, Any]] = []
        for where, obj in level:
            value = obj.get(name) if isinstance(obj, dict) else None
            if isinstance(value, list):
                nxt += [(f"{where}{name}.{i}", item) for i, item in enumerate(value)]
            elif value is not None:
                nxt.append((f"{where}{name}", value))
        level = [(w + ".", o) for w, o in nxt]
    return ((w.rstrip("."), o) for w, o in level if isinstance(o, dict))


def _vocabulary_problems(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    def one_of(
        where: str, obj: dict[str, Any], name: str, known: tuple[str, ...]
    ) -> Iterator[tuple[str, str]]:
        value = obj.get(name)
        if value is not None and value not in known:
            yield f"{where}.{name}", f"{str(value)[:60]!r} is not one of {', '.join(known)}"

    for where, violation in _items(data, "validation", "violations"):
        yield from one_of(where, violation, "check", VIOLATION_CHECKS)
    for where, dataset in _items(data, "validation"):
        for i, entry in enumerate(dataset.get("checks") or []):
            check = entry.rpartition(":")[2] if isinstance(entry, str) else None
            if not isinstance(entry, str) or ":" not in entry or check not in VIOLATION_CHECKS:
                yield f"{where}.checks.{i}", f"{str(entry)[:60]!r} is not 'column:check'"
    for where, violation in _items(data, "validation", "violations"):
        examples = violation.get("examples")
        for i, example in enumerate(examples if isinstance(examples, list) else []):
            if not (example is None or isinstance(example, (str, int, float, bool))):
                yield f"{where}.examples.{i}", "an example must be a number, text, true/false or null"
    for where, violation in _items(data, "validation", "violations"):
        rows, examples = violation.get("example_rows") or [], violation.get("examples") or []
        if rows and len(rows) != len(examples):
            yield f"{where}.example_rows", f"{len(rows)} rows for {len(examples)} examples"
    for where, histogram in _items(data, "drift", "columns", "histogram"):
        yield from _histogram_problems(where, histogram)
    for part in ("top", "new", "vanished"):
        for where, category in _items(data, "drift", "columns", "categories", part):
            for name in ("reference_share", "current_share"):
                if not 0 <= (category.get(name) or 0) <= 1:
                    yield f"{where}.{name}", "a share must lie between 0 and 1"
    for where, gate in _items(data, "gates", "results"):
        yield from one_of(where, gate, "code", GATE_CODES)
        interval = [gate.get(name) is None for name in ("ci_low", "ci_high", "ci_level")]
        if any(interval) and not all(interval):
            yield f"{where}.ci_level", "ci_low, ci_high and ci_level go together"
    for where, gates in _items(data, "gates"):
        yield from one_of(where, gates, "registry", REGISTRY_BACKENDS)
    for where, column in _items(data, "drift", "columns"):
        yield from one_of(where, column, "kind", DRIFT_KINDS)
        yield from one_of(where, column, "method", DRIFT_METHODS)
    for where, skipped in _items(data, "drift", "skipped"):
        yield from one_of(where, skipped, "reason", SKIP_REASONS)
    for where, run in _items(data, "run"):
        for name in _URL_KEYS:
            value = run.get(name)
            if value is not None and not _is_web_url(value):
                yield f"{where}.{name}", "not an absolute http(s) URL"


def _histogram_problems(where: str, histogram: dict[str, Any]) -> Iterator[tuple[str, str]]:
    bins = len(histogram.get("edges") or []) - 1
    if bins < 1:
        yield f"{where}.edges", "a histogram needs at least two edges"
        return
    for name in ("reference", "current", "reference_share", "current_share"):
        values = histogram.get(name) or []
        if len(values) != bins:
            yield f"{where}.{name}", f"{len(values)} values for {bins} bins"
        elif name.endswith("share") and not all(0 <= v <= 1 for v in values):
            yield f"{where}.{name}", "shares must lie between 0 and 1"


def _is_web_url(value: Any) -> bool:
    if not isinstance(value, str) or value != value.strip() or not value.isprintable() or " " in value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and "@" not in parts.netloc


def check_report(data: Any, path: Path) -> dict[str, Any]:
    """``data`` when it is a report within every limit, else the first problem as exit 2."""
    if not isinstance(data, dict):
        kind = "an array" if isinstance(data, list) else f"a {type(data).__name__}"
        raise InputError(f"not an mlci report: the file holds {kind}, not an object", path=path)
    if "mlci_report_version" not in data:
        raise InputError(
            "not an mlci report (no mlci_report_version: is this a metrics file?)",
            path=path,
            key="mlci_report_version",
        )
    for key, problem in _walk(data, "", 0):
        raise InputError(f"not an mlci report: {problem}", path=path, key=key or None)
    return data


def check_vocabulary(data: dict[str, Any], path: Path) -> None:
    """After the model accepted ``data``'s types: every code in its vocabulary, URLs web URLs,
    and the lists that go together of matching lengths."""
    for key, problem in _vocabulary_problems(data):
        raise InputError(f"not an mlci report: {problem}", path=path, key=key)
