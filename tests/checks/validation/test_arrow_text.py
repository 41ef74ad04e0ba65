"""Text checks on Arrow strings answer exactly what Python's ``re`` and ``len`` answer."""

from __future__ import annotations

import random
import re

import numpy as np
import pandas as pd
import pytest

from mlci.checks.validation.arrow_text import is_in, search, text_lengths

# Fixed-width shapes (byte tables), RE2-able patterns, and ones only Python can run.
PATTERNS = [
    r"^C\d{6}$",
    r"^[A-Z]{2}-\d{2}$",
    r"^[a-cx]{2}\d\Z",
    r"^$",
    r"^C\d{2}",
    r"\d{2}$",
    r"b",
    r"(a)(b)?",
    r"\s",
    r"\S+$",
    r"^\w+$",
    r"\bab",
    r"[^a]{2}",
    r"(?i)^c\d",
    r"a{,2}b",
    r"^(\w)\1",
    r"é",
    r"(?=a)a",
]
ALPHABET = list("C0123456789AZabcx-_ \n\t\x0b\x1c é١ſK")


def random_values(seed: int, n: int = 3000) -> list[str | None]:
    rng = random.Random(seed)
    values: list[str | None] = [
        "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 9))) for _ in range(n)
    ]
    values += ["C123456", "C123456\n", "AB-12", "ab1", "", "ab"]
    return [v if rng.random() > 0.05 else None for v in values]


@pytest.mark.parametrize("dtype", ["str", object])
@pytest.mark.parametrize("seed", [0, 1])
def test_search_is_python_re_search(dtype: object, seed: int) -> None:
    values = random_values(seed)
    for subset in (values, [v for v in values if v is None or v.isascii()]):
        series = pd.Series(subset, dtype=dtype)
        for pattern in PATTERNS:
            expected = [bool(re.search(pattern, v)) if isinstance(v, str) else False for v in subset]
            assert search(series, pattern).tolist() == expected, pattern


def test_search_on_a_slice_and_many_chunks() -> None:
    values = [f"C{i:06d}" if i % 7 else f"X{i}" for i in range(5000)]
    series = pd.concat([pd.Series(values[:2500], dtype="str"), pd.Series(values[2500:], dtype="str")])
    part = series.iloc[1234:4321]
    expected = [bool(re.search(r"^C\d{6}$", v)) for v in part]
    assert search(part, r"^C\d{6}$").tolist() == expected


def test_lengths_count_characters() -> None:
    for values in (["abc", None, "", "é", "١٢٣"], ["abc", None, "", "xy"]):
        for dtype in ("str", object):
            lengths = text_lengths(pd.Series(values, dtype=dtype))
            expected = [np.nan if v is None else float(len(v)) for v in values]
            np.testing.assert_array_equal(lengths, expected)


def test_is_in() -> None:
    for dtype in ("str", object):
        series = pd.Series(["free", "pro", None, "gold", "Free"], dtype=dtype)
        assert is_in(series, ["free", "pro"]).tolist() == [True, True, False, False, False]
