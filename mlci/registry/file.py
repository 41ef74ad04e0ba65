"""The ``file`` registry: human-readable JSON under ``.mlci/registry/``, commit it with the code.

Layout, one directory per model::

    .mlci/registry/churn/
      versions/1.2.0.json          one VersionRecord per version
      aliases.json                 {"champion": "1.2.0"}
      artifacts/1.2.0/predictions.csv   copies of registered artifacts (optional)
      .lock                        held while writing

Every file is written atomically (a temporary file in the same directory, then a
rename), so a reader never sees half a file; writers take an exclusive lock on
``.lock`` (``flock``; released by the OS if a writer dies), so two concurrent
``register``/``promote`` never lose each other's changes.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import ValidationError

from mlci.registry.base import DEFAULT_ALIAS, Registry, sort_versions
from mlci.registry.errors import RegistryError
from mlci.registry.record import ArtifactRef, VersionRecord, json_int
from mlci.registry.semver import SemVer, parse_semver

__all__ = ["FileRegistry", "atomic_write", "file_lock"]

LOCK_TIMEOUT = 60.0


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def file_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed), waiting up to ``timeout``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        wait = 0.005
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise RegistryError(
                    f"registry is locked by another writer for more than {timeout:.0f}s", path=path
                )
            time.sleep(wait)
            wait = min(wait * 2, 0.1)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class FileRegistry(Registry):
    backend = "file"

    def __init__(
        self,
        model: str,
        path: str | Path,
        *,
        root: str | Path = ".",
        alias: str = DEFAULT_ALIAS,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        super().__init__(model, alias=alias)
        if not model or ".." in model.split("/") or model.startswith("/") or "\\" in model:
            raise RegistryError(f"model name {model!r} cannot name a registry directory")
        self.path = Path(path)
        self.root = Path(root)  # relative artifact paths are resolved against this
        self.dir = self.path / model
        self.lock_timeout = lock_timeout

    def where(self) -> str:
        return str(self.dir)

    # --- reading ---------------------------------------------------------------------------

    def _read_json(self, path: Path) -> object:
        from mlci.config.files import read_json

        if not path.exists():
            return None
        return read_json(path, what="registry file", error=RegistryError, parse_int=json_int)

    def _load(self, path: Path) -> VersionRecord:
        data = self._read_json(path)
        try:
            return VersionRecord.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(p) for p in err["loc"]) or None
            raise RegistryError(f"not a version record: {err['msg']}", path=path, key=key) from None

    def list_versions(self) -> list[VersionRecord]:
        folder = self.dir / "versions"
        if not folder.is_dir():
            return []
        return sort_versions(self._load(p) for p in folder.glob("*.json"))

    def get(self, version: str) -> VersionRecord:
        try:
            path = self._version_path(str(parse_semver(version)))
        except ValueError as exc:
            raise RegistryError(str(exc)) from None
        if path.is_file():
            return self._load(path)
        return super().get(version)  # the error that lists the known versions

    def aliases(self) -> dict[str, str]:
        path = self.dir / "aliases.json"
        data = self._read_json(path)
        if data is None:
            return {}
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise RegistryError("expected an object of alias -> version", path=path)
        return dict(data)

    def artifact(self, version: str, name: str) -> Path | None:
        from mlci.io import sha256_file

        record = self.get(version)
        ref = record.artifacts.get(name)
        if ref is None or ref.stored is None:
            return None
        path = self.dir / ref.stored
        if not path.is_file():
            return None
        if ref.sha256 is not None and sha256_file(path) != ref.sha256:
            raise RegistryError(f"artifact {name!r} of {version} was modified", path=path)
        return path

    # --- writing ---------------------------------------------------------------------------

    def _version_path(self, version: str) -> Path:
        return self.dir / "versions" / f"{version}.json"

    def register(self, record: VersionRecord, aliases: Iterable[str] = ()) -> VersionRecord:
        self._check_model(record)
        with file_lock(self.dir / ".lock", self.lock_timeout):
            target = self._version_path(record.version)
            if target.exists():
                raise RegistryError(
                    f"version {record.version} of '{self.model}' is already registered",
                    path=target,
                )
            self._check_precedence(record.version)
            stored = {name: self._store(record.version, name, ref) for name, ref in record.artifacts.items()}
            record = record.model_copy(update={"artifacts": stored})
            atomic_write(target, record.to_json())
            if aliases:
                self._set_aliases(dict.fromkeys(aliases, record.version))
        return record

    def _check_precedence(self, version: str) -> None:
        """Refuse a version equal in precedence to a registered one (``3.0.0+b1`` vs ``3.0.0``).

        Build metadata has no precedence (semver 2.0, item 10), so such versions cannot be
        ordered, and "the highest version" would depend on file order; the git backend
        refuses them the same way.
        """
        wanted = SemVer.key(parse_semver(version))
        for path in sorted((self.dir / "versions").glob("*.json")):
            try:
                existing = parse_semver(path.stem)
            except ValueError:
                continue
            if SemVer.key(existing) == wanted:
                raise RegistryError(
                    f"version {version} of '{self.model}' has the same precedence as the registered "
                    f"{existing} (build metadata after '+' does not order versions): "
                    "choose another version number",
                    path=path,
                )

    def _store(self, version: str, name: str, ref: ArtifactRef) -> ArtifactRef:
        """Copy an artifact into the registry so later runs read it as registered."""
        from mlci.io import sha256_file

        source = Path(ref.path)
        source = source if source.is_absolute() else self.root / source
        if not source.is_file():
            raise RegistryError(f"artifact {name!r} not found", path=source)
        suffix = "".join(source.suffixes[-2:]) if source.suffix == ".gz" else source.suffix
        relative = Path("artifacts") / version / f"{name}{suffix}"
        target = self.dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise RegistryError(f"cannot copy artifact {name!r}: {exc.strerror}", path=source) from None
        digest = sha256_file(target)
        if ref.sha256 is not None and ref.sha256 != digest:
            raise RegistryError(f"artifact {name!r} changed while it was registered", path=source)
        return ref.model_copy(update={"sha256": digest, "stored": relative.as_posix()})

    def promote(self, version: str, alias: str | None = None) -> None:
        with file_lock(self.dir / ".lock", self.lock_timeout):
            record = self.get(version)
            self._set_aliases({alias or self.alias: record.version})

    def _set_aliases(self, changes: dict[str, str]) -> None:
        """Read-modify-write of aliases.json; the caller holds the lock."""
        current = self.aliases()
        current.update(changes)
        text = json.dumps(dict(sorted(current.items())), indent=2) + "\n"
        atomic_write(self.dir / "aliases.json", text)
