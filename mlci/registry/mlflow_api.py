"""The MLflow REST API calls mlci makes (``/api/2.0/mlflow/...``), over the shared HTTP session.

No ``mlflow`` package is needed. Errors are mapped here, at the boundary:

- a registered model, version or run the server does not have is ``None`` for the
  caller, which knows whether that is the user's mistake (exit 2);
- anything else -- a 5xx after retries, a server that is down, an answer that is not
  MLflow's JSON (an HTML login page, a wrong URL) -- is one ``ServiceError`` line (exit 3).

Credentials come from MLflow's own variables: ``MLFLOW_TRACKING_TOKEN`` (bearer) or
``MLFLOW_TRACKING_USERNAME`` / ``MLFLOW_TRACKING_PASSWORD`` (basic). They go only to the
tracking server and are redacted from every message, also when a server echoes them.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import quote, urlsplit

from mlci.errors import ConfigError, ServiceError
from mlci.io.http import HttpError, HttpSession, Reply, RetryPolicy

if TYPE_CHECKING:
    import requests

__all__ = ["API", "MlflowApi", "credentials", "tracking_uri"]

API = "/api/2.0/mlflow"
ENV_URI = "MLFLOW_TRACKING_URI"
_MISSING = ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE")
_PAGE = 1000  # model versions per search page (MLflow allows up to 10,000)
_MAX_PAGES = 100


def tracking_uri(configured: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The tracking server: ``registry.tracking_uri``, else ``$MLFLOW_TRACKING_URI`` (exit 2 if none)."""
    env = os.environ if environ is None else environ
    uri = (configured or env.get(ENV_URI) or "").strip()
    key = "registry.tracking_uri"
    if not uri:
        raise ConfigError(
            f"no MLflow tracking server: set registry.tracking_uri in mlci.yml or {ENV_URI}", key=key
        )
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"tracking URI {uri!r} is not an http(s) URL: mlci talks to an MLflow tracking "
            "server over its REST API (start one with `mlflow server`)",
            key=key,
        )
    return uri.rstrip("/")


def credentials(environ: Mapping[str, str] | None = None) -> tuple[dict[str, str], tuple[str, ...]]:
    """The ``Authorization`` header MLflow's client would send, and the secrets to redact."""
    env = os.environ if environ is None else environ
    token = env.get("MLFLOW_TRACKING_TOKEN")
    if token:
        return {"Authorization": f"Bearer {token}"}, (token,)
    user, password = env.get("MLFLOW_TRACKING_USERNAME"), env.get("MLFLOW_TRACKING_PASSWORD")
    if user and password:
        basic = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {basic}"}, (password, basic)
    return {}, ()


class _MlflowSession(HttpSession):
    """MLflow's error bodies carry ``error_code`` and ``message``; refusals get a hint."""

    def raise_error(
        self, resp: requests.Response, data: Any, method: str, shown: str, text: str, code: str | None
    ) -> NoReturn:
        if resp.status_code in (401, 403):
            text += " (check MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/_PASSWORD)"
        elif not isinstance(data, dict):  # not MLflow's JSON error: a proxy, a wrong URL
            text += f", not MLflow's JSON: is {self.base_url} an MLflow tracking server?"
        super().raise_error(resp, data, method, shown, text, code)


def _is_missing(exc: HttpError) -> bool:
    """MLflow's own 'no such thing' answer (its JSON error code), not any 404 page."""
    return exc.status in (400, 404) and exc.code in _MISSING


class MlflowApi:
    """One MLflow tracking server. Every method answers MLflow's JSON objects as dicts."""

    def __init__(self, session: HttpSession) -> None:
        self.session = session
        self.base_url = session.base_url

    @classmethod
    def open(cls, configured_uri: str | None = None, environ: Mapping[str, str] | None = None) -> MlflowApi:
        uri = tracking_uri(configured_uri, environ)
        headers, secrets = credentials(environ)
        session = _MlflowSession(
            uri, service="MLflow", headers=headers, secrets=secrets, policy=RetryPolicy.from_env(environ)
        )
        return cls(session)

    def close(self) -> None:
        self.session.close()

    # --- plumbing ----------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> Reply:
        reply = self.session.request(method, path, accept=(200,), **kwargs)
        if not isinstance(reply.data, dict):
            kind = reply.headers.get("content-type", "no content type").split(";")[0]
            raise ServiceError(
                self.session.clean(
                    f"MLflow {method} {path}: answered {kind}, not MLflow's JSON: "
                    f"is {self.base_url} an MLflow tracking server?"
                )
            )
        return reply

    def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        data: dict[str, Any] = self._call(method, API + path, **kwargs).data
        return data

    def _lookup(self, path: str, params: Mapping[str, str], field: str) -> dict[str, Any] | None:
        """GET one object; None when MLflow says it does not exist."""
        try:
            data = self._json("GET", path, params=params)
        except HttpError as exc:
            if _is_missing(exc):
                return None
            raise
        found = data.get(field)
        return found if isinstance(found, dict) else None

    # --- registered models -------------------------------------------------------------------

    def registered_model(self, name: str) -> dict[str, Any] | None:
        return self._lookup("/registered-models/get", {"name": name}, "registered_model")

    def registered_model_names(self, limit: int = 100) -> list[str]:
        data = self._json("GET", "/registered-models/search", params={"max_results": str(limit)})
        return [str(m.get("name")) for m in data.get("registered_models") or [] if isinstance(m, dict)]

    def create_registered_model(self, name: str) -> bool:
        """Create the model; False when it already existed."""
        try:
            self._json("POST", "/registered-models/create", json={"name": name})
        except HttpError as exc:
            if exc.code == "RESOURCE_ALREADY_EXISTS":
                return False
            raise
        return True

    def set_alias(self, name: str, alias: str, version: str) -> None:
        self._json(
            "POST", "/registered-models/alias", json={"name": name, "alias": alias, "version": version}
        )

    # --- model versions ----------------------------------------------------------------------

    def model_versions(self, name: str) -> list[dict[str, Any]]:
        """Every version of ``name``, ascending by MLflow's number."""
        escaped = name.replace("\\", "\\\\").replace("'", "\\'")
        params = {"filter": f"name='{escaped}'", "max_results": str(_PAGE)}
        found: list[dict[str, Any]] = []
        for _ in range(_MAX_PAGES):
            data = self._json("GET", "/model-versions/search", params=params)
            found += [v for v in data.get("model_versions") or [] if isinstance(v, dict)]
            token = data.get("next_page_token")
            if not token:
                break
            params = {**params, "page_token": str(token)}
        return sorted(found, key=lambda v: int(str(v.get("version", "0"))))

    def model_version(self, name: str, version: str) -> dict[str, Any] | None:
        return self._lookup("/model-versions/get", {"name": name, "version": version}, "model_version")

    def create_model_version(
        self, name: str, *, source: str, run_id: str, tags: Mapping[str, str], description: str | None
    ) -> dict[str, Any]:
        # The tags travel with the create call, so a version never exists without them.
        body: dict[str, Any] = {
            "name": name,
            "source": source,
            "run_id": run_id,
            "tags": [{"key": k, "value": v} for k, v in tags.items()],
        }
        if description:
            body["description"] = description
        created: dict[str, Any] = self._json("POST", "/model-versions/create", json=body)["model_version"]
        return created

    def set_version_tag(self, name: str, version: str, key: str, value: str) -> None:
        body = {"name": name, "version": version, "key": key, "value": value}
        self._json("POST", "/model-versions/set-tag", json=body)

    # --- runs and their artifacts ------------------------------------------------------------

    def run(self, run_id: str) -> dict[str, Any] | None:
        return self._lookup("/runs/get", {"run_id": run_id}, "run")

    def artifacts(self, run_id: str, path: str | None = None) -> list[dict[str, Any]]:
        params = {"run_id": run_id, **({"path": path} if path else {})}
        data = self._json("GET", "/artifacts/list", params=params)
        return [f for f in data.get("files") or [] if isinstance(f, dict)]

    def download_artifact(self, run_id: str, path: str) -> bytes:
        # The server reads the artifact store for us, whatever it is (local, proxied, S3).
        reply = self.session.request("GET", "/get-artifact", params={"path": path, "run_uuid": run_id})
        return reply.content

    def upload_artifact(self, artifact_uri: str, path: str, content: bytes) -> bool:
        """Store a run artifact through the server's artifact proxy; False when the run's
        artifacts are not proxied (``mlflow-artifacts:`` URIs only)."""
        prefix = "mlflow-artifacts:"
        if not artifact_uri.startswith(prefix):
            return False
        where = artifact_uri[len(prefix) :].lstrip("/").rstrip("/")
        target = quote(f"{where}/{path}", safe="/")
        self.session.request("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{target}", data=content)
        return True
