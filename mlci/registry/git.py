"""The ``git`` registry: plain annotated git tags, compatible with DVC's GTO.

- A version is an annotated tag ``<model>@v<semver>`` on the commit it was built from.
  Its message is a one-line subject (GTO's wording) and the ``VersionRecord`` as JSON.
- A stage (our alias) is an annotated tag ``<model>#<stage>#<n>`` on the version's
  commit, ``n`` one more than any counter among the model's tags (GTO numbering); the
  latest assignment wins, and ``<model>#<stage>!#<n>`` unassigns.
- ``<model>@v<semver>!`` deregisters a version (GTO); such versions are not listed.
- The baseline is the version in stage ``alias`` (default ``champion``), else the highest
  non-prerelease version.

Everything works in any clone that has the tags (``git fetch --tags``); nothing but the
``git`` CLI is needed. Every git call has a timeout; failures become ``RegistryError``.

Writers (``register``, ``promote``) hold an exclusive lock, ``mlci-registry.lock`` in the
repository's common git directory (shared by its worktrees, never committed), from
reading the tags to creating the new ones: two concurrent registers cannot both see a
commit free and put two versions on it, and concurrent promotes never race for a counter.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import ValidationError

from mlci.io.git import git_bytes, run_git
from mlci.registry.base import DEFAULT_ALIAS, Registry, sort_versions
from mlci.registry.errors import RegistryError, RegistryRemoteError
from mlci.registry.file import LOCK_TIMEOUT, file_lock
from mlci.registry.gto import (
    GTO_NAME,
    OTHER_TAG,
    STAGE_TAG,
    VERSION_TAG,
    stage_tag,
    version_tag,
    version_tag_message,
)
from mlci.registry.gto import MESSAGE_VERSION as _MESSAGE_VERSION
from mlci.registry.record import VersionRecord, json_int
from mlci.registry.semver import SemVer, is_semver, parse_semver

__all__ = ["GitRegistry", "GTO_NAME"]

_FIELDS = ("name", "type", "commit", "date", "tagger", "message")
_FORMAT = (
    "%00".join(
        [
            "%(refname:strip=2)",
            "%(objecttype)",
            "%(*objectname)",
            "%(taggerdate:unix)",
            "%(taggername)",
            "%(contents)",
        ]
    )
    + "%00"
)


@dataclass(frozen=True)
class _Tag:
    name: str
    kind: str  # register | deregister | assign | unassign | other
    commit: str
    date: int
    tagger: str
    message: str
    counter: int | None
    version: str | None = None
    stage: str | None = None


class GitRegistry(Registry):
    backend = "git"

    def __init__(
        self,
        model: str,
        repo: str | Path = ".",
        *,
        alias: str = DEFAULT_ALIAS,
        remote: str | None = None,
        timeout: float = 60.0,
        retry_delay: float = 1.0,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        super().__init__(model, alias=alias)
        for what, name in (("model name", model), ("stage", alias)):
            if not GTO_NAME.match(name):
                raise RegistryError(
                    f"{what} {name!r} is not a valid GTO name for the git registry "
                    "(lowercase letters, digits, '-' and '/'; starting and ending with a "
                    "letter or digit)"
                )
        self.repo = Path(repo)
        self.remote = remote
        self.timeout = timeout
        self.retry_delay = retry_delay  # before the 2nd and 3rd push attempts: x1, x2
        self.lock_timeout = lock_timeout
        self._checked = False

    def where(self) -> str:
        return f"git tags {self.model}@v* in {self.repo}"

    # --- git -------------------------------------------------------------------------------

    def _git(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
        return run_git(
            self.repo, *args, stdin=stdin, env=env, timeout=self.timeout, error=RegistryError
        ).stdout

    def _check_repo(self) -> None:
        if self._checked:
            return
        if not self.repo.is_dir():
            raise RegistryError("repository directory not found", path=self.repo)
        try:
            self._git("rev-parse", "--git-dir")
        except RegistryError:
            raise RegistryError(
                "not a git repository (registry backend 'git' keeps versions as git tags)",
                path=self.repo,
            ) from None
        self._checked = True

    def _tags(self) -> list[_Tag]:
        self._check_repo()
        out = self._git(
            "for-each-ref",
            f"--format={_FORMAT}",
            f"refs/tags/{self.model}@*",
            f"refs/tags/{self.model}#*",
        )
        tags = []
        for record in out.split("\0\n"):
            fields = record.split("\0")
            if len(fields) < len(_FIELDS):
                continue
            name, kind, commit, date, tagger, message = fields[: len(_FIELDS)]
            if kind != "tag" or not commit:
                continue  # GTO ignores lightweight tags too
            tag = _parse_name(self.model, name, commit, int(date or 0), tagger, message)
            if tag is not None:
                tags.append(tag)
        return sorted(tags, key=lambda t: (t.date, t.counter or 0))

    # --- reading ---------------------------------------------------------------------------

    def list_versions(self) -> list[VersionRecord]:
        tags = self._tags()
        gone = {t.version for t in tags if t.kind == "deregister"}
        return sort_versions(self._record(t) for t in tags if t.kind == "register" and t.version not in gone)

    def _record(self, tag: _Tag) -> VersionRecord:
        assert tag.version is not None
        data = _json_in(tag.message)
        if data is None:  # a tag made by GTO or by hand: no metrics, only lineage
            return VersionRecord(
                model=self.model,
                version=tag.version,
                commit=tag.commit,
                approved_by=tag.tagger or None,
                created_at=_iso(tag.date),
            )
        try:
            record = VersionRecord.model_validate({**data, "model": self.model})
        except ValidationError as exc:
            err = exc.errors()[0]
            key = ".".join(str(p) for p in err["loc"]) or None
            raise RegistryError(
                f"tag {tag.name}: the version record in its message is invalid: {err['msg']}",
                key=key,
            ) from None
        # The tag itself is the truth about which version and commit this is.
        return record.model_copy(update={"version": tag.version, "commit": tag.commit})

    def aliases(self) -> dict[str, str]:
        tags = self._tags()
        gone = {t.version for t in tags if t.kind == "deregister"}
        registered = [t for t in tags if t.kind == "register" and t.version not in gone]
        out: dict[str, str] = {}
        for tag in tags:  # in creation order: the latest assignment of a stage wins
            if tag.kind == "unassign" and tag.stage is not None:
                out.pop(tag.stage, None)
            elif tag.kind == "assign" and tag.stage is not None:
                version = _assigned_version(tag, registered)
                if version is None:
                    out.pop(tag.stage, None)
                else:
                    out[tag.stage] = version
        return out

    def baseline(self) -> VersionRecord | None:
        staged = self.aliases().get(self.alias)
        if staged is not None:
            return self.get(staged)
        releases = [r for r in self.list_versions() if not parse_semver(r.version).is_prerelease]
        return releases[-1] if releases else None

    def why_no_baseline(self) -> str:
        if self.list_versions():
            return (
                f"no baseline registered: stage '{self.alias}' is unassigned and every "
                "version is a prerelease"
            )
        return f"no baseline registered (no {self.model}@v* tags; run `git fetch --tags`?)"

    def artifact(self, version: str, name: str) -> Path | None:
        from mlci.io import sha256_file

        record = self.get(version)
        ref = record.artifacts.get(name)
        if ref is None:
            return None
        local = Path(ref.path) if Path(ref.path).is_absolute() else self.repo / ref.path
        if ref.sha256 is None:
            return None  # nothing to prove the file is the registered one
        if local.is_file() and sha256_file(local) == ref.sha256:
            return local
        if record.commit is None or Path(ref.path).is_absolute():
            return None
        # The file as committed at the version's commit, if it was committed.
        cache = self.repo / ".mlci" / "cache" / self.model / record.version / Path(ref.path).name
        if not cache.is_file():
            try:
                content = git_bytes(
                    self.repo,
                    "show",
                    f"{record.commit}:./{ref.path}",
                    timeout=self.timeout,
                    error=RegistryError,
                )
            except RegistryError:
                return None
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(content)
        return cache if sha256_file(cache) == ref.sha256 else None

    # --- writing ---------------------------------------------------------------------------

    def _identity(self) -> dict[str, str]:
        """A tagger identity for CI machines that have none configured."""
        env: dict[str, str] = {}
        for key, config, default in (
            ("GIT_COMMITTER_NAME", "user.name", "mlci"),
            ("GIT_COMMITTER_EMAIL", "user.email", "mlci@localhost"),
        ):
            if key in os.environ:
                continue
            try:
                configured = self._git("config", "--get", config).strip()
            except RegistryError:
                configured = ""
            if not configured:
                env[key] = default
        return env

    def _tag(self, name: str, commit: str, message: str) -> None:
        self._git(
            "tag",
            "-a",
            "--cleanup=verbatim",
            "-F",
            "-",
            name,
            commit,
            stdin=message,
            env=self._identity(),
        )
        if self.remote:
            self._push(name)

    def _push(self, name: str) -> None:
        last = ""
        for attempt in range(3):
            if attempt:
                time.sleep(self.retry_delay * 2 ** (attempt - 1))
            try:
                self._git("push", self.remote or "origin", f"refs/tags/{name}")
                return
            except RegistryError as exc:
                last = exc.message
        raise RegistryRemoteError(
            f"tag {name} was created but pushing it to '{self.remote}' failed: {last}",
            path=self.repo,
        )

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        self._check_repo()
        common = Path(self._git("rev-parse", "--git-common-dir").strip())
        common = common if common.is_absolute() else self.repo / common
        with file_lock(common / "mlci-registry.lock", self.lock_timeout):
            yield

    def register(self, record: VersionRecord, aliases: Iterable[str] = ()) -> VersionRecord:
        self._check_model(record)
        with self._write_lock():
            return self._register(record, aliases)

    def _register(self, record: VersionRecord, aliases: Iterable[str]) -> VersionRecord:
        wanted = SemVer.key(parse_semver(record.version))
        tags = self._tags()
        ref = record.commit or "HEAD"
        try:
            commit = self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
        except RegistryError:
            raise RegistryError(f"commit {ref!r} not found", path=self.repo) from None
        gone = {t.version for t in tags if t.kind == "deregister"}
        for existing in tags:
            if existing.kind != "register" or existing.version is None:
                continue
            if SemVer.key(parse_semver(existing.version)) == wanted:
                raise RegistryError(
                    f"version {record.version} of '{self.model}' is already registered (tag {existing.name})"
                )
            if existing.commit == commit and existing.version not in gone:
                # GTO refuses to read a registry with two versions on one commit.
                raise RegistryError(
                    f"commit {commit[:12]} already carries version {existing.version} of "
                    f"'{self.model}' (tag {existing.name}); GTO allows one version per "
                    "commit: commit first, or promote the existing version"
                )
        record = record.model_copy(update={"commit": commit})
        self._tag(version_tag(self.model, record.version), commit, version_tag_message(record))
        for alias in dict.fromkeys(aliases):
            self._promote(record.version, alias)
        return record

    def promote(self, version: str, alias: str | None = None) -> None:
        stage = alias or self.alias
        if not GTO_NAME.match(stage):
            raise RegistryError(f"stage {stage!r} is not a valid GTO name")
        with self._write_lock():
            self._promote(version, stage)

    def _promote(self, version: str, stage: str) -> None:
        """Assign ``stage`` to ``version``; the caller holds the write lock."""
        if not GTO_NAME.match(stage):
            raise RegistryError(f"stage {stage!r} is not a valid GTO name")
        record = self.get(version)
        if self.aliases().get(stage) == record.version:
            return  # already there: re-running a release is a no-op
        assert record.commit is not None
        for _ in range(5):
            counter = 1 + max((t.counter or 0 for t in self._tags()), default=0)
            name = stage_tag(self.model, stage, counter)
            message = (  # GTO's own wording
                f"Assigning stage {stage} to artifact {self.model} version v{record.version}\n"
            )
            try:
                self._tag(name, record.commit, message)
                return
            except RegistryError as exc:
                if "already exists" not in exc.message:
                    raise
                # Another writer took this counter: count again.
        raise RegistryError(f"could not create a stage tag for {stage}: counters keep colliding")


def _parse_name(model: str, name: str, commit: str, date: int, tagger: str, message: str) -> _Tag | None:
    if not name.startswith(model):
        return None
    rest = name[len(model) :]
    tag = _Tag(name, "other", commit, date, tagger, message, None)
    match = VERSION_TAG.match(rest)
    if match and is_semver(match["version"]):
        return replace(
            tag,
            kind="deregister" if match["cancel"] else "register",
            counter=int(match["n"]) if match["n"] else None,
            version=str(parse_semver(match["version"])),
        )
    match = STAGE_TAG.match(rest)
    if match:
        return replace(
            tag,
            kind="unassign" if match["cancel"] else "assign",
            counter=int(match["n"]) if match["n"] else None,
            stage=match["stage"],
        )
    match = OTHER_TAG.match(rest)
    if match:
        return replace(tag, counter=int(match["n"]) if match["n"] else None)
    return None


def _assigned_version(tag: _Tag, registered: list[_Tag]) -> str | None:
    """The version a stage tag assigns: named in its message, else the one at its commit."""
    known = {t.version for t in registered}
    named = _MESSAGE_VERSION.search(tag.message)
    if named and is_semver(named["version"]):
        version = str(parse_semver(named["version"]))
        if version in known:
            return version
    at_commit = [t.version for t in registered if t.commit == tag.commit and t.version]
    if not at_commit:
        return None
    return max(at_commit, key=lambda v: SemVer.key(parse_semver(v)))


def _json_in(message: str) -> dict[str, object] | None:
    """The JSON object in a tag message (after its subject line), if there is one."""
    start = 0 if message.startswith("{") else message.find("\n{") + 1
    if start == 0 and not message.startswith("{"):
        return None
    try:
        data, _ = json.JSONDecoder(parse_int=json_int).raw_decode(message, start)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _iso(timestamp: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat(timespec="seconds")
