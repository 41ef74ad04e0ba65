"""``mlci.io.dataset``: which files a directory or glob holds, their order, hive keys, rows."""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlci.io import DataSource
from mlci.io.dataset import Dataset, open_data, open_dataset, open_partition, sha256_data


def parquet(path: Path, frame: pd.DataFrame) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)
    return path


def test_directory_in_path_order_skipping_hidden_and_marker_files(tmp_path: Path) -> None:
    for name in ["b/part-1.csv", "a/part-2.csv", "a/part-10.csv", "b/part-0.csv"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"x,src\n1,{name}\n")
    for junk in [
        "_SUCCESS",
        "_metadata",
        "_common_metadata",
        ".part-0.csv.crc",
        "a/.hidden.csv",
        "README.md",
    ]:
        (tmp_path / junk).write_text("junk")
    (tmp_path / "_temporary" / "0").mkdir(parents=True)
    (tmp_path / "_temporary" / "0" / "part-9.csv").write_text("x,src\n9,temp\n")
    data = open_dataset(tmp_path)
    # compared directory by directory, then by name (Spark zero-pads part numbers)
    assert [p.relative for p in data.partitions] == [
        "a/part-10.csv",
        "a/part-2.csv",
        "b/part-0.csv",
        "b/part-1.csv",
    ]
    frame = pd.concat(data.chunks())
    assert frame["src"].tolist() == ["a/part-10.csv", "a/part-2.csv", "b/part-0.csv", "b/part-1.csv"]
    assert frame.index.tolist() == [0, 1, 2, 3]


def test_row_index_is_global_across_partitions_and_chunks(tmp_path: Path) -> None:
    for i in range(3):
        parquet(tmp_path / f"part-{i}.parquet", pd.DataFrame({"v": np.arange(2500) + 2500 * i}))
    data = open_dataset(tmp_path)
    assert data.total_rows == 7500 and [p.first_row for p in data.partitions] == [0, 2500, 5000]
    chunks = list(data.chunks(chunk_rows=1000))
    assert [len(c) for c in chunks] == [1000, 1000, 500] * 3
    whole = pd.concat(chunks)
    assert (whole.index.to_numpy() == np.arange(7500)).all()
    assert (whole["v"].to_numpy() == np.arange(7500)).all()


def test_glob_matches_files_and_whole_directories(tmp_path: Path) -> None:
    for day in ("2024-01-01", "2024-01-02", "2025-01-01"):
        parquet(tmp_path / f"day={day}" / "part-0.parquet", pd.DataFrame({"v": [1]}))
    data = open_dataset(f"{tmp_path}/day=2024-*")
    assert [p.relative for p in data.partitions] == [
        "day=2024-01-01/part-0.parquet",
        "day=2024-01-02/part-0.parquet",
    ]
    assert data.columns == ["v", "day"] and data.location == f"{tmp_path}/day=2024-*"


def test_hive_keys_become_typed_columns(tmp_path: Path) -> None:
    layout = {
        "year=2024/city=Z%C3%BCrich": [1, 2],
        "year=2024/city=Bern": [3],
        "year=2025/city=__HIVE_DEFAULT_PARTITION__": [4],
    }
    for folder, values in layout.items():
        parquet(tmp_path / folder / "part-0.parquet", pd.DataFrame({"n": values}))
    data = open_dataset(tmp_path)
    assert data.columns == ["n", "year", "city"]
    frame = pd.concat(data.chunks())
    assert frame["year"].dtype == np.int64 and frame["year"].tolist() == [2024, 2024, 2024, 2025]
    assert frame["city"].tolist()[:3] == ["Bern", "Zürich", "Zürich"]  # URL-decoded, path order
    assert pd.isna(frame["city"].iloc[3])  # Hive's null
    # read as text when the schema says so, and only what is asked for
    text = pd.concat(data.chunks(text_columns=["year"], columns=["year"]))
    assert list(text.columns) == ["year"] and text["year"].tolist() == ["2024", "2024", "2024", "2025"]
    # the Arrow batches carry the same values, typed alike
    tables = list(data.batches(text_columns=["city"]))
    assert all(hasattr(t, "num_rows") for t in tables)
    assert [v for t in tables for v in t.column("year").to_pylist()] == [2024, 2024, 2024, 2025]
    assert [v for t in tables for v in t.column("city").to_pylist()] == ["Bern", "Zürich", "Zürich", None]
    assert str(tables[0].schema.field("year").type) == "int64"


def test_a_key_that_is_also_a_file_column_keeps_the_files_values(tmp_path: Path) -> None:
    parquet(tmp_path / "year=2024" / "p.parquet", pd.DataFrame({"year": [1999], "v": [1]}))
    data = open_dataset(tmp_path)
    assert data.columns == ["year", "v"]
    assert pd.concat(data.chunks())["year"].tolist() == [1999]


def test_csv_partitions_with_headers_in_another_order(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x,y\n1,2\n")
    (tmp_path / "b.csv").write_text("y,x\n4,3\n")
    frame = pd.concat(open_dataset(tmp_path).chunks())
    assert list(frame.columns) == ["x", "y"] and frame.to_dict("list") == {"x": [1, 3], "y": [2, 4]}


def test_one_local_file_stays_a_plain_data_source(tmp_path: Path) -> None:
    file = parquet(tmp_path / "one.parquet", pd.DataFrame({"v": [1, 2]}))
    assert type(open_data(file)) is DataSource
    assert type(open_data(f"file://{file}")) is DataSource
    assert isinstance(open_data(tmp_path), Dataset)
    single = open_dataset(file)  # the contract's form: a Dataset of one partition
    assert len(single.partitions) == 1 and pd.concat(single.chunks())["v"].tolist() == [1, 2]


def _read_in_child(blob: bytes) -> list[int]:
    partition = pickle.loads(blob)
    return [int(v) for chunk in open_partition(partition).chunks() for v in chunk["v"]]


def test_a_partition_reopens_in_another_process(tmp_path: Path) -> None:
    parquet(tmp_path / "k=7" / "p.parquet", pd.DataFrame({"v": [5, 6]}))
    (partition,) = open_dataset(tmp_path).partitions
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_read_in_child, (pickle.dumps(partition),)) == [5, 6]
    assert partition.rows == 2 and partition.hive == (("k", "7"),)
    local = pd.concat(open_partition(partition).chunks())
    assert local.to_dict("list") == {"v": [5, 6], "k": [7, 7]}


def test_fingerprint_covers_relative_paths_and_contents(tmp_path: Path) -> None:
    a = parquet(tmp_path / "d" / "x=1" / "a.parquet", pd.DataFrame({"v": [1]}))
    b = parquet(tmp_path / "d" / "x=2" / "b.parquet", pd.DataFrame({"v": [2]}))
    lines = "".join(
        f"{rel}\0{hashlib.sha256(p.read_bytes()).hexdigest()}\n"
        for rel, p in (("x=1/a.parquet", a), ("x=2/b.parquet", b))
    )
    expected = "sha256:" + hashlib.sha256(lines.encode()).hexdigest()
    assert sha256_data(open_dataset(tmp_path / "d")) == expected
    moved = tmp_path / "elsewhere"
    (tmp_path / "d").rename(moved)
    assert sha256_data(open_dataset(moved)) == expected  # where it lives does not matter
    (moved / "x=2" / "b.parquet").rename(moved / "x=2" / "c.parquet")
    assert sha256_data(open_dataset(moved)) != expected  # a renamed partition does


@pytest.mark.parametrize("spec", ["{tmp}/parts", "{tmp}/parts/*.jsonl", "file://{tmp}/parts"])
def test_json_lines_partitions(tmp_path: Path, spec: str) -> None:
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "0.jsonl").write_text('{"a": 1}\n{"a": 2}\n')
    (tmp_path / "parts" / "1.jsonl").write_text('{"a": 3}\n')
    data = open_dataset(spec.format(tmp=tmp_path))
    frame = pd.concat(data.chunks())
    assert frame["a"].tolist() == [1, 2, 3] and frame.index.tolist() == [0, 1, 2]


def test_validating_csv_or_parquet_partitions_imports_no_pandas(tmp_path: Path) -> None:
    """Partitions keep the Arrow path of one file: ``batches`` per partition, hive keys as Arrow."""
    import subprocess
    import sys

    for name, rows in (("day=1/a", [1, 2]), ("day=2/b", [3])):
        (tmp_path / "csv" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "csv" / f"{name}.csv").write_text("n\n" + "".join(f"{v}\n" for v in rows))
        parquet(tmp_path / "pq" / f"{name}.parquet", pd.DataFrame({"n": rows}))
    schema = tmp_path / "schema.yml"
    schema.write_text("version: 1\nstrict: true\ncolumns:\n  n: {dtype: int, max: 2}\n  day: {dtype: int}\n")
    probe = (
        "import sys\nfrom mlci.cli.main import main\n"
        "sys.argv[0] = 'mlci'\ntry:\n    main()\nexcept SystemExit as exc:\n    print(exc.code)\n"
        "print('pandas' in sys.modules, file=sys.stderr)\n"
    )
    for data in ("csv", "pq"):
        args = ["validate", str(tmp_path / data), "-s", str(schema), "--format", "json"]
        proc = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120
        )
        assert proc.stderr.strip().splitlines()[-1] == "False", proc.stderr
        assert proc.stdout.splitlines()[-1] == "1"  # n=3 in day=2 breaks max: 2
        assert '"example_rows": [\n            3\n' in proc.stdout
