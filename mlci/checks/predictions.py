"""Per-example predictions: read a predictions file and encode it for the metrics.

A predictions file (CSV, TSV, Parquet, JSON Lines) has one row per evaluation example
with the true value (``y_true``) and the model's predicted label or value (``y_pred``)
and/or its positive-class score (``y_score``); the column names are configurable.
Classification labels of every file compared together share one integer coding, so a
candidate and a baseline can be paired example by example.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mlci.checks.nested import nested_column_error, nested_kind
from mlci.errors import MetricsError
from mlci.vocab import Task

__all__ = [
    "Task",
    "Labels",
    "Predictions",
    "PredictionColumns",
    "read_prediction_columns",
    "encode_predictions",
    "load_predictions",
    "pairing_problem",
]

# Integer-valued targets with at most this many distinct values look like class labels.
_MAX_INFERRED_CLASSES = 20


@dataclass(frozen=True)
class Labels:
    """Class labels encoded as integer codes shared by every array that uses them."""

    classes: list[object]  # label value of each code
    positive: int | None  # code of the positive label; None when there are > 2 classes

    @property
    def binary(self) -> bool:
        return self.positive is not None


@dataclass(frozen=True)
class Predictions:
    """One model's per-example predictions on an evaluation set, ready for metrics.

    Classification: ``y_true``/``y_pred`` are label codes (see ``labels``), ``y_score`` the
    positive-class score. Regression: float arrays, ``labels`` is None.
    """

    task: Task
    y_true: np.ndarray
    y_pred: np.ndarray | None = None
    y_score: np.ndarray | None = None
    labels: Labels | None = None
    source: str | None = None  # the file it came from, for messages

    @property
    def rows(self) -> int:
        return int(len(self.y_true))


@dataclass(frozen=True)
class PredictionColumns:
    """The raw columns of a predictions file, before encoding."""

    path: Path
    y_true: pd.Series
    y_pred: pd.Series | None
    y_score: pd.Series | None


def read_prediction_columns(
    path: str | Path, *, y_true: str = "y_true", y_pred: str = "y_pred", y_score: str = "y_score"
) -> PredictionColumns:
    """Read the prediction columns of ``path`` (others are not loaded); no missing values."""
    from mlci.io import open_source

    path = Path(path)
    source = open_source(path)
    present = set(source.columns)
    if y_true not in present:
        raise MetricsError(
            f"predictions file has no column '{y_true}' (columns: {_list(source.columns)}); "
            "set model.y_true in mlci.yml",
            path=path,
            key=y_true,
        )
    if y_pred not in present and y_score not in present:
        raise MetricsError(
            f"predictions file needs a '{y_pred}' or a '{y_score}' column (columns: {_list(source.columns)})",
            path=path,
        )
    wanted = [c for c in dict.fromkeys((y_true, y_pred, y_score)) if c in present]
    parts = list(source.chunks(columns=wanted))
    frame = parts[0] if len(parts) == 1 else pd.concat(parts)
    for name in wanted:
        missing = frame[name].isna().to_numpy()
        if missing.any():
            first = int(np.flatnonzero(missing)[0]) + 1
            raise MetricsError(
                f"column '{name}' has {int(missing.sum()):,} missing values (first at row {first})",
                path=path,
                key=name,
            )
    return PredictionColumns(
        path=path,
        y_true=frame[y_true],
        y_pred=frame[y_pred] if y_pred in present else None,
        y_score=frame[y_score] if y_score in present else None,
    )


def _list(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names)} in all)" if len(names) > limit else "")


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _integer_valued(series: pd.Series) -> bool:
    values = series.to_numpy(dtype=np.float64)
    return bool(np.all(np.isfinite(values)) and np.all(values == np.round(values)))


def infer_task(columns: PredictionColumns) -> Task:
    """Classification when there is a score or the labels are not numbers, or when both
    true and predicted values are whole numbers with few distinct values; else regression."""
    if columns.y_score is not None or not _is_number(columns.y_true):
        return "classification"
    if columns.y_pred is not None and not _is_number(columns.y_pred):
        return "classification"
    if not _integer_valued(columns.y_true):
        return "regression"
    if columns.y_pred is not None and not _integer_valued(columns.y_pred):
        return "regression"
    return "classification" if columns.y_true.nunique() <= _MAX_INFERRED_CLASSES else "regression"


def _numbers(series: pd.Series, path: Path, what: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=np.float64)
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise MetricsError(
            f"column '{series.name}' must hold numbers ({what}), got {series.iloc[row]!r} at row {row + 1}",
            path=path,
            key=str(series.name),
        )
    return values.to_numpy(dtype=np.float64)


# YAML reads `positive_label: yes` as true: let it still name the label "yes".
_YAML_BOOL = {True: ("true", "yes", "y", "on", "1"), False: ("false", "no", "n", "off", "0")}


def _same_label(value: object, wanted: object) -> bool:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(wanted, bool) and isinstance(value, str):
        return value.strip().lower() in _YAML_BOOL[wanted]
    return bool(value == wanted) or str(value).lower() == str(wanted).lower()


def _reject_nested(files: list[PredictionColumns]) -> None:
    """Raise the located error for a label column of lists or objects (else return)."""
    for cols in files:
        for name, column in (("y_true", cols.y_true), ("y_pred", cols.y_pred)):
            kind = nested_kind(column) if column is not None else None
            if column is not None and kind is not None:
                raise nested_column_error(str(column.name or name), kind, cols.path, MetricsError)


def _positive_code(classes: list[object], positive_label: object, path: Path) -> int | None:
    if len(classes) > 2:
        return None
    if positive_label is not None:
        for code, value in enumerate(classes):
            if _same_label(value, positive_label):
                return code
        raise MetricsError(
            f"positive_label {positive_label!r} is not a label in the predictions "
            f"(labels: {', '.join(map(str, classes))})",
            path=path,
            key="positive_label",
        )
    for code, value in enumerate(classes):
        if _same_label(value, 1):  # 1 or True, as scikit-learn's pos_label default
            return code
    if classes and all(_same_label(v, 0) for v in classes):
        classes.append(1)  # only negatives seen: the positive label exists but is absent
        return len(classes) - 1
    # Otherwise the greater label, as scikit-learn orders classes.
    order = sorted(range(len(classes)), key=lambda c: (str(type(classes[c])), classes[c]))
    return order[-1]


def encode_predictions(
    files: list[PredictionColumns],
    *,
    task: Task | None = None,
    positive_label: str | int | bool | None = None,
) -> list[Predictions]:
    """Predictions for each file, classification labels coded jointly across the files."""
    first = files[0]
    kind: Task = task or infer_task(first)
    if kind == "regression":
        out = []
        for cols in files:
            if cols.y_pred is None:
                raise MetricsError("regression predictions need a y_pred column", path=cols.path)
            out.append(
                Predictions(
                    task="regression",
                    y_true=_numbers(cols.y_true, cols.path, "regression target"),
                    y_pred=_numbers(cols.y_pred, cols.path, "regression prediction"),
                    source=str(cols.path),
                )
            )
        return out
    series = [s for cols in files for s in (cols.y_true, cols.y_pred) if s is not None]
    # One factorization over every label column: equal labels get equal codes everywhere.
    try:
        codes, uniques = pd.factorize(pd.concat([s.reset_index(drop=True) for s in series]))
    except TypeError:
        _reject_nested(files)
        raise
    classes: list[object] = list(pd.Index(uniques).tolist())
    positive = _positive_code(classes, positive_label, first.path)
    labels = Labels(classes=classes, positive=positive)
    out = []
    offset = 0
    for cols in files:
        n = len(cols.y_true)
        y_true = codes[offset : offset + n]
        offset += n
        y_pred = None
        if cols.y_pred is not None:
            y_pred = codes[offset : offset + n]
            offset += n
        score = _numbers(cols.y_score, cols.path, "a score") if cols.y_score is not None else None
        out.append(
            Predictions(
                task="classification",
                y_true=np.asarray(y_true, dtype=np.intp),
                y_pred=None if y_pred is None else np.asarray(y_pred, dtype=np.intp),
                y_score=score,
                labels=labels,
                source=str(cols.path),
            )
        )
    return out


def load_predictions(
    path: str | Path,
    *,
    y_true: str = "y_true",
    y_pred: str = "y_pred",
    y_score: str = "y_score",
    task: Task | None = None,
    positive_label: str | int | bool | None = None,
) -> Predictions:
    """Read and encode one predictions file."""
    columns = read_prediction_columns(path, y_true=y_true, y_pred=y_pred, y_score=y_score)
    return encode_predictions([columns], task=task, positive_label=positive_label)[0]


def pairing_problem(candidate: Predictions, baseline: Predictions) -> str | None:
    """Why two prediction sets are not the same evaluation examples in the same order."""
    if candidate.task != baseline.task:
        return f"the candidate's predictions are {candidate.task}, the baseline's {baseline.task}"
    if candidate.rows != baseline.rows:
        return (
            f"the candidate has {candidate.rows:,} examples and the baseline "
            f"{baseline.rows:,}; a paired test needs the same evaluation set"
        )
    if not np.array_equal(candidate.y_true, baseline.y_true):
        differ = int(np.count_nonzero(candidate.y_true != baseline.y_true))
        row = int(np.flatnonzero(candidate.y_true != baseline.y_true)[0]) + 1
        return (
            f"y_true differs in {differ:,} rows (first at row {row}); "
            "a paired test needs the same evaluation set in the same order"
        )
    return None
