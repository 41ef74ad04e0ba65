"""``mlci drift`` on real files: output formats, exit codes, mlci.yml settings, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mlci.report import load_report


def datasets(tmp_path: Path, shift: float = 0.0, rows: int = 2000) -> tuple[Path, Path]:
    rng = np.random.default_rng(42)

    def make(n: int, s: float) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "age": rng.normal(40 + 10 * s, 8, n).round(),
                "spend": rng.lognormal(3, 1, n),
                "plan": rng.choice(["free", "pro", "team"], n, p=[0.6 - s / 2, 0.3, 0.1 + s / 2]),
                "churned": rng.random(n) < 0.2,
            }
        )

    ref, cur = tmp_path / "ref.csv", tmp_path / "cur.csv"
    make(rows, 0).to_csv(ref, index=False)
    make(rows, shift).to_csv(cur, index=False)
    return ref, cur


def test_text_output_and_exit_zero_even_with_drift(mlci, tmp_path: Path) -> None:
    ref, cur = datasets(tmp_path, shift=0.6)
    run = mlci("drift", ref, cur)
    assert run.exit_code == 0, run.stderr
    assert "2 of 4 columns drifted" in run.stdout
    lines = run.stdout.splitlines()
    assert lines.index(next(x for x in lines if "✗ age" in x)) < lines.index(
        next(x for x in lines if "✓ spend" in x)
    )  # drifted first
    assert "wasserstein" in run.stdout and "jensenshannon" in run.stdout


def test_fail_on_drift_exits_one_when_the_dataset_drifts(mlci, tmp_path: Path) -> None:
    ref, cur = datasets(tmp_path, shift=0.6)
    assert mlci("drift", ref, cur, "--fail-on-drift").exit_code == 1
    assert mlci("drift", ref, cur, env={"MLCI_FAIL_ON_DRIFT": "true"}).exit_code == 1
    # 2 of 4 drifted: below a 75% share there is no dataset drift.
    assert mlci("drift", ref, cur, "--fail-on-drift", "--drift-share", "0.75").exit_code == 0


def test_no_drift_passes_with_fail_on_drift(mlci, tmp_path: Path) -> None:
    ref, _ = datasets(tmp_path)
    run = mlci("drift", ref, ref, "--fail-on-drift")
    assert run.exit_code == 0
    assert "0 of 4 columns drifted" in run.stdout


def test_json_is_the_report_shape_with_only_drift(mlci, tmp_path: Path) -> None:
    ref, cur = datasets(tmp_path, shift=0.6)
    out = tmp_path / "out" / "drift.json"
    run = mlci("drift", ref, cur, "--format", "json", "-o", out, "--fail-on-drift")
    assert run.exit_code == 1 and run.stdout == ""
    data = json.loads(out.read_text())
    assert data["status"] == "failed"
    assert data["validation"] is None and data["gates"] is None and data["model"] is None
    drift = data["drift"]
    assert {"status", "drifted_share", "dataset_drift", "columns"} <= set(drift)
    assert drift["drifted_share"] == 0.5 and drift["dataset_drift"] is True
    for column in drift["columns"]:
        assert {"column", "kind", "method", "statistic", "p_value", "threshold", "drifted"} <= set(column)
    assert drift["reference"] == {"path": str(ref), "rows": 2000, "dataset": None}  # no mlci.yml key
    assert load_report(out).drift.columns[0].column == "age"


def test_markdown_report(mlci, tmp_path: Path) -> None:
    ref, cur = datasets(tmp_path, shift=0.6)
    run = mlci("drift", ref, cur, "--format", "md")
    assert run.exit_code == 0
    assert "### ⚠️ Data drift: 2 of 4 columns drifted (50.0%) · **dataset drift**" in run.stdout
    assert "| 🔴 | age | numeric | wasserstein |" in run.stdout
    assert "<details><summary>How the drifted columns moved</summary>" in run.stdout


def test_schema_decides_kinds(mlci, write) -> None:
    ref = write("r.csv", "zip,n\n" + "".join(f"{i % 30:05d},{i}\n" for i in range(1200)))
    schema = write("schema.yml", "columns:\n  zip: {dtype: category}\n  n: {dtype: int}\n")
    run = mlci("drift", ref, ref, "--schema", schema, "--format", "json")
    columns = {c["column"]: c for c in json.loads(run.stdout)["drift"]["columns"]}
    assert columns["zip"]["kind"] == "categorical"
    assert columns["zip"]["categories"]["top"][0]["value"] == "00000"


def test_config_supplies_datasets_schema_and_overrides(mlci, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    datasets(tmp_path / "data", shift=0.6)
    (tmp_path / "schema.yml").write_text("columns:\n  churned: {dtype: bool}\n")
    config = tmp_path / "mlci.yml"
    config.write_text(
        "version: 1\n"
        "datasets:\n"
        "  train: {path: data/ref.csv, schema: schema.yml}\n"
        "  live: {path: data/cur.csv}\n"
        "drift:\n"
        "  reference: train\n"
        "  current: live\n"
        "  fail_on_drift: true\n"
        "  drift_share: 0.5\n"
        "  exclude: [spend]\n"
        "  columns:\n"
        "    age: {method: ks}\n"
        "    plan: {method: psi, threshold: 0.5}\n"
    )
    run = mlci("drift", "-c", config, "--format", "json")
    assert run.exit_code == 1, run.stderr
    drift = json.loads(run.stdout)["drift"]
    found = {c["column"]: c for c in drift["columns"]}
    assert set(found) == {"age", "plan", "churned"}  # spend excluded
    assert {c for c, v in found.items() if v["drifted"]} == {"age", "plan"}
    assert (found["age"]["method"], found["age"]["auto_method"]) == ("ks", False)
    assert (found["plan"]["method"], found["plan"]["threshold"]) == ("psi", 0.5)
    assert drift["fail_on_drift"] is True
    # The command line wins over the config.
    assert mlci("drift", "-c", config, "--no-fail-on-drift").exit_code == 0


def test_config_method_that_cannot_apply_names_the_key(mlci, tmp_path: Path) -> None:
    ref, cur = datasets(tmp_path)
    config = tmp_path / "mlci.yml"
    config.write_text(
        "datasets:\n  a: {path: ref.csv}\n  b: {path: cur.csv}\n"
        "drift: {reference: a, current: b, columns: {plan: {method: wasserstein}}}\n"
    )
    run = mlci("drift", "-c", config)
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"error: {config}: drift.columns.plan.method: "
        "wasserstein compares numbers, but column 'plan' holds categories"
    )


def test_config_errors_are_located(mlci, tmp_path: Path) -> None:
    config = tmp_path / "mlci.yml"
    config.write_text(
        "datasets:\n  a: {path: ref.csv}\n  b: {path: cur.csv}\n"
        "drift:\n  reference: a\n  current: b\n  columns:\n    x: {method: kstest}\n"
    )
    run = mlci("drift", "-c", config)
    assert run.exit_code == 2
    assert f"{config}:8:" in run.stderr and "drift.columns.x.method" in run.stderr
    assert "did you mean 'ks'" in run.stderr


def test_drift_settings_naming_no_column_are_located_errors(mlci_process, tmp_path: Path) -> None:
    datasets(tmp_path, rows=50)
    config = tmp_path / "mlci.yml"
    config.write_text(
        "datasets:\n  a: {path: ref.csv}\n  b: {path: cur.csv}\n"
        "drift:\n  reference: a\n  current: b\n  include: [age, spnd]\n  exclude: [churn]\n"
        "  columns:\n    plna: {method: psi}\n"
    )
    run = mlci_process("drift", "-c", config)  # a real process: one line each, no traceback
    assert run.exit_code == 2
    assert run.stderr.splitlines() == [
        f"error: {config}:7:18: drift.include[1]: no column 'spnd' in the reference or the current "
        "data (did you mean 'spend'?)",
        f"error: {config}:8:13: drift.exclude[0]: no column 'churn' in the reference or the current "
        "data (did you mean 'churned'?)",
        f"error: {config}:10:11: drift.columns.plna: no column 'plna' in the reference or the current "
        "data (did you mean 'plan'?)",
    ]


def test_drift_that_tests_nothing_is_skipped_never_passed(mlci, tmp_path: Path) -> None:
    ref, _ = datasets(tmp_path, rows=50)
    other = tmp_path / "other.csv"
    pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "c"]}).to_csv(other, index=False)
    run = mlci("drift", ref, other, "--format", "json", "--fail-on-drift")
    assert run.exit_code == 0, run.stderr
    drift = json.loads(run.stdout)["drift"]
    assert drift["status"] == "skipped" and drift["columns"] == []
    assert drift["reason"] == "the reference and the current data share no column"
    md = mlci("drift", ref, other, "--format", "md")
    assert "### ⏭️ Data drift: not tested" in md.stdout
    assert "**Drift not tested:** the reference and the current data share no column." in md.stdout
    text = mlci("drift", ref, other)
    assert "SKIPPED" in text.stdout and "drift not tested: the reference and the current" in text.stdout


def test_empty_current_is_bad_input(mlci, mlci_process, tmp_path: Path) -> None:
    ref, _ = datasets(tmp_path, rows=50)
    empty, header_only = tmp_path / "empty.csv", tmp_path / "header.csv"
    empty.write_text("")
    header_only.write_text("age,spend,plan,churned\n")
    run = mlci_process("drift", ref, empty)  # a real process: no traceback, one line
    assert (run.exit_code, run.stderr) == (2, f"error: {empty}: file is empty\n")
    run = mlci("drift", ref, header_only)
    assert run.exit_code == 2
    assert run.stderr.strip() == f"error: {header_only}: has a header but no data rows"


def test_missing_file_and_missing_arguments(mlci, tmp_path: Path) -> None:
    ref, _ = datasets(tmp_path, rows=50)
    run = mlci("drift", ref, tmp_path / "nope.csv")
    assert run.exit_code == 2 and "nope.csv: file not found" in run.stderr
    run = mlci("drift", ref)
    assert run.exit_code == 2 and "give REFERENCE and CURRENT" in run.stderr


def test_arguments_from_the_environment(mlci, tmp_path: Path) -> None:
    ref, cur = datasets(tmp_path, rows=300)
    run = mlci("drift", env={"MLCI_REFERENCE": str(ref), "MLCI_CURRENT": str(cur), "MLCI_FORMAT": "json"})
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["drift"]["current"]["path"] == str(cur)
