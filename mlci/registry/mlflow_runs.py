"""A candidate's metrics from an MLflow run: ``--metrics runs:/<run_id>``, the URI MLflow users write.

Where the candidate's metrics come from, first found wins: ``--metrics`` (a file or
``runs:/<run_id>``), ``model.metrics`` in mlci.yml (the same), then ``$MLFLOW_RUN_ID``
when the registry backend is ``mlflow``. A run's metrics are the latest value of each
(what MLflow's ``runs/get`` reports); its params are there too, so a gate on a name the
run logged as a param is a clear "not a number" error, not a silent skip.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from mlci.checks.metrics import MetricsFile, load_metrics
from mlci.config.project import ProjectConfig
from mlci.errors import MetricsError
from mlci.registry.mlflow_records import run_metric_values

__all__ = [
    "RUN_SCHEME",
    "candidate_metrics_path",
    "read_candidate_metrics",
    "require_run_metrics",
    "run_id_of",
]

RUN_SCHEME = "runs:/"
ENV_RUN = "MLFLOW_RUN_ID"
_RUN_ID = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")


def run_id_of(ref: str | Path | None) -> str | None:
    """The run id of ``runs:/<run_id>`` (a trailing artifact path is allowed), else None."""
    if ref is None:
        return None
    text = str(ref)
    if text.startswith("runs:") and not text.startswith(RUN_SCHEME):
        text = RUN_SCHEME + text[len("runs:") :]
    if not text.startswith(RUN_SCHEME):
        return None
    run_id = text[len(RUN_SCHEME) :].strip("/").split("/", 1)[0]
    if not _RUN_ID.match(run_id):
        raise MetricsError(f"{text!r} names no run: expected runs:/<run_id>")
    return run_id


def candidate_metrics_path(
    config: ProjectConfig, given: Path | None, environ: Mapping[str, str] | None = None
) -> Path | None:
    """The candidate's metrics: a file path, or ``Path("runs:/<run_id>")`` for an MLflow run."""
    if given is not None:
        return Path(f"{RUN_SCHEME}{run_id_of(given)}") if run_id_of(given) else given
    configured = config.model.metrics if config.model is not None else None
    if configured:
        run_id = run_id_of(configured)
        return Path(f"{RUN_SCHEME}{run_id}") if run_id else config.resolve(configured)
    env = os.environ if environ is None else environ
    run_id = env.get(ENV_RUN, "").strip()
    if run_id and config.registry.backend == "mlflow":
        return Path(f"{RUN_SCHEME}{run_id_of(RUN_SCHEME + run_id)}")
    return None


def read_candidate_metrics(config: ProjectConfig, path: Path) -> MetricsFile:
    """A metrics file, or the metrics of an MLflow run (exit 2 when the server has no such run)."""
    run_id = run_id_of(path)
    if run_id is None:
        return load_metrics(path)
    from mlci.registry.mlflow_api import MlflowApi

    api = MlflowApi.open(config.registry.tracking_uri)
    try:
        run = api.run(run_id)
    finally:
        api.close()
    where = Path(f"{RUN_SCHEME}{run_id}")
    if run is None:
        raise MetricsError(f"MLflow at {api.base_url} has no run {run_id}", path=where)
    metrics, params = run_metric_values(run)
    out = MetricsFile(path=where, values=metrics)
    for key, value in params.items():
        if key not in metrics:
            out.non_numeric[key] = f"the run's param {value[:40]!r}; log it with mlflow.log_metric"
    return out


def require_run_metrics(path: Path | None, gated: Iterable[str], found: Iterable[str]) -> None:
    """A gated metric the candidate run does not have is bad input (exit 2), not a failed gate."""
    run_id = run_id_of(path)
    if run_id is None:
        return
    have = set(found)
    missing = [m for m in dict.fromkeys(gated) if m not in have]
    if missing:
        shown = ", ".join(sorted(have)[:20]) or "none"
        raise MetricsError(
            f"the run has no metric '{missing[0]}' (its metrics: {shown})",
            path=f"{RUN_SCHEME}{run_id}",
            key=missing[0],
        )
