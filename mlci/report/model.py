"""The ``mlci-report.json`` contract (version 1): the one file every later step reads.

Fields may be added; the ones in DESIGN.md are never renamed or removed. A section that
did not run is ``null``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, ValidationError, model_serializer

from mlci import __version__
from mlci.errors import InputError
from mlci.report.drift import DriftSection
from mlci.report.errors import ReportError
from mlci.report.gates import GatesSection
from mlci.report.provenance import RunInfo
from mlci.report.validation import DatasetValidation
from mlci.vocab import ReportStatus

__all__ = ["REPORT_VERSION", "ModelInfo", "Report", "load_report", "overall_status"]

REPORT_VERSION: Literal[1] = 1
# "error": an input could not be used (see ``errors``); the sections it blocked are null.
Status = ReportStatus


class ModelInfo(BaseModel):
    name: str
    baseline_version: str | None = None
    # The MLflow run the candidate's metrics came from (``--metrics runs:/<run_id>``);
    # left out of the JSON when there is none, so reports of other candidates do not change.
    candidate_run: str | None = None

    @model_serializer(mode="wrap")
    def _drop_no_run(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("candidate_run") is None:
            data.pop("candidate_run", None)
        return data


class Report(BaseModel):
    mlci_report_version: Literal[1] = REPORT_VERSION
    status: Status = "passed"
    model: ModelInfo | None = None
    validation: list[DatasetValidation] | None = None
    drift: DriftSection | None = None
    gates: GatesSection | None = None
    errors: list[ReportError] = Field(default_factory=list)
    mlci_version: str = __version__
    run: RunInfo | None = None
    # Where mlci.yml lives, so `mlci release` can find the registry from the report alone.
    config_path: str | None = None
    created_at: str = Field(
        default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    )

    def with_status(self) -> Report:
        """A copy whose top-level status reflects every section."""
        return self.model_copy(update={"status": overall_status(self)})

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def overall_status(report: Report) -> Status:
    if report.errors:
        return "error"
    failed = any(v.status == "failed" for v in report.validation or [])
    failed |= report.drift is not None and report.drift.status == "failed"
    failed |= report.gates is not None and report.gates.status == "failed"
    return "failed" if failed else "passed"


def load_report(path: str | Path) -> Report:
    """Read a report file; anything that is not an mlci report is a clear exit-2 error.

    Strict (``mlci.report.strict``): the file may come from a fork's run.
    """
    from mlci.config.files import read_capped
    from mlci.report.strict import MAX_REPORT_BYTES, check_report, check_vocabulary, parse_report

    path = Path(path)
    raw = read_capped(path, what="report file", limit=MAX_REPORT_BYTES)
    data = check_report(parse_report(raw, path), path)
    if data.get("mlci_report_version") != REPORT_VERSION:
        raise InputError(
            f"report version {data.get('mlci_report_version')!r} is not supported (expected 1)",
            path=path,
            key="mlci_report_version",
        )
    try:
        report = Report.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        raise InputError(f"not an mlci report: {err['msg']}", path=path, key=key or None) from None
    check_vocabulary(data, path)
    return report
