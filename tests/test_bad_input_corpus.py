"""A corpus of bad inputs, each run through the real CLI: never an internal error.

Every input here is something a user can hand mlci by mistake: broken data files,
schemas, mlci.yml, metrics, predictions, report files and user templates. Each one must
end in a documented exit code (0 passed, 1 check failed, 2 bad input, 3 service failed);
for 2 and 3 every ``error:`` line is one line naming the file it is about, and nothing
prints "internal error" or a traceback.

Files are generated into ``tmp_path`` by the test; ``{name}`` in a command is the path of
the file called ``name``.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FileSpec = str | bytes | Callable[[Path], None]

GOOD_CSV = "x,y\n1,a\n2,b\n3,c\n4,a\n"
GOOD_SCHEMA = "columns:\n  x: {dtype: int}\n  y: {dtype: string}\n"
GATE_CONFIG = "version: 1\nmodel: {name: m}\ngates:\n  - {metric: acc, threshold: 0.5}\n"
PRED_CONFIG = "version: 1\nmodel: {name: m}\ngates:\n  - {metric: accuracy, threshold: 0.5}\n"


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    files: dict[str, FileSpec] = field(default_factory=dict)


def _parquet(columns: dict[str, object]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table(columns), path)  # type: ignore[arg-type]

    return write


def _parquet_typed(name: str, values: list[object], type_: Callable[[], object]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({name: pa.array(values, type=type_()), "k": list(range(len(values)))}), path)

    return write


def _nested_parquet(kind: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrays = {
            "struct": pa.array([{"a": 1}, {"a": 2}, {"a": 3}]),
            "list": pa.array([[1], [2, 3], []]),
            "map": pa.array([[("a", 1)], [("b", 2)], []], type=pa.map_(pa.string(), pa.int64())),
            "binary": pa.array([b"\x00\x01", b"zz", b"\xff"]),
            "null": pa.array([None, None, None], type=pa.null()),
            "decimal": pa.array([1, 2, 3], type=pa.decimal128(10, 2)),
            "duration": pa.array([1, 2, 3], type=pa.duration("s")),
            "fixed_binary": pa.array([b"ab", b"cd", b"ef"], type=pa.binary(2)),
            "dictionary": pa.array(["a", "b", "a"]).dictionary_encode(),
            "uint64": pa.array([2**64 - 1, 0, 1], type=pa.uint64()),
            "tz_timestamp": pa.array([0, 1, 2], type=pa.timestamp("s", tz="Europe/Paris")),
            "time": pa.array([0, 1, 2], type=pa.time32("s")),
            "large_string": pa.array(["a", "b", "c"], type=pa.large_string()),
            "float16": pa.array([1, 2, 3], type=pa.float64()).cast(pa.float32()),
        }
        pq.write_table(pa.table({"col": arrays[kind], "k": [1, 2, 3]}), path)

    return write


def _deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def _deep_yaml_flow(depth: int) -> str:
    return "columns: " + "[" * depth + "]" * depth + "\n"


def _deep_yaml_block(depth: int) -> str:
    return "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v: 1\n"


def _laughs(levels: int, width: int) -> str:
    """A YAML alias bomb: small text, exponentially large when every alias is walked."""
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * width)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append(f"columns: {{x: {{dtype: category, allowed: *a{levels - 1}}}}}")
    return "\n".join(lines) + "\n"


# --- data files: each run through schema infer, validate and drift -------------------------

DATA: dict[str, FileSpec] = {
    "empty.csv": "",
    "header_only.csv": "x,y\n",
    "only_newlines.csv": "\n\n\n",
    "ragged.csv": "x,y\n1,a\n2\n3,c,extra\n",
    "unterminated_quote.csv": 'x,y\n1,"a\n2,b\n',
    "not_utf8.csv": b"x,y\n1,\xff\xfe\n2,b\n",
    "nul_bytes.csv": "x,y\n1,a\x00b\n2,b\n",
    "bom.csv": "\ufeffx,y\n1,a\n2,b\n",
    "duplicate_header.csv": "x,x\n1,2\n3,4\n",
    "empty_header_name.csv": "x,\n1,2\n3,4\n",
    "empty_header_huge_int.csv": ",y\n1234567890123456789012345,a\n2,b\n",
    "u0085_header.csv": "x\u0085z,y\n1,a\n2,b\n",
    "huge_int.csv": "x,y\n" + "9" * 5000 + ",a\n2,b\n",
    "mixed_types.csv": "x,y\n1,a\nnot-a-number,b\n3.5,c\n",
    "crlf.csv": "x,y\r\n1,a\r\n2,b\r\n",
    "only_commas.csv": ",,,\n,,,\n",
    "binary_garbage.csv": bytes(range(256)) * 4,
    "long_line.csv": "x,y\n" + "1," + "a" * 200_000 + "\n",
    "tabs_in_csv.csv": "x\ty\n1\ta\n",
    "inf_nan.csv": "x,y\ninf,a\nnan,b\n-inf,c\n",
    "gzip_garbage.csv.gz": b"\x1f\x8bnot really gzip",
    "gzip_empty.csv.gz": gzip.compress(b""),
    "garbage.parquet": b"PAR1 this is not parquet PAR1",
    "empty_file.parquet": b"",
    "struct.parquet": _nested_parquet("struct"),
    "list.parquet": _nested_parquet("list"),
    "map.parquet": _nested_parquet("map"),
    "binary.parquet": _nested_parquet("binary"),
    "null_type.parquet": _nested_parquet("null"),
    "decimal.parquet": _nested_parquet("decimal"),
    "duration.parquet": _nested_parquet("duration"),
    "fixed_binary.parquet": _nested_parquet("fixed_binary"),
    "dictionary.parquet": _nested_parquet("dictionary"),
    "uint64.parquet": _nested_parquet("uint64"),
    "tz_timestamp.parquet": _nested_parquet("tz_timestamp"),
    "time.parquet": _nested_parquet("time"),
    "zero_rows.parquet": _parquet({"x": [], "y": []}),
    "mixed.jsonl": '{"x": 1, "y": "a"}\n{"x": "b", "y": "a"}\n{"x": [1], "y": "c"}\n',
    "nested_objects.jsonl": '{"x": {"a": 1}, "y": "a"}\n{"x": {"a": 2}, "y": "b"}\n',
    "arrays.jsonl": '{"x": [1, 2], "y": "a"}\n{"x": [3], "y": "b"}\n',
    "not_objects.jsonl": "[1, 2]\n[3, 4]\n",
    "scalars.jsonl": "1\n2\n3\n",
    "invalid_line.jsonl": '{"x": 1, "y": "a"}\n{"x": 2, "y": \n',
    "blank_lines.jsonl": '\n{"x": 1, "y": "a"}\n\n\n{"x": 2, "y": "b"}\n',
    "deep.jsonl": '{"x": ' + _deep_json(50_000) + "}\n",
    "differing_keys.jsonl": '{"x": 1}\n{"y": "b"}\n{"z": true}\n',
    "huge_number.jsonl": '{"x": ' + "9" * 5000 + ', "y": "a"}\n',
    "bool_and_int.jsonl": '{"x": true, "y": "a"}\n{"x": 2, "y": "b"}\n',
    "empty.jsonl": "",
    "unknown.ext": "x,y\n1,a\n",
}


def _data_cases() -> list[Case]:
    cases = []
    for name, spec in DATA.items():
        files = {name: spec, "ref.csv": GOOD_CSV, "schema.yml": GOOD_SCHEMA}
        cases += [
            Case(f"data-infer-{name}", ("schema", "infer", f"{{{name}}}", "-o", "{out.yml}"), files),
            Case(f"data-validate-{name}", ("validate", f"{{{name}}}", "--schema", "{schema.yml}"), files),
            Case(f"data-drift-{name}", ("drift", "{ref.csv}", f"{{{name}}}"), files),
        ]
    typed = "columns:\n  col: {dtype: string}\n  k: {dtype: int}\n"
    for name, spec in DATA.items():
        if name.endswith((".parquet", ".jsonl")):
            # The odd column is in the schema and on both sides of drift, so it is read.
            files = {name: spec, "typed.yml": typed}
            cases.append(
                Case(
                    f"data-validate-typed-{name}",
                    ("validate", f"{{{name}}}", "--schema", "{typed.yml}"),
                    files,
                )
            )
            cases.append(Case(f"data-drift-self-{name}", ("drift", f"{{{name}}}", f"{{{name}}}"), files))
    cases.append(
        Case(
            "data-missing-file",
            ("validate", "{nope.csv}", "--schema", "{schema.yml}"),
            {"schema.yml": GOOD_SCHEMA},
        )
    )
    cases.append(
        Case(
            "data-directory-empty",
            ("validate", "{emptydir}", "--schema", "{schema.yml}"),
            {"schema.yml": GOOD_SCHEMA, "emptydir/": ""},
        )
    )
    return cases


# --- schema files: each used to validate a good CSV ----------------------------------------

SCHEMAS: dict[str, FileSpec] = {
    "empty": "",
    "not_a_mapping": "- x\n- y\n",
    "a_scalar": "42\n",
    "invalid_yaml": "columns: {x: [dtype: int\n",
    "tab_indent": "columns:\n\tx: {dtype: int}\n",
    "not_utf8": b"columns:\n  x: {dtype: \xff}\n",
    "unknown_dtype": "columns:\n  x: {dtype: integer}\n",
    "dtype_null": "columns:\n  x: {dtype: null}\n",
    "columns_list": "columns: [x, y]\n",
    "column_spec_string": "columns:\n  x: int\n",
    "unknown_key": "columns:\n  x: {dtype: int, minimum: 3}\n",
    "min_gt_max": "columns:\n  x: {dtype: int, min: 10, max: 1}\n",
    "min_string_on_int": "columns:\n  x: {dtype: int, min: low}\n",
    "min_on_string": "columns:\n  y: {dtype: string, min: 1}\n",
    "bad_regex": "columns:\n  y: {dtype: string, pattern: '(['}\n",
    "pattern_on_int": "columns:\n  x: {dtype: int, pattern: '^1$'}\n",
    "lengths_reversed": "columns:\n  y: {dtype: string, min_length: 5, max_length: 1}\n",
    "negative_length": "columns:\n  y: {dtype: string, min_length: -1}\n",
    "allowed_empty": "columns:\n  y: {dtype: category, allowed: []}\n",
    "allowed_nested": "columns:\n  y: {dtype: category, allowed: [[a], {b: 1}]}\n",
    "allowed_text_on_int": "columns:\n  x: {dtype: int, allowed: [one, two]}\n",
    "strptime_bad_directive": "columns:\n  x: {dtype: datetime, format: '%Q'}\n",
    "strptime_stray_percent": "columns:\n  x: {dtype: datetime, format: '%Y-%m-%d %'}\n",
    "strptime_on_int": "columns:\n  x: {dtype: int, format: '%Y'}\n",
    "strptime_no_directive": "columns:\n  x: {dtype: datetime, format: 'hello'}\n",
    "datetime_bad_bound": "columns:\n  x: {dtype: datetime, min: not-a-date}\n",
    "datetime_mixed_tz": "columns:\n  x: {dtype: datetime, min: '2024-01-01T00:00:00Z', max: '2025-01-01'}\n",
    "rows_negative": "rows: {min: -1}\ncolumns:\n  x: {dtype: int}\n",
    "rows_reversed": "rows: {min: 10, max: 1}\ncolumns:\n  x: {dtype: int}\n",
    "rows_not_int": "rows: {min: many}\ncolumns:\n  x: {dtype: int}\n",
    "version_2": "version: 2\ncolumns:\n  x: {dtype: int}\n",
    "duplicate_keys": "columns:\n  x: {dtype: int}\n  x: {dtype: string}\n",
    "numeric_column_names": "columns:\n  2024: {dtype: int}\n  true: {dtype: bool}\n",
    "null_column_name": "columns:\n  null: {dtype: int}\n",
    "huge_int_bound": "columns:\n  x: {dtype: int, max: " + "9" * 5000 + "}\n",
    "inf_bound": "columns:\n  x: {dtype: float, max: .inf}\n",
    "nan_bound": "columns:\n  x: {dtype: float, min: .nan}\n",
    "deep_flow": _deep_yaml_flow(20_000),
    "deep_block": _deep_yaml_block(3_000),
    "alias_bomb": _laughs(9, 9),
    "yaml_python_tag": "columns: !!python/object/apply:os.system ['echo hi']\n",
    "strict_not_bool": "strict: maybe\ncolumns:\n  x: {dtype: int}\n",
    "unique_not_bool": "columns:\n  x: {dtype: int, unique: sometimes}\n",
}


def _schema_cases() -> list[Case]:
    return [
        Case(
            f"schema-{name}",
            ("validate", "{data.csv}", "--schema", "{schema.yml}"),
            {"data.csv": GOOD_CSV, "schema.yml": spec},
        )
        for name, spec in SCHEMAS.items()
    ] + [
        Case("schema-missing", ("validate", "{data.csv}", "--schema", "{nope.yml}"), {"data.csv": GOOD_CSV}),
        Case(
            "schema-directory",
            ("validate", "{data.csv}", "--schema", "{dir}"),
            {"data.csv": GOOD_CSV, "dir/": ""},
        ),
        Case(
            "schema-datetime-format-mismatch",
            ("validate", "{data.csv}", "--schema", "{schema.yml}"),
            {
                "data.csv": "t\n2024-01-01\nsoon\n",
                "schema.yml": "columns:\n  t: {dtype: datetime, format: '%d/%m/%Y'}\n",
            },
        ),
    ]


# --- mlci.yml: each run through mlci check --------------------------------------------------

GATES = "version: 1\nmodel: {name: m, metrics: metrics.json}\ngates:\n"
DATASET = "version: 1\ndatasets:\n  a: {path: data.csv}\n"
CONFIGS: dict[str, FileSpec] = {
    "empty": "",
    "not_a_mapping": "- a\n- b\n",
    "invalid_yaml": "version: 1\ndatasets: {a: {path: a.csv\n",
    "unknown_top_key": "version: 1\ndatasetz: {}\n",
    "version_2": "version: 2\n",
    "datasets_list": "version: 1\ndatasets: [a.csv]\n",
    "dataset_no_path": "version: 1\ndatasets:\n  a: {schema: schema.yml}\n",
    "dataset_missing_file": "version: 1\ndatasets:\n  a: {path: nope.csv, schema: schema.yml}\n",
    "dataset_bad_schema": "version: 1\ndatasets:\n  a: {path: data.csv, schema: bad_schema.yml}\n",
    "dataset_missing_schema": "version: 1\ndatasets:\n  a: {path: data.csv, schema: nope.yml}\n",
    "drift_unknown_dataset": DATASET + "drift: {reference: a, current: b}\n",
    "drift_unknown_method": DATASET + "drift: {reference: a, current: a, columns: {x: {method: magic}}}\n",
    "drift_share_zero": DATASET + "drift: {reference: a, current: a, drift_share: 0}\n",
    "drift_p_threshold_5": DATASET
    + "drift: {reference: a, current: a, columns: {x: {method: ks, threshold: 5}}}\n",
    "drift_include_not_list": DATASET + "drift: {reference: a, current: a, include: x}\n",
    "drift_header_only_current": DATASET + "  b: {path: header.csv}\ndrift: {reference: a, current: b}\n",
    "gates_not_list": "version: 1\nmodel: {name: m, metrics: metrics.json}\ngates: {metric: acc}\n",
    "gate_threshold_text": GATES + "  - {metric: acc, threshold: high}\n",
    "gate_threshold_inf": GATES + "  - {metric: acc, threshold: .inf}\n",
    "gate_threshold_huge_int": GATES + "  - {metric: acc, threshold: " + "9" * 5000 + "}\n",
    "gate_threshold_1e400": GATES + "  - {metric: acc, threshold: 1.0e400}\n",
    "gate_alpha_2": GATES + "  - {metric: acc, alpha: 2}\n",
    "gate_resamples_10": GATES + "  - {metric: acc, resamples: 10}\n",
    "gate_no_metric": GATES + "  - {threshold: 0.5}\n",
    "gate_unknown_metric": GATES + "  - {metric: acuracy, threshold: 0.5}\n",
    "gates_without_model": "version: 1\ngates:\n  - {metric: acc, threshold: 0.5}\n",
    "model_no_inputs": "version: 1\nmodel: {name: m}\ngates:\n  - {metric: acc, threshold: 0.5}\n",
    "model_empty_name": "version: 1\nmodel: {name: '', metrics: metrics.json}\n",
    "model_metrics_missing": GATES.replace("metrics.json", "nope.json")
    + "  - {metric: acc, threshold: 0.5}\n",
    "model_metrics_broken": GATES.replace("metrics.json", "broken.json")
    + "  - {metric: acc, threshold: 0.5}\n",
    "registry_unknown_backend": "version: 1\nregistry: {backend: s3}\n",
    "registry_bad_alias": "version: 1\nregistry: {alias: 'Champion!'}\n",
    "registry_timeout_negative": "version: 1\nregistry: {backend: git, timeout: -1}\n",
    "report_templates_missing": "version: 1\nreport: {templates: nope}\n"
    "datasets:\n  a: {path: data.csv, schema: schema.yml}\n",
    "root_key": "version: 1\nroot: /etc\n",
    "deep_nesting": "version: 1\ndatasets: " + "[" * 20_000 + "]" * 20_000 + "\n",
    "alias_bomb": _laughs(9, 9).replace(
        "columns: {x: {dtype: category, allowed: *a8}}", "version: 1\nrelease: {assets: *a8}"
    ),
    "not_utf8": b"version: 1\nmodel: {name: \xff}\n",
    "duplicate_keys": "version: 1\nversion: 1\n",
    "release_labels_not_list": "version: 1\nrelease: {approval: {labels: yes}}\n",
}


def _config_cases() -> list[Case]:
    shared: dict[str, FileSpec] = {
        "data.csv": GOOD_CSV,
        "header.csv": "x,y\n",
        "schema.yml": GOOD_SCHEMA,
        "bad_schema.yml": "columns:\n  x: {dtype: integer}\n",
        "metrics.json": '{"acc": 0.7}',
        "broken.json": "{acc",
    }
    return [
        Case(
            f"config-{name}",
            ("check", "-c", "{mlci.yml}", "-o", "{report.json}"),
            {**shared, "mlci.yml": spec},
        )
        for name, spec in CONFIGS.items()
    ] + [Case("config-missing", ("check", "-c", "{nope.yml}", "-o", "{report.json}"), shared)]


# --- metrics files: each gated -------------------------------------------------------------

METRICS: dict[str, FileSpec] = {
    "empty.json": "",
    "whitespace.json": "  \n ",
    "invalid.json": "{acc",
    "list.json": "[0.7]",
    "scalar.json": "0.7",
    "string_value.json": '{"acc": "high"}',
    "null_value.json": '{"acc": null}',
    "bool_value.json": '{"acc": true}',
    "nan.json": '{"acc": NaN}',
    "infinity.json": '{"acc": Infinity}',
    "minus_infinity.json": '{"acc": -Infinity}',
    "overflow_float.json": '{"acc": 1e309}',
    "five_thousand_digits.json": '{"acc": ' + "9" * 5000 + "}",
    "five_thousand_digit_fraction.json": '{"acc": 0.' + "1" * 5000 + "}",
    "deep.json": '{"acc": ' + _deep_json(100_000) + "}",
    "deep_objects.json": '{"a":' * 5000 + "1" + "}" * 5000,
    "empty_object.json": "{}",
    "not_utf8.json": b'{"acc": 0.7, "\xff": 1}',
    "bom.json": '\ufeff{"acc": 0.7}',
    "duplicate_keys.json": '{"acc": 0.9, "acc": 0.1}',
    "nested.json": '{"test": {"acc": 0.7}}',
    "trailing_garbage.json": '{"acc": 0.7} trailing',
    "metrics.yml": "acc: [0.7\n",
    "deep.yml": _deep_yaml_flow(20_000).replace("columns", "acc"),
    "huge.yml": "acc: " + "9" * 5000 + "\n",
}


def _metrics_cases() -> list[Case]:
    return [
        Case(
            f"metrics-{name}",
            ("gate", "-c", "{mlci.yml}", "--metrics", f"{{{name}}}"),
            {"mlci.yml": GATE_CONFIG, name: spec},
        )
        for name, spec in METRICS.items()
    ] + [
        Case(
            "metrics-missing",
            ("gate", "-c", "{mlci.yml}", "--metrics", "{nope.json}"),
            {"mlci.yml": GATE_CONFIG},
        ),
        Case(
            "metrics-directory",
            ("gate", "-c", "{mlci.yml}", "--metrics", "{dir}"),
            {"mlci.yml": GATE_CONFIG, "dir/": ""},
        ),
    ]


# --- predictions files: each gated ---------------------------------------------------------

PREDICTIONS: dict[str, FileSpec] = {
    "empty.csv": "",
    "header_only.csv": "y_true,y_pred\n",
    "no_y_true.csv": "label,y_pred\n1,1\n0,0\n",
    "no_prediction_columns.csv": "y_true,other\n1,1\n0,0\n",
    "text_scores.csv": "y_true,y_score\n1,high\n0,low\n",
    "scores_out_of_range.csv": "y_true,y_score\n1,7\n0,-3\n",
    "nan_labels.csv": "y_true,y_pred\n,1\nnan,0\n1,1\n",
    "single_class.csv": "y_true,y_pred\n1,1\n1,1\n1,0\n",
    "string_labels.csv": "y_true,y_pred\ncat,dog\ndog,dog\n",
    "mixed_labels.csv": "y_true,y_pred\n1,cat\n0,0\n",
    "inf_scores.csv": "y_true,y_score\n1,inf\n0,-inf\n",
    "huge_int_labels.csv": "y_true,y_pred\n" + "9" * 30 + ",1\n0,0\n",
    "ragged.csv": "y_true,y_pred\n1\n0,0,0\n",
    "struct.parquet": _parquet_typed("y_true", [{"a": 1}, {"a": 0}], lambda: None),
    "nested.jsonl": '{"y_true": [1], "y_pred": 1}\n{"y_true": [0], "y_pred": 0}\n',
    "garbage.parquet": b"not parquet at all",
}


def _predictions_cases() -> list[Case]:
    return [
        Case(
            f"predictions-{name}",
            ("gate", "-c", "{mlci.yml}", "--predictions", f"{{{name}}}"),
            {"mlci.yml": PRED_CONFIG, name: spec},
        )
        for name, spec in PREDICTIONS.items()
    ]


# --- report files: each rendered (every format) and commented (dry run) --------------------

_GATE = {"metric": "acc", "candidate": 0.7, "baseline": 0.6, "delta": 0.1, "status": "passed"}
_COLUMN = {
    "column": "x",
    "kind": "numeric",
    "method": "ks",
    "statistic": 0.1,
    "p_value": 0.5,
    "threshold": 0.05,
    "drifted": False,
}


def _report(**sections: object) -> str:
    return json.dumps({"mlci_report_version": 1, "status": "failed", **sections})


REPORTS: dict[str, FileSpec] = {
    "empty.json": "",
    "invalid.json": "{",
    "list.json": "[]",
    "empty_object.json": "{}",
    "wrong_version.json": '{"mlci_report_version": 2}',
    "bad_status.json": '{"status": "maybe"}',
    "deep.json": _deep_json(100_000),
    "huge_number.json": '{"mlci_report_version": 1, "status": "passed", "x": ' + "9" * 5000 + "}",
    "not_utf8.json": b'{"status": "\xff"}',
    "metrics_file.json": '{"acc": 0.7, "f1": 0.5}',
    "examples_without_rows": _report(
        validation=[
            {
                "dataset": "d",
                "path": "d.csv",
                "rows": 3,
                "status": "failed",
                "violations": [
                    {
                        "column": "x",
                        "check": "max",
                        "failed_count": 2,
                        "examples": [1, 2, 3],
                        "example_rows": [1],
                    }
                ],
            }
        ]
    ),
    "check_without_colon": _report(
        validation=[
            {"dataset": "d", "path": "d.csv", "rows": 3, "status": "passed", "checks": ["nocolon", ""]}
        ]
    ),
    "violation_unknown_check": _report(
        validation=[
            {
                "dataset": "d",
                "path": "d.csv",
                "rows": 3,
                "status": "failed",
                "violations": [
                    {"column": None, "check": "weird", "failed_count": 1, "examples": [{"a": [1]}]}
                ],
            }
        ]
    ),
    "histogram_empty": _report(
        drift={
            "status": "passed",
            "drifted_share": 0,
            "dataset_drift": False,
            "columns": [
                {
                    **_COLUMN,
                    "drifted": True,
                    "histogram": {
                        "edges": [],
                        "reference": [],
                        "current": [],
                        "reference_share": [],
                        "current_share": [],
                    },
                }
            ],
        }
    ),
    "histogram_mismatched": _report(
        drift={
            "status": "failed",
            "drifted_share": 1,
            "dataset_drift": True,
            "columns": [
                {
                    **_COLUMN,
                    "drifted": True,
                    "histogram": {
                        "edges": [0, 1, 2],
                        "reference": [1],
                        "current": [1, 2, 3],
                        "reference_share": [1.0],
                        "current_share": [0.2, 0.3, 0.5],
                    },
                }
            ],
        }
    ),
    "categories_empty_top": _report(
        drift={
            "status": "failed",
            "drifted_share": 1,
            "dataset_drift": True,
            "columns": [
                {
                    **_COLUMN,
                    "kind": "categorical",
                    "drifted": True,
                    "categories": {"count": 0, "top": [], "new_count": 3, "new": []},
                }
            ],
        }
    ),
    "drift_null_statistic": _report(
        drift={
            "status": "passed",
            "drifted_share": 0,
            "dataset_drift": False,
            "columns": [{**_COLUMN, "statistic": None, "p_value": None, "comparison": "<="}],
        }
    ),
    "drift_nan_severity": _report(
        drift={
            "status": "passed",
            "drifted_share": 0,
            "dataset_drift": False,
            "columns": [{**_COLUMN, "severity": float("nan")}],
        }
    ).replace("NaN", "NaN"),
    "drift_huge_severity": _report(
        drift={
            "status": "passed",
            "drifted_share": 0,
            "dataset_drift": False,
            "columns": [{**_COLUMN, "severity": 1e308, "drifted": True}],
        }
    ),
    "gate_ci_without_level": _report(
        gates={"status": "passed", "results": [{**_GATE, "ci_low": -0.1, "ci_high": 0.2}]}
    ),
    "gate_unknown_rule": _report(
        gates={"status": "passed", "results": [{**_GATE, "rule": "mystery", "limit": 1}]}
    ),
    "gate_null_candidate": _report(
        gates={"status": "failed", "results": [{**_GATE, "candidate": None, "status": "failed"}]}
    ),
    "gate_infinite_values": _report(
        gates={
            "status": "failed",
            "results": [{**_GATE, "candidate": float("inf"), "delta": float("-inf"), "status": "failed"}],
        }
    ),
    "gates_empty": _report(gates={"status": "passed", "results": []}),
    "errors_without_location": _report(errors=[{"message": "something"}]),
    "errors_hostile": _report(
        errors=[{"message": "<script>@all\n::error::x", "path": "a|b`.csv", "line": 1, "key": "k</details>"}]
    ),
    "model_without_name": _report(model={"baseline_version": "1"}),
    "created_at_number": _report(created_at=5),
    "run_commit_short": _report(run={"commit": "ab"}),
}


def _report_cases() -> list[Case]:
    cases = []
    for name, spec in REPORTS.items():
        filename = name if name.endswith(".json") else f"{name}.json"
        for fmt in ("md", "html", "text", "junit", "json", "prometheus"):
            cases.append(
                Case(f"report-{fmt}-{name}", ("report", f"{{{filename}}}", "--format", fmt), {filename: spec})
            )
        cases.append(
            Case(
                f"report-comment-{name}",
                ("comment", f"{{{filename}}}", "--dry-run", "--key", "k"),
                {filename: spec},
            )
        )
    cases.append(Case("report-missing", ("report", "{nope.json}"), {}))
    cases.append(Case("report-directory", ("report", "{dir}"), {"dir/": ""}))
    return cases


# --- user templates (--template-dir) -------------------------------------------------------

TEMPLATES: dict[str, str] = {
    "undefined_attribute": "{{ report.no_such_thing }}",
    "undefined_nested": "{{ report.model.name.whatever.deeper }}",
    "syntax_error": "{% if %}",
    "unclosed_block": "{% for x in report.validation %}",
    "missing_include": '{% include "nope.md.j2" %}',
    "type_error": '{{ 1 + "a" }}',
    "division_by_zero": "{{ 1 / 0 }}",
    "self_include": '{% include "report.md.j2" %}',
    "unknown_filter": "{{ report.status | nosuchfilter }}",
    "call_on_none": "{{ report.model() }}",
    "index_out_of_range": "{{ report.errors[5].message }}",
}


def _template_cases() -> list[Case]:
    report = _report(model={"name": "m"})
    cases = []
    for name, text in TEMPLATES.items():
        files: dict[str, FileSpec] = {"r.json": report, "tpl/report.md.j2": text, "tpl/report.txt.j2": text}
        cases.append(
            Case(
                f"template-md-{name}",
                ("report", "{r.json}", "--format", "md", "--template-dir", "{tpl}"),
                files,
            )
        )
        cases.append(
            Case(
                f"template-text-{name}",
                ("report", "{r.json}", "--format", "text", "--template-dir", "{tpl}"),
                files,
            )
        )
    cases.append(
        Case("template-dir-missing", ("report", "{r.json}", "--template-dir", "{nope}"), {"r.json": report})
    )
    cases.append(
        Case(
            "template-not-utf8",
            ("report", "{r.json}", "--template-dir", "{tpl}"),
            {"r.json": report, "tpl/report.md.j2": b"\xff\xfe{{ x }}"},
        )
    )
    return cases


def _batch_cases() -> list[Case]:
    """Each bad data file as the current batch of ``mlci check``: the report must still appear."""
    config = (
        "version: 1\ndatasets:\n  ref: {path: ref.csv, schema: schema.yml}\n"
        "  cur: {path: CUR, schema: schema.yml}\ndrift: {reference: ref, current: cur}\n"
    )
    return [
        Case(
            f"batch-{name}",
            ("check", "-c", "{mlci.yml}", "-o", "{report.json}"),
            {
                name: spec,
                "ref.csv": GOOD_CSV,
                "schema.yml": GOOD_SCHEMA,
                "mlci.yml": config.replace("CUR", name),
            },
        )
        for name, spec in DATA.items()
    ]


def _partition_cases() -> list[Case]:
    """Partitioned datasets (a folder of files) whose parts disagree."""

    def parquet_part(values: list[object]) -> Callable[[Path], None]:
        return _parquet({"x": values, "y": ["a"] * len(values)})

    parts: dict[str, dict[str, FileSpec]] = {
        "csv-headers-differ": {"d/a.csv": "x,y\n1,a\n", "d/b.csv": "x,z\n2,b\n"},
        "csv-and-parquet": {"d/a.csv": "x,y\n1,a\n", "d/b.parquet": parquet_part([2])},
        "parquet-types-differ": {
            "d/a.parquet": parquet_part([1, 2]),
            "d/b.parquet": parquet_part(["p", "q"]),
        },
        "one-part-empty": {"d/a.csv": "x,y\n1,a\n", "d/b.csv": ""},
        "one-part-header-only": {"d/a.csv": "x,y\n1,a\n", "d/b.csv": "x,y\n"},
        "only-hidden-files": {"d/.a.csv": "x,y\n1,a\n", "d/_SUCCESS": ""},
        "hive-keys-differ": {"d/k=1/a.csv": "x,y\n1,a\n", "d/k=2/j=3/b.csv": "x,y\n2,b\n"},
        "one-part-not-utf8": {"d/a.csv": "x,y\n1,a\n", "d/b.csv": b"x,y\n2,\xff\xfe\n"},
        "one-part-broken-parquet": {"d/a.parquet": parquet_part([1]), "d/b.parquet": b"PAR1 not really"},
    }
    cases = []
    for name, files in parts.items():
        files = {**files, "schema.yml": GOOD_SCHEMA, "ref.csv": GOOD_CSV}
        cases.append(
            Case(f"partitions-validate-{name}", ("validate", "{d}", "--schema", "{schema.yml}"), files)
        )
        cases.append(Case(f"partitions-drift-{name}", ("drift", "{ref.csv}", "{d}"), files))
    cases.append(
        Case(
            "partitions-glob-matches-nothing",
            ("validate", "{d}/*.csv", "--schema", "{schema.yml}"),
            {"schema.yml": GOOD_SCHEMA, "d/": ""},
        )
    )
    return cases


def _init_cases() -> list[Case]:
    """``mlci init --data`` infers a schema from each bad data file."""
    return [
        Case(f"init-{name}", ("init", "{project}", "--data", f"{{{name}}}", "--no-workflow"), {name: spec})
        for name, spec in DATA.items()
    ]


REGISTRY_FILES: dict[str, tuple[str, FileSpec]] = {
    "record-invalid-json": ("versions/1.0.0.json", "{"),
    "record-a-list": ("versions/1.0.0.json", "[]"),
    "record-no-model": ("versions/1.0.0.json", '{"version": "1.0.0"}'),
    "record-deep": ("versions/1.0.0.json", _deep_json(100_000)),
    "record-huge-number": ("versions/1.0.0.json", '{"version": "1.0.0", "x": ' + "9" * 5000 + "}"),
    "record-text-metric": (
        "versions/1.0.0.json",
        '{"model": "m", "version": "1.0.0", "metrics": {"acc": "x"}}',
    ),
    "record-bad-version": ("versions/1.0.0.json", '{"model": "m", "version": "one"}'),
    "record-not-utf8": ("versions/1.0.0.json", b'{"model": "\xff"}'),
    "aliases-invalid-json": ("aliases.json", "["),
    "aliases-not-an-object": ("aliases.json", "[1]"),
    "aliases-number-version": ("aliases.json", '{"champion": 5}'),
    "aliases-unknown-version": ("aliases.json", '{"champion": "9.9.9"}'),
}


def _registry_cases() -> list[Case]:
    """The file registry's JSON, edited by hand: read by ``registry list`` and by ``gate``."""
    config = GATES + "  - {metric: acc, max_regression: 0.01}\n"
    good_record = '{"model": "m", "version": "1.0.0", "metrics": {"acc": 0.7}}'
    cases = []
    for name, (where, spec) in REGISTRY_FILES.items():
        files: dict[str, FileSpec] = {
            "mlci.yml": config,
            "metrics.json": '{"acc": 0.7}',
            ".mlci/registry/m/versions/1.0.0.json": good_record,
            ".mlci/registry/m/aliases.json": '{"champion": "1.0.0"}',
        }
        files[f".mlci/registry/m/{where}"] = spec
        cases.append(Case(f"registry-list-{name}", ("registry", "list", "-c", "{mlci.yml}"), files))
        cases.append(Case(f"registry-gate-{name}", ("gate", "-c", "{mlci.yml}"), files))
    return cases


CASES = _data_cases() + _schema_cases() + _config_cases() + _metrics_cases() + _predictions_cases()
CASES += _report_cases() + _template_cases() + _batch_cases() + _partition_cases()
CASES += _init_cases() + _registry_cases()


def test_the_corpus_is_big_and_covers_every_kind_of_input() -> None:
    by_kind: dict[str, int] = {}
    for case in CASES:
        kind = case.id.split("-", 1)[0]
        by_kind[kind] = by_kind.get(kind, 0) + 1
    assert {"data", "schema", "config", "metrics", "predictions", "report", "template", "batch"} <= set(
        by_kind
    )
    assert len({c.id for c in CASES}) == len(CASES) >= 100


def _materialise(tmp_path: Path, files: dict[str, FileSpec]) -> None:
    for name, spec in files.items():
        path = tmp_path / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(spec, bytes):
            path.write_bytes(spec)
        elif isinstance(spec, str):
            path.write_text(spec, encoding="utf-8")
        else:
            spec(path)


_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_ends_in_a_documented_exit_with_a_located_message(mlci, tmp_path: Path, case: Case) -> None:
    _materialise(tmp_path, case.files)
    args = [_PLACEHOLDER.sub(lambda m: str(tmp_path / m.group(1)), a) for a in case.args]
    run = mlci(*args, env={"NO_COLOR": "1", "GITHUB_ACTIONS": None, "CI": None})
    output = run.stdout + run.stderr
    assert "internal error" not in output, run.stderr
    assert "Traceback" not in output, run.stderr
    assert run.exit_code in (0, 1, 2, 3), (run.exit_code, run.stderr)
    # Bounded: a small hostile file (an alias bomb) must not make a huge message.
    assert len(run.stderr) < 20_000, run.stderr[:2000]
    if run.exit_code in (2, 3):
        # mlci's own "error: ..." lines, or click's one-line "Error: Invalid value ..." usage errors.
        errors = [line for line in run.stderr.splitlines() if line.startswith(("error: ", "Error: "))]
        assert errors, run.stderr
        for line in errors:
            # Located: names a file the case gave mlci (by its path in tmp_path).
            assert str(tmp_path) in line, line
    if case.args[0] == "check" and run.exit_code in (2, 3):
        # `mlci check` always leaves a report the Action can post.
        report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
        assert report["status"] == "error" and report["errors"], report
