"""Large chunks (read ahead on a thread, parsed by pyarrow) give whole-file results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mlci.checks.validation import unique, validate_source
from mlci.config.schema import load_schema
from mlci.io import open_source

SCHEMA = """\
columns:
  id:    {dtype: string, unique: true, pattern: '^C\\d{6}$', max_length: 7}
  n:     {dtype: int, unique: true, min: 0, max: 50000}
  plan:  {dtype: category, allowed: [free, pro]}
  ok:    {dtype: bool, nullable: true}
  when:  {dtype: datetime, min: 2020-01-01}
  score: {dtype: float, nullable: true, max: 1}
"""


def messy(rows: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = np.array([f"C{i:06d}" for i in rng.permutation(rows)], dtype=object)
    ids[rng.choice(rows, 20, replace=False)] = "C000042"  # repeats, far apart
    ids[rng.choice(rows, 5, replace=False)] = "bad id"
    n = rng.permutation(rows).astype(object)
    n[rng.choice(rows, 10, replace=False)] = "x"
    n[-1] = 7  # a repeat in the last chunk of one seen in the first
    ok = rng.choice(["true", "false", "", "yes", "maybe"], rows, p=[0.5, 0.4, 0.05, 0.049, 0.001])
    days = rng.integers(0, 2000, rows).astype("timedelta64[D]") + np.datetime64("2019-06-01")
    when = days.astype(str).astype(object)
    when[rng.choice(rows, 3, replace=False)] = "2021-02-30"
    score = rng.random(rows).round(3)
    score[rng.choice(rows, 50, replace=False)] = np.nan
    score[rng.choice(rows, 4, replace=False)] = 1.5
    plan = rng.choice(["free", "pro", "gold"], rows, p=[0.6, 0.3999, 0.0001])
    return pd.DataFrame({"id": ids, "n": n, "plan": plan, "ok": ok, "when": when, "score": score})


def test_chunk_size_never_changes_the_result(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(unique, "SPILL_ROWS", 7_000)  # spill to disk as a big file would
    path = tmp_path / "d.csv"
    frame = messy(60_000)
    frame.to_csv(path, index=False)
    schema_path = tmp_path / "s.yml"
    schema_path.write_text(SCHEMA)
    schema = load_schema(schema_path)
    source = open_source(path)
    whole = validate_source(source, schema, chunk_rows=1_000_000)
    for chunk_rows in (10_000, 25_000, 1_000):
        assert validate_source(source, schema, chunk_rows=chunk_rows).violations == whole.violations
    found = {(v.column, v.check): v for v in whole.violations}
    assert found[("id", "unique")].failed_count == frame["id"].duplicated().sum() > 20
    assert found[("n", "unique")].failed_count == 1
    assert found[("n", "unique")].example_rows == [60_000]
    assert found[("when", "dtype")].examples == ["2021-02-30"] * 3
    assert found[("score", "max")].examples == [1.5] * 4
