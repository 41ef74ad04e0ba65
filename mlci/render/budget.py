"""Keep the markdown report under GitHub's comment limit by shedding the least important
detail first, and saying so.

Templates read a ``detail`` mapping; each level lowers some of its numbers. The verdict,
the gate table and the list of failing checks survive every level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlci.render.markdown_cut import cut_markdown

__all__ = ["MAX_MARKDOWN", "LEVELS", "fit_markdown"]

# GitHub rejects comment bodies over 65,536 characters; keep room for the sticky marker
# and a truncation note.
MAX_MARKDOWN = 64_000

LEVELS: list[dict[str, Any]] = [
    # examples per violation, violations per dataset, drift rows, distribution charts, mermaid
    {"level": 0, "examples": 5, "violations": 200, "drift_rows": 500, "distributions": 5, "chart": True},
    {"level": 1, "examples": 3, "violations": 50, "drift_rows": 200, "distributions": 3, "chart": True},
    {"level": 2, "examples": 1, "violations": 20, "drift_rows": 100, "distributions": 1, "chart": False},
    {"level": 3, "examples": 0, "violations": 10, "drift_rows": 30, "distributions": 0, "chart": False},
]

_NOTE = (
    "> [!NOTE]\n> This report was cut to fit GitHub's comment size limit. "
    "The full report is in the job summary and the `mlci-report.json` artifact."
)


def fit_markdown(render: Callable[[dict[str, Any]], str], limit: int = MAX_MARKDOWN) -> str:
    text = ""
    for detail in LEVELS:
        text = render({**detail, "limited": detail["level"] > 0})
        if len(text) <= limit:
            return text
    return cut_markdown(text, limit, note=_NOTE, measure=len)
