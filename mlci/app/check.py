"""Run everything ``mlci.yml`` configures and assemble one Report (what ``mlci check`` does)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mlci.checks.validation import validate_source
from mlci.config.problems import ConfigProblems
from mlci.config.project import ProjectConfig
from mlci.config.schema import Schema, load_schema
from mlci.errors import ConfigError, MlciError
from mlci.io import DEFAULT_CHUNK_ROWS, DataSource, open_source, sha256_file
from mlci.report.builder import validation_entry
from mlci.report.model import ModelInfo, Report
from mlci.report.provenance import current_run
from mlci.report.validation import DatasetValidation

__all__ = ["ProgressFactory", "preflight", "run_project"]

# label, total rows (if known) -> a callback taking rows done
ProgressFactory = Callable[[str, "int | None"], Callable[[int], None]]


def _no_progress(label: str, total: int | None) -> Callable[[int], None]:
    return lambda rows: None


def preflight(config: ProjectConfig, config_path: Path) -> tuple[dict[str, DataSource], dict[str, Schema]]:
    """Open every dataset and schema up front and report every problem at once."""
    problems: list[MlciError] = []
    sources: dict[str, DataSource] = {}
    schemas: dict[str, Schema] = {}
    for name, dataset in config.datasets.items():
        try:
            sources[name] = open_source(config.resolve(dataset.path))
        except MlciError as exc:
            exc.key = exc.key or f"datasets.{name}.path"
            problems.append(exc)
        if dataset.schema_ is not None and dataset.schema_ not in schemas:
            try:
                schemas[dataset.schema_] = load_schema(config.resolve(dataset.schema_))
            except ConfigProblems as exc:
                problems.extend(exc.problems)
            except MlciError as exc:
                problems.append(exc)
    if problems:
        raise ConfigProblems([_as_config_error(p) for p in problems])
    return sources, schemas


def _as_config_error(error: MlciError) -> ConfigError:
    if isinstance(error, ConfigError):
        return error
    return ConfigError(error.message, path=error.path, line=error.line, column=error.column, key=error.key)


def run_project(
    config: ProjectConfig,
    config_path: Path,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: ProgressFactory = _no_progress,
) -> Report:
    sources, schemas = preflight(config, config_path)
    validation: list[DatasetValidation] | None = None
    checked = [(n, d) for n, d in config.datasets.items() if d.schema_ is not None]
    if checked:
        validation = []
        for name, dataset in checked:
            source = sources[name]
            assert dataset.schema_ is not None
            outcome = validate_source(
                source,
                schemas[dataset.schema_],
                chunk_rows=chunk_rows,
                progress=progress(f"validating {name}", source.total_rows),
            )
            validation.append(
                validation_entry(
                    name,
                    dataset.path,
                    outcome,
                    schema_path=dataset.schema_,
                    fingerprint=sha256_file(source.path),
                )
            )
    from mlci.app.drift import project_drift

    drift = project_drift(
        config, sources, schemas, config_path=config_path, chunk_rows=chunk_rows, progress=progress
    )
    model = ModelInfo(name=config.model.name) if config.model is not None else None
    gates = None
    if config.gates:
        from mlci.app.gate import run_gates

        run = run_gates(config, config_path=config_path)
        model, gates = run.model, run.section
    report = Report(
        model=model,
        validation=validation,
        drift=drift,
        gates=gates,
        run=current_run(config.root),
        config_path=str(config_path),
    )
    return report.with_status()
