"""schema.yml: what loads, and the one-line located errors for what does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlci.config.schema import Schema, dump_schema, load_schema
from mlci.errors import ConfigError

VALID = """\
version: 1
strict: true
rows: {min: 100, max: 10000000}
columns:
  customer_id: {dtype: string, unique: true, pattern: '^C\\d{6}$'}
  age:         {dtype: int, min: 18, max: 120}
  plan:        {dtype: category, allowed: [free, pro, team]}
  spend:       {dtype: float, min: 0, nullable: true}
  signup:      {dtype: datetime, min: 2020-01-01}
  churned:     {dtype: bool}
"""


def error_for(write, text: str) -> ConfigError:
    path = write("schema.yml", text)
    with pytest.raises(ConfigError) as info:
        load_schema(path)
    return info.value


def test_design_example_loads(write) -> None:
    schema = load_schema(write("schema.yml", VALID))
    assert schema.strict is True
    assert schema.rows is not None and schema.rows.min == 100
    assert list(schema.columns) == ["customer_id", "age", "plan", "spend", "signup", "churned"]
    assert schema.columns["age"].max == 120
    assert schema.columns["spend"].nullable is True
    assert schema.columns["plan"].allowed == ["free", "pro", "team"]


def test_defaults_are_lenient_on_columns_and_strict_on_values(write) -> None:
    schema = load_schema(write("schema.yml", "columns:\n  x: {dtype: int}\n"))
    assert schema.strict is False
    assert schema.columns["x"].nullable is False
    assert schema.columns["x"].unique is False


def test_invalid_yaml_names_the_line(write) -> None:
    err = error_for(write, "columns:\n  age: {dtype: int\n  plan: {dtype: category}\n")
    assert err.path is not None and err.path.endswith("schema.yml")
    assert err.line == 3
    assert "invalid YAML" in str(err)


def test_unknown_key_suggests_the_closest(write) -> None:
    err = error_for(write, "columns:\n  age: {dtype: int, nulable: true}\n")
    assert "unknown key 'nulable'" in str(err)
    assert "did you mean 'nullable'" in str(err)
    assert err.key == "columns.age.nulable"
    assert err.line == 2


def test_unknown_top_level_key(write) -> None:
    err = error_for(write, "strickt: true\ncolumns: {}\n")
    assert "did you mean 'strict'" in str(err)
    assert err.line == 1


def test_wrong_value_type_names_key_and_line(write) -> None:
    err = error_for(write, "columns:\n  age:\n    dtype: int\n    min: abc\n")
    assert err.key == "columns.age.min"
    assert err.line == 4
    assert "expected a number" in str(err) and "'abc'" in str(err)


def test_unknown_dtype_lists_choices_and_suggests(write) -> None:
    err = error_for(write, "columns:\n  age: {dtype: integer}\n")
    assert err.key == "columns.age.dtype"
    assert "'integer'" in str(err)
    assert "int, float, bool, string, category, datetime" in str(err)
    assert "did you mean 'int'" in str(err)


def test_invalid_regex(write) -> None:
    err = error_for(write, "columns:\n  id: {dtype: string, pattern: '^C(\\d+$'}\n")
    assert err.key == "columns.id.pattern"
    assert "invalid regular expression" in str(err)


@pytest.mark.parametrize(
    ("column", "fragment"),
    [
        ("{dtype: int, min: 10, max: 1}", "greater than max"),
        ("{dtype: string, min: 3}", "applies to int, float and datetime"),
        ("{dtype: int, pattern: 'x'}", "applies to string and category"),
        ("{dtype: datetime, min: yesterday}", "ISO 8601 date"),
        ("{dtype: int, allowed: [1, two]}", "expected a number"),
        ("{dtype: category, allowed: []}", "at least one value"),
        ("{dtype: string, min_length: -1}", "greater than or equal to 0"),
        ("{dtype: int, nullable: maybe}", "boolean"),
    ],
)
def test_value_problems_are_located(write, column: str, fragment: str) -> None:
    err = error_for(write, f"columns:\n  c: {column}\n")
    assert fragment in str(err)
    assert err.key is not None and err.key.startswith("columns.c")
    assert err.line == 2


def test_several_problems_are_reported_together(write) -> None:
    err = error_for(write, "columns:\n  a: {dtype: int, min: x}\n  b: {dtype: float, max: y}\n")
    lines = err.lines()
    assert len(lines) == 2
    assert "columns.a.min" in lines[0] and "columns.b.max" in lines[1]


def test_duplicate_keys_are_an_error(write) -> None:
    err = error_for(write, "columns:\n  age: {dtype: int}\n  age: {dtype: float}\n")
    assert "duplicate key 'age'" in str(err)
    assert err.line == 3


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("", "empty"), ("- a\n- b\n", "expected a mapping"), (b"\xff\xfe columns", "UTF-8")],
)
def test_unusable_files(write, content: str | bytes, fragment: str) -> None:
    path = write("schema.yml", content)
    with pytest.raises(ConfigError, match=fragment):
        load_schema(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_schema(tmp_path / "nope.yml")


def test_error_is_one_line(write) -> None:
    err = error_for(write, "columns:\n  x: {dtype: int, pattern: '('}\n")
    assert "\n" not in str(err)


def test_numeric_column_names_are_names(write) -> None:
    schema = load_schema(write("schema.yml", "columns:\n  2024: {dtype: float}\n"))
    assert list(schema.columns) == ["2024"]


def test_dump_round_trips(write) -> None:
    original = load_schema(write("schema.yml", VALID))
    again = load_schema(write("again.yml", dump_schema(original)))
    assert again == original
    assert isinstance(again, Schema)
