"""Keep what mlci writes out of git: append ``.gitignore`` entries once, never twice."""

from __future__ import annotations

from pathlib import Path

from mlci.errors import UsageError

__all__ = ["GITIGNORE", "ignore_entries"]

# What `mlci check` and the file registry write that must not be committed.
GITIGNORE = ("mlci-report.json", ".mlci/registry/**/.lock")


def ignore_entries(path: Path, entries: tuple[str, ...] = GITIGNORE) -> list[str]:
    """Append the entries ``path`` lacks (``/x`` counts as ``x``); return those added."""
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read: {exc}", path=path) from None
    present = {line.strip().lstrip("/") for line in text.splitlines()}
    missing = [e for e in entries if e.lstrip("/") not in present]
    if missing:
        head = "" if not text or text.endswith("\n") else "\n"
        block = "# mlci: the report each run writes, and the file registry's lock\n" + "\n".join(missing)
        try:
            path.write_text(text + head + ("\n" if text else "") + block + "\n", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write: {exc.strerror}", path=path) from None
    return missing
