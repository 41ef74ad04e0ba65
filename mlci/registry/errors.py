"""Registry errors: each is one line for the user (exit 2), or exit 3 when a remote failed."""

from __future__ import annotations

from mlci.errors import MlciError, ServiceError

__all__ = ["RegistryError", "RegistryRemoteError"]


class RegistryError(MlciError):
    """The registry cannot do what was asked: unknown or duplicate version, corrupt record,
    git failing locally, a lock held too long."""


class RegistryRemoteError(ServiceError):
    """Pushing to (or reading from) a remote registry failed after retries."""
