"""GitHub's size limits; ``mlci.render.markdown_cut`` cuts markdown to fit them."""

from __future__ import annotations

from mlci.render.markdown_cut import cut_markdown as fit_markdown
from mlci.render.markdown_cut import utf8_size, utf16_size

__all__ = ["COMMENT_LIMIT", "SUMMARY_LIMIT", "fit_markdown", "utf8_size", "utf16_size"]

COMMENT_LIMIT = 65_536  # characters in an issue comment body (more is a 422)
SUMMARY_LIMIT = 1024 * 1024  # bytes of job summary per step (more fails the upload)
