"""Job summary, step outputs and annotations: the files and commands the runner reads."""

from __future__ import annotations

from pathlib import Path

from mlci.platforms.github.annotations import (
    Annotation,
    escape_data,
    escape_property,
    format_annotation,
    report_annotations,
)
from mlci.platforms.github.limits import SUMMARY_LIMIT
from mlci.platforms.github.outputs import format_output, write_outputs
from mlci.platforms.github.summary import write_step_summary
from mlci.report import DatasetValidation, GateResult, GatesSection, Report, Violation

from stubs.github_stub import read_outputs


def test_outputs_survive_values_that_look_like_delimiters(tmp_path: Path) -> None:
    out = tmp_path / "out"
    nasty = "line 1\nEOF\nstatus<<EOF\nghadelimiter_x\n%0A"
    assert write_outputs({"status": "failed", "body": nasty, "empty": ""}, {"GITHUB_OUTPUT": str(out)})
    write_outputs({"more": "1"}, {"GITHUB_OUTPUT": str(out)})  # appends, never truncates
    assert read_outputs(out) == {"status": "failed", "body": nasty, "empty": "", "more": "1"}


def test_output_delimiters_are_random() -> None:
    first, second = format_output("x", "v"), format_output("x", "v")
    assert first != second and first.startswith("x<<ghadelimiter_")


def test_no_github_output_means_nothing_written() -> None:
    assert write_outputs({"status": "passed"}, {}) is None
    assert write_step_summary("# hi", {}) is None


def test_summary_is_appended(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("# earlier step output\n", encoding="utf-8")
    write_step_summary("## mlci: passed\n", {"GITHUB_STEP_SUMMARY": str(path)})
    assert path.read_text(encoding="utf-8") == "# earlier step output\n## mlci: passed\n"


def test_summary_stays_under_one_mebibyte_counting_bytes(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("x" * 1000 + "\n", encoding="utf-8")
    huge = "## report\n\n```\n" + "".join(f"é€ line {i} 🙂\n" for i in range(120_000)) + "```\nend\n"
    assert len(huge.encode()) > SUMMARY_LIMIT
    write_step_summary(huge, {"GITHUB_STEP_SUMMARY": str(path)})
    text = path.read_text(encoding="utf-8")
    assert len(text.encode()) <= SUMMARY_LIMIT
    assert "was cut here" in text and "end\n" not in text
    assert text.count("```") % 2 == 0  # the cut code block is closed


def test_workflow_command_escaping() -> None:
    assert escape_data("50%\r\nnext::error::x") == "50%25%0D%0Anext::error::x"
    assert escape_property("a: b, c%") == "a%3A b%2C c%25"
    line = format_annotation(Annotation("error", "t: 1, 2", "m\n::warning::injected", file="d,a:t.csv"))
    assert line == "::error file=d%2Ca%3At.csv,title=t%3A 1%2C 2::m%0A::warning::injected"
    assert "\n" not in line


def failing_report(violations: int, gates: int) -> Report:
    return Report(
        status="failed",
        validation=[
            DatasetValidation(
                dataset="current",
                path="data/current.csv",
                rows=100,
                status="failed",
                violations=[
                    Violation(
                        column=f"c{i}\n::error::x",
                        check="max",
                        failed_count=3,
                        examples=[130, "a\x1b[31m"],
                    )
                    for i in range(violations)
                ],
            )
        ],
        gates=GatesSection(
            status="failed",
            results=[
                GateResult(metric=f"m{i}", candidate=0.7, baseline=0.8, delta=-0.1, status="failed")
                for i in range(gates)
            ]
            + [GateResult(metric="ok", candidate=1, status="passed")],
        ),
    )


def test_annotations_cover_failing_gates_and_violations() -> None:
    notes = report_annotations(failing_report(violations=2, gates=1))
    assert [n.title for n in notes] == [
        "mlci gate failed: m0",
        "mlci schema violation: current",
        "mlci schema violation: current",
    ]
    assert notes[0].message == "m0 = 0.7 vs baseline 0.8 (delta -0.1)"
    assert notes[1].file == "data/current.csv"
    lines = [format_annotation(n) for n in notes]
    assert all("\n" not in line and "\x1b" not in line for line in lines)


def test_at_most_ten_annotations_per_level() -> None:
    notes = report_annotations(failing_report(violations=30, gates=5))
    assert len(notes) == 10
    assert [n.title for n in notes[:5]] == [f"mlci gate failed: m{i}" for i in range(5)]
    assert notes[-1].message == "26 more problem(s): see the job summary"


def test_drift_that_tested_nothing_is_a_warning_annotation() -> None:
    from mlci.report.drift import DriftSection

    drift = DriftSection(
        status="skipped",
        drifted_share=0,
        dataset_drift=False,
        reason="the reference and the current data share no column",
    )
    (note,) = report_annotations(Report(drift=drift))
    assert (note.level, note.title) == ("warning", "mlci drift: not tested")
    assert note.message == "the reference and the current data share no column"
