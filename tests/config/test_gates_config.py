"""The gates:, registry: and model: keys of mlci.yml that the gates read."""

from __future__ import annotations

import pytest

from mlci.config import load_project
from mlci.config.problems import ConfigProblems


def test_gate_rules_and_defaults(write):
    path = write(
        "mlci.yml",
        "model: {name: churn, predictions: p.csv, y_true: label, positive_label: yes}\n"
        "gates:\n"
        "  - {metric: roc_auc, threshold: 0.8, max_regression: 0.01, alpha: 0.05}\n"
        "  - {metric: accuracy}\n"
        "registry: {backend: git, alias: prod, remote: origin}\n",
    )
    config = load_project(path)
    first, second = config.gates
    assert [(r.kind, r.limit) for r in first.rules()] == [
        ("threshold", 0.8),
        ("max_regression", 0.01),
    ]
    assert (first.alpha, first.resamples, first.seed) == (0.05, 2000, 0)
    (implicit,) = second.rules()
    assert (implicit.kind, implicit.limit, implicit.implicit) == ("max_regression", 0.0, True)
    assert config.model.y_true == "label" and config.model.y_pred == "y_pred"
    assert config.model.positive_label is True  # YAML 1.1; the predictions reader copes
    assert (config.registry.backend, config.registry.alias, config.registry.remote) == (
        "git",
        "prod",
        "origin",
    )


@pytest.mark.parametrize(
    ("gate", "message"),
    [
        ("{metric: f1, alpha: 0.7}", "less than 0.5"),
        ("{metric: f1, resamples: 10}", "greater than or equal to 1000"),
        ("{metric: f1, max_regression: -1}", "greater than or equal to 0"),
        ("{metric: f1, threshold: .nan}", "finite"),
        ("{metric: f1, direction: up}", "unknown value 'up'"),
        ("{metric: f1, treshold: 1}", "did you mean 'threshold'"),
    ],
)
def test_bad_gates_are_located(write, gate, message):
    path = write("mlci.yml", f"model: {{name: m}}\ngates:\n  - {gate}\n")
    with pytest.raises(ConfigProblems) as info:
        load_project(path)
    assert message in str(info.value)
    assert info.value.line == 3


def test_alpha_needs_enough_resamples_for_its_interval():
    from pydantic import ValidationError

    from mlci.config.gates import GateConfig

    GateConfig(metric="accuracy", alpha=0.001, resamples=1000)  # floor(0.001 * 1001) = 1
    with pytest.raises(ValidationError, match="alpha 0.0001 needs at least 9999 resamples"):
        GateConfig(metric="accuracy", alpha=0.0001, resamples=1000)
