"""``mlci schema infer``: writes a schema the data passes."""

from __future__ import annotations

from pathlib import Path

import yaml

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "churn" / "data"


def test_infer_then_validate_round_trip(mlci, tmp_path: Path) -> None:
    out = tmp_path / "schema.yml"
    run = mlci("schema", "infer", EXAMPLE / "train.csv", "-o", out)
    assert run.exit_code == 0, run.stderr
    text = out.read_text()
    assert text.startswith("# Inferred by `mlci schema infer`")
    assert yaml.safe_load(text)["columns"]["plan"]["allowed"] == ["free", "pro", "team"]
    assert mlci("validate", EXAMPLE / "train.csv", "-s", out).exit_code == 0
    # The drifted batch breaks the bounds learnt from the training data.
    assert mlci("validate", EXAMPLE / "current.csv", "-s", out).exit_code == 1


def test_infer_prints_to_stdout(mlci) -> None:
    run = mlci("schema", "infer", EXAMPLE / "train.csv", "--max-categories", "2")
    assert run.exit_code == 0
    assert yaml.safe_load(run.stdout)["columns"]["plan"]["dtype"] == "string"


def test_infer_bad_input(mlci, tmp_path: Path) -> None:
    run = mlci("schema", "infer", tmp_path / "missing.parquet")
    assert run.exit_code == 2
    assert run.stderr.startswith("error: ") and "not found" in run.stderr
