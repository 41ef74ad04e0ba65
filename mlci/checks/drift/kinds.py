"""What a column is (numeric or categorical) and its values in the form the tests need.

The kind comes from the schema when one is given, else from the reference data:
numbers are numeric, booleans and text are categorical, and a numeric column with at
most five distinct values (both sides together) is categorical, as in Evidently. Text
that is mostly numbers (at least 99%) is numeric; the rest of its values are counted as
invalid and left out. Columns that cannot be compared are skipped with a reason code:
dates, mostly-unique text (identifiers, free text), and columns without any value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mlci.checks.drift.binning import distinct_count
from mlci.checks.drift.results import SkippedColumn
from mlci.checks.drift.stattests import Counts, Sample, sample_counts
from mlci.vocab import DriftKind

__all__ = [
    "LOW_CARDINALITY",
    "Kind",
    "SideValues",
    "Prepared",
    "prepare_column",
]

Kind = DriftKind
# Numeric columns with at most this many distinct values are compared as categories.
LOW_CARDINALITY = 5
# Text is numeric when at least this share of its values are numbers.
NUMERIC_TEXT_SHARE = 0.99
# Text with more distinct values than this share of its values is an identifier or free
# text, not categories (Evidently's rule for text columns).
TEXT_UNIQUE_SHARE = 0.5
_SNIFF = 1000
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


@dataclass
class SideValues:
    """One side of a column as tested: how many rows, what was missing or unusable."""

    rows: int
    missing: int  # no value in the file
    invalid: int  # a value the kind cannot use (text in a numeric column, ±inf)
    sample: Sample | None = None  # numeric values, sorted
    counts: pd.Series | None = None  # category -> count (categorical text)

    @property
    def tested(self) -> int:
        return self.rows - self.missing - self.invalid


@dataclass
class Prepared:
    name: str
    kind: Kind
    reference: SideValues
    current: SideValues
    # Category counts: categorical columns, and numeric ones with few distinct values.
    counts: Counts | None

    @property
    def samples(self) -> tuple[Sample, Sample] | None:
        ref, cur = self.reference.sample, self.current.sample
        return (ref, cur) if ref is not None and cur is not None else None


# --- inference ----------------------------------------------------------------------------


def _is_bool(series: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(series.dtype):
        return True
    return series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) == "boolean"


def _is_number_dtype(series: pd.Series) -> bool:
    dtype = series.dtype
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _mostly_numbers(present: pd.Series) -> bool:
    """Text whose values are (nearly) all numbers; a sample decides before the full pass."""
    head = present.iloc[:_SNIFF]
    if pd.to_numeric(head, errors="coerce").notna().mean() < NUMERIC_TEXT_SHARE:
        return False
    return bool(pd.to_numeric(present, errors="coerce").notna().mean() >= NUMERIC_TEXT_SHARE)


def _looks_like_dates(present: pd.Series) -> bool:
    head = present.iloc[:50].astype(str)
    return bool(head.str.fullmatch(_ISO_DATE).all())


def _guess(series: pd.Series) -> str:
    """numeric | categorical | datetime | text, from one side's values (not all missing)."""
    if _is_bool(series) or isinstance(series.dtype, pd.CategoricalDtype):
        return "categorical"
    if _is_number_dtype(series):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return "datetime"
    present = series.dropna()
    inferred = pd.api.types.infer_dtype(present.iloc[:_SNIFF], skipna=True)
    if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        return "numeric"  # numbers in an object column (JSON Lines)
    if inferred in ("string", "mixed", "mixed-integer"):
        if _mostly_numbers(present):
            return "numeric"
        if _looks_like_dates(present):
            return "datetime"
    return "text"  # categories or an identifier: decided once counted


_SCHEMA_KINDS = {
    "int": "numeric",
    "float": "numeric",
    "bool": "categorical",
    "category": "categorical",
    "string": "text",
    "datetime": "datetime",
}


# --- conversion ---------------------------------------------------------------------------


def _numeric_side(series: pd.Series, missing: int) -> SideValues:
    integer = pd.api.types.is_integer_dtype(series.dtype)
    if _is_number_dtype(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    elif _is_bool(series):
        values = np.full(len(series), np.nan)  # true/false are not numbers
    else:
        parsed = pd.to_numeric(series, errors="coerce")
        if series.dtype == object and "mixed" in pd.api.types.infer_dtype(series, skipna=True):
            # Python booleans among numbers (JSON) convert to 0/1: they are not numbers.
            is_bool = series.map(lambda v: isinstance(v, bool)).to_numpy(dtype=bool)
            parsed = parsed.mask(is_bool)
        values = parsed.to_numpy(dtype=np.float64, na_value=np.nan)
    finite = np.isfinite(values)
    kept = values[finite]
    del values
    kept.sort()
    invalid = len(series) - missing - kept.size
    return SideValues(len(series), missing, invalid, sample=Sample(kept, integer=integer))


def _label(value: object) -> object:
    """A category as text, so 1, 1.0 and "1" from differently typed files compare equal."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _text_side(series: pd.Series, missing: int) -> SideValues:
    counts = series.value_counts(dropna=True, sort=False)
    index = counts.index
    if isinstance(index, pd.CategoricalIndex):
        # A pandas categorical counts its unused categories too, under its own dtype.
        keep = (counts > 0).to_numpy()
        counts = pd.Series(
            counts.to_numpy()[keep], index=pd.Index(np.asarray(index.categories)[index.codes[keep]])
        )
    return SideValues(len(series), missing, 0, counts=counts)


def _numeric_index(index: pd.Index) -> bool:
    return pd.api.types.is_numeric_dtype(index.dtype) and not pd.api.types.is_bool_dtype(index.dtype)


def _align(ref: pd.Series, cur: pd.Series) -> Counts:
    """Both count vectors over the union of categories, sorted."""
    mixed = _numeric_index(ref.index) != _numeric_index(cur.index)
    if mixed or ref.index.dtype == object or cur.index.dtype == object:
        ref = ref.groupby(ref.index.map(_label)).sum()
        cur = cur.groupby(cur.index.map(_label)).sum()
    labels = ref.index.union(cur.index, sort=False)
    try:
        labels = labels.sort_values()
    except TypeError:
        labels = pd.Index(sorted(labels, key=str))
    return Counts(labels=labels.tolist(), reference=_counts_on(ref, labels), current=_counts_on(cur, labels))


def _arrow_text(index: pd.Index) -> bool:
    return isinstance(index.dtype, pd.StringDtype) and index.dtype.storage == "pyarrow"


def _counts_on(counts: pd.Series, labels: pd.Index) -> np.ndarray:
    """``counts.reindex(labels, fill_value=0)``; for text, by Arrow's hash lookup.

    pandas' reindex turns every label into a Python object first: with hundreds of
    thousands of categories (emails, names) that is most of a column's cost.
    """
    if _arrow_text(counts.index) and _arrow_text(labels):
        import pyarrow as pa
        import pyarrow.compute as pc

        values = pa.array(counts.index.array)
        where = pc.index_in(values, value_set=pa.array(labels.array).cast(values.type))
        if where.null_count == 0:  # always: labels are the union of both sides' categories
            out = np.zeros(len(labels), dtype=np.int64)
            out[where.to_numpy()] = counts.to_numpy(dtype=np.int64)
            return out
    return counts.reindex(labels, fill_value=0).to_numpy(dtype=np.int64)


def _low_cardinality(ref: Sample, cur: Sample) -> bool:
    if distinct_count(ref.values) > LOW_CARDINALITY or distinct_count(cur.values) > LOW_CARDINALITY:
        return False
    return int(np.union1d(ref.values, cur.values).size) <= LOW_CARDINALITY


def prepare_column(
    name: str,
    reference: pd.Series,
    current: pd.Series,
    *,
    dtype: str | None = None,
    kind: Kind | None = None,
) -> Prepared | SkippedColumn:
    """Decide the column's kind and convert both sides; ``kind`` forces it (no inference)."""
    ref_missing, cur_missing = int(reference.isna().sum()), int(current.isna().sum())
    if ref_missing == len(reference):
        return SkippedColumn(
            name,
            "no_reference_values",
            "every value is missing in the reference",
            ref_missing,
            cur_missing,
        )
    if cur_missing == len(current):
        return SkippedColumn(
            name,
            "no_current_values",
            "every value is missing in the current data",
            ref_missing,
            cur_missing,
        )
    guess = kind or (_SCHEMA_KINDS[dtype] if dtype is not None else _guess(reference))
    if guess == "datetime":
        return SkippedColumn(
            name, "datetime", "dates and times are not tested for drift", ref_missing, cur_missing
        )
    if guess == "numeric":
        ref_side, cur_side = (
            _numeric_side(reference, ref_missing),
            _numeric_side(current, cur_missing),
        )
        ref_sample, cur_sample = ref_side.sample, cur_side.sample
        assert ref_sample is not None and cur_sample is not None
        if ref_sample.values.size == 0 or cur_sample.values.size == 0:
            side = "reference" if ref_sample.values.size == 0 else "current data"
            return SkippedColumn(
                name, "no_numbers", f"no numeric value in the {side}", ref_missing, cur_missing
            )
        if not _low_cardinality(ref_sample, cur_sample):
            return Prepared(name, "numeric", ref_side, cur_side, None)
        # Few distinct values: categories, unless the user insists on numeric.
        counts = sample_counts(ref_sample, cur_sample)
        return Prepared(name, kind or "categorical", ref_side, cur_side, counts)
    ref_side = _text_side(reference, ref_missing)
    assert ref_side.counts is not None
    # Text with mostly unique values is an identifier or free text (``category`` in the
    # schema or ``kind: categorical`` in the config says otherwise). The reference alone
    # decides, so the current side of an identifier is never counted.
    identifier = guess == "text" and kind is None and dtype != "category"
    if identifier and len(ref_side.counts) > TEXT_UNIQUE_SHARE * ref_side.tested:
        return SkippedColumn(
            name,
            "text",
            f"{len(ref_side.counts):,} distinct values in {ref_side.tested:,} rows: "
            "an identifier or free text, not categories",
            ref_missing,
            cur_missing,
        )
    cur_side = _text_side(current, cur_missing)
    assert cur_side.counts is not None
    return Prepared(name, "categorical", ref_side, cur_side, _align(ref_side.counts, cur_side.counts))
