"""Push a report's metrics to a Pushgateway (what ``mlci push`` and ``mlci monitor`` do)."""

from __future__ import annotations

from collections.abc import Mapping

from mlci.platforms.pushgateway import Pushgateway, PushResult
from mlci.render.prometheus import model_label, render_prometheus
from mlci.report.model import Report

__all__ = ["DEFAULT_JOB", "push_report"]

DEFAULT_JOB = "mlci"


def push_report(
    report: Report, url: str, *, job: str = DEFAULT_JOB, environ: Mapping[str, str] | None = None
) -> PushResult:
    """Replace the group ``job/<job>/model/<model>`` with the report's series."""
    with Pushgateway(url, environ=environ) as gateway:
        return gateway.replace_group(job, model_label(report), render_prometheus(report))
