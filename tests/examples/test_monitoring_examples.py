"""examples/monitoring: the alert rules pass promtool's checks and unit tests; the dashboard's
queries are valid PromQL over series mlci really exports."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from mlci.render.prometheus import FAMILIES

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "examples" / "monitoring"
# Series the Pushgateway adds itself.
GATEWAY = {"push_time_seconds", "push_failure_time_seconds"}


def dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((MONITORING / "grafana-dashboard.json").read_text(encoding="utf-8"))
    return data


def exprs() -> dict[str, str]:
    return {
        f"{panel['title']} / {target['refId']}": target["expr"]
        for panel in dashboard()["panels"]
        for target in panel.get("targets", [])
    }


def metric_names(expr: str) -> set[str]:
    return set(re.findall(r"\b(mlci_[a-z0-9_]+|push_[a-z_]+seconds)\b", expr))


def test_alert_rules_pass_promtool_check_and_unit_tests(promtool: Callable[..., Any]) -> None:
    check = promtool("check", "rules", MONITORING / "alerts.yml")
    assert check.returncode == 0, check.stdout + check.stderr
    tested = promtool("test", "rules", MONITORING / "alerts.test.yml")
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested.stdout + tested.stderr


def test_alert_rules_use_only_exported_series() -> None:
    rules = yaml.safe_load((MONITORING / "alerts.yml").read_text(encoding="utf-8"))
    used = {n for group in rules["groups"] for rule in group["rules"] for n in metric_names(rule["expr"])}
    assert used and used <= set(FAMILIES) | GATEWAY, used - set(FAMILIES) - GATEWAY


def test_dashboard_queries_are_valid_promql(promtool: Callable[..., Any], tmp_path: Path) -> None:
    # Grafana substitutes the variables; promtool then parses each query as a recording rule.
    rules = [
        {"record": f"mlci_dashboard_query_{i}", "expr": re.sub(r"\$\w+", ".*", expr)}
        for i, expr in enumerate(exprs().values())
    ]
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}), encoding="utf-8")
    result = promtool("check", "rules", path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dashboard_charts_drift_per_column_share_and_violations() -> None:
    queries = exprs()
    used = set().union(*(metric_names(e) for e in queries.values()))
    assert used <= set(FAMILIES) | GATEWAY, used - set(FAMILIES) - GATEWAY
    by_title: dict[str, str] = {}
    for key, expr in queries.items():
        title = key.split(" / ")[0]
        by_title[title] = by_title.get(title, "") + "\n" + expr
    assert "mlci_drift_score" in by_title["Drift score per column"]
    assert "mlci_drifted_share" in by_title["Drifted share"]
    assert "mlci_validation_failures" in by_title["Schema violations"]
    names = {v["name"] for v in dashboard()["templating"]["list"]}
    assert {"datasource", "model", "dataset", "column"} <= names
    ids = [p["id"] for p in dashboard()["panels"]]
    assert len(ids) == len(set(ids))
