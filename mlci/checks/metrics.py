"""Model metrics: the catalogue, and their values computed from per-example predictions.

Everything is vectorised numpy over whole columns. Definitions follow scikit-learn (the
test oracle): ``precision``/``recall``/``f1`` are binary (of the positive label), the
``*_macro`` variants average over the labels seen in ``y_true`` or ``y_pred``; a ratio
with a zero denominator is 0. ``roc_auc``, ``average_precision``, ``log_loss`` and
``brier`` need a positive-class score (``y_score``); the last two need probabilities.

Per-example predictions are read by ``mlci.checks.predictions``; metrics files (flat or
nested JSON, dvclive style) by ``load_metrics`` below.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mlci.checks.predictions import Labels, Predictions, Task
from mlci.config.files import MAX_JSON_BYTES, decode_text, parse_json, read_capped
from mlci.config.parse_limits import PARSE_LIMIT_ERRORS, parse_limit_message
from mlci.errors import MetricsError
from mlci.vocab import Direction

__all__ = [
    "CLASSIFICATION_METRICS",
    "REGRESSION_METRICS",
    "KNOWN_METRICS",
    "LOWER_IS_BETTER",
    "Task",
    "Labels",
    "Predictions",
    "MetricValues",
    "MetricsFile",
    "load_metrics",
    "default_direction",
    "compute_metrics",
    "classification_metric",
    "regression_metric",
    "roc_auc",
    "average_precision",
]

CLASSIFICATION_METRICS: tuple[str, ...] = (
    "accuracy",
    "precision",
    "recall",
    "f1",
    "precision_macro",
    "recall_macro",
    "f1_macro",
    "roc_auc",
    "average_precision",
    "log_loss",
    "brier",
)
REGRESSION_METRICS: tuple[str, ...] = ("rmse", "mse", "mae", "mape", "r2")
KNOWN_METRICS: tuple[str, ...] = CLASSIFICATION_METRICS + REGRESSION_METRICS
SCORE_METRICS = ("roc_auc", "average_precision", "log_loss", "brier")
LABEL_METRICS = tuple(m for m in CLASSIFICATION_METRICS if m not in SCORE_METRICS)

# A metric whose name contains one of these words is lower-is-better unless a gate says so.
LOWER_IS_BETTER: tuple[str, ...] = (
    "loss",
    "error",
    "rmse",
    "mse",
    "mae",
    "mape",
    "latency",
    "brier",
)
_WORDS = re.compile("|".join(LOWER_IS_BETTER))
_EPS = float(np.finfo(np.float64).eps)


def default_direction(metric: str) -> Direction:
    """``lower`` for losses, errors and latencies (by name), ``higher`` otherwise."""
    last = metric.rsplit(".", 1)[-1].lower()
    return "lower" if _WORDS.search(last) else "higher"


@dataclass
class MetricValues:
    """Computed metric values, and why any requested metric could not be computed."""

    values: dict[str, float] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)


def compute_metrics(pred: Predictions, names: tuple[str, ...] | None = None) -> MetricValues:
    """Every applicable metric (or ``names`` only) of one model's predictions."""
    wanted = names if names is not None else KNOWN_METRICS
    out = MetricValues()
    for name in wanted:
        if name not in KNOWN_METRICS:
            continue
        problem = unavailable_reason(pred, name)
        if problem is not None:
            if names is not None:
                out.unavailable[name] = problem
            continue
        if pred.task == "classification":
            out.values[name] = classification_metric(pred, name)
        else:
            out.values[name] = regression_metric(pred, name)
    return out


def unavailable_reason(pred: Predictions, name: str) -> str | None:
    """Why ``name`` cannot be computed from these predictions, or None when it can."""
    if pred.task == "regression":
        if name in CLASSIFICATION_METRICS:
            return f"{name} is a classification metric and the predictions are regression"
        return None if pred.y_pred is not None else "the predictions have no y_pred column"
    if name in REGRESSION_METRICS:
        return f"{name} is a regression metric and the predictions are classification"
    labels = pred.labels
    assert labels is not None
    if name in LABEL_METRICS:
        if pred.y_pred is None:
            return f"{name} needs predicted labels (a y_pred column)"
        if name in ("precision", "recall", "f1") and not labels.binary:
            return f"{name} is binary and there are {len(labels.classes)} classes; use {name}_macro"
        return None
    if pred.y_score is None:
        return f"{name} needs a positive-class score (a y_score column)"
    if not labels.binary:
        return f"{name} needs binary labels; there are {len(labels.classes)} classes"
    positives = int(np.count_nonzero(pred.y_true == labels.positive))
    if name in ("roc_auc", "average_precision") and positives == 0:
        return f"{name} is undefined: y_true has no positive examples"
    if name == "roc_auc" and positives == pred.rows:
        return "roc_auc is undefined: y_true has only the positive class"
    if name in ("log_loss", "brier"):
        score = pred.y_score
        if bool(np.any((score < 0) | (score > 1))):
            return f"{name} needs probabilities; y_score has values outside [0, 1]"
    return None


# --- classification ----------------------------------------------------------------------


def _ratio(num: np.ndarray | float, den: np.ndarray | float) -> np.ndarray:
    num_a = np.asarray(num, dtype=np.float64)
    den_a = np.asarray(den, dtype=np.float64)
    return np.divide(num_a, den_a, out=np.zeros(np.broadcast(num_a, den_a).shape), where=den_a != 0)


def _binary_counts(y_true: np.ndarray, y_pred: np.ndarray, positive: int) -> tuple[int, int, int]:
    t = y_true == positive
    p = y_pred == positive
    tp = int(np.count_nonzero(t & p))
    return tp, int(np.count_nonzero(p)) - tp, int(np.count_nonzero(t)) - tp


def _macro(y_true: np.ndarray, y_pred: np.ndarray, k: int, which: str) -> float:
    correct = y_true == y_pred
    tp = np.bincount(y_true[correct], minlength=k)
    n_pred = np.bincount(y_pred, minlength=k)
    n_true = np.bincount(y_true, minlength=k)
    seen = (n_pred + n_true) > 0  # scikit-learn averages over labels present in either
    return float(per_class_score(which, tp, n_pred, n_true)[seen].mean())


def per_class_score(which: str, tp: np.ndarray, n_pred: np.ndarray, n_true: np.ndarray) -> np.ndarray:
    """Precision, recall or f1 per class from counts (any leading batch dimensions)."""
    if which == "precision":
        return _ratio(tp, n_pred)
    if which == "recall":
        return _ratio(tp, n_true)
    return _ratio(2 * tp, n_pred + n_true)


def classification_metric(pred: Predictions, name: str) -> float:
    labels = pred.labels
    assert labels is not None
    y_true = pred.y_true
    if name in LABEL_METRICS:
        y_pred = pred.y_pred
        assert y_pred is not None
        if name == "accuracy":
            return float(np.count_nonzero(y_true == y_pred) / len(y_true))
        if name.endswith("_macro"):
            return _macro(y_true, y_pred, len(labels.classes), name.removesuffix("_macro"))
        assert labels.positive is not None
        tp, fp, fn = _binary_counts(y_true, y_pred, labels.positive)
        if name == "precision":
            return float(_ratio(tp, tp + fp))
        if name == "recall":
            return float(_ratio(tp, tp + fn))
        return float(_ratio(2 * tp, 2 * tp + fp + fn))
    score = pred.y_score
    assert score is not None and labels.positive is not None
    y = (y_true == labels.positive).astype(np.float64)
    if name == "roc_auc":
        return roc_auc(y, score)
    if name == "average_precision":
        return average_precision(y, score)
    if name == "log_loss":
        p = np.clip(score, _EPS, 1 - _EPS)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))
    if name == "brier":
        return float(np.mean((score - y) ** 2))
    raise KeyError(name)


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve as the Mann-Whitney U statistic (ties count one half)."""
    from scipy.stats import rankdata

    ranks = rankdata(score)  # average ranks of ties
    n_pos = float(y.sum())
    n_neg = float(len(y) - n_pos)
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(y: np.ndarray, score: np.ndarray) -> float:
    """Sum over distinct score thresholds of (recall step) x precision, as scikit-learn."""
    order = np.argsort(-score, kind="mergesort")
    s = score[order]
    y_sorted = y[order]
    # The last index of each run of equal scores is a threshold.
    ends = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]
    tps = np.cumsum(y_sorted)[ends]
    fps = (ends + 1) - tps
    precision = tps / (tps + fps)
    recall_step = np.diff(np.r_[0.0, tps]) / tps[-1]
    return float(np.sum(recall_step * precision))


# --- regression --------------------------------------------------------------------------


def regression_metric(pred: Predictions, name: str) -> float:
    y = pred.y_true
    y_hat = pred.y_pred
    assert y_hat is not None
    err = y - y_hat
    if name == "mse":
        return float(np.mean(err**2))
    if name == "rmse":
        return float(np.sqrt(np.mean(err**2)))
    if name == "mae":
        return float(np.mean(np.abs(err)))
    if name == "mape":
        return float(np.mean(np.abs(err) / np.maximum(np.abs(y), _EPS)))
    if name == "r2":
        ss_res = float(np.sum(err**2))
        ss_tot = float(np.sum((y - y.mean()) ** 2))
        if ss_tot == 0:
            return 1.0 if ss_res == 0 else 0.0  # scikit-learn's force_finite convention
        return 1.0 - ss_res / ss_tot
    raise KeyError(name)


# --- metrics files -----------------------------------------------------------------------


@dataclass
class MetricsFile:
    """A metrics file flattened to dotted keys (``{"eval": {"f1": 0.8}}`` -> ``eval.f1``)."""

    path: Path
    values: dict[str, float] = field(default_factory=dict)  # null -> NaN
    non_numeric: dict[str, str] = field(default_factory=dict)  # key -> what it holds instead

    def number(self, key: str) -> float | None:
        """The value of ``key``; None when absent; a non-number is a ``MetricsError``."""
        if key in self.non_numeric:
            raise MetricsError(
                f"metric is not a number (got {self.non_numeric[key]})", path=self.path, key=key
            )
        return self.values.get(key)


def load_metrics(path: str | Path) -> MetricsFile:
    """Read a JSON (or YAML) metrics file of numbers, nested or flat, as dvclive writes."""
    path = Path(path)
    raw = read_capped(path, what="metrics file", limit=MAX_JSON_BYTES, error=MetricsError)
    data = _parse(decode_text(raw, path, what="metrics file", error=MetricsError), path)
    if not isinstance(data, dict):
        raise MetricsError(
            f"expected an object of metric names to numbers, got {type(data).__name__}", path=path
        )
    out = MetricsFile(path=path)
    _flatten(data, "", out)
    return out


def _parse(text: str, path: Path) -> object:
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        from mlci.config.yaml_source import check_expansion

        try:
            check_expansion(yaml.compose(text, Loader=yaml.SafeLoader), path, MetricsError)
            return yaml.load(text, Loader=_metrics_loader())  # noqa: S506 (a SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise MetricsError(
                f"invalid YAML: {getattr(exc, 'problem', None) or exc}",
                path=path,
                line=mark.line + 1 if mark else None,
            ) from None
        except PARSE_LIMIT_ERRORS as exc:
            raise MetricsError(parse_limit_message(exc, "YAML"), path=path) from None
    if not text.strip():
        raise MetricsError("metrics file is empty", path=path)
    # Accepts NaN/Infinity, which Python json writers emit. Integers are read as floats (the
    # value they become anyway): a 5000-digit one is then +-inf, not a crash on Python's
    # limit on int digits.
    return parse_json(text, path, error=MetricsError, parse_int=float)


def _metrics_loader() -> type[Any]:
    """YAML's safe loader, reading an integer too long for Python's int parser as a float."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def integer(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | float:
        try:
            value: int = yaml.SafeLoader.construct_yaml_int(loader, node)
            return value
        except ValueError:  # beyond sys.get_int_max_str_digits()
            digits = str(node.value).replace("_", "")
            return -math.inf if digits.startswith("-") else math.inf

    Loader.add_constructor("tag:yaml.org,2002:int", integer)
    return Loader


def _as_float(value: int | float) -> float:
    """A number as a float; an integer beyond float range is +-inf (it fails its gates)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _flatten(data: dict[object, object], prefix: str, out: MetricsFile) -> None:
    for raw_key, value in data.items():
        key = f"{prefix}{raw_key}"
        if isinstance(value, dict):
            _flatten(value, key + ".", out)
            continue
        if key in out.values or key in out.non_numeric:
            raise MetricsError("metric is given twice (nested and dotted)", path=out.path, key=key)
        if value is None:
            out.values[key] = math.nan
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out.values[key] = _as_float(value)
        else:
            shown = repr(value) if isinstance(value, (str, bool)) else f"a {type(value).__name__}"
            out.non_numeric[key] = shown[:60]
