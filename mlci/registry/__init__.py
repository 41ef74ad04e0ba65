"""Layer 4: the model registry: which versions exist, and which one is the baseline.

One interface, ``Registry`` (``mlci.registry.base``), for every backend::

    registry = open_registry(config)            # from mlci.yml's registry: section
    registry.list_versions() -> list[VersionRecord]   # ascending semver
    registry.get("1.2.0")    -> VersionRecord   # RegistryError (exit 2) if unknown
    registry.aliases()       -> {"champion": "1.2.0", ...}
    registry.baseline()      -> VersionRecord | None   # alias: registry.champion()
    registry.why_no_baseline() -> str            # a hint when baseline() is None
    registry.register(record, aliases=("champion",)) -> VersionRecord  # new versions only
    registry.promote("1.2.0", alias="champion")  # move an alias; idempotent
    registry.artifact("1.2.0", "predictions") -> Path | None  # as registered, sha-checked

The baseline is the version carrying ``registry.alias`` in mlci.yml (default
``champion``); the git backend falls back to the highest non-prerelease version.

Backends: ``file`` (JSON under ``.mlci/registry/``, atomic writes, a lock for
concurrent writers) and ``git`` (DVC GTO annotated tags ``<model>@v<semver>`` carrying
the record as JSON; stages ``<model>#<stage>#<n>``) and ``mlflow`` (MLflow's Model
Registry over its REST API: the alias marks the baseline, ``mlci.*`` version tags carry
the semver and lineage; see ``mlci.registry.mlflow``).

For ``mlci release``: ``next_version([r.version for r in registry.list_versions()],
improved=...)`` gives the next release (minor when a gated metric improved, patch
otherwise, 1.0.0 first), and ``build_record(config, version=..., metrics=...)`` fills
a record's lineage (commit, dataset fingerprints, artifact hashes).

Errors: ``RegistryError`` (exit 2) for anything local or named wrong; ``RegistryRemoteError``
(exit 3) when pushing tags to a remote failed after retries; an MLflow server that failed
is a ``ServiceError`` (exit 3) from the shared HTTP session.
"""

from mlci.registry.base import DEFAULT_ALIAS, Registry
from mlci.registry.errors import RegistryError, RegistryRemoteError
from mlci.registry.factory import build_record, open_registry
from mlci.registry.record import ArtifactRef, VersionRecord
from mlci.registry.semver import SemVer, bump, next_version, parse_semver

__all__ = [
    "DEFAULT_ALIAS",
    "ArtifactRef",
    "Registry",
    "RegistryError",
    "RegistryRemoteError",
    "SemVer",
    "VersionRecord",
    "build_record",
    "bump",
    "next_version",
    "open_registry",
    "parse_semver",
]
