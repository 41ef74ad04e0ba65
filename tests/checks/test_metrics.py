"""Metrics from predictions, checked against scikit-learn; metrics files; predictions files."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from mlci.checks.metrics import (
    CLASSIFICATION_METRICS,
    REGRESSION_METRICS,
    compute_metrics,
    default_direction,
    load_metrics,
)
from mlci.checks.predictions import load_predictions, pairing_problem
from mlci.errors import MetricsError


def _write(tmp_path: Path, frame: pd.DataFrame, name: str = "pred.csv") -> Path:
    path = tmp_path / name
    if name.endswith(".parquet"):
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


def _binary(seed: int, n: int = 2000, decimals: int | None = None) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    score = np.clip(y * 0.35 + rng.random(n) * 0.65, 0, 1)
    if decimals is not None:
        score = np.round(score, decimals)  # many tied scores
    return pd.DataFrame({"y_true": y, "y_pred": (score > 0.5).astype(int), "y_score": score})


def _sklearn_binary(frame: pd.DataFrame, pos: object = 1) -> dict[str, float]:
    y, p, s = frame["y_true"], frame["y_pred"], frame["y_score"]
    yb = (y == pos).astype(int)
    return {
        "accuracy": sk.accuracy_score(y, p),
        "precision": sk.precision_score(y, p, pos_label=pos, zero_division=0),
        "recall": sk.recall_score(y, p, pos_label=pos, zero_division=0),
        "f1": sk.f1_score(y, p, pos_label=pos, zero_division=0),
        "precision_macro": sk.precision_score(y, p, average="macro", zero_division=0),
        "recall_macro": sk.recall_score(y, p, average="macro", zero_division=0),
        "f1_macro": sk.f1_score(y, p, average="macro", zero_division=0),
        "roc_auc": sk.roc_auc_score(yb, s),
        "average_precision": sk.average_precision_score(yb, s),
        "log_loss": sk.log_loss(yb, s, labels=[0, 1]),
        "brier": sk.brier_score_loss(yb, s),
    }


@pytest.mark.parametrize(("seed", "decimals"), [(0, None), (1, 2), (2, 1)])
def test_binary_classification_metrics_match_sklearn(tmp_path, seed, decimals):
    frame = _binary(seed, decimals=decimals)
    values = compute_metrics(load_predictions(_write(tmp_path, frame))).values
    expected = _sklearn_binary(frame)
    assert set(values) == set(CLASSIFICATION_METRICS)
    for name, want in expected.items():
        assert values[name] == pytest.approx(want, rel=1e-12, abs=1e-12), name


def test_string_labels_with_a_configured_positive_label(tmp_path):
    frame = _binary(3)
    names = np.array(["stay", "churn"])
    frame["y_true"] = names[frame["y_true"]]
    frame["y_pred"] = names[frame["y_pred"]]
    path = _write(tmp_path, frame, "pred.parquet")
    values = compute_metrics(load_predictions(path, positive_label="churn")).values
    expected = _sklearn_binary(frame, pos="churn")
    for name in ("precision", "recall", "f1", "roc_auc", "average_precision", "log_loss"):
        assert values[name] == pytest.approx(expected[name], rel=1e-12), name


def test_positive_label_yes_read_by_yaml_as_true_still_names_yes(tmp_path):
    frame = pd.DataFrame({"y_true": ["yes", "no", "yes"], "y_pred": ["yes", "yes", "no"]})
    pred = load_predictions(_write(tmp_path, frame), positive_label=True)
    assert pred.labels.classes[pred.labels.positive] == "yes"
    assert compute_metrics(pred).values["precision"] == 0.5


def test_default_positive_label_is_one_or_true(tmp_path):
    frame = _binary(4)
    frame["y_true"] = frame["y_true"].astype(bool)
    frame["y_pred"] = frame["y_pred"].astype(bool)
    pred = load_predictions(_write(tmp_path, frame, "p.parquet"))
    assert pred.labels is not None
    assert pred.labels.classes[pred.labels.positive] is True
    assert compute_metrics(pred).values["recall"] == pytest.approx(
        sk.recall_score(frame["y_true"], frame["y_pred"])
    )


def test_multiclass_macro_metrics_match_sklearn(tmp_path):
    rng = np.random.default_rng(5)
    y = rng.integers(0, 4, 3000)
    noisy = np.where(rng.random(3000) < 0.3, rng.integers(0, 5, 3000), y)  # class 4: predicted only
    frame = pd.DataFrame({"y_true": y, "y_pred": noisy})
    result = compute_metrics(load_predictions(_write(tmp_path, frame), task="classification"))
    for which in ("precision", "recall", "f1"):
        want = getattr(sk, f"{which}_score")(y, noisy, average="macro", zero_division=0)
        assert result.values[f"{which}_macro"] == pytest.approx(want, rel=1e-12)
    assert result.values["accuracy"] == pytest.approx(sk.accuracy_score(y, noisy))
    assert "f1" not in result.values  # binary only


def test_unavailable_metrics_say_why(tmp_path):
    frame = pd.DataFrame({"y_true": ["a", "b", "c", "a"], "y_pred": ["a", "b", "b", "a"]})
    pred = load_predictions(_write(tmp_path, frame))
    out = compute_metrics(pred, ("f1", "roc_auc", "rmse", "accuracy"))
    assert out.values == {"accuracy": 0.75}
    assert "f1_macro" in out.unavailable["f1"]
    assert "y_score" in out.unavailable["roc_auc"]
    assert "regression" in out.unavailable["rmse"]


def test_scores_outside_unit_interval_are_not_probabilities(tmp_path):
    frame = _binary(6)
    frame["y_score"] = frame["y_score"] * 10 - 5  # a logit-like score: fine for ranking
    out = compute_metrics(load_predictions(_write(tmp_path, frame)), ("roc_auc", "log_loss"))
    assert out.values["roc_auc"] == pytest.approx(sk.roc_auc_score(frame["y_true"], frame["y_score"]))
    assert "probabilities" in out.unavailable["log_loss"]


def test_regression_metrics_match_sklearn(tmp_path):
    rng = np.random.default_rng(7)
    y = rng.normal(50, 10, 5000)
    y[:3] = 0.0  # mape's epsilon guard
    y_hat = y + rng.normal(0, 3, 5000)
    frame = pd.DataFrame({"y_true": y, "y_pred": y_hat})
    pred = load_predictions(_write(tmp_path, frame))
    assert pred.task == "regression"
    values = compute_metrics(pred).values
    assert set(values) == set(REGRESSION_METRICS)
    assert values["mse"] == pytest.approx(sk.mean_squared_error(y, y_hat), rel=1e-9)
    assert values["rmse"] == pytest.approx(math.sqrt(sk.mean_squared_error(y, y_hat)), rel=1e-9)
    assert values["mae"] == pytest.approx(sk.mean_absolute_error(y, y_hat), rel=1e-9)
    assert values["mape"] == pytest.approx(sk.mean_absolute_percentage_error(y, y_hat), rel=1e-9)
    assert values["r2"] == pytest.approx(sk.r2_score(y, y_hat), rel=1e-9)


def test_constant_target_r2_follows_sklearn(tmp_path):
    frame = pd.DataFrame({"y_true": [2.5] * 4, "y_pred": [2.5, 2.5, 2.0, 2.5]})
    pred = load_predictions(_write(tmp_path, frame), task="regression")
    assert compute_metrics(pred).values["r2"] == sk.r2_score(frame["y_true"], frame["y_pred"])


def test_task_inference(tmp_path):
    ints = pd.DataFrame({"y_true": [0, 1, 2, 1] * 5, "y_pred": [0, 1, 1, 1] * 5})
    assert load_predictions(_write(tmp_path, ints, "a.csv")).task == "classification"
    counts = pd.DataFrame({"y_true": [3, 5, 8, 1], "y_pred": [2.5, 5.1, 7.9, 1.2]})
    assert load_predictions(_write(tmp_path, counts, "b.csv")).task == "regression"
    many = pd.DataFrame({"y_true": np.arange(100), "y_pred": np.arange(100)})
    assert load_predictions(_write(tmp_path, many, "c.csv")).task == "regression"


@pytest.mark.parametrize(
    ("frame", "message", "key"),
    [
        (pd.DataFrame({"label": [1], "y_pred": [1]}), "no column 'y_true'", "y_true"),
        (pd.DataFrame({"y_true": [1, 0]}), "needs a 'y_pred' or a 'y_score' column", None),
        (
            pd.DataFrame({"y_true": [1, None, 0], "y_pred": [1, 0, 0]}),
            "1 missing values (first at row 2)",
            "y_true",
        ),
        (
            pd.DataFrame({"y_true": [1, 0], "y_score": ["0.3", "high"]}),
            "'high' at row 2",
            "y_score",
        ),
    ],
)
def test_bad_predictions_files_are_one_line_errors(tmp_path, frame, message, key):
    path = _write(tmp_path, frame)
    with pytest.raises(MetricsError) as info:
        load_predictions(path)
    assert message in info.value.message
    assert info.value.path == str(path)
    assert info.value.key == key


def test_unknown_positive_label_is_an_error(tmp_path):
    path = _write(tmp_path, _binary(8, n=10))
    with pytest.raises(MetricsError, match="positive_label 'yes' is not a label"):
        load_predictions(path, positive_label="yes")


def test_pairing_problems(tmp_path):
    a = _binary(9, n=100)
    b = a.copy()
    b.loc[5, "y_true"] = 1 - b.loc[5, "y_true"]
    from mlci.checks.predictions import encode_predictions, read_prediction_columns

    pa, pb = encode_predictions(
        [
            read_prediction_columns(_write(tmp_path, a, "a.csv")),
            read_prediction_columns(_write(tmp_path, b, "b.csv")),
        ]
    )
    assert "first at row 6" in (pairing_problem(pa, pb) or "")
    pc, pd_ = encode_predictions(
        [
            read_prediction_columns(_write(tmp_path, a, "a.csv")),
            read_prediction_columns(_write(tmp_path, a[:50], "c.csv")),
        ]
    )
    assert "100 examples" in (pairing_problem(pc, pd_) or "")
    assert pairing_problem(pa, pa) is None


# --- metrics files -------------------------------------------------------------------------


def test_nested_and_flat_metrics_use_dotted_keys(tmp_path):
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps({"eval": {"f1": 0.8, "loss": 0.3}, "train.f1": 0.9, "step": 10, "note": "x"}))
    metrics = load_metrics(path)
    assert metrics.values == {"eval.f1": 0.8, "eval.loss": 0.3, "train.f1": 0.9, "step": 10.0}
    assert metrics.number("eval.f1") == 0.8
    assert metrics.number("absent") is None
    with pytest.raises(MetricsError) as info:
        metrics.number("note")
    assert info.value.key == "note" and info.value.path == str(path)


def test_null_and_nan_metrics_become_nan(tmp_path):
    path = tmp_path / "metrics.json"
    path.write_text('{"a": null, "b": NaN}')
    values = load_metrics(path).values
    assert math.isnan(values["a"]) and math.isnan(values["b"])


def test_yaml_metrics(tmp_path):
    path = tmp_path / "metrics.yaml"
    path.write_text("eval:\n  auc: 0.91\n")
    assert load_metrics(path).values == {"eval.auc": 0.91}


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{"a": 0.5,\n "b": }', "invalid JSON", 2),
        ("[1, 2]", "expected an object", None),
        ("", "empty", None),
        ('{"eval": {"f1": 1}, "eval.f1": 2}', "given twice", None),
    ],
)
def test_bad_metrics_files(tmp_path, text, message, line):
    path = tmp_path / "metrics.json"
    path.write_text(text)
    with pytest.raises(MetricsError) as info:
        load_metrics(path)
    assert message in info.value.message
    assert info.value.path == str(path)
    assert info.value.line == line


def test_missing_metrics_file(tmp_path):
    with pytest.raises(MetricsError, match="not found"):
        load_metrics(tmp_path / "nope.json")


@pytest.mark.parametrize(
    ("name", "direction"),
    [
        ("roc_auc", "higher"),
        ("log_loss", "lower"),
        ("eval.val_loss", "lower"),
        ("rmse", "lower"),
        ("latency_ms", "lower"),
        ("error_rate", "lower"),
        ("brier", "lower"),
        ("mape", "lower"),
        ("r2", "higher"),
        ("loss_tracker.accuracy", "higher"),  # only the last dotted part names the metric
    ],
)
def test_default_direction(name, direction):
    assert default_direction(name) == direction


def test_no_warnings_on_degenerate_inputs(tmp_path):
    frame = pd.DataFrame({"y_true": [0, 0, 0], "y_pred": [0, 0, 0], "y_score": [0.1, 0.2, 0.3]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = compute_metrics(load_predictions(_write(tmp_path, frame)), ("precision", "roc_auc"))
    assert out.values == {"precision": 0.0}
    assert "no positive examples" in out.unavailable["roc_auc"]


def test_numbers_beyond_float_range_are_infinite_not_a_crash(tmp_path):
    path = tmp_path / "metrics.json"
    path.write_text(
        '{"a": Infinity, "b": -Infinity, "c": 1e309, "d": NINES, "e": -NINES, "f": 12}'.replace(
            "NINES", "9" * 5000
        )
    )
    values = load_metrics(path).values
    assert values == {"a": math.inf, "b": -math.inf, "c": math.inf, "d": math.inf, "e": -math.inf, "f": 12.0}
    yaml_path = tmp_path / "metrics.yaml"
    yaml_path.write_text(f"a: {'9' * 5000}\nb: .inf\n")
    assert load_metrics(yaml_path).values == {"a": math.inf, "b": math.inf}
