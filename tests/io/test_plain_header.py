"""The CSV header read without pandas names the columns exactly as pandas does."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlci.io import open_source
from mlci.io.formats import DataFormat
from mlci.io.readers import _plain_header

NAMES = st.text(alphabet=st.sampled_from(list('ab ,"\t;é1_.')), min_size=0, max_size=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(NAMES, min_size=1, max_size=5), crlf=st.booleans())
def test_plain_header_is_pandas_header(tmp_path: Path, names: list[str], crlf: bool) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerow(names)
    out.write(",".join("1" for _ in names) + "\n")
    path = tmp_path / "h.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    plain = _plain_header(path, DataFormat.CSV)
    if plain is not None:  # otherwise pandas reads the header, as before
        assert plain == [str(c) for c in pd.read_csv(path, nrows=0).columns]


@pytest.mark.parametrize("head", ["\ufeffa,b\n1,2\n", "a,,b\n1,2,3\n", "\na,b\n1,2\n", "a,a\n1,2\n"])
def test_headers_pandas_reads_its_own_way_go_to_pandas(tmp_path: Path, head: str) -> None:
    path = tmp_path / "h.csv"
    path.write_text(head, encoding="utf-8")
    assert _plain_header(path, DataFormat.CSV) is None
    if head.startswith("a,a"):
        return  # a repeated name is an error either way
    assert open_source(path).columns == [str(c) for c in pd.read_csv(path, nrows=0).columns]
