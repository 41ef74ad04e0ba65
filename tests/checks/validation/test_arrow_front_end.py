"""Arrow tables (no pandas) and pandas DataFrames of the same file validate alike.

``DataSource.batches`` hands the validator Arrow tables, checked by ``arrow_dtypes``;
``DataSource.chunks`` hands it the DataFrames the pandas front end (``dtypes``, the
rules mlci had before Arrow) checks. Both must give the same outcome, field by field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlci.checks.validation import Validator, text_columns
from mlci.checks.validation.results import ValidationOutcome
from mlci.config.schema import Schema, load_schema
from mlci.io import DataSource, open_source

SCHEMA = """\
columns:
  n:     {dtype: int, unique: true, min: 0, max: 50}
  x:     {dtype: float, nullable: true, min: -1, max: 1, unique: true}
  flag:  {dtype: bool, allowed: [true]}
  word:  {dtype: string, pattern: '^[a-z]{2}\\d$', min_length: 3, max_length: 3, unique: true}
  plan:  {dtype: category, allowed: [free, pro], nullable: true}
  day:   {dtype: datetime, min: 2020-01-01, max: '2021-12-31T12:00:00', unique: true}
  as_text: {dtype: string}
  as_int:  {dtype: int, allowed: [0, 1]}
  as_bool: {dtype: bool}
  as_date: {dtype: datetime}
  on:      {dtype: datetime, min: 2020-01-01, max: '2020-01-02T12:00:00', unique: true}
  on_text: {dtype: string}
"""

TEXT = {
    "n": ["0", "7", "49", "50", "51", "-3", "1.0", "2.5", "x", ""],
    "x": ["0.5", "-0.25", "1", "1.5", "-2", "nan", "", "0", "abc"],
    "flag": ["true", "false", "True", "FALSE", "yes", "n", "1", "0", "maybe", ""],
    "word": ["ab1", "zz9", "ab1", "abc", "a1", "ab12", "ÿb1", "ab\n1", ""],
    "plan": ["free", "pro", "gold", "", "Free"],
    "day": [
        "2020-01-01",
        "2019-12-31",
        "2021-12-31T12:00:01",
        "2020-06-01T08:30:00",
        "2021-02-30",
        "",
        "2020-13-01",
    ],
    "as_text": ["a", "7", "", "true"],
    "as_int": ["0", "1", "2", ""],
    "as_bool": ["true", "false", ""],
    "as_date": ["2020-01-01", ""],
    "on": ["2020-01-01", "2019-12-31", "2020-01-02"],
    "on_text": ["2020-01-01", "x"],
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Schema:
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    path.write_text(SCHEMA)
    return load_schema(path)


def fields(outcome: ValidationOutcome) -> list[tuple[object, ...]]:
    return [(v.column, v.check, v.failed_count, v.examples, v.example_rows) for v in outcome.violations]


def both_ways(
    source: DataSource, schema: Schema, chunk_rows: int
) -> tuple[ValidationOutcome, ValidationOutcome]:
    text = text_columns(schema)
    outcomes = []
    for read in (source.batches, source.chunks):
        validator = Validator(schema, source.columns)
        kinds = set()
        for chunk in read(chunk_rows=chunk_rows, text_columns=text, columns=validator.checked):
            kinds.add(type(chunk).__name__)
            validator.feed(chunk)
        assert ("DataFrame" in kinds) == (read == source.chunks) or source.format.value == "csv"

        def fetch(column: str, rows: list[int]) -> list[object]:
            frame = pd.concat(source.chunks(chunk_rows=chunk_rows, text_columns=text, columns=[column]))
            return frame[column].iloc[rows].tolist()

        outcomes.append(validator.finish(fetch))
    return outcomes[0], outcomes[1]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_csv_as_arrow_tables_equals_csv_as_dataframes(
    schema: Schema, tmp_path: Path, data: st.DataObject
) -> None:
    rows = data.draw(st.integers(1, 40))
    frame = pd.DataFrame(
        {
            name: data.draw(st.lists(st.sampled_from(pool), min_size=rows, max_size=rows))
            for name, pool in TEXT.items()
        }
    )
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    arrow, pandas = both_ways(open_source(path), schema, data.draw(st.integers(1, 15)))
    assert fields(arrow) == fields(pandas)
    assert arrow.rows == pandas.rows == rows


NUMBERS = st.one_of(st.none(), st.integers(-3, 60))
FLOATS = st.one_of(
    st.none(), st.sampled_from([0.5, -0.25, 1.5, -2.0, float("nan"), 3.0, 1e30, 0.1, 1.0000001])
)
DAYS = st.one_of(
    st.none(),
    st.sampled_from(
        [dt.datetime(2020, 1, 1), dt.datetime(2019, 12, 31, 23), dt.datetime(2021, 12, 31, 12, 0, 1)]
    ),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_parquet_as_arrow_tables_equals_parquet_as_dataframes(
    schema: Schema, tmp_path: Path, data: st.DataObject
) -> None:
    rows = data.draw(st.integers(1, 40))

    def column(values: st.SearchStrategy[object]) -> list[object]:
        return data.draw(st.lists(values, min_size=rows, max_size=rows))

    zone = data.draw(st.sampled_from([None, "UTC", "Europe/Paris"]))
    unit = data.draw(st.sampled_from(["us", "ns", "ms"]))
    # Typed columns, some under the dtype they hold and some under another one.
    table = pa.table(
        {
            "n": pa.array(column(NUMBERS), data.draw(st.sampled_from([pa.int64(), pa.int16(), pa.int32()]))),
            "x": pa.array(column(FLOATS), data.draw(st.sampled_from([pa.float64(), pa.float32()]))),
            "flag": pa.array(column(st.one_of(st.none(), st.booleans())), pa.bool_()),
            "word": pa.array(column(st.one_of(st.none(), st.sampled_from(TEXT["word"]))), pa.string()),
            "plan": pa.array(column(st.sampled_from(["free", "pro", "gold", None])), pa.large_string()),
            "day": pa.array(column(DAYS), pa.timestamp(unit, zone)),
            "as_text": pa.array(column(st.one_of(st.none(), st.integers(0, 3))), pa.int32()),
            "as_int": pa.array(column(st.one_of(st.none(), st.booleans())), pa.bool_()),
            "as_bool": pa.array(column(st.one_of(st.none(), st.integers(0, 2))), pa.int16()),
            "as_date": pa.array(column(st.one_of(st.none(), st.floats(0, 2))), pa.float32()),
            "on": pa.array(
                column(st.one_of(st.none(), st.dates(dt.date(2019, 12, 30), dt.date(2020, 1, 3)))),
                pa.date32(),
            ),
            "on_text": pa.array(column(st.one_of(st.none(), st.just(dt.date(2020, 1, 1)))), pa.date32()),
        }
    )
    path = tmp_path / "d.parquet"
    pq.write_table(table, path)
    arrow, pandas = both_ways(open_source(path), schema, data.draw(st.integers(1, 15)))
    assert fields(arrow) == fields(pandas)


def test_the_csv_path_imports_no_pandas(tmp_path: Path) -> None:
    """``mlci validate`` on CSV and Parquet runs without pandas (0.3 s of imports saved)."""
    import subprocess
    import sys

    schema = tmp_path / "schema.yml"
    schema.write_text(SCHEMA)
    frame = pd.DataFrame({name: pool[:2] for name, pool in TEXT.items()})
    frame.to_csv(tmp_path / "d.csv", index=False)
    pq.write_table(pa.table({"n": np.arange(3), "x": [0.5, 1.5, np.nan]}), tmp_path / "d.parquet")
    probe = (
        "import sys\nfrom mlci.cli.main import main\n"
        "sys.argv[0] = 'mlci'\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pandas' in sys.modules, file=sys.stderr)\n"
    )
    for data in ("d.csv", "d.parquet"):
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                probe,
                "validate",
                str(tmp_path / data),
                "-s",
                str(schema),
                "-o",
                str(tmp_path / "o"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.stderr.strip().splitlines()[-1] == "False", proc.stderr


def test_a_partitioned_dataset_is_read_through_its_own_chunks(schema: Schema, tmp_path: Path) -> None:
    """A ``DataSource`` subclass that reads otherwise (partitions) validates as one frame."""
    from mlci.checks.validation import validate_source
    from mlci.io import open_dataset

    frame = pd.DataFrame({name: (pool * 12)[:12] for name, pool in TEXT.items()})
    (tmp_path / "parts").mkdir()
    frame.iloc[:5].to_csv(tmp_path / "parts" / "a.csv", index=False)
    frame.iloc[5:].to_csv(tmp_path / "parts" / "b.csv", index=False)
    whole = tmp_path / "whole.csv"
    frame.to_csv(whole, index=False)
    dataset = validate_source(open_dataset(str(tmp_path / "parts")), schema, chunk_rows=4)
    assert fields(dataset) == fields(validate_source(open_source(whole), schema, chunk_rows=4))
    assert dataset.rows == 12
