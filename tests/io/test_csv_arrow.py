"""The pyarrow CSV path gives the frames pandas' reader gives, and hands over to it cleanly."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlci.errors import DataError
from mlci.io import open_source
from mlci.io.readers import _pandas_csv_chunks

MESSY = (
    "id,n,x,flag,word,when,empty\n"
    "007,1,1.5,True,a,2024-01-01,\n"
    "008,,2,false,NA,2024-01-02,\n"
    '009,3,,TRUE,"multi\nline",None,\n'
    "010,4,-0.25,,<NA>,null,\n"
    "011,5,1e3,False,café,2024-01-05T10:00:00,\n"
    "012,x,3,True,n/a,,\n"
)


def frames(path: Path, chunk_rows: int, text: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    source = open_source(path)
    fast = pd.concat(list(source.chunks(chunk_rows=chunk_rows, text_columns=text)))
    slow = pd.concat(list(_pandas_csv_chunks(source, chunk_rows, text, None)))
    return fast, slow


def meaning(value: object) -> object:
    # Types may be decided per block rather than per chunk ("1" vs 1.0): same value.
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)


def assert_same(fast: pd.DataFrame, slow: pd.DataFrame) -> None:
    assert list(fast.columns) == list(slow.columns)
    assert list(fast.index) == list(slow.index)
    for name in fast.columns:
        a, b = fast[name], slow[name]
        assert a.isna().tolist() == b.isna().tolist(), name
        assert [meaning(v) for v in a.dropna()] == [meaning(v) for v in b.dropna()], name


@pytest.mark.parametrize("chunk_rows", [1, 2, 4, 1000])
def test_same_values_as_pandas_reader(write, chunk_rows: int) -> None:
    fast, slow = frames(write("d.csv", MESSY), chunk_rows, ["id", "word", "when"])
    assert_same(fast, slow)
    assert fast["id"].tolist()[:2] == ["007", "008"]  # text stays text


def test_same_types_as_pandas_chunk_by_chunk(write) -> None:
    path = write("d.csv", MESSY)
    source = open_source(path)
    for fast, slow in zip(
        source.chunks(chunk_rows=1000, text_columns=["id"]),
        _pandas_csv_chunks(source, 1000, ["id"], None),
        strict=True,
    ):
        for name in ("n", "x", "empty"):
            assert fast[name].dtype == slow[name].dtype, name
        assert fast["flag"].tolist()[:3] == [True, False, True]
        assert np.isnan(fast["flag"].iloc[3])  # pandas: True/False/NaN objects


def test_tsv_and_gzip(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", None, "z"]})
    tsv = tmp_path / "d.tsv"
    frame.to_csv(tsv, sep="\t", index=False)
    gz = tmp_path / "d.csv.gz"
    with gzip.open(gz, "wt") as handle:
        frame.to_csv(handle, index=False)
    for path in (tsv, gz):
        assert_same(*frames(path, 2, ["b"]))


def big_csv(tmp_path: Path, rows: int, late: dict[int, str]) -> Path:
    lines = [f"{i},{i * 0.5},w{i}" for i in range(rows)]
    for row, line in late.items():
        lines[row] = line
    path = tmp_path / "big.csv"
    path.write_text("a,b,c\n" + "\n".join(lines) + "\n")
    return path


def test_a_type_that_changes_after_the_first_block(tmp_path: Path) -> None:
    # 130k rows is past pyarrow's first 1 MiB block, where the types were decided.
    path = big_csv(tmp_path, 130_000, {120_000: "oops,1,w"})
    for chunk_rows in (40_000, 1_000_000):
        source = open_source(path)
        chunks = list(source.chunks(chunk_rows=chunk_rows, text_columns=["c"]))
        whole = pd.concat(chunks)
        assert len(whole) == 130_000
        assert list(whole.index) == list(range(130_000))
        assert whole["a"].iloc[120_000] == "oops"
        assert pd.to_numeric(whole["a"], errors="coerce").isna().sum() == 1


def test_a_short_row_late_names_its_line(tmp_path: Path) -> None:
    path = big_csv(tmp_path, 130_000, {125_000: "5,1"})
    with pytest.raises(DataError) as info:
        for _ in open_source(path).chunks(chunk_rows=40_000):
            pass
    assert info.value.line == 125_002
    assert "expected 3 fields, found 2" in str(info.value)


def test_a_ragged_row_late_names_its_line(tmp_path: Path) -> None:
    path = big_csv(tmp_path, 130_000, {125_000: "5,1,2,3"})
    with pytest.raises(DataError) as info:
        for _ in open_source(path).chunks(chunk_rows=40_000):
            pass
    assert info.value.line == 125_002
    assert "expected 3 fields, found 4" in str(info.value)


def test_stopping_early_does_not_hang(tmp_path: Path) -> None:
    path = big_csv(tmp_path, 130_000, {})
    source = open_source(path)
    for chunk in source.chunks(chunk_rows=20_000):
        assert chunk.index[0] == 0
        break
    first = next(iter(source.chunks(chunk_rows=20_000, columns=["c"])))
    assert list(first.columns) == ["c"]


def test_only_the_wanted_columns(write) -> None:
    path = write("d.csv", MESSY)
    chunk = next(iter(open_source(path).chunks(columns=["word", "n"], text_columns=["word"])))
    assert list(chunk.columns) == ["n", "word"]  # file order, as pandas' usecols


def test_an_unknown_wanted_column_is_a_data_error(write) -> None:
    path = write("d.csv", MESSY)
    with pytest.raises(DataError):
        list(open_source(path).chunks(columns=["nope"]))
