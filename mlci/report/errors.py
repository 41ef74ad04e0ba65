"""The ``errors`` section of ``mlci-report.json``: inputs a run could not use.

A report whose ``errors`` is not empty has ``status: "error"``; the sections that could
still run are filled, the ones an error blocked are ``null``. Each entry is the located
one-line error the CLI prints, split into its parts so a renderer can link to the file.
"""

from __future__ import annotations

from pydantic import BaseModel

from mlci.errors import EXIT_BAD_INPUT, EXIT_SERVICE, MlciError, ServiceError
from mlci.vocab import ErrorKind, ErrorSection

__all__ = ["ErrorSection", "ReportError", "errors_exit_code", "report_errors"]


class ReportError(BaseModel):
    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    key: str | None = None
    section: ErrorSection | None = None  # the step it came from ("report": rendering it)
    kind: ErrorKind = "input"  # "service": exit 3; "input": exit 2

    def location(self) -> str:
        """``path:line:column`` with whatever parts are known ("" when none)."""
        where = self.path or ""
        if where and self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def one_line(self) -> str:
        """What the CLI prints for it: ``path:line:column: key: message``."""
        head = self.location()
        text = (f"{head}: " if head else "") + (f"{self.key}: " if self.key else "") + self.message
        return text.replace("\r", " ").replace("\n", " ").strip()


def report_errors(error: MlciError, section: ErrorSection | None = None) -> list[ReportError]:
    """One entry per problem ``error`` carries (a ``ConfigProblems`` carries several)."""
    problems: list[MlciError] = list(getattr(error, "problems", None) or [error])
    kind: ErrorKind = "service" if isinstance(error, ServiceError) else "input"
    return [
        ReportError(
            message=p.message.replace("\r", " ").replace("\n", " "),
            path=p.path,
            line=p.line,
            column=p.column,
            key=p.key,
            section=section,
            kind=kind,
        )
        for p in problems
    ]


def errors_exit_code(errors: list[ReportError]) -> int:
    """3 when a service failed, else 2 (the CLI's exit code for a report with errors)."""
    return EXIT_SERVICE if any(e.kind == "service" for e in errors) else EXIT_BAD_INPUT
