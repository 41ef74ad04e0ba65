"""Parquet read straight from Arrow: the same values, dtypes and results as pandas' reading.

The in-memory path (``detect_drift`` on ``pandas.read_parquet``'s frames) is the oracle:
it never goes through ``arrow_parts``, so any difference in how a column is converted
(nulls, integer widths, pandas' nullable dtypes, batches, row groups) shows up here.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mlci.checks.drift import DriftOptions, detect_drift, detect_drift_sources
from mlci.checks.drift.reading import ParquetColumns, open_columns
from mlci.io import open_source


def awkward(n: int, seed: int, shift: float) -> pd.DataFrame:
    """Columns whose conversion to pandas has a catch."""
    rng = np.random.default_rng(seed)
    ints = rng.integers(0, 15, n)
    gappy = pd.Series(ints, dtype="Int64").mask(rng.random(n) < 0.1)  # pandas' Int64, with gaps
    return pd.DataFrame(
        {
            "f64": rng.normal(shift, 1, n),
            "f32": rng.normal(shift, 1, n).astype(np.float32),
            "u8": rng.integers(0, 200, n).astype(np.uint8),
            "i64": rng.integers(0, 15, n) + int(shift * 10),
            "nullable_int": gappy,
            "inf": np.where(rng.random(n) < 0.05, np.inf, rng.normal(0, 1, n)),
            "gaps": np.where(rng.random(n) < 0.2, np.nan, rng.exponential(1 + shift, n)),
            "plan": pd.Series(rng.choice(["free", "pro", "team"], n), dtype="str"),
            "flag": rng.random(n) < 0.3 + shift / 4,
            "few": rng.integers(1, 4, n),
        }
    )


def write(frame: pd.DataFrame, path: Path, *, row_group_size: int | None = None) -> Path:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def assert_same(from_files, from_frames) -> None:
    assert (from_files.reference_rows, from_files.current_rows) == (
        from_frames.reference_rows,
        from_frames.current_rows,
    )
    assert [asdict(c) for c in from_files.columns] == [asdict(c) for c in from_frames.columns]
    assert [asdict(s) for s in from_files.skipped] == [asdict(s) for s in from_frames.skipped]


@pytest.mark.parametrize(("row_group_size", "chunk_rows"), [(None, 250_000), (700, 300), (5000, 1000)])
def test_parquet_gives_exactly_the_result_of_its_dataframes(
    tmp_path: Path, row_group_size: int | None, chunk_rows: int
) -> None:
    ref = write(awkward(3000, 1, 0.0), tmp_path / "r.parquet", row_group_size=row_group_size)
    cur = write(awkward(2500, 2, 0.4), tmp_path / "c.parquet", row_group_size=row_group_size)
    from_files = detect_drift_sources(open_source(ref), open_source(cur), chunk_rows=chunk_rows)
    from_frames = detect_drift(pd.read_parquet(ref), pd.read_parquet(cur))
    assert_same(from_files, from_frames)
    edges = {c.column: c.histogram.edges for c in from_files.columns if c.histogram}
    for name in ("i64", "nullable_int"):  # integers keep their one bin per value
        assert edges[name][1] - edges[name][0] == 1.0


def test_an_int_column_with_nulls_in_one_batch_only(tmp_path: Path) -> None:
    """Batches convert on their own (int64 here, float64 with NaN there), as pandas' chunks did."""
    values = list(range(40)) * 50
    gappy = pa.array(values[:1000] + [None] * 10 + values[1010:], pa.int64())
    table = pa.table({"x": gappy})
    pq.write_table(table, tmp_path / "r.parquet", row_group_size=1000)
    pq.write_table(pa.table({"x": pa.array(values, pa.int64())}), tmp_path / "c.parquet")
    from_files = detect_drift_sources(
        open_source(tmp_path / "r.parquet"), open_source(tmp_path / "c.parquet"), chunk_rows=500
    )
    from_frames = detect_drift(
        pd.read_parquet(tmp_path / "r.parquet"), pd.read_parquet(tmp_path / "c.parquet")
    )
    assert_same(from_files, from_frames)
    assert from_files.columns[0].reference.missing == 10


def test_only_the_tested_columns_are_read(tmp_path: Path) -> None:
    frame = awkward(1200, 3, 0.0)
    path = write(frame, tmp_path / "d.parquet")
    store = open_columns(open_source(path), ["gaps", "plan"])
    assert isinstance(store, ParquetColumns)
    assert sorted(store._ready) == ["gaps", "plan"]  # read up front: the first block, and no more
    pd.testing.assert_series_equal(store.pop("gaps"), frame["gaps"], check_names=False)
    options = DriftOptions(exclude=("f64", "u8"))
    outcome = detect_drift_sources(open_source(path), open_source(path), options)
    assert [c.column for c in outcome.columns] == [c for c in frame.columns if c not in ("f64", "u8")]


def test_wide_files_are_read_a_block_of_columns_at_a_time(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({f"c{i}": rng.normal(0, 1, 1500) for i in range(ParquetColumns.BLOCK + 6)})
    path = write(frame, tmp_path / "wide.parquet")
    store = open_columns(open_source(path), list(frame.columns))
    assert isinstance(store, ParquetColumns) and len(store._ready) == ParquetColumns.BLOCK
    last = store.pop(f"c{ParquetColumns.BLOCK + 5}")  # not in the first block: read when asked
    np.testing.assert_array_equal(last.to_numpy(), frame[f"c{ParquetColumns.BLOCK + 5}"].to_numpy())
    outcome = detect_drift_sources(open_source(path), open_source(path))
    assert len(outcome.columns) == ParquetColumns.BLOCK + 6 and not outcome.dataset_drift


def test_progress_hears_the_rows_of_a_parquet_file(tmp_path: Path) -> None:
    path = write(awkward(2000, 5, 0.0), tmp_path / "d.parquet", row_group_size=2000)
    heard: dict[str, list[int]] = {}

    def factory(source):
        return heard.setdefault(source.path.name, []).append

    other = write(awkward(1000, 6, 0.0), tmp_path / "e.parquet")
    detect_drift_sources(open_source(path), open_source(other), chunk_rows=600, progress=factory)
    assert heard == {"d.parquet": [600, 1200, 1800, 2000], "e.parquet": [600, 1000]}


def test_a_dataset_of_parquet_partitions_reads_through_its_chunks(tmp_path: Path) -> None:
    from mlci.io.dataset import open_dataset

    frame = awkward(3000, 7, 0.0)
    (tmp_path / "parts").mkdir()
    for i, start in enumerate(range(0, 3000, 1000)):
        write(frame.iloc[start : start + 1000], tmp_path / "parts" / f"part-{i}.parquet")
    dataset = open_dataset(tmp_path / "parts")
    whole = write(frame, tmp_path / "whole.parquet")
    from_parts = detect_drift_sources(dataset, dataset)
    from_file = detect_drift_sources(open_source(whole), open_source(whole))
    assert_same(from_parts, from_file)
