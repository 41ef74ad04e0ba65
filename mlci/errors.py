"""The exceptions mlci raises when a run itself is broken.

A failing check is *not* an exception: it is a result (see ``mlci.report``). An exception
means mlci could not do its job, and each maps to one exit code and one printed line::

    MlciError                  (exit 2)
    ├── UsageError             bad command-line usage            (exit 2)
    ├── InputError             a file the user gave is unusable  (exit 2)
    │   ├── ConfigError        mlci.yml / schema.yml invalid
    │   ├── DataError          dataset unreadable or malformed
    │   └── MetricsError       metrics / predictions unreadable
    ├── ReleaseRefused         a release must not happen as asked (exit 1)
    └── ServiceError           GitHub or a registry failed after retries (exit 3)
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "EXIT_OK",
    "EXIT_CHECK_FAILED",
    "EXIT_BAD_INPUT",
    "EXIT_SERVICE",
    "MlciError",
    "UsageError",
    "InputError",
    "ConfigError",
    "DataError",
    "MetricsError",
    "ReleaseRefused",
    "ServiceError",
]

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_SERVICE = 3


class MlciError(Exception):
    """Base of every error mlci reports to the user as one line."""

    exit_code = EXIT_BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.key = key

    def lines(self) -> list[str]:
        """What the CLI prints: one line per problem."""
        return [str(self)]

    def __str__(self) -> str:
        """``path:line:column: key: message`` with whatever parts are known."""
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        if self.key:
            where += f"{self.key}: "
        # One line, always: a message from a foreign library may carry newlines.
        return (where + self.message).replace("\r", " ").replace("\n", " ").strip()


class UsageError(MlciError):
    """The command line asks for something impossible."""


class InputError(MlciError):
    """A file the user pointed at cannot be used."""


class ConfigError(InputError):
    """mlci.yml or a schema file is not valid."""


class DataError(InputError):
    """A dataset is missing, unreadable or malformed."""


class MetricsError(InputError):
    """A metrics or predictions file is missing, unreadable or malformed."""


class ServiceError(MlciError):
    """An external service (GitHub, a registry server) failed after retries."""

    exit_code = EXIT_SERVICE


class ReleaseRefused(MlciError):
    """The release must not happen as asked (tag on another commit, approval missing)."""

    exit_code = EXIT_CHECK_FAILED
