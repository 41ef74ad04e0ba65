"""The dtype rules users hit every day, on real parsed columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlci.checks.validation.dtypes import parse_column


def bad_values(values: list[object], dtype: str, fmt: str | None = None) -> list[object]:
    series = pd.Series(values, dtype=object)
    parsed = parse_column(series, dtype, fmt)
    return series[parsed.bad].tolist()


def test_int_with_missing_values_read_as_float_is_still_int() -> None:
    series = pd.Series([1.0, np.nan, 3.0])  # how pandas reads "1,,3"
    parsed = parse_column(series, "int")
    assert not parsed.bad.any()
    assert parsed.missing.tolist() == [False, True, False]


def test_fraction_in_int_column_is_a_dtype_violation() -> None:
    parsed = parse_column(pd.Series([1.0, 1.5, np.inf]), "int")
    assert parsed.bad.tolist() == [False, True, True]


def test_text_in_numeric_columns() -> None:
    assert bad_values(["1", "2.5", "abc", None, "7"], "float") == ["abc"]
    assert bad_values(["1", "2.5", "abc", "7"], "int") == ["2.5", "abc"]


def test_booleans_accept_common_spellings() -> None:
    ok = ["true", "False", "TRUE", "t", "F", "yes", "No", "y", "n", "1", "0", " true "]
    assert bad_values(ok + ["maybe", "2"], "bool") == ["maybe", "2"]
    parsed = parse_column(pd.Series(["yes", "no", "1", "0"]), "bool")
    assert parsed.values.tolist() == [True, False, True, False]


def test_numeric_booleans() -> None:
    parsed = parse_column(pd.Series([0, 1, 2]), "bool")
    assert parsed.bad.tolist() == [False, False, True]


def test_python_bools_are_not_numbers() -> None:
    assert bad_values([True, 3, None], "int") == [True]


def test_unparseable_dates_are_violations() -> None:
    good = ["2024-01-05", "2024-01-05 10:30:00", "2024-01-05T10:30:00Z", "2024-02-29"]
    assert bad_values(good + ["31/02/2024", "tomorrow", "2023-02-29"], "datetime") == [
        "31/02/2024",
        "tomorrow",
        "2023-02-29",
    ]


def test_datetime_format_from_schema() -> None:
    assert bad_values(["05/01/2024", "2024-01-05"], "datetime", "%d/%m/%Y") == ["2024-01-05"]


def test_mixed_utc_offsets_parse() -> None:
    assert bad_values(["2024-01-05T10:00:00+01:00", "2024-01-05T10:00:00-05:00"], "datetime") == []


def test_typed_timestamps_and_numbers() -> None:
    assert not parse_column(pd.Series(pd.to_datetime(["2024-01-01"])), "datetime").bad.any()
    # Epoch numbers are ambiguous, so they are not dates.
    assert parse_column(pd.Series([1700000000]), "datetime").bad.all()


@pytest.mark.parametrize("dtype", ["string", "category"])
def test_text_accepts_any_text_but_not_typed_numbers(dtype: str) -> None:
    assert bad_values(["a", "1", "", None], dtype) == []
    assert bad_values(["a", 1, {"k": 1}], dtype) == [1, {"k": 1}]


def test_pyarrow_strings_work_like_object_strings() -> None:
    series = pd.Series(["1", "x", None], dtype="string[pyarrow]")
    assert parse_column(series, "int").bad.tolist() == [False, True, False]
    assert not parse_column(series, "string").bad.any()
