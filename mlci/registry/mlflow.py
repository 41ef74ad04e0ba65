"""The ``mlflow`` registry: MLflow's Model Registry, over its REST API (no ``mlflow`` package).

- The baseline is the model version carrying the alias (``champion`` by default).
- A version's record: its ``mlci.*`` tags (``mlflow_records``) over its run's metrics
  and params. A version MLflow registered alone is a full baseline whose version is
  MLflow's number ("3").
- ``get("1.2.0")`` finds the version tagged ``mlci.version = 1.2.0``; ``get("3")`` is
  MLflow's version 3.
- ``register`` creates a version from ``runs:/<run_id>/<artifact_path>`` with every tag
  in the one create call, then assigns the aliases. Re-running it completes what is
  missing (the model, tags, aliases) and never creates a second version for one semver.
- ``artifact(version, "predictions")``: the version's run artifact ``predictions.csv``
  (or ``.parquet`` / ``.jsonl``, at the artifact root or under ``mlci/``), checked
  against the sha256 recorded in the tag ``mlci.artifact.predictions`` when there is one.
"""

from __future__ import annotations

import difflib
import shutil
import tempfile
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mlci.registry.base import DEFAULT_ALIAS, Registry
from mlci.registry.errors import RegistryError
from mlci.registry.mlflow_api import MlflowApi
from mlci.registry.mlflow_records import VERSION_TAG, record_from_mlflow, record_tags, tag_map
from mlci.registry.record import VersionRecord
from mlci.registry.semver import is_semver, parse_semver

__all__ = ["MlflowRegistry", "PREDICTION_ARTIFACTS"]

# Run artifacts holding a version's per-example predictions, first found wins.
PREDICTION_ARTIFACTS = tuple(
    f"{folder}predictions.{ext}" for folder in ("", "mlci/") for ext in ("csv", "parquet", "jsonl")
)


class MlflowRegistry(Registry):
    backend = "mlflow"

    def __init__(
        self,
        model: str,
        api: MlflowApi,
        *,
        root: str | Path = ".",
        alias: str = DEFAULT_ALIAS,
        artifact_path: str = "model",
    ) -> None:
        super().__init__(model, alias=alias)
        self.api = api
        self.root = Path(root)  # relative artifact paths are resolved against this
        self.artifact_path = artifact_path.strip("/")
        self._runs: dict[str, dict[str, Any] | None] = {}
        self._downloads: Path | None = None
        weakref.finalize(self, api.close)

    def where(self) -> str:
        return f"{self.api.base_url}/#/models/{quote(self.model, safe='')}"

    # --- reading ---------------------------------------------------------------------------

    def _registered(self) -> dict[str, Any]:
        found = self.api.registered_model(self.model)
        if found is None:
            names = self.api.registered_model_names()
            close = difflib.get_close_matches(self.model, names, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            known = ", ".join(sorted(names)[:10]) or "none"
            raise RegistryError(
                f"MLflow at {self.api.base_url} has no registered model '{self.model}'{hint}; "
                f"registered models: {known}. Check model.name in mlci.yml, or register a first "
                "version (mlci registry register --version 1.0.0 --metrics runs:/<run_id> --alias champion)",
                key="model.name",
            )
        return found

    def _run(self, run_id: str | None) -> dict[str, Any] | None:
        if not run_id:
            return None
        if run_id not in self._runs:
            self._runs[run_id] = self.api.run(run_id)
        return self._runs[run_id]

    def _record(self, version: dict[str, Any], why: str = "", *, strict: bool = True) -> VersionRecord:
        """The version's record; ``strict``: its run must exist (the baseline's metrics)."""
        run_id = str(version.get("run_id") or "") or None
        if not strict and VERSION_TAG in tag_map(version.get("tags")):
            return record_from_mlflow(self.model, version, None)  # mlci's tags hold its metrics
        run = self._run(run_id)
        if strict and run_id and run is None:
            raise RegistryError(
                f"MLflow model '{self.model}' version {version.get('version')}{why} was registered "
                f"from run {run_id}, which the server does not have (deleted?): its metrics are gone"
            )
        return record_from_mlflow(self.model, version, run)

    def list_versions(self) -> list[VersionRecord]:
        self._registered()
        # One runs/get per version MLflow registered alone; a version whose run is gone is
        # still listed (the baseline's run must exist, see baseline()).
        return [self._record(v, strict=False) for v in self.api.model_versions(self.model)]

    def _alias_numbers(self) -> dict[str, str]:
        entries = self._registered().get("aliases") or []
        return {
            str(e["alias"]): str(e["version"])
            for e in entries
            if isinstance(e, dict) and "alias" in e and "version" in e
        }

    def aliases(self) -> dict[str, str]:
        versions = {str(v.get("version")): v for v in self.api.model_versions(self.model)}
        out = {}
        for alias, number in self._alias_numbers().items():
            found = versions.get(number)
            semver = tag_map(found.get("tags")).get(VERSION_TAG) if found else None
            out[alias] = str(parse_semver(semver)) if semver and is_semver(semver) else number
        return out

    def baseline(self) -> VersionRecord | None:
        number = self._alias_numbers().get(self.alias)
        if number is None:
            return None
        version = self.api.model_version(self.model, number)
        if version is None:  # the alias names a version that is gone
            raise RegistryError(
                f"alias '{self.alias}' of MLflow model '{self.model}' points to version {number}, "
                "which does not exist"
            )
        return self._record(version, f" ('{self.alias}')")

    def why_no_baseline(self) -> str:
        aliases = self._alias_numbers()
        count = len(self.api.model_versions(self.model))
        if count == 0:
            return f"no baseline registered: MLflow model '{self.model}' has no versions yet"
        others = ", ".join(f"{a} → {v}" for a, v in sorted(aliases.items()))
        return (
            f"no baseline registered: none of the {count} versions of MLflow model '{self.model}' "
            f"carries the alias '{self.alias}'" + (f" (its aliases: {others})" if others else "")
        )

    def _find(self, version: str) -> dict[str, Any] | None:
        """The MLflow version a version string names: MLflow's number, or the mlci semver."""
        wanted = version.strip()
        if wanted.isdecimal():
            self._registered()
            return self.api.model_version(self.model, str(int(wanted)))
        try:
            semver = str(parse_semver(wanted))
        except ValueError as exc:
            raise RegistryError(f"{exc} or an MLflow version number") from None
        self._registered()
        matches = [
            v
            for v in self.api.model_versions(self.model)
            if (tag := tag_map(v.get("tags")).get(VERSION_TAG))
            and is_semver(tag)
            and str(parse_semver(tag)) == semver
        ]
        return matches[0] if matches else None

    def get(self, version: str) -> VersionRecord:
        found = self._find(version)
        if found is None:
            known = ", ".join(r.version for r in self.list_versions()[-10:]) or "none registered yet"
            raise RegistryError(
                f"MLflow model '{self.model}' has no version {version} (known: {known})", path=self.where()
            )
        return self._record(found)

    def artifact(self, version: str, name: str) -> Path | None:
        from mlci.io import sha256_file

        record = self.get(version)
        if record.run_id is None or self._run(record.run_id) is None:
            return None
        ref = record.artifacts.get(name)
        stored = ref.stored if ref is not None else None
        wanted = ([stored] if stored else []) + [p.replace("predictions", name) for p in PREDICTION_ARTIFACTS]
        root = self.api.artifacts(record.run_id)
        listed = {str(f.get("path")) for f in root if not f.get("is_dir")}
        if any(str(f.get("path")) == "mlci" and f.get("is_dir") for f in root):
            listed |= {str(f.get("path")) for f in self.api.artifacts(record.run_id, "mlci")}
        found = next((p for p in wanted if p in listed), None)
        if found is None:
            return None
        target = self._download_dir() / record.run_id / found
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(self.api.download_artifact(record.run_id, found))
        if ref is not None and found == stored and ref.sha256 and sha256_file(target) != ref.sha256:
            raise RegistryError(
                f"run artifact {found} of MLflow model '{self.model}' version {record.version} was "
                f"modified after it was registered (its sha256 differs from mlci.artifact.{name})"
            )
        return target

    def _download_dir(self) -> Path:
        if self._downloads is None:
            self._downloads = Path(tempfile.mkdtemp(prefix="mlci-mlflow-"))
            weakref.finalize(self, shutil.rmtree, self._downloads, True)
        return self._downloads

    # --- writing ---------------------------------------------------------------------------

    def register(self, record: VersionRecord, aliases: Iterable[str] = ()) -> VersionRecord:
        self._check_model(record)
        run_id = record.run_id
        if not run_id:
            raise RegistryError(
                "the mlflow registry registers a run's model: name the candidate run "
                "(--metrics runs:/<run_id>, model.metrics: runs:/<run_id>, or MLFLOW_RUN_ID)"
            )
        if self._run(run_id) is None:
            raise RegistryError(f"MLflow has no run {run_id} to register", key="run_id")
        self.api.create_registered_model(self.model)
        existing = self._find(record.version)
        if existing is None:
            record = self._upload(record, run_id)
            existing = self.api.create_model_version(
                self.model,
                source=f"runs:/{run_id}/{self.artifact_path}",
                run_id=run_id,
                tags=record_tags(record),
                description=record.description,
            )
        else:
            self._complete(existing, run_id, record_tags(record))
        number = str(existing["version"])
        current = self._alias_numbers()
        for alias in dict.fromkeys(aliases):
            if current.get(alias) != number:
                self.api.set_alias(self.model, alias, number)
        return self._record(self.api.model_version(self.model, number) or existing)

    def _upload(self, record: VersionRecord, run_id: str) -> VersionRecord:
        """Keep the version's files (predictions) as run artifacts under ``mlci/``, when the
        server proxies the run's artifacts; else they are recorded by path and hash only."""
        from mlci.io import sha256_file

        run = self._run(run_id) or {}
        artifact_uri = str(run.get("info", {}).get("artifact_uri") or "")
        stored = {}
        for name, ref in record.artifacts.items():
            source = Path(ref.path)
            source = source if source.is_absolute() else self.root / source
            if not source.is_file():
                raise RegistryError(f"artifact {name!r} not found", path=source)
            target = (
                f"mlci/{name}{''.join(source.suffixes[-2:]) if source.suffix == '.gz' else source.suffix}"
            )
            kept = self.api.upload_artifact(artifact_uri, target, source.read_bytes())
            stored[name] = ref.model_copy(
                update={"sha256": sha256_file(source), "stored": target if kept else None}
            )
        return record.model_copy(update={"artifacts": stored})

    def _complete(self, version: dict[str, Any], run_id: str, tags: dict[str, str]) -> None:
        """A previous run registered this semver: refuse another run, add missing tags."""
        number = str(version["version"])
        if str(version.get("run_id") or "") != run_id:
            raise RegistryError(
                f"version {tags[VERSION_TAG]} of MLflow model '{self.model}' is already registered "
                f"(MLflow version {number}, run {version.get('run_id') or '-'}), not from run {run_id}"
            )
        have = tag_map(version.get("tags"))
        for key, value in tags.items():
            if key not in have:  # never rewrite what was registered; only fill the gaps
                self.api.set_version_tag(self.model, number, key, value)

    def promote(self, version: str, alias: str | None = None) -> None:
        found = self._find(version)
        if found is None:
            self.get(version)  # raises the error that lists the known versions
            return
        name = alias or self.alias
        number = str(found["version"])
        if self._alias_numbers().get(name) != number:
            self.api.set_alias(self.model, name, number)
