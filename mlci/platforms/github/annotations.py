"""Workflow-command annotations (``::error title=…::…``) for failing gates and violations.

GitHub shows at most 10 annotations of each level per step, so mlci writes at most 10 per
level: the most important first, the tenth saying how many more there are. Messages are
escaped per the workflow-command rules (data: ``%``, CR, LF; properties also ``:`` and
``,``), and control characters from data are made visible first, so nothing read from a
dataset can end the command early or start another one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mlci.render.escape import plain
from mlci.report.model import Report

__all__ = [
    "Annotation",
    "escape_data",
    "escape_property",
    "format_annotation",
    "report_annotations",
]

MAX_PER_LEVEL = 10


@dataclass(frozen=True)
class Annotation:
    level: str  # error | warning | notice
    title: str
    message: str
    file: str | None = None
    line: int | None = None


def escape_data(text: str) -> str:
    # "##[" anywhere would start a second (v2) command on the same line.
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escaped.replace("##[", "##%5B")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_annotation(note: Annotation) -> str:
    props = []
    if note.file:
        props.append(f"file={escape_property(note.file)}")
        if note.line is not None:
            props.append(f"line={note.line}")
    props.append(f"title={escape_property(note.title)}")
    return f"::{note.level} {','.join(props)}::{escape_data(note.message)}"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def _gate_notes(report: Report) -> Iterable[Annotation]:
    for gate in report.gates.results if report.gates else []:
        if gate.status != "failed":
            continue
        text = f"{plain(gate.metric)} = {_num(gate.candidate)}"
        if gate.baseline is not None:
            text += f" vs baseline {_num(gate.baseline)} (delta {_num(gate.delta)})"
        if gate.reason:
            text += f": {plain(gate.reason)}"
        yield Annotation("error", f"mlci gate failed: {plain(gate.metric, 80)}", text)


def _violation_notes(report: Report) -> Iterable[Annotation]:
    for dataset in report.validation or []:
        for v in dataset.violations:
            where = f"column {plain(v.column)}" if v.column is not None else "table"
            text = f"{plain(dataset.dataset)}: {where} failed {plain(v.check)} on {v.failed_count:,} row(s)"
            if v.expected:
                text += f" (expected {plain(v.expected)})"
            if v.examples:
                text += "; examples: " + ", ".join(plain(e, 60) for e in v.examples[:5])
            relative = not dataset.path.startswith(("/", "\\")) and ":" not in dataset.path[:3]
            yield Annotation(
                "error",
                f"mlci schema violation: {plain(dataset.dataset, 60)}",
                text,
                file=plain(dataset.path) if relative else None,
            )


def _relative(path: str) -> bool:
    return not path.startswith(("/", "\\")) and ":" not in path[:3]


def _error_notes(report: Report) -> Iterable[Annotation]:
    for error in report.errors:
        relative = error.path is not None and _relative(error.path)
        yield Annotation(
            "error",
            "mlci could not use an input",
            plain(error.one_line(), 400),
            file=plain(error.path) if relative and error.path else None,
            line=error.line if relative else None,
        )


def _drift_notes(report: Report) -> Iterable[Annotation]:
    drift = report.drift
    if drift is None:
        return
    if drift.status == "skipped":  # tested nothing: say so where reviewers look
        yield Annotation(
            "warning", "mlci drift: not tested", plain(drift.reason or "no column could be tested")
        )
        return
    level = "error" if drift.status == "failed" else "warning"
    for column in drift.columns:
        if column.drifted:
            text = f"{plain(column.column)}: {plain(column.method)} statistic {_num(column.statistic)}"
            if column.p_value is not None:
                text += f", p-value {_num(column.p_value)}"
            yield Annotation(level, f"mlci drift: {plain(column.column, 80)}", text)


def report_annotations(report: Report, limit: int = MAX_PER_LEVEL) -> list[Annotation]:
    """Unusable inputs, then gates, violations and drift; at most ``limit`` per level."""
    by_level: dict[str, list[Annotation]] = {}
    found = [*_error_notes(report), *_gate_notes(report), *_violation_notes(report), *_drift_notes(report)]
    for note in found:
        by_level.setdefault(note.level, []).append(note)
    out: list[Annotation] = []
    for level, notes in by_level.items():
        if len(notes) > limit:
            more = len(notes) - (limit - 1)
            notes = notes[: limit - 1] + [
                Annotation(level, "mlci", f"{more} more problem(s): see the job summary")
            ]
        out.extend(notes)
    return out
