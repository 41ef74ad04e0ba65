"""``mlci registry list`` and ``show`` as text and JSON: every value from a record escaped."""

from __future__ import annotations

import json

from mlci.registry import Registry, VersionRecord
from mlci.render.escape import plain

__all__ = ["record_text", "versions_json", "versions_text"]


def versions_json(registry: Registry) -> str:
    records = registry.list_versions()
    baseline = registry.baseline() if records else None
    body = {
        "model": registry.model,
        "backend": registry.backend,
        "baseline": baseline.version if baseline else None,
        "aliases": registry.aliases(),
        "versions": [r.model_dump(mode="json") for r in records],
    }
    return json.dumps(body, indent=2) + "\n"


def versions_text(registry: Registry) -> str:
    records = registry.list_versions()
    if not records:
        return f"{plain(registry.model)}: no versions registered ({plain(registry.where())})\n"
    baseline = registry.baseline()
    by_version: dict[str, list[str]] = {}
    for alias, version in sorted(registry.aliases().items()):
        by_version.setdefault(version, []).append(alias)
    lines = [f"{plain(registry.model)} ({registry.backend} registry, {len(records)} versions)"]
    for r in records:
        tags = ", ".join(by_version.get(r.version, []))
        marker = "*" if baseline is not None and r.version == baseline.version else " "
        metrics = ", ".join(f"{plain(k)}={v:.4g}" for k, v in list(r.metrics.items())[:4])
        commit = (r.commit or "")[:8]
        lines.append(
            f"{marker} {r.version:<14} {r.created_at[:19]:<19} {commit:<8} "
            f"{('[' + plain(tags) + ']') if tags else '':<12} {metrics}"
        )
    return "\n".join(lines) + "\n"


def record_text(record: VersionRecord, aliases: list[str]) -> str:
    lines = [
        f"model:       {plain(record.model)}",
        f"version:     {record.version}" + (f"  [{plain(', '.join(aliases))}]" if aliases else ""),
        f"created_at:  {plain(record.created_at)}",
        f"commit:      {plain(record.commit or '-')}",
        f"approved_by: {plain(record.approved_by or '-')}",
    ]
    if record.run_id or record.registry_version:  # mlflow: the run and MLflow's own number
        lines.append(f"run:         {plain(record.run_id or '-')}")
        lines.append(f"registry:    version {plain(record.registry_version or '-')}")
    if record.description:
        lines.append(f"description: {plain(record.description)}")
    sections = [
        ("metrics", {k: f"{v:.6g}" for k, v in record.metrics.items()}),
        ("datasets", record.datasets),
        ("params", {k: json.dumps(v) for k, v in record.params.items()}),
        ("artifacts", {k: f"{a.path} ({a.sha256 or '-'})" for k, a in record.artifacts.items()}),
    ]
    for title, values in sections:
        if values:
            lines.append(f"{title}:")
            lines.extend(f"  {plain(k)}: {plain(v, 300)}" for k, v in values.items())
    return "\n".join(lines) + "\n"
