"""Datasets for the engine tests: violations planted in different partitions, split into files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["SCHEMA", "frame", "planted", "split"]

SCHEMA = """\
version: 1
rows: {min: 10}
columns:
  id:    {dtype: string, unique: true, pattern: '^C\\d{6}$'}
  code:  {dtype: int, unique: true}
  age:   {dtype: int, min: 18, max: 120}
  spend: {dtype: float, min: 0, nullable: true}
  plan:  {dtype: category, allowed: [free, pro, team]}
  joined: {dtype: datetime}
"""


def frame(rows: int, seed: int = 0, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "id": [f"C{i:06d}" for i in range(rows)],
            "code": np.arange(rows, dtype=np.int64) * 7,
            "age": rng.integers(18, 90, rows),
            "spend": rng.lognormal(3 + shift, 1, rows).round(2),
            "plan": rng.choice(["free", "pro", "team"], rows, p=[0.6 - shift / 2, 0.3, 0.1 + shift / 2]),
            "joined": pd.date_range("2024-01-01", periods=rows, freq="min").strftime("%Y-%m-%dT%H:%M:%S"),
        }
    )


def planted(rows: int = 3000) -> pd.DataFrame:
    """Violations in different partitions (of 1000 rows) and duplicates across partitions."""
    df = frame(rows)
    df.loc[3, "age"] = 130  # partition 0
    df.loc[1500, "age"] = 5  # partition 1
    df.loc[2999, "age"] = 121  # partition 2
    df.loc[1200, "plan"] = "gold"
    df.loc[2500, "id"] = "C000010"  # repeats row 11 of partition 0
    df.loc[2700, "id"] = "C001100"  # repeats a row of partition 1
    df.loc[1001, "code"] = 0  # repeats row 1
    df.loc[2001, "code"] = 0
    df.loc[1700, "spend"] = -1.0
    df.loc[100, "spend"] = np.nan
    df.loc[2200, "joined"] = "not a date"
    return df


def split(df: pd.DataFrame, root: Path, fmt: str, size: int = 1000) -> Path:
    """``df`` as ``root/part-00000.<fmt>``... of ``size`` rows each (and the whole file beside)."""
    root.mkdir(parents=True, exist_ok=True)
    for n, lo in enumerate(range(0, len(df), size)):
        _write(df.iloc[lo : lo + size], root / f"part-{n:05d}.{fmt}", fmt)
    _write(df, root.parent / f"{root.name}-whole.{fmt}", fmt)
    return root


def _write(df: pd.DataFrame, path: Path, fmt: str) -> None:
    if fmt == "parquet":
        df.to_parquet(path, index=False)
    else:
        df.to_csv(path, index=False)
