"""Column names in the ``drift:`` settings must name columns of the data.

A typo in ``include:``, ``exclude:`` or a ``columns:`` key would otherwise test the
wrong columns (or none) and pass silently. The data's columns are only known once the
files are opened, so this runs then, and raises config errors that carry their location
in mlci.yml (``loc``) for the caller to turn into ``file:line:column``.
"""

from __future__ import annotations

from collections.abc import Iterable

from mlci.config.problems import ConfigProblems, did_you_mean, format_loc
from mlci.errors import ConfigError

__all__ = ["UnknownDriftColumn", "check_column_names"]


class UnknownDriftColumn(ConfigError):
    """A drift setting names a column that neither dataset has."""

    def __init__(self, message: str, loc: tuple[str | int, ...]) -> None:
        super().__init__(message, key=format_loc(loc))
        self.loc = loc


def _problem(name: str, loc: tuple[str | int, ...], known: list[str]) -> UnknownDriftColumn:
    close = did_you_mean(name, known)
    if close is not None:
        hint = f" (did you mean '{close}'?)"
    elif len(known) <= 20:
        hint = f"; columns: {', '.join(known)}" if known else "; the data has no columns"
    else:
        hint = ""
    return UnknownDriftColumn(f"no column '{name}' in the reference or the current data{hint}", loc)


def check_column_names(
    reference: Iterable[str],
    current: Iterable[str],
    *,
    include: Iterable[str] | None,
    exclude: Iterable[str],
    columns: Iterable[str],
) -> None:
    """Raise a ``ConfigProblems`` listing every drift setting that names no column."""
    known = list(dict.fromkeys([*reference, *current]))
    present = set(known)
    problems: list[ConfigError] = []
    for key, names in (("include", include or ()), ("exclude", exclude)):
        for i, name in enumerate(names):
            if name not in present:
                problems.append(_problem(name, ("drift", key, i), known))
    for name in columns:
        if name not in present:
            problems.append(_problem(name, ("drift", "columns", name), known))
    if problems:
        raise ConfigProblems(problems)
