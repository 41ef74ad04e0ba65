"""Drift detection end to end: method choice, kinds, and what real data throws at it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import spatial, stats

from mlci.checks.drift import (
    ColumnOptions,
    DriftOptions,
    detect_drift,
    detect_drift_sources,
)
from mlci.config.schema import load_schema
from mlci.errors import ConfigError, DataError
from mlci.io import open_source

RNG = np.random.default_rng(7)


def by_name(outcome) -> dict[str, object]:
    return {c.column: c for c in outcome.columns}


def skipped(outcome) -> dict[str, str]:
    return {s.column: s.reason for s in outcome.skipped}


def frames(n_ref: int, n_cur: int, shift: float = 0.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(n_ref + n_cur)

    def make(n: int, s: float) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "num": rng.normal(s, 1, n),
                "plan": pd.Series(
                    rng.choice(["free", "pro", "team"], n, p=[0.6 - s / 2, 0.3, 0.1 + s / 2]),
                    dtype="str",
                ),
                "flag": rng.random(n) < 0.3 + s / 3,
                "stars": rng.integers(1, 6, n),
            }
        )

    return make(n_ref, 0.0), make(n_cur, shift)


# --- the default table ----------------------------------------------------------------------


def test_small_reference_uses_hypothesis_tests() -> None:
    ref, cur = frames(1000, 3000)
    found = by_name(detect_drift(ref, cur))
    assert {n: (c.kind, c.method) for n, c in found.items()} == {
        "num": ("numeric", "ks"),
        "plan": ("categorical", "chisquare"),
        "flag": ("categorical", "z"),
        "stars": ("categorical", "chisquare"),  # 5 distinct numbers: categories
    }
    assert all(c.auto_method for c in found.values())
    assert found["num"].p_value == pytest.approx(stats.ks_2samp(ref["num"], cur["num"]).pvalue)


def test_large_reference_uses_distances() -> None:
    ref, cur = frames(1001, 500)
    found = by_name(detect_drift(ref, cur))
    assert {n: c.method for n, c in found.items()} == {
        "num": "wasserstein",
        "plan": "jensenshannon",
        "flag": "jensenshannon",
        "stars": "jensenshannon",
    }
    assert found["num"].p_value is None and found["num"].threshold == 0.1
    ref_counts = ref["plan"].value_counts().reindex(["free", "pro", "team"]).to_numpy()
    cur_counts = cur["plan"].value_counts().reindex(["free", "pro", "team"]).to_numpy()
    want = spatial.distance.jensenshannon(ref_counts / 1001, cur_counts / 500)
    assert found["plan"].statistic == pytest.approx(want)


def test_reference_size_counts_values_not_rows() -> None:
    """Evidently drops missing values before choosing: 1200 rows with 300 gaps is small."""
    ref, cur = frames(1200, 1200)
    ref.loc[:299, "num"] = np.nan
    assert by_name(detect_drift(ref, cur))["num"].method == "ks"


def test_dataset_drift_when_the_drifted_share_reaches_drift_share() -> None:
    ref, cur = frames(2000, 2000, shift=0.6)
    cur["stars"] = ref["stars"].to_numpy()  # unchanged column
    outcome = detect_drift(ref, cur, DriftOptions(drift_share=0.75))
    drifted = {c.column for c in outcome.columns if c.drifted}
    assert drifted == {"num", "plan", "flag"}
    assert outcome.drifted_share == 0.75 and outcome.dataset_drift
    assert not detect_drift(ref, cur, DriftOptions(drift_share=0.8)).dataset_drift
    assert not outcome.failed
    assert detect_drift(ref, cur, DriftOptions(drift_share=0.75, fail_on_drift=True)).failed


def test_identical_data_does_not_drift() -> None:
    ref, _ = frames(5000, 1)
    outcome = detect_drift(ref, ref.copy())
    assert outcome.drifted_count == 0 and not outcome.dataset_drift
    assert all(c.severity == 0 for c in outcome.columns)


# --- overrides ------------------------------------------------------------------------------


def test_per_column_method_threshold_and_kind() -> None:
    ref, cur = frames(3000, 3000, shift=0.1)
    options = DriftOptions(
        columns={
            "num": ColumnOptions(method="psi", threshold=0.5),
            "plan": ColumnOptions(method="hellinger"),
            "stars": ColumnOptions(kind="numeric"),
        }
    )
    found = by_name(detect_drift(ref, cur, options))
    assert (found["num"].method, found["num"].threshold, found["num"].auto_method) == (
        "psi",
        0.5,
        False,
    )
    assert found["plan"].method == "hellinger" and found["plan"].threshold == 0.1
    # Forced numeric, but only five values: Evidently's table still picks Jensen-Shannon.
    assert (found["stars"].kind, found["stars"].method) == ("numeric", "jensenshannon")
    assert found["stars"].histogram is not None


def test_a_method_that_cannot_apply_is_a_config_error() -> None:
    ref, cur = frames(3000, 3000)
    with pytest.raises(ConfigError, match="ks compares numbers") as err:
        detect_drift(ref, cur, DriftOptions(columns={"plan": ColumnOptions(method="ks")}))
    assert err.value.key == "drift.columns.plan.method"
    with pytest.raises(ConfigError, match="chisquare compares categories"):
        detect_drift(ref, cur, DriftOptions(columns={"num": ColumnOptions(method="chisquare")}))


def test_include_and_exclude() -> None:
    ref, cur = frames(100, 100)
    outcome = detect_drift(ref, cur, DriftOptions(include=("num", "plan"), exclude=("plan",)))
    assert [c.column for c in outcome.columns] == ["num"]
    assert outcome.untested_reason is None


@pytest.mark.parametrize(
    ("options", "key", "hint"),
    [
        (DriftOptions(include=("num", "nmu")), "drift.include[1]", "did you mean 'num'?"),
        (DriftOptions(exclude=("pln",)), "drift.exclude[0]", "did you mean 'plan'?"),
        (
            DriftOptions(columns={"xyz": ColumnOptions(method="ks")}),
            "drift.columns.xyz",
            "columns: num, plan, flag, stars",
        ),
    ],
)
def test_settings_naming_no_column_are_config_errors(options, key, hint) -> None:
    ref, cur = frames(100, 100)
    with pytest.raises(ConfigError) as err:
        detect_drift(ref, cur, options)
    assert err.value.key == key
    assert "in the reference or the current data" in err.value.message and hint in err.value.message


def test_a_column_in_one_file_only_is_skipped_not_an_error() -> None:
    ref, cur = frames(100, 100)
    outcome = detect_drift(ref, cur.rename(columns={"num": "other"}), DriftOptions(include=("num",)))
    assert outcome.columns == [] and skipped(outcome) == {"num": "only_in_reference"}
    assert outcome.untested_reason == "the reference and the current data share no column"


def test_drift_that_tests_nothing_says_why() -> None:
    ref, cur = frames(100, 100)
    shared_none = detect_drift(ref, cur.rename(columns=lambda c: f"{c}_2"))
    assert shared_none.untested_reason == "the reference and the current data share no column"
    all_missing = detect_drift(ref.assign(**{c: None for c in ref.columns}), cur)
    assert all_missing.untested_reason == "every column was skipped (4 no_reference_values)"


# --- what real data throws at it ------------------------------------------------------------


def test_missing_values_are_dropped_and_their_change_reported() -> None:
    ref, cur = frames(2000, 2000)
    cur.loc[:499, "num"] = np.nan
    cur.loc[:99, "plan"] = None
    found = by_name(detect_drift(ref, cur))
    num = found["num"]
    assert (num.reference.missing, num.current.missing) == (0, 500)
    assert num.current.tested == 1500 and num.current.missing_share == 0.25
    kept = cur["num"].dropna()
    want = stats.wasserstein_distance(ref["num"], kept) / np.std(ref["num"])
    assert num.statistic == pytest.approx(want)
    assert found["plan"].current.missing == 100


def test_categories_only_in_current_are_reported() -> None:
    ref = pd.DataFrame({"plan": ["free"] * 600 + ["pro"] * 400})
    cur = pd.DataFrame({"plan": ["free"] * 500 + ["pro"] * 300 + ["gold"] * 150 + ["vip"] * 50})
    plan = by_name(detect_drift(ref, cur))["plan"]
    assert plan.method == "chisquare" and plan.p_value == 0.0 and plan.drifted
    assert plan.statistic is None  # infinite: a category with no expected count
    cats = plan.categories
    assert [(c.value, c.current) for c in cats.new] == [("gold", 150), ("vip", 50)]
    assert (cats.new_count, cats.new_rows, cats.vanished_count) == (2, 200, 0)
    assert plan.severity == 1000.0


def test_categories_that_vanished_are_reported() -> None:
    ref = pd.DataFrame({"c": ["a"] * 500 + ["b"] * 500 + ["c"] * 100})
    cur = pd.DataFrame({"c": ["a"] * 600 + ["b"] * 500})
    cats = by_name(detect_drift(ref, cur))["c"].categories
    assert [(c.value, c.reference, c.current) for c in cats.vanished] == [("c", 100, 0)]


def test_constant_columns() -> None:
    same = pd.DataFrame({"k": [3.0] * 2000, "s": ["x"] * 2000})
    found = by_name(detect_drift(same, same.copy()))
    assert found["k"].kind == "categorical" and not found["k"].drifted
    assert found["s"].statistic == 0.0 and not found["s"].drifted
    # A constant reference against a spread current: numeric, normed by the 0.001 floor.
    cur = pd.DataFrame({"k": np.linspace(0, 6, 2000), "s": ["x"] * 2000})
    k = by_name(detect_drift(same, cur))["k"]
    assert k.kind == "numeric" and k.method == "wasserstein" and k.drifted
    assert k.statistic == pytest.approx(stats.wasserstein_distance(same["k"], cur["k"]) / 0.001)


def test_small_constant_binary_column_uses_the_z_test() -> None:
    ref = pd.DataFrame({"b": [True] * 500})
    found = by_name(detect_drift(ref, pd.DataFrame({"b": [True] * 300})))["b"]
    assert found.method == "z" and found.p_value == 1.0 and not found.drifted


def test_all_null_columns_are_skipped_not_crashed() -> None:
    ref = pd.DataFrame({"a": [np.nan] * 50, "b": [1.0] * 50, "c": list(range(50))})
    cur = pd.DataFrame({"a": [1.0] * 50, "b": [np.nan] * 50, "c": list(range(50))})
    outcome = detect_drift(ref, cur)
    assert skipped(outcome) == {"a": "no_reference_values", "b": "no_current_values"}
    gone = next(s for s in outcome.skipped if s.column == "b")
    assert (gone.reference_missing, gone.current_missing) == (0, 50)
    assert [c.column for c in outcome.columns] == ["c"]


def test_columns_on_one_side_only_are_reported() -> None:
    ref = pd.DataFrame({"a": range(20), "old": range(20)})
    cur = pd.DataFrame({"a": range(20), "new": range(20)})
    assert skipped(detect_drift(ref, cur)) == {"old": "only_in_reference", "new": "only_in_current"}


def test_empty_current_data_is_a_data_error(write) -> None:
    ref = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(DataError, match="current data has no rows"):
        detect_drift(ref, ref.iloc[:0])
    with pytest.raises(DataError, match="no data rows"):
        detect_drift_sources(open_source(write("r.csv", "a\n1\n2\n")), open_source(write("c.csv", "a\n")))


def test_non_numeric_strings_in_a_numeric_column(write) -> None:
    values = RNG.normal(50, 10, 1500).round(2)
    ref_text = "x\n" + "\n".join(map(str, values)) + "\n"
    cur_values = [str(v) for v in RNG.normal(50, 10, 1500).round(2)]
    cur_values[10], cur_values[20], cur_values[30] = "unknown", "12.5.1", "inf"
    cur_text = "x\n" + "\n".join(cur_values) + "\n"
    outcome = detect_drift_sources(
        open_source(write("r.csv", ref_text)), open_source(write("c.csv", cur_text))
    )
    x = by_name(outcome)["x"]
    assert x.kind == "numeric" and x.method == "wasserstein"
    assert (x.current.invalid, x.current.tested, x.reference.invalid) == (3, 1497, 0)


def test_text_that_is_mostly_not_numbers_is_categorical() -> None:
    ref = pd.DataFrame({"size": pd.Series(["S", "M", "L", "10"] * 300, dtype="str")})
    found = by_name(detect_drift(ref, ref.copy()))["size"]
    assert found.kind == "categorical" and found.categories.count == 4


def test_identifiers_and_dates_are_skipped_with_reasons() -> None:
    n = 400
    ref = pd.DataFrame(
        {
            "id": [f"U{i:05d}" for i in range(n)],
            "day": pd.date_range("2024-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
            "ts": pd.date_range("2024-01-01", periods=n, freq="h"),
        }
    )
    outcome = detect_drift(ref, ref.copy())
    assert skipped(outcome) == {"id": "text", "day": "datetime", "ts": "datetime"}


def test_schema_decides_the_kind(write) -> None:
    schema = load_schema(
        write(
            "s.yml",
            "columns:\n  zip: {dtype: category}\n  code: {dtype: string}\n  n: {dtype: float}\n",
        )
    )
    n = 1200
    zips = [f"{i % 40:05d}" for i in range(n)]
    data = "zip,code,n\n" + "".join(f"{z},{z},{i % 3}\n" for i, z in enumerate(zips))
    ref, cur = open_source(write("r.csv", data)), open_source(write("c.csv", data))
    found = by_name(detect_drift_sources(ref, cur, schema=schema))
    # Read as text: "00007" keeps its zeros and is a category, not the number 7.
    assert found["zip"].kind == "categorical" and found["zip"].categories.top[0].value == "00000"
    assert found["code"].kind == "categorical"
    assert found["n"].kind == "categorical"  # a float with three values: categories


def test_typed_files_compare_equal_labels(write) -> None:
    """1 in one file and 1.0 in another are the same category."""
    ref = pd.DataFrame({"level": [1, 2, 3] * 400})
    cur = pd.DataFrame({"level": [1.0, 2.0, 3.0, np.nan] * 300})
    level = by_name(detect_drift(ref, cur))["level"]
    assert level.categories.count == 3 and level.categories.new_count == 0


def test_bool_columns_read_from_csv_with_gaps(write) -> None:
    ref = open_source(write("r.csv", "b,x\n" + "true,1\nfalse,2\n" * 600))
    cur = open_source(write("c.csv", "b,x\n" + "true,1\n,2\nfalse,3\n" * 400))
    b = by_name(detect_drift_sources(ref, cur))["b"]
    assert b.kind == "categorical" and b.current.missing == 400 and not b.drifted


@pytest.mark.parametrize("suffix", ["csv", "parquet", "jsonl"])
def test_files_in_every_format_give_the_same_result_as_frames(tmp_path: Path, suffix: str) -> None:
    ref, cur = frames(1500, 1200, shift=0.2)
    paths = []
    for name, frame in (("r", ref), ("c", cur)):
        path = tmp_path / f"{name}.{suffix}"
        if suffix == "csv":
            frame.to_csv(path, index=False)
        elif suffix == "parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_json(path, orient="records", lines=True)
        paths.append(open_source(path))
    from_files = detect_drift_sources(*paths, chunk_rows=1000)
    from_frames = detect_drift(ref, cur)
    assert (from_files.reference_rows, from_files.current_rows) == (1500, 1200)
    for a, b in zip(from_files.columns, from_frames.columns, strict=True):
        assert (a.column, a.method, a.drifted) == (b.column, b.method, b.drifted)
        assert a.statistic == pytest.approx(b.statistic, rel=1e-9)


def test_pandas_categorical_columns_count_only_values_seen(tmp_path: Path) -> None:
    dtype = pd.CategoricalDtype(["free", "pro", "team", "unused"])
    ref = pd.DataFrame({"plan": pd.Series(["free", "pro"] * 600, dtype=dtype)})
    cur = pd.DataFrame({"plan": pd.Series(["free", "pro", "team"] * 400, dtype=dtype)})
    ref.to_parquet(tmp_path / "r.parquet")
    cur.to_parquet(tmp_path / "c.parquet")
    sources = open_source(tmp_path / "r.parquet"), open_source(tmp_path / "c.parquet")
    for outcome in (detect_drift(ref, cur), detect_drift_sources(*sources)):
        cats = by_name(outcome)["plan"].categories
        assert cats.count == 3 and [c.value for c in cats.new] == ["team"]


def test_numbers_and_booleans_mixed_in_json_lines(write) -> None:
    values = [str(i / 4) if i % 5 else ("true" if i % 2 else "null") for i in range(1500)]
    lines = "".join(f'{{"x": {v}}}\n' for v in values)
    source = open_source(write("d.jsonl", lines))
    x = by_name(detect_drift_sources(source, open_source(write("e.jsonl", lines))))["x"]
    assert x.kind == "numeric" and (x.reference.invalid, x.reference.missing) == (150, 150)
