"""The one interface every registry backend implements (see ``mlci.registry``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path

from mlci.registry.errors import RegistryError
from mlci.registry.record import VersionRecord
from mlci.registry.semver import SemVer, parse_semver

__all__ = ["Registry", "DEFAULT_ALIAS", "sort_versions"]

DEFAULT_ALIAS = "champion"


def sort_versions(records: Iterable[VersionRecord]) -> list[VersionRecord]:
    """Ascending semver precedence; plain numbers (MLflow's own versions) sort first."""
    return sorted(records, key=_version_key)


def _version_key(record: VersionRecord) -> tuple[object, ...]:
    if record.version.isdecimal():
        return (0, int(record.version))
    return (1, SemVer.key(parse_semver(record.version)))


class Registry(ABC):
    """The versions of one model, and which one is the baseline.

    ``alias`` names the baseline marker: an alias (file backend) or a GTO stage (git).
    """

    backend: str = "?"

    def __init__(self, model: str, *, alias: str = DEFAULT_ALIAS) -> None:
        self.model = model
        self.alias = alias

    # --- reading ---------------------------------------------------------------------------

    @abstractmethod
    def list_versions(self) -> list[VersionRecord]:
        """Every registered version, ascending by semver precedence."""

    def get(self, version: str) -> VersionRecord:
        """One version; ``RegistryError`` naming the known versions when it is not there."""
        wanted = str(_parse(version))
        records = self.list_versions()
        for record in records:
            if record.version == wanted:
                return record
        known = ", ".join(r.version for r in records[-10:]) or "none registered yet"
        raise RegistryError(
            f"model '{self.model}' has no version {wanted} (known: {known})", path=self.where()
        )

    @abstractmethod
    def aliases(self) -> dict[str, str]:
        """alias (or stage) -> version, for the aliases currently assigned."""

    def baseline(self) -> VersionRecord | None:
        """The version the gates compare against: the one carrying ``self.alias``."""
        version = self.aliases().get(self.alias)
        return None if version is None else self.get(version)

    def champion(self) -> VersionRecord | None:
        """Alias of ``baseline()``."""
        return self.baseline()

    def why_no_baseline(self) -> str:
        """A hint for the user when ``baseline()`` is None."""
        count = len(self.list_versions())
        if count == 0:
            return "no baseline registered"
        return (
            f"no baseline registered: none of the {count} registered versions carries "
            f"'{self.alias}' (mlci registry promote VERSION)"
        )

    @abstractmethod
    def artifact(self, version: str, name: str) -> Path | None:
        """A readable local file with the content of artifact ``name`` of ``version`` as it
        was registered (checked against its sha256), or None when not available."""

    @abstractmethod
    def where(self) -> str:
        """Where the registry lives, for messages."""

    # --- writing ---------------------------------------------------------------------------

    @abstractmethod
    def register(self, record: VersionRecord, aliases: Iterable[str] = ()) -> VersionRecord:
        """Add a new version (an existing version is an error) and assign ``aliases``."""

    @abstractmethod
    def promote(self, version: str, alias: str | None = None) -> None:
        """Move ``alias`` (default: the baseline alias) to an existing ``version``."""

    def _check_model(self, record: VersionRecord) -> None:
        if record.model != self.model:
            raise RegistryError(f"record is for model '{record.model}', this registry is for '{self.model}'")


def _parse(version: str) -> SemVer:
    try:
        return parse_semver(version)
    except ValueError as exc:
        raise RegistryError(str(exc)) from None
