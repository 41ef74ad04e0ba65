"""The report loader believes only mlci reports: everything else is exit 2 naming the key.

In the ``workflow_run`` pattern the report comes from a fork, so each refusal here is an
attack the privileged job no longer renders.
"""

from __future__ import annotations

import copy
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from mlci.errors import InputError
from mlci.report import load_report
from mlci.report.strict import MAX_ITEMS, MAX_STRING

FIXTURE = Path(__file__).resolve().parents[1] / "render" / "fixtures" / "churn-report.json"
GOOD: dict[str, Any] = json.loads(FIXTURE.read_text())


def write(tmp_path: Path, data: Any, name: str = "report.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def refused(tmp_path: Path, data: Any) -> InputError:
    with pytest.raises(InputError) as info:
        load_report(write(tmp_path, data))
    assert info.value.exit_code == 2
    assert info.value.path == str(tmp_path / "report.json")
    return info.value


def changed(edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    edit(data)
    return data


def test_the_churn_report_loads(tmp_path: Path) -> None:
    report = load_report(write(tmp_path, GOOD))
    assert report.validation and report.drift and report.gates


@pytest.mark.parametrize(
    "data, words",
    [
        ({}, "no mlci_report_version"),
        ({"roc_auc": 0.84, "accuracy": 0.8}, "metrics file"),
        ([], "an array"),
        ([GOOD], "an array"),
        ("3", "a int"),
    ],
)
def test_what_is_not_a_report_is_refused(tmp_path: Path, data: Any, words: str) -> None:
    error = refused(tmp_path, data if isinstance(data, str) else json.dumps(data))
    assert words in error.message


def set_path(data: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for part in parents:
        data = data[int(part)] if part.isdigit() else data[part]  # type: ignore[assignment]
    data[int(last) if last.isdigit() else last] = value  # type: ignore[index]


EVIL = "@octocat <img src=https://evil.example/p.png> [click](https://evil.example) <details open>"


@pytest.mark.parametrize(
    "key, value",
    [
        ("validation.1.violations.0.check", EVIL),
        ("validation.0.checks.0", EVIL),
        ("validation.0.checks.0", "age"),
        ("gates.results.0.code", EVIL),
        ("gates.registry", EVIL),
        ("drift.columns.0.kind", EVIL),
        ("drift.columns.0.method", EVIL),
        ("run.run_url", "javascript:alert(1)"),
        ("run.run_url", "data:text/html,<script>alert(1)</script>"),
        ("run.run_url", "https://github.com@evil.example/x"),
        ("run.server_url", "//evil.example"),
        ("validation.1.violations.0.examples.0", {"nested": ["deep"]}),
        ("validation.0.rows", 10**30),
        ("model.name", "x" * (MAX_STRING + 1)),
        ("validation.0.checks", ["age:max"] * (MAX_ITEMS + 1)),
    ],
)
def test_each_field_outside_its_vocabulary_or_bounds_is_refused_by_key(
    tmp_path: Path, key: str, value: Any
) -> None:
    error = refused(tmp_path, changed(lambda d: set_path(d, key, value)))
    assert error.key is not None and key.startswith(error.key), (error.key, key)


def test_a_skip_reason_outside_the_vocabulary_is_refused(tmp_path: Path) -> None:
    data = changed(lambda d: d["drift"]["skipped"].append({"column": "x", "reason": EVIL, "detail": "d"}))
    assert refused(tmp_path, data).key == f"drift.skipped.{len(data['drift']['skipped']) - 1}.reason"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "1" * 5000])
def test_numbers_must_be_finite_json_numbers(tmp_path: Path, number: str) -> None:
    text = json.dumps(GOOD).replace('"mlci_report_version": 1', f'"mlci_report_version": 1, "x": {number}')
    refused(tmp_path, text)


def test_deep_nesting_is_refused_quickly(tmp_path: Path) -> None:
    started = time.monotonic()
    refused(tmp_path, '{"mlci_report_version": 1, "x": ' + "[" * 200_000 + "]" * 200_000 + "}")
    error = refused(tmp_path, changed(lambda d: d.update(x=json.loads("[" * 40 + "]" * 40))))
    assert "nested" in error.message
    assert time.monotonic() - started < 10


def test_a_fifo_a_device_and_a_directory_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    result: list[BaseException | None] = []

    def load(path: Path) -> None:
        try:
            load_report(path)
            result.append(None)
        except InputError as exc:
            result.append(exc)

    for path in (fifo, Path("/dev/zero"), tmp_path):
        worker = threading.Thread(target=load, args=(path,), daemon=True)
        worker.start()
        worker.join(10)
        assert not worker.is_alive(), f"{path} blocked the loader"
    messages = [str(r) for r in result]
    assert "named pipe" in messages[0] and "device" in messages[1] and "directory" in messages[2]


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no disk used
    with pytest.raises(InputError, match="larger than"):
        load_report(path)


def test_cli_names_the_file_and_key_in_one_line(mlci: Any, tmp_path: Path) -> None:
    path = write(tmp_path, changed(lambda d: set_path(d, "validation.1.violations.0.check", EVIL)))
    run = mlci("report", path, "--format", "md")
    assert run.exit_code == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "validation.1.violations.0.check" in lines[0] and str(path) in lines[0]
    metrics = write(tmp_path, {"roc_auc": 0.9}, "metrics.json")
    run = mlci("report", metrics, "--format", "md")
    assert run.exit_code == 2 and "not an mlci report" in run.stderr


@pytest.mark.parametrize(
    "key, value",
    [
        ("validation.1.violations.0.example_rows", list(range(1, 9))),
        ("drift.columns.0.histogram.edges", []),
        ("drift.columns.0.histogram.current_share", [0.5]),
        ("drift.columns.0.histogram.reference_share.0", -3.0),
        ("drift.columns.1.categories.top.0.reference_share", -5),
        ("gates.results.0.ci_low", 0.01),
    ],
)
def test_lists_and_numbers_that_go_together_must_agree(tmp_path: Path, key: str, value: Any) -> None:
    data = changed(lambda d: set_path(d, key, value))
    if key.startswith("gates"):
        data["gates"]["results"][0].update(ci_high=None, ci_level=None)
    error = refused(tmp_path, data)
    assert error.key is not None


def _leaves(value: Any, key: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [key] + [leaf for k, v in value.items() for leaf in _leaves(v, (*key, k))]
    if isinstance(value, list):
        return [key] + [leaf for i, v in enumerate(value[:2]) for leaf in _leaves(v, (*key, i))]
    return [key]


def test_any_report_the_loader_accepts_renders_without_an_internal_error(tmp_path: Path) -> None:
    from mlci.render import render

    path = tmp_path / "report.json"
    # One entry of each list: every field a template reads, set to what a forger would try.
    keys = [k for k in _leaves(GOOD)[1:] if all(p in (0, 1) for p in k if isinstance(p, int))]
    for key in keys:
        for value in (None, -5, [], [0.5]):
            data = copy.deepcopy(GOOD)
            target = data
            for part in key[:-1]:
                target = target[part]
            target[key[-1]] = value
            path.write_text(json.dumps(data))
            try:
                report = load_report(path)
            except InputError:
                continue
            for fmt in ("md", "text", "html", "junit"):
                assert render(report, fmt), (key, value, fmt)
