"""Readers: every format, chunk boundaries, and one clear error per kind of bad file."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from mlci.errors import DataError
from mlci.io import DataFormat, detect_format, open_source, read_frame, sha256_file

FRAME = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": ["x", "y", None, "z", "w"]})


def write_all_formats(tmp_path: Path) -> list[Path]:
    csv = tmp_path / "d.csv"
    FRAME.to_csv(csv, index=False)
    tsv = tmp_path / "d.tsv"
    FRAME.to_csv(tsv, index=False, sep="\t")
    parquet = tmp_path / "d.parquet"
    FRAME.to_parquet(parquet, index=False)
    jsonl = tmp_path / "d.jsonl"
    FRAME.to_json(jsonl, orient="records", lines=True)
    gz = tmp_path / "d.csv.gz"
    with gzip.open(gz, "wt") as handle:
        FRAME.to_csv(handle, index=False)
    return [csv, tsv, parquet, jsonl, gz]


def test_every_format_reads_the_same_values(tmp_path: Path) -> None:
    for path in write_all_formats(tmp_path):
        frame = read_frame(path, text_columns=["b"])
        assert list(frame.columns) == ["a", "b"], path
        assert frame["a"].tolist() == [1, 2, 3, 4, 5], path
        assert frame["b"].isna().tolist() == [False, False, True, False, False], path


def test_chunks_continue_the_row_index(tmp_path: Path) -> None:
    for path in write_all_formats(tmp_path):
        source = open_source(path)
        chunks = list(source.chunks(chunk_rows=2))
        assert [len(c) for c in chunks] == [2, 2, 1], path
        assert [c.index[0] for c in chunks] == [0, 2, 4], path


def test_parquet_knows_its_row_count(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    FRAME.to_parquet(path)
    assert open_source(path).total_rows == 5


def test_csv_text_columns_keep_what_the_file_holds(write) -> None:
    path = write("d.csv", "zip,n\n01234,1\n00001,2\n")
    frame = read_frame(path, text_columns=["zip"])
    assert frame["zip"].tolist() == ["01234", "00001"]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.csv", DataFormat.CSV),
        ("a.CSV", DataFormat.CSV),
        ("a.tsv", DataFormat.TSV),
        ("a.parquet", DataFormat.PARQUET),
        ("a.pq", DataFormat.PARQUET),
        ("a.jsonl", DataFormat.JSONL),
        ("a.ndjson", DataFormat.JSONL),
        ("a.jsonl.gz", DataFormat.JSONL),
    ],
)
def test_format_by_extension(name: str, fmt: DataFormat) -> None:
    assert detect_format(name) is fmt


def bad(path: Path) -> DataError:
    with pytest.raises(DataError) as info:
        source = open_source(path)
        for _ in source.chunks(chunk_rows=1000):
            pass
    err = info.value
    assert "\n" not in str(err)
    assert err.path == str(path)
    return err


def test_unknown_extension(write) -> None:
    assert "unknown data format" in str(bad(write("d.xlsx", "x")))


def test_missing_file(tmp_path: Path) -> None:
    assert "not found" in str(bad(tmp_path / "nope.csv"))


def test_empty_file(write) -> None:
    assert "empty" in str(bad(write("d.csv", "")))


def test_header_only(write) -> None:
    assert "no data rows" in str(bad(write("d.csv", "a,b,c\n")))


def test_ragged_row_names_the_line(write) -> None:
    err = bad(write("d.csv", "a,b\n1,2\n3,4\n5,6,7\n"))
    assert err.line == 4
    assert "expected 2 fields, found 3" in str(err)


def test_short_row_is_ragged_too(write) -> None:
    # pandas alone would pad the short row with missing values and say nothing.
    err = bad(write("d.csv", 'a,b,c\n1,2,3\n"multi\nline",5\n6,7,8\n'))
    assert err.line == 4
    assert "expected 3 fields, found 2" in str(err)


def test_trailing_empty_fields_are_not_ragged(write) -> None:
    frame = read_frame(write("d.csv", "a,b,c\n1,2,\n4,,\n"))
    assert frame["c"].isna().all() and len(frame) == 2


def test_non_utf8_names_the_line(write) -> None:
    err = bad(write("d.csv", b"a,b\n1,caf\xc3\xa9\n2,caf\xe9\n"))
    assert err.line == 3
    assert "UTF-8" in str(err)


def test_binary_garbage(write) -> None:
    err = bad(write("d.csv", bytes(range(256)) * 10))
    assert "binary" in str(err) or "UTF-8" in str(err)


def test_corrupt_parquet(write) -> None:
    assert "not a valid Parquet file" in str(bad(write("d.parquet", b"PAR1 this is not parquet")))


def test_truncated_parquet(tmp_path: Path) -> None:
    good = tmp_path / "good.parquet"
    FRAME.to_parquet(good)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(good.read_bytes()[:-20])
    assert "not a valid Parquet file" in str(bad(cut))


def test_parquet_with_a_csv_name(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    FRAME.to_parquet(path)
    assert "looks like a Parquet file" in str(bad(path))


def test_duplicate_header(write) -> None:
    assert "duplicate column name 'a'" in str(bad(write("d.csv", "a,b,a\n1,2,3\n")))


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "d.csv").mkdir()
    assert "directory" in str(bad(tmp_path / "d.csv"))


def test_jsonl_bad_line_is_located(write) -> None:
    err = bad(write("d.jsonl", '{"a": 1}\n{"a": 2}\n{"a": \n'))
    assert err.line == 3
    assert "invalid JSON" in str(err)


def test_jsonl_non_object_line(write) -> None:
    assert "expected a JSON object" in str(bad(write("d.jsonl", "[1, 2]\n")))


def test_fingerprint_is_sha256_of_bytes(write) -> None:
    import hashlib

    path = write("d.csv", "a\n1\n")
    assert sha256_file(path) == "sha256:" + hashlib.sha256(b"a\n1\n").hexdigest()
