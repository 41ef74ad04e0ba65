"""Push a report's metrics to a Prometheus Pushgateway: one ``PUT`` of the model's group.

``PUT /metrics/job/<job>/model/<model>`` replaces every metric of that group, so a column
that vanished from the data does not linger as a stale series (a ``POST`` would keep it).
Label values with a ``/`` (or empty ones) go in the path as ``<label>@base64/<value>``, the
Pushgateway's documented escape. Pushes carry no timestamps.

Credentials come from the environment and are never printed: ``MLCI_PUSHGATEWAY_TOKEN``
(``Authorization: Bearer``, for a gateway behind an authenticating proxy) or
``MLCI_PUSHGATEWAY_USERNAME`` / ``_PASSWORD`` (basic auth, the Pushgateway's own
``--web.config.file``), or ``user:password@`` in the URL.

Exit codes (DESIGN.md): unreachable, or 5xx after the shared session's retries: 3.
A 404/405 means the URL is not a Pushgateway's root (e.g. it already ends in ``/metrics``):
bad usage, exit 2. 400 (metrics refused, usually inconsistent with what the gateway already
holds from another pusher), 401/403 (credentials) and other 4xx: the service refused, exit 3.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from mlci.errors import ServiceError, UsageError

__all__ = ["CONTENT_TYPE", "PushResult", "Pushgateway", "group_path", "path_segment"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SERVICE = "Pushgateway"


def path_segment(label: str, value: str) -> str:
    """``label/value`` for the grouping path, base64 (URL-safe) when the value needs it."""
    if value == "" or "/" in value:
        encoded = base64.urlsafe_b64encode(value.encode("utf-8")).decode("ascii")
        return f"{label}@base64/{encoded or '='}"
    return f"{label}/{quote(value, safe='')}"


def group_path(job: str, model: str) -> str:
    return f"/metrics/{path_segment('job', job)}/{path_segment('model', model)}"


@dataclass(frozen=True)
class PushResult:
    url: str  # the group's URL, without credentials
    series: int  # samples pushed


def _split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """The URL without ``user:password@``, and the user and password it carried."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, None
    host = parts.hostname or ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return bare, unquote(parts.username or ""), unquote(parts.password or "")


def auth_from_env(
    url: str, environ: Mapping[str, str] | None = None
) -> tuple[str, dict[str, str], tuple[str, ...]]:
    """The bare URL, the Authorization header (if any) and the secrets to redact."""
    env = os.environ if environ is None else environ
    bare, url_user, url_password = _split_credentials(url)
    token = env.get("MLCI_PUSHGATEWAY_TOKEN") or None
    user = env.get("MLCI_PUSHGATEWAY_USERNAME") or url_user
    password = env.get("MLCI_PUSHGATEWAY_PASSWORD") or url_password
    if token and (user or password):
        raise UsageError("set MLCI_PUSHGATEWAY_TOKEN or MLCI_PUSHGATEWAY_USERNAME/_PASSWORD, not both")
    if password and not user:
        raise UsageError("MLCI_PUSHGATEWAY_PASSWORD is set but MLCI_PUSHGATEWAY_USERNAME is not")
    if token:
        return bare, {"Authorization": f"Bearer {token}"}, (token,)
    if user:
        raw = f"{user}:{password or ''}".encode()
        basic = base64.b64encode(raw).decode("ascii")
        return bare, {"Authorization": f"Basic {basic}"}, tuple(s for s in (password, basic) if s)
    return bare, {}, ()


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(
            f"--pushgateway must be an http(s) URL such as http://pushgateway:9091, got {url!r}",
            key="pushgateway",
        )
    if parts.query or parts.fragment:
        raise UsageError("--pushgateway must not carry a query or fragment", key="pushgateway")
    return url.rstrip("/")


class Pushgateway:
    """One Pushgateway at ``url`` (its root: the group path is appended to it)."""

    def __init__(self, url: str, *, environ: Mapping[str, str] | None = None) -> None:
        from mlci.io.http import HttpSession, RetryPolicy

        bare, headers, secrets = auth_from_env(url, environ)
        self.url = check_url(bare)
        self._session = HttpSession(
            self.url,
            service=SERVICE,
            headers=headers,
            secrets=secrets,
            policy=RetryPolicy.from_env(environ),
        )

    def __enter__(self) -> Pushgateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def replace_group(self, job: str, model: str, exposition: str) -> PushResult:
        """``PUT`` the exposition as the whole group ``job/<job>/model/<model>``."""
        if not job:
            raise UsageError("--job must not be empty", key="job")
        path = group_path(job, model)
        # Accept every 4xx so the gateway's own (plain-text) reason reaches the message;
        # 5xx and connection errors are retried by the session and end in exit 3.
        reply = self._session.request(
            "PUT",
            path,
            data=exposition.encode("utf-8"),
            headers={"Content-Type": CONTENT_TYPE},
            accept=tuple(range(200, 500)),
        )
        if reply.status >= 300:
            self._refused(reply.status, path, reply.text)
        series = sum(1 for line in exposition.splitlines() if line and not line.startswith("#"))
        return PushResult(self.url + path, series)

    def _refused(self, status: int, path: str, body: str) -> None:
        reason = " ".join(body.split())[:300] or "no reason given"
        where = f"{SERVICE} PUT {path}: {status} {reason}"
        if status in (404, 405):
            raise UsageError(
                self._session.clean(
                    f"{where} (is {self.url} the Pushgateway's root URL? give it without /metrics)"
                ),
                key="pushgateway",
            )
        if status in (401, 403):
            where += " (check MLCI_PUSHGATEWAY_USERNAME/_PASSWORD or MLCI_PUSHGATEWAY_TOKEN)"
        elif status == 400:
            where += " (the gateway refused the metrics; another pusher may use the same names differently)"
        raise ServiceError(self._session.clean(where))
