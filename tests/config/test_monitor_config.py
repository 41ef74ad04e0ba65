"""The monitor: section: durations, defaults, and the checks that keep a run from half-doing."""

from __future__ import annotations

import pytest

from mlci.config.monitor import DispatchConfig, MonitorConfig, parse_duration


@pytest.mark.parametrize(
    "text,seconds",
    [
        ("24h", 86400),
        ("90m", 5400),
        ("1h30m", 5400),
        ("2d", 172800),
        ("1w", 604800),
        ("45s", 45),
        ("0", 0),
        ("off", 0),
        (3600, 3600),
        ("1.5h", 5400),
        (" 12H ", 43200),
    ],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["soon", "24", "h", "24 hours", "-1h", "", "1h and more", True])
def test_not_durations(text: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_defaults() -> None:
    config = MonitorConfig.model_validate({"reference": "train", "current": "prod"})
    assert config.on_drift.issue is True and config.on_drift.cooldown == 86400
    assert config.on_drift.dispatch is None and config.job == "mlci" and config.pushgateway is None


def test_workflow_is_a_file_name_or_its_path() -> None:
    assert DispatchConfig(workflow=".github/workflows/retrain.yml").workflow_id == "retrain.yml"
    assert DispatchConfig(workflow="12345").workflow_id == "12345"
    with pytest.raises(ValueError, match="file name"):
        DispatchConfig(workflow="other/repo/retrain.yml")
