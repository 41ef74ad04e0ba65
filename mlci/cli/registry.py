"""``mlci registry list|show|register|promote``: the model versions and the baseline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlci.cli._common import F, config_option, option, write_output

if TYPE_CHECKING:
    from mlci.config.project import ProjectConfig
    from mlci.registry import Registry

__all__ = ["registry"]


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
    (file: JSON under .mlci/registry/; git: GTO-compatible annotated tags;
    mlflow: MLflow's Model Registry, versions tagged mlci.version).
    The baseline the gates compare against is the version carrying the alias
    `champion` (registry.alias).
    """


@registry.command("list")
@config_option()
@_format_option()
def list_versions(config_path: Path, fmt: str) -> None:
    """List the registered versions of the model, oldest first."""
    from mlci.render.registry_text import versions_json, versions_text

    _, reg = _open(config_path)
    write_output(versions_json(reg) if fmt == "json" else versions_text(reg), None)


@registry.command()
@click.argument("version", required=False)
@config_option()
@_format_option()
def show(version: str | None, config_path: Path, fmt: str) -> None:
    """Show VERSION (default: the baseline) with its metrics and lineage."""
    from mlci.errors import UsageError
    from mlci.render.registry_text import record_text

    _, reg = _open(config_path)
    record = reg.get(version) if version else reg.baseline()
    if record is None:
        raise UsageError(f"{reg.why_no_baseline()}; name a version to show")
    aliases = sorted(a for a, v in reg.aliases().items() if v == record.version)
    write_output(record.to_json() if fmt == "json" else record_text(record, aliases), None)


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


def _add_register() -> None:
    from mlci.cli.registry_register import register

    registry.add_command(register)


_add_register()


def _open(config_path: Path) -> tuple[ProjectConfig, Registry]:
    from mlci.app.registry import open_project_registry

    return open_project_registry(config_path)
