"""``mlci registry list|show|register|promote``: the model versions and the baseline."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mlci.cli._common import F, config_option, file_option, option, write_output

__all__ = ["registry"]


def _open(config_path: Path) -> tuple[Any, Any]:
    from mlci.config import load_project
    from mlci.registry import open_registry

    config = load_project(config_path)
    return config, open_registry(config)


def _format_option() -> Callable[[F], F]:
    return option(
        "--format",
        "fmt",
        env="FORMAT",
        type=click.Choice(["text", "json"], case_sensitive=False),
        default="text",
        show_default=True,
        help="Output format.",
    )


@click.group()
def registry() -> None:
    """List, show, register and promote model versions.

    The backend and its settings come from the registry: section of mlci.yml
    (file: JSON under .mlci/registry/; git: GTO-compatible annotated tags).
    The baseline the gates compare against is the version carrying the alias
    `champion` (registry.alias).
    """


@registry.command("list")
@config_option()
@_format_option()
def list_versions(config_path: Path, fmt: str) -> None:
    """List the registered versions of the model, oldest first."""
    from mlci.render.escape import plain

    _, reg = _open(config_path)
    records = reg.list_versions()
    aliases = reg.aliases()
    baseline = reg.baseline() if records else None
    if fmt == "json":
        body = {
            "model": reg.model,
            "backend": reg.backend,
            "baseline": baseline.version if baseline else None,
            "aliases": aliases,
            "versions": [r.model_dump(mode="json") for r in records],
        }
        write_output(json.dumps(body, indent=2) + "\n", None)
        return
    if not records:
        write_output(f"{plain(reg.model)}: no versions registered ({plain(reg.where())})\n", None)
        return
    by_version: dict[str, list[str]] = {}
    for alias, version in sorted(aliases.items()):
        by_version.setdefault(version, []).append(alias)
    lines = [f"{plain(reg.model)} ({reg.backend} registry, {len(records)} versions)"]
    for r in records:
        tags = ", ".join(by_version.get(r.version, []))
        marker = "*" if baseline is not None and r.version == baseline.version else " "
        metrics = ", ".join(f"{plain(k)}={v:.4g}" for k, v in list(r.metrics.items())[:4])
        commit = (r.commit or "")[:8]
        lines.append(
            f"{marker} {r.version:<14} {r.created_at[:19]:<19} {commit:<8} "
            f"{('[' + plain(tags) + ']') if tags else '':<12} {metrics}"
        )
    write_output("\n".join(lines) + "\n", None)


@registry.command()
@click.argument("version", required=False)
@config_option()
@_format_option()
def show(version: str | None, config_path: Path, fmt: str) -> None:
    """Show VERSION (default: the baseline) with its metrics and lineage."""
    from mlci.errors import UsageError
    from mlci.render.escape import plain

    _, reg = _open(config_path)
    record = reg.get(version) if version else reg.baseline()
    if record is None:
        raise UsageError(f"{reg.why_no_baseline()}; name a version to show")
    if fmt == "json":
        write_output(record.to_json(), None)
        return
    aliases = sorted(a for a, v in reg.aliases().items() if v == record.version)
    lines = [
        f"model:       {plain(record.model)}",
        f"version:     {record.version}" + (f"  [{plain(', '.join(aliases))}]" if aliases else ""),
        f"created_at:  {plain(record.created_at)}",
        f"commit:      {plain(record.commit or '-')}",
        f"approved_by: {plain(record.approved_by or '-')}",
    ]
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
    write_output("\n".join(lines) + "\n", None)


@registry.command()
@config_option()
@option(
    "--version",
    "version",
    env="MODEL_VERSION",
    required=True,
    metavar="X.Y.Z",
    help="The semantic version to register.",
)
@file_option("metrics", "metrics_path", "Metrics JSON of this version (default: model.metrics).")
@file_option(
    "predictions",
    "predictions_path",
    "Per-example predictions: metrics are computed from them and they are kept with "
    "the version for later significance tests (default: model.predictions).",
)
@option(
    "--alias",
    "aliases",
    env="ALIAS",
    multiple=True,
    help="Assign this alias (e.g. champion: the new baseline). Repeatable.",
)
@option(
    "--approved-by",
    env="APPROVED_BY",
    default=None,
    help="Who or what approved this version  [default: $GITHUB_ACTOR].",
)
@option(
    "--params",
    "params_path",
    env="PARAMS",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Training parameters to keep with the version (JSON or YAML).",
)
@option("--description", env="DESCRIPTION", default=None, help="A line about this version.")
@option("--commit", env="COMMIT", default=None, help="Commit it was built from  [default: HEAD].")
def register(
    config_path: Path,
    version: str,
    metrics_path: Path | None,
    predictions_path: Path | None,
    aliases: tuple[str, ...],
    approved_by: str | None,
    params_path: Path | None,
    description: str | None,
    commit: str | None,
) -> None:
    """Register a new model version with its metrics and lineage.

    \b
    Examples:
      mlci registry register --version 1.0.0 --metrics out/metrics.json --alias champion
      mlci registry register --version 1.1.0 --predictions out/predictions.csv
    """
    import math

    from mlci.app.gate import collect_candidate_metrics
    from mlci.errors import UsageError
    from mlci.registry import build_record, parse_semver

    try:
        parse_semver(version)
    except ValueError as exc:
        raise UsageError(f"--version: {exc}") from None
    config, reg = _open(config_path)
    metrics, predictions = collect_candidate_metrics(
        config, metrics_path=metrics_path, predictions_path=predictions_path
    )
    dropped = sorted(k for k, v in metrics.items() if not math.isfinite(v))
    for name in dropped:
        click.echo(f"warning: metric '{name}' is not a finite number; not registered", err=True)
    artifacts = {}
    if predictions is not None:
        artifacts["predictions"] = _relative(predictions, config.root)
    record, warnings = build_record(
        config,
        version=version,
        metrics={k: v for k, v in metrics.items() if k not in dropped},
        artifacts=artifacts,
        params=_params(params_path) if params_path else None,
        approved_by=approved_by or os.environ.get("GITHUB_ACTOR") or None,
        description=description,
        commit=commit,
    )
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    record = reg.register(record, aliases=aliases)
    suffix = f"; aliases: {', '.join(aliases)}" if aliases else ""
    click.echo(f"registered {record.model} {record.version} in {reg.where()}{suffix}")


@registry.command()
@click.argument("version")
@config_option()
@option(
    "--alias",
    env="ALIAS",
    default=None,
    help="The alias to move  [default: registry.alias in mlci.yml, champion].",
)
def promote(version: str, config_path: Path, alias: str | None) -> None:
    """Make VERSION the baseline (or move another alias to it)."""
    _, reg = _open(config_path)
    reg.promote(version, alias)
    click.echo(f"{reg.model} {reg.get(version).version} is now '{alias or reg.alias}'")


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path.resolve())


def _params(path: Path) -> dict[str, Any]:
    from mlci.errors import InputError

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read params file: {exc.strerror}", path=path) from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except Exception as exc:  # noqa: BLE001 - json or yaml: either way one clear line
        raise InputError(f"invalid params file: {exc}", path=path) from None
    if not isinstance(data, dict):
        raise InputError("params file must hold an object of parameters", path=path)
    return data
