"""Partitioned datasets and URLs that cannot be used: exit 2 with one line naming what is wrong."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

SCHEMA_TEXT = "version: 1\ncolumns:\n  a: {dtype: int}\n"


@pytest.fixture
def schema(write) -> Path:
    return write("schema.yml", SCHEMA_TEXT)


def one_error_line(run) -> str:
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    return lines[0]


def test_csv_partitions_with_different_columns(mlci, write, schema: Path) -> None:
    first = write("d/part-0.csv", "a,b\n1,2\n")
    second = write("d/part-1.csv", "a,c\n1,2\n")
    run = mlci("validate", first.parent, "-s", schema)
    assert run.exit_code == 2
    line = one_error_line(run)
    assert str(second) in line and str(first) in line and "'b'" in line


def test_parquet_partitions_whose_column_types_conflict(mlci, tmp_path: Path, schema: Path) -> None:
    (tmp_path / "d").mkdir()
    pd.DataFrame({"a": [1, 2]}).to_parquet(tmp_path / "d" / "0.parquet")
    pd.DataFrame({"a": ["x", "y"]}).to_parquet(tmp_path / "d" / "1.parquet")
    run = mlci("drift", tmp_path / "d", tmp_path / "d")
    assert run.exit_code == 2
    line = one_error_line(run)
    assert f"{tmp_path}/d/1.parquet: partitions disagree: column 'a' is text here but integer in " in line
    assert line.endswith(f"{tmp_path}/d/0.parquet")


def test_int_widths_and_all_null_partitions_do_not_conflict(mlci, tmp_path: Path, schema: Path) -> None:
    (tmp_path / "d").mkdir()
    pd.DataFrame({"a": pd.Series([1], dtype="int32")}).to_parquet(tmp_path / "d" / "0.parquet")
    pd.DataFrame({"a": pd.Series([2], dtype="int64")}).to_parquet(tmp_path / "d" / "1.parquet")
    run = mlci("validate", tmp_path / "d", "-s", schema)
    assert run.exit_code == 0, run.stderr


def test_empty_directory(mlci, tmp_path: Path, schema: Path) -> None:
    (tmp_path / "empty" / "_temporary").mkdir(parents=True)
    (tmp_path / "empty" / "_SUCCESS").write_text("")
    run = mlci("validate", tmp_path / "empty", "-s", schema)
    assert run.exit_code == 2
    assert one_error_line(run).startswith(f"error: {tmp_path}/empty: directory holds no data file")


def test_glob_that_matches_nothing(mlci, tmp_path: Path, schema: Path) -> None:
    run = mlci("schema", "infer", f"{tmp_path}/*.parquet")
    assert run.exit_code == 2
    assert one_error_line(run).startswith(f"error: {tmp_path}/*.parquet: glob matches no data file")


def test_missing_directory_or_file(mlci, tmp_path: Path, schema: Path) -> None:
    run = mlci("validate", f"file://{tmp_path}/nowhere/", "-s", schema)
    assert run.exit_code == 2
    assert one_error_line(run) == f"error: file://{tmp_path}/nowhere/: file or directory not found"


def test_partitions_that_mix_formats(mlci, write, schema: Path, tmp_path: Path) -> None:
    write("d/0.csv", "a\n1\n")
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "d" / "1.parquet")
    run = mlci("validate", tmp_path / "d", "-s", schema)
    assert run.exit_code == 2
    assert "partitions mix formats" in one_error_line(run)


def test_hive_layouts_that_disagree(mlci, write, schema: Path, tmp_path: Path) -> None:
    write("d/year=2024/0.csv", "a\n1\n")
    write("d/year=2025/month=1/0.csv", "a\n1\n")
    run = mlci("validate", tmp_path / "d", "-s", schema)
    assert run.exit_code == 2
    line = one_error_line(run)
    assert "key=value directories" in line and "(year, month)" in line and "(year)" in line


def test_a_broken_partition_is_named(mlci, write, schema: Path, tmp_path: Path) -> None:
    write("d/0.csv", "a\n1\n")
    bad = write("d/1.csv", "a\n1\n2,3\n")
    run = mlci("validate", tmp_path / "d", "-s", schema)
    assert run.exit_code == 2
    assert one_error_line(run).startswith(f"error: {bad}:3: ragged row")


@pytest.mark.parametrize(("scheme", "package", "extra"), [("gs", "gcsfs", "gcs"), ("az", "adlfs", "azure")])
def test_a_url_scheme_without_its_filesystem_names_the_extra(
    mlci, schema: Path, scheme: str, package: str, extra: str
) -> None:
    if importlib.util.find_spec(package) is not None:
        pytest.skip(f"{package} is installed here")
    run = mlci("validate", f"{scheme}://bucket/events/", "-s", schema)
    assert run.exit_code == 2
    assert one_error_line(run) == (
        f"error: {scheme}://bucket/events/: reading {scheme}:// URLs needs pip install 'mlci[{extra}]'"
    )


def test_an_unknown_url_scheme(mlci, schema: Path) -> None:
    run = mlci("validate", "nosuchfs://bucket/x.csv", "-s", schema)
    assert run.exit_code == 2
    assert "unknown URL scheme 'nosuchfs'" in one_error_line(run)


def test_mlci_help_imports_no_filesystem(mlci_process) -> None:
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom mlci.cli.main import cli\n"
        "CliRunner().invoke(cli, ['--help'])\n"
        "print(sorted(m for m in ('fsspec', 's3fs', 'gcsfs', 'adlfs', 'botocore') if m in sys.modules))"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stderr


@pytest.mark.parametrize("blocked", ["fsspec", "s3fs"])
def test_s3_without_fsspec_or_s3fs_names_the_s3_extra(tmp_path: Path, blocked: str) -> None:
    # The base install has neither: a None entry in sys.modules makes importing it fail
    # exactly as when the package is absent.
    import subprocess
    import sys

    (tmp_path / "schema.yml").write_text(SCHEMA_TEXT)
    schema = str(tmp_path / "schema.yml")
    code = (
        f"import sys\nsys.modules[{blocked!r}] = None\nfrom mlci.cli.main import main\n"
        f"sys.argv = ['mlci', 'validate', 's3://bucket/events/', '-s', {schema!r}]\nmain()"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip() == "error: s3://bucket/events/: reading s3:// URLs needs pip install 'mlci[s3]'"
