"""Run everything ``mlci.yml`` configures and assemble one Report (what ``mlci check`` does).

An input that cannot be used does not stop the run: it becomes an entry of the report's
``errors`` (status ``error``), the sections it blocks are left ``null`` and the others
still run, so the pull request always gets a report to read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mlci.config.problems import ConfigProblems
from mlci.config.project import DatasetConfig, ProjectConfig
from mlci.config.schema import Schema, load_schema
from mlci.engines.base import Engine
from mlci.engines.factory import open_engine
from mlci.engines.options import EngineOptions
from mlci.errors import ConfigError, MlciError
from mlci.io import DEFAULT_CHUNK_ROWS, DataSource, sha256_data
from mlci.io.configured import open_configured, shown_location
from mlci.report.builder import validation_entry
from mlci.report.drift import DriftSection
from mlci.report.errors import ReportError, report_errors
from mlci.report.model import ModelInfo, Report
from mlci.report.provenance import current_run
from mlci.report.validation import DatasetValidation

__all__ = [
    "ProgressFactory",
    "engine_options",
    "error_report",
    "no_progress",
    "open_inputs",
    "preflight",
    "run_project",
    "validate_dataset",
]

# label, total rows (if known) -> a callback taking rows done
ProgressFactory = Callable[[str, "int | None"], Callable[[int], None]]


def no_progress(label: str, total: int | None) -> Callable[[int], None]:
    return lambda rows: None


def open_inputs(
    config: ProjectConfig,
) -> tuple[dict[str, DataSource], dict[str, Schema], list[MlciError]]:
    """Open every dataset and schema up front; what failed is returned, not raised."""
    problems: list[MlciError] = []
    sources: dict[str, DataSource] = {}
    schemas: dict[str, Schema] = {}
    for name, dataset in config.datasets.items():
        try:
            sources[name] = open_configured(config, dataset.path)
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
    return sources, schemas, problems


def preflight(config: ProjectConfig, config_path: Path) -> tuple[dict[str, DataSource], dict[str, Schema]]:
    """Open every dataset and schema up front and raise every problem at once."""
    sources, schemas, problems = open_inputs(config)
    if problems:
        raise ConfigProblems([_as_config_error(p) for p in problems])
    return sources, schemas


def _as_config_error(error: MlciError) -> ConfigError:
    if isinstance(error, ConfigError):
        return error
    return ConfigError(error.message, path=error.path, line=error.line, column=error.column, key=error.key)


def error_report(error: MlciError, *, config_path: Path | None = None) -> Report:
    """The report ``mlci check`` writes when mlci.yml itself cannot be used."""
    return Report(
        errors=report_errors(error, "config"),
        config_path=str(config_path) if config_path is not None else None,
    ).with_status()


def validate_dataset(
    name: str,
    dataset: DatasetConfig,
    source: DataSource,
    schema: Schema,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: ProgressFactory = no_progress,
    engine: Engine | None = None,
) -> DatasetValidation:
    """One dataset against its schema, as the report's validation entry (local engine by default)."""
    from concurrent.futures import ThreadPoolExecutor

    if engine is None:
        from mlci.engines.local import LocalEngine

        engine = LocalEngine()
    # The fingerprint hashes the data on another thread (hashlib releases the GIL) while
    # the checks run: the read is the cost, and the two overlap.
    with ThreadPoolExecutor(max_workers=1) as pool:
        fingerprint = pool.submit(sha256_data, source)
        outcome = engine.validate(
            source, schema, chunk_rows=chunk_rows, progress=progress(f"validating {name}", source.total_rows)
        )
        return validation_entry(
            name,
            shown_location(dataset.path),
            outcome,
            schema_path=dataset.schema_,
            fingerprint=fingerprint.result(),
        )


def engine_options(config: ProjectConfig) -> EngineOptions:
    """mlci.yml's ``engine:`` (the scheduler defaults to ``$DASK_SCHEDULER_ADDRESS``)."""
    import os

    section = config.engine
    scheduler = section.scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    return EngineOptions(section.name, scheduler, section.timeout)


def run_project(
    config: ProjectConfig,
    config_path: Path,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: ProgressFactory = no_progress,
    engine: EngineOptions | None = None,
) -> Report:
    """Everything mlci.yml configures; ``engine`` (the command line's) wins over ``engine:``."""
    sources, schemas, problems = open_inputs(config)
    errors: list[ReportError] = [e for p in problems for e in report_errors(p, "datasets")]
    try:
        with open_engine(engine or engine_options(config)) as runner:
            validation, drift = _data_sections(
                config, config_path, sources, schemas, errors, runner, chunk_rows, progress
            )
    except MlciError as exc:  # the cluster could not be reached: the data sections stay null
        exc.key = exc.key or "engine"
        errors += report_errors(exc)
        validation, drift = None, None
    model = ModelInfo(name=config.model.name) if config.model is not None else None
    gates = None
    if config.gates:
        from mlci.app.gate import run_gates

        try:
            run = run_gates(config, config_path=config_path)
            model, gates = run.model, run.section
        except MlciError as exc:
            errors += report_errors(exc, "gates")
    report = Report(
        model=model,
        validation=validation,
        drift=drift,
        gates=gates,
        errors=errors,
        run=current_run(config.root),
        config_path=str(config_path),
    )
    return report.with_status()


def _data_sections(
    config: ProjectConfig,
    config_path: Path,
    sources: dict[str, DataSource],
    schemas: dict[str, Schema],
    errors: list[ReportError],
    runner: Engine,
    chunk_rows: int,
    progress: ProgressFactory,
) -> tuple[list[DatasetValidation] | None, DriftSection | None]:
    """Validation and drift, on one engine; problems are appended to ``errors``."""
    validation: list[DatasetValidation] | None = None
    checked = [(n, d) for n, d in config.datasets.items() if d.schema_ is not None]
    if checked:
        validation = []
        for name, dataset in checked:
            assert dataset.schema_ is not None
            if name not in sources or dataset.schema_ not in schemas:
                continue  # its error is already listed
            source = sources[name]
            try:
                entry = validate_dataset(
                    name,
                    dataset,
                    source,
                    schemas[dataset.schema_],
                    chunk_rows=chunk_rows,
                    progress=progress,
                    engine=runner,
                )
            except MlciError as exc:
                unreadable = exc.key is None  # the data itself, not a schema key
                exc.key = exc.key or f"datasets.{name}.path"
                errors += report_errors(exc, "datasets" if unreadable else "validation")
                del sources[name]  # unreadable: drift must not read it again
                continue
            validation.append(entry)
    drift = None
    if config.drift is not None and _drift_inputs_usable(config, sources, schemas):
        from mlci.app.drift import project_drift

        try:
            drift = project_drift(
                config,
                sources,
                schemas,
                config_path=config_path,
                chunk_rows=chunk_rows,
                progress=progress,
                engine=runner,
            )
        except MlciError as exc:
            errors += report_errors(exc, "drift")
    return validation, drift


def _drift_inputs_usable(
    config: ProjectConfig, sources: dict[str, DataSource], schemas: dict[str, Schema]
) -> bool:
    """Drift runs only when both datasets opened and the reference's schema (kinds) loaded."""
    assert config.drift is not None
    schema_key = config.datasets[config.drift.reference].schema_
    opened = config.drift.reference in sources and config.drift.current in sources
    return opened and (schema_key is None or schema_key in schemas)
