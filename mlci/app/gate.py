"""Run the quality gates mlci.yml configures and build the report's ``gates`` section.

Gathers the inputs (candidate metrics file and/or predictions, the baseline version from
the registry, the baseline's predictions when there are any), calls the pure checks in
``mlci.checks.gates``, and turns their outcomes into ``GateResult``s with reasons.

Where the baseline's per-example predictions come from (for significance tests), first
found wins: ``baseline_predictions`` passed in (``--baseline-predictions``), then
``model.baseline_predictions`` in mlci.yml, then the ``predictions`` artifact stored with
the baseline version in the registry.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from mlci.checks.gates import GateOutcome, Pairing, evaluate_gates, gates_status, unknown_metrics
from mlci.checks.metrics import KNOWN_METRICS, MetricsFile, compute_metrics
from mlci.checks.predictions import (
    PredictionColumns,
    Predictions,
    encode_predictions,
    pairing_problem,
    read_prediction_columns,
)
from mlci.checks.significance import Significance
from mlci.config.project import ModelConfig, ProjectConfig
from mlci.errors import ConfigError, MetricsError
from mlci.registry import Registry, VersionRecord, open_registry
from mlci.registry.mlflow_runs import (
    candidate_metrics_path,
    read_candidate_metrics,
    require_run_metrics,
    run_id_of,
)
from mlci.render.pvalues import format_p_value
from mlci.report.gates import GateResult, GatesSection
from mlci.report.model import ModelInfo, Report

__all__ = ["GatesRun", "collect_candidate_metrics", "gate_result", "gates_report", "run_gates"]


@dataclass(frozen=True)
class GatesRun:
    model: ModelInfo
    section: GatesSection
    candidate_metrics: dict[str, float]  # every candidate value found (for registration)


def gates_report(config: ProjectConfig, **kwargs: object) -> Report:
    """A report holding only the gates section (what ``mlci gate`` prints)."""
    run = run_gates(config, **kwargs)  # type: ignore[arg-type]
    return Report(model=run.model, gates=run.section).with_status()


def run_gates(
    config: ProjectConfig,
    *,
    metrics_path: Path | None = None,
    predictions_path: Path | None = None,
    baseline_version: str | None = None,
    baseline_predictions: Path | None = None,
    config_path: Path | None = None,
    registry: Registry | None = None,
) -> GatesRun:
    model = config.model
    if model is None:
        raise ConfigError(
            "mlci.yml has no 'model' section: gates need model.name and model.metrics or model.predictions",
            path=config_path,
            key="model",
        )
    metrics_path = candidate_metrics_path(config, metrics_path)  # a file or runs:/<run_id>
    predictions_path = predictions_path or (config.resolve(model.predictions) if model.predictions else None)
    if metrics_path is None and predictions_path is None:
        raise ConfigError(
            "no candidate metrics: set model.metrics or model.predictions in mlci.yml "
            "(or pass --metrics / --predictions)",
            path=config_path,
            key="model",
        )
    metrics_file = read_candidate_metrics(config, metrics_path) if metrics_path is not None else None
    cand_columns = _read(predictions_path, model) if predictions_path is not None else None

    registry = registry or open_registry(config)
    record = registry.get(baseline_version) if baseline_version else registry.baseline()

    explicit = baseline_predictions or (
        config.resolve(model.baseline_predictions) if model.baseline_predictions else None
    )
    base_path = explicit
    if base_path is None and record is not None and cand_columns is not None:
        base_path = registry.artifact(record.version, "predictions")
    base_columns = _read(base_path, model) if base_path is not None else None

    pairing, candidate_pred, baseline_pred = _pair(cand_columns, base_columns, model, explicit)

    gated = tuple(dict.fromkeys(g.metric for g in config.gates))
    candidate, unavailable = _candidate_values(metrics_file, candidate_pred, gated)
    baseline = dict(record.metrics) if record is not None else None
    if baseline_pred is not None and pairing.problem is None:
        computed = compute_metrics(baseline_pred, gated).values
        baseline = {**(baseline or {}), **computed}

    known = set(candidate) | set(unavailable)
    if metrics_file is not None:
        known |= set(metrics_file.values) | set(metrics_file.non_numeric)
    known |= set(record.metrics) if record is not None else set()
    _check_known(config, config_path, known)
    require_run_metrics(metrics_path, gated, set(candidate) | set(unavailable))

    outcomes = evaluate_gates(config.gates, candidate, baseline, unavailable=unavailable, pairing=pairing)
    context = _Context(
        record=record,
        no_baseline=registry.why_no_baseline() if baseline is None else None,
        metrics_path=metrics_path,
        predictions_path=predictions_path,
    )
    section = GatesSection(
        status=gates_status(outcomes),
        results=[gate_result(o, context) for o in outcomes],
        baseline_version=record.version if record is not None else None,
        baseline_source=_baseline_source(registry, record, base_path, pairing),
        registry=registry.backend,
    )
    return GatesRun(
        model=ModelInfo(
            name=model.name, baseline_version=section.baseline_version, candidate_run=run_id_of(metrics_path)
        ),
        section=section,
        candidate_metrics=candidate,
    )


def _read(path: Path, model: ModelConfig) -> PredictionColumns:
    return read_prediction_columns(path, y_true=model.y_true, y_pred=model.y_pred, y_score=model.y_score)


def _pair(
    cand: PredictionColumns | None,
    base: PredictionColumns | None,
    model: ModelConfig,
    explicit: Path | None,
) -> tuple[Pairing, Predictions | None, Predictions | None]:
    """Encode the predictions (jointly, when both exist) and check they are paired."""
    options = {"task": model.task, "positive_label": model.positive_label}
    if cand is None:
        return Pairing(problem="the candidate has no per-example predictions"), None, None
    if base is None:
        (candidate,) = encode_predictions([cand], **options)  # type: ignore[arg-type]
        problem = (
            "no baseline predictions (set model.baseline_predictions, or register the "
            "baseline with --predictions)"
        )
        return Pairing(candidate=candidate, problem=problem), candidate, None
    candidate, baseline = encode_predictions([cand, base], **options)  # type: ignore[arg-type]
    mismatch = pairing_problem(candidate, baseline)
    if mismatch is not None and explicit is not None:
        # The user pointed at this file: a mismatch is their input error, not a footnote.
        raise MetricsError(
            f"baseline predictions do not pair with the candidate's: {mismatch}", path=base.path
        )
    if mismatch is not None:
        mismatch = f"the baseline's stored predictions do not pair with the candidate's: {mismatch}"
    return Pairing(candidate=candidate, baseline=baseline, problem=mismatch), candidate, baseline


def _candidate_values(
    metrics_file: MetricsFile | None, pred: Predictions | None, gated: tuple[str, ...]
) -> tuple[dict[str, float], dict[str, str]]:
    values: dict[str, float] = {}
    if metrics_file is not None:
        for name in gated:
            metrics_file.number(name)  # a gated metric that is not a number: exit 2
        values.update(metrics_file.values)
    unavailable: dict[str, str] = {}
    if pred is not None:
        computed = compute_metrics(pred)  # everything applicable: the record keeps it all
        values.update(computed.values)  # computed from the predictions wins over the file
        wanted = tuple(n for n in gated if n in KNOWN_METRICS and n not in values)
        unavailable = compute_metrics(pred, wanted).unavailable
    return values, unavailable


def _check_known(config: ProjectConfig, config_path: Path | None, known: set[str]) -> None:
    unknown = unknown_metrics(config.gates, known)
    if not unknown:
        return
    index, name = unknown[0]
    choices = sorted(set(KNOWN_METRICS) | known)
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    line = column = None
    if config_path is not None:
        from mlci.config.yaml_source import load_yaml

        line, column = load_yaml(config_path).position(("gates", index, "metric"))
    raise ConfigError(
        f"unknown metric '{name}'{hint}; known metrics: {', '.join(choices)}",
        path=config_path,
        line=line,
        column=column,
        key=f"gates[{index}].metric",
    )


def _baseline_source(
    registry: Registry, record: VersionRecord | None, base_path: Path | None, pairing: Pairing
) -> str | None:
    parts = []
    if record is not None:
        parts.append(f"{registry.backend} registry: {registry.model} {record.version}")
    if base_path is not None and pairing.problem is None:
        parts.append(f"predictions {base_path}")
    return "; ".join(parts) or None


# --- reasons -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    record: VersionRecord | None
    no_baseline: str | None
    metrics_path: Path | None
    predictions_path: Path | None


def _n(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def _reason(o: GateOutcome, ctx: _Context) -> str | None:
    worse = "below" if o.direction == "higher" else "above"
    if o.code == "threshold":
        return f"{o.metric} {_n(o.candidate)} is {worse} the threshold {_n(o.limit)}"
    if o.code == "missing_candidate":
        sources = [str(p) for p in (ctx.metrics_path, ctx.predictions_path) if p is not None]
        return f"the candidate has no metric '{o.metric}' (looked in {', '.join(sources)})"
    if o.code == "unavailable":
        return f"{o.metric} cannot be computed: {o.detail}"
    if o.code == "nan_candidate":
        return f"the candidate's {o.metric} is NaN"
    if o.code == "infinite_candidate":
        return f"the candidate's {o.metric} is {_n(o.candidate)}, not a finite number"
    if o.code == "no_baseline":
        return ctx.no_baseline or "no baseline registered"
    if o.code == "missing_baseline":
        version = ctx.record.version if ctx.record is not None else "?"
        return f"baseline {version} has no metric '{o.metric}'"
    if o.code == "nan_baseline":
        return f"the baseline's {o.metric} is NaN"
    if o.code == "infinite_baseline":
        version = ctx.record.version if ctx.record is not None else "?"
        value = _n(o.baseline)
        return f"baseline {version}'s {o.metric} is {value}, not a finite number: nothing to compare with"
    if o.code in ("regression", "regression_not_significant"):
        assert o.delta is not None and o.tolerance is not None
        worsening = -o.delta if o.direction == "higher" else o.delta
        if worsening > o.tolerance:
            text = f"{o.metric} is worse than the baseline by {_n(abs(o.delta))} (allowed {_n(o.tolerance)})"
        else:  # tested: within the tolerance as observed, but not across the resamples
            allowed = _n(o.tolerance)
            text = f"{o.metric} changed by {o.delta:+.4g} from the baseline (allowed worsening {allowed})"
        s = o.significance
        if s is None:
            return text
        ci = f"the {s.ci_level:.0%} CI of Δ [{_n(s.ci_low)}, {_n(s.ci_high)}]"
        p = f"p = {format_p_value(s.p_value, s.alpha)}"
        if s.significant:
            return (
                f"{text}; a significant regression: {ci} lies wholly beyond the tolerance "
                f"({p} ≤ α = {_n(s.alpha)})"
            )
        if s.worse_for_sure:
            drop, side = ("drop", "below") if o.direction == "higher" else ("rise", "above")
            return (
                f"{text}: a real {drop} ({ci} is wholly {side} zero), but not shown to exceed the "
                f"tolerance ({p} > α = {_n(s.alpha)})"
            )
        return (
            f"{text}, but not significant: {ci} includes zero and reaches within the tolerance "
            f"({p} > α = {_n(s.alpha)}); consistent with noise"
        )
    return None


def _note(o: GateOutcome) -> str | None:
    notes = []
    if o.implicit:
        notes.append("the gate names no rule, so 'no regression' was checked")
    if o.detail and o.code != "unavailable" and o.alpha is not None and o.significance is None:
        notes.append(f"significance not tested: {o.detail}")
    s = o.significance
    if s is not None and s.mcnemar_p_value is not None:
        notes.append(_mcnemar_note(s))
    return "; ".join(notes) or None


def _mcnemar_note(s: Significance) -> str:
    """McNemar answers another question than the gate's test: say which, and its answer."""
    assert s.mcnemar_p_value is not None
    p = format_p_value(s.mcnemar_p_value, s.alpha)
    text = f"McNemar exact test (two-sided, H0: equal accuracy, in either direction): p = {p}"
    if s.mcnemar_p_value > s.alpha:
        return f"{text}, no difference in accuracy shown"
    better = "more" if s.delta > 0 else "less"
    return f"{text}: the accuracies differ, the candidate is {better} accurate"


def gate_result(o: GateOutcome, ctx: _Context) -> GateResult:
    s = o.significance
    return GateResult(
        metric=o.metric,
        candidate=o.candidate,
        baseline=o.baseline,
        delta=o.delta
        if o.delta is not None
        else (o.candidate - o.baseline if o.candidate is not None and o.baseline is not None else None),
        status=o.status,
        p_value=s.p_value if s is not None else None,
        reason=_reason(o, ctx),
        code=o.code,
        rule=o.rule,
        limit=o.limit,
        tolerance=o.tolerance,
        implicit=o.implicit,
        direction=o.direction,
        alpha=o.alpha,
        significant=s.significant if s is not None else None,
        ci_low=s.ci_low if s is not None else None,
        ci_high=s.ci_high if s is not None else None,
        ci_level=s.ci_level if s is not None else None,
        mcnemar_p_value=s.mcnemar_p_value if s is not None else None,
        examples=s.examples if s is not None else None,
        resamples=s.resamples if s is not None else None,
        note=_note(o),
    )


def collect_candidate_metrics(
    config: ProjectConfig,
    *,
    metrics_path: Path | None = None,
    predictions_path: Path | None = None,
) -> tuple[dict[str, float], Path | None]:
    """Every metric of a model version (file values, then computed from predictions) and
    the predictions file used, for ``mlci registry register`` and ``mlci release``."""
    model = config.model
    if model is None:
        raise ConfigError("mlci.yml has no 'model' section", key="model")
    metrics_path = candidate_metrics_path(config, metrics_path)
    predictions_path = predictions_path or (config.resolve(model.predictions) if model.predictions else None)
    if metrics_path is None and predictions_path is None:
        raise ConfigError(
            "no metrics: set model.metrics or model.predictions in mlci.yml "
            "(or pass --metrics / --predictions)",
            key="model",
        )
    metrics_file = read_candidate_metrics(config, metrics_path) if metrics_path is not None else None
    pred = None
    if predictions_path is not None:
        (pred,) = encode_predictions(
            [_read(predictions_path, model)], task=model.task, positive_label=model.positive_label
        )
    values, _ = _candidate_values(metrics_file, pred, ())
    return values, predictions_path
