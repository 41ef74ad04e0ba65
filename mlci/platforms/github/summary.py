"""The job summary (``$GITHUB_STEP_SUMMARY``): the report where every run shows it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from mlci.errors import UsageError
from mlci.platforms.github.limits import SUMMARY_LIMIT, fit_markdown, utf8_size

__all__ = ["write_step_summary"]

_NOTE = (
    "> [!WARNING]\n> This report is longer than a job summary allows (1 MiB) and was cut "
    "here. The full report is in the report artifact."
)


def write_step_summary(markdown: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """Append ``markdown`` to the step's summary, cut to fit the 1 MiB a step may write.

    Returns the file written, or None outside GitHub Actions (no GITHUB_STEP_SUMMARY).
    """
    env = os.environ if environ is None else environ
    name = env.get("GITHUB_STEP_SUMMARY")
    if not name:
        return None
    path = Path(name)
    try:
        used = path.stat().st_size if path.exists() else 0
        # Earlier writes in this step count against the same limit.
        budget = SUMMARY_LIMIT - used - 1
        text = fit_markdown(markdown, budget, note=_NOTE, measure=utf8_size) if budget > 0 else ""
        if not text:
            return None
        with path.open("a", encoding="utf-8", newline="\n") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
    except OSError as exc:
        raise UsageError(f"cannot write the job summary: {exc.strerror}", path=path) from None
    return path
