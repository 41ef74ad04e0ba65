"""Values an attacker would put into data or into a forked report, and reports made of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mlci.report import Report

FIXTURE = Path(__file__).parent / "fixtures" / "churn-report.json"

CORPUS = [
    "@octocat <img src=https://evil.example/p.png> [click](https://evil.example) <details open>",
    "@org/team and @octocat",
    "#123 closes it, GH-12, owner/repo#7",
    "user@evil.example",
    ":rocket: :+1:",
    '!1 ~label ~"two words" %milestone $1 &5',
    "$\\frac{1}{2}$ and $$x^2$$",
    "www.evil.example https://evil.example/x mailto:a@evil.example",
    "javascript:alert(1)",
    "<!-- mlci:churn -->",
    "</details><details open><summary>x",
    "| fake | row |",
    "line1\nline2\r\n## heading",
    "`tick` ``two``",
    "[ref]: https://evil.example",
    "![i](https://evil.example/i.png)",
    "<script>alert(1)</script><a href=https://evil.example>x</a>",
    "&#64;octocat &lt;b&gt;",
    "right\u202eto\u2066left\u2069 zero\u200bwidth\ufeff",
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ \x1b[31mred\x1b[0m",
    "##[error]forged ##[add-mask]x",
    "::error::forged",
    "::stop-commands::token",
    "bad\x00\x07\x08char\ufffe",
]


def hostile(index: int) -> str:
    return CORPUS[index % len(CORPUS)]


def _hostile_strings(data: Any, counter: list[int]) -> Any:
    if isinstance(data, dict):
        return {k: _hostile_strings(v, counter) for k, v in data.items()}
    if isinstance(data, list):
        return [_hostile_strings(v, counter) for v in data]
    if isinstance(data, str):
        counter[0] += 1
        return hostile(counter[0])
    return data


def _restore(data: Any, original: Any, loc: tuple[Any, ...]) -> None:
    for part in loc[:-1]:
        data, original = data[part], original[part]
    data[loc[-1]] = original[loc[-1]]


def hostile_dict(original: dict[str, Any] | None = None) -> dict[str, Any]:
    """The churn report with every free-text string replaced by a hostile one.

    Fields the model types as a vocabulary (statuses, directions) keep their value: pydantic
    refuses anything else, so no report, built or loaded, can carry them.
    """
    original = original or json.loads(FIXTURE.read_text())
    for gate in original["gates"]["results"]:
        gate["reason"], gate["note"] = "reason", "note"
    for ds in original["validation"]:
        for v in ds["violations"]:
            v["expected"] = v.get("expected") or "expected"
    data = _hostile_strings(original, [0])
    data["mlci_report_version"] = 1
    for _ in range(1000):
        try:
            Report.model_validate(data)
            return data
        except ValidationError as exc:
            for err in exc.errors():
                _restore(data, original, tuple(err["loc"]))
    raise AssertionError("could not build a hostile report")


def hostile_report() -> Report:
    return Report.model_validate(hostile_dict())
