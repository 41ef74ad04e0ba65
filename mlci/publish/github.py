"""One small GitHub REST client: a timeout on every call, bounded retries, pagination.

What it promises:

- every request carries a ``(connect, read)`` timeout;
- 5xx answers and connection errors are retried with exponential backoff; 403/429 rate
  limits wait for ``retry-after`` or ``x-ratelimit-reset`` (GitHub's documented rules);
- one call never takes longer than ``RetryPolicy.max_wait``: when the next wait would
  cross it, the call gives up with a one-line ``ServiceError`` (exit 3);
- the token is only sent to the API host (and GitHub's upload host) and never appears in
  any message or exception this module raises.
"""

from __future__ import annotations

import email.utils
import math
import os
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from mlci import __version__
from mlci.errors import ServiceError, UsageError

__all__ = [
    "API_VERSION",
    "GitHubClient",
    "GitHubError",
    "ReadOnlyError",
    "Reply",
    "RetryPolicy",
]

API_VERSION = "2022-11-28"
_READ_ONLY = "resource not accessible by integration"
# Shapes of GitHub tokens, redacted even when they are not the token this client holds.
_TOKEN_RE = re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b")


@dataclass(frozen=True)
class RetryPolicy:
    """How patient one API call is. Environment: MLCI_HTTP_TIMEOUT, _BACKOFF, _MAX_WAIT."""

    timeout: float = 30.0  # seconds to connect, and seconds between bytes read
    backoff: float = 1.0  # first wait after a 5xx / connection error; doubles each retry
    max_wait: float = 300.0  # total seconds one call may take, retries included
    max_attempts: int = 8

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetryPolicy:
        env = os.environ if environ is None else environ
        values: dict[str, float] = {}
        for name, attr in (
            ("TIMEOUT", "timeout"),
            ("BACKOFF", "backoff"),
            ("MAX_WAIT", "max_wait"),
        ):
            raw = env.get(f"MLCI_HTTP_{name}")
            if raw is None or raw == "":
                continue
            try:
                value = float(raw)
            except ValueError:
                value = -1.0
            if not (math.isfinite(value) and value >= 0) or (attr == "timeout" and value == 0):
                raise UsageError(f"MLCI_HTTP_{name} must be a positive number of seconds, got {raw!r}")
            values[attr] = value
        default = cls()
        return cls(
            timeout=values.get("timeout", default.timeout),
            backoff=values.get("backoff", default.backoff),
            max_wait=values.get("max_wait", default.max_wait),
        )

    @property
    def secondary_wait(self) -> float:
        # GitHub: without retry-after, wait at least a minute after a secondary rate limit.
        return 60.0 * self.backoff


class GitHubError(ServiceError):
    """GitHub answered with an error that retrying will not fix (exit 3)."""

    def __init__(self, message: str, *, status: int, method: str, path: str, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.method = method
        self.path = path
        self.code = code  # the first ``errors[].code`` GitHub gave, e.g. "already_exists"


class ReadOnlyError(GitHubError):
    """The token may not write here: a fork's pull request or a read-only token."""


@dataclass
class Reply:
    """A finished response: status, parsed JSON (or None), headers and pagination links."""

    status: int
    data: Any
    headers: Mapping[str, str]
    links: dict[str, str] = field(default_factory=dict)


def _redact(text: str, secret: str | None) -> str:
    if secret:
        text = text.replace(secret, "***")
    return _TOKEN_RE.sub("***", text)


def _retry_after(value: str) -> float | None:
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:  # the HTTP-date form
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _error_text(resp: requests.Response) -> tuple[str, str | None]:
    """GitHub's ``message`` (+ the first ``errors[]`` entry) or the HTTP reason."""
    try:
        data = resp.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return f"{resp.status_code} {resp.reason or ''}".strip(), None
    text = str(data.get("message") or resp.reason or "")
    code = None
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        code = str(first.get("code")) if first.get("code") else None
        detail = first.get("message") or " ".join(
            str(first[k]) for k in ("resource", "field", "code") if first.get(k)
        )
        if detail:
            text += f" ({detail})"
    return f"{resp.status_code} {text}".strip(), code


class GitHubClient:
    """Talks to ``api_url`` (GITHUB_API_URL; GitHub Enterprise Server works the same)."""

    def __init__(
        self,
        token: str | None,
        api_url: str = "https://api.github.com",
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._token = token or None
        self.api_url = api_url.rstrip("/")
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._session = requests.Session()
        self._session.headers.update(
            {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"mlci/{__version__}",
            }
        )
        api_host = urlsplit(self.api_url).netloc.lower()
        self._hosts = {api_host}
        if api_host == "api.github.com":
            self._hosts.add("uploads.github.com")

    def __repr__(self) -> str:  # never shows the token
        return f"GitHubClient(api_url={self.api_url!r})"

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    # -- requests ------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        accept: tuple[int, ...] = (200, 201, 204),
    ) -> Reply:
        """Send one call (retrying as the policy allows); a status outside ``accept`` raises."""
        url = self._url(path)
        shown = urlsplit(url).path
        extra = dict(headers or {})
        if self._token:
            extra["Authorization"] = f"Bearer {self._token}"
        policy = self.policy
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            wait: float | None
            try:
                resp = self._session.request(
                    method,
                    url,
                    json=json,
                    params=params,
                    data=data,
                    headers=extra,
                    timeout=(policy.timeout, policy.timeout),
                )
            except requests.Timeout:
                problem = f"no answer within {policy.timeout:g}s"
                wait = policy.backoff * 2 ** (attempt - 1)
            except requests.RequestException as exc:
                problem = f"connection failed ({type(exc).__name__})"
                wait = policy.backoff * 2 ** (attempt - 1)
            else:
                with resp:
                    wait, problem = self._should_retry(resp, attempt)
                    if wait is None:
                        return self._finish(resp, method, shown, accept)
            elapsed = time.monotonic() - started
            wait *= 1 + random.random() * 0.1  # jitter, so parallel jobs do not retry in step
            if attempt >= policy.max_attempts or elapsed + wait > policy.max_wait:
                over = elapsed + wait > policy.max_wait and wait >= 1
                hint = f"; the next try was due in {wait:.0f}s" if over else ""
                raise ServiceError(
                    self._clean(
                        f"GitHub API {method} {shown}: {problem}; gave up after {attempt} "
                        f"attempt(s) in {elapsed:.1f}s (limit {policy.max_wait:g}s){hint}"
                    )
                ) from None
            self._sleep(wait)

    def get(self, path: str, *, params: Mapping[str, Any] | None = None, missing_ok: bool = False) -> Any:
        """GET JSON; with ``missing_ok`` a 404 returns None."""
        reply = self.request("GET", path, params=params, accept=(200, 404) if missing_ok else (200,))
        return None if reply.status == 404 else reply.data

    def paginate(self, path: str, *, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """Every item of a list endpoint: ``per_page=100``, following ``Link: rel="next"``."""
        reply = self.request("GET", path, params={"per_page": 100, **(params or {})}, accept=(200,))
        while True:
            items = reply.data
            if isinstance(items, dict):  # e.g. {"total_count": n, "workflow_runs": [...]}
                items = next((v for v in items.values() if isinstance(v, list)), [])
            yield from items or []
            nxt = reply.links.get("next")
            if not nxt:
                return
            reply = self.request("GET", nxt, accept=(200,))

    # -- internals -----------------------------------------------------------------

    def _url(self, path: str) -> str:
        if not path.startswith(("http://", "https://")):
            return self.api_url + "/" + path.lstrip("/")
        # Absolute URLs come from GitHub (Link, upload_url); the token goes nowhere else.
        if urlsplit(path).netloc.lower() not in self._hosts:
            host = urlsplit(path).netloc
            raise ServiceError(f"GitHub API: refusing to send the token to another host ({host})")
        return path

    def _should_retry(self, resp: requests.Response, attempt: int) -> tuple[float | None, str]:
        status = resp.status_code
        policy = self.policy
        if status >= 500:
            return policy.backoff * 2 ** (attempt - 1), _error_text(resp)[0]
        if status not in (403, 429):
            return None, ""
        text, _ = _error_text(resp)
        retry_after = resp.headers.get("retry-after")
        if retry_after is not None and (wait := _retry_after(retry_after)) is not None:
            return wait, f"rate limited ({text}; retry-after {retry_after}s)"
        reset = resp.headers.get("x-ratelimit-reset")
        if resp.headers.get("x-ratelimit-remaining") == "0" and reset and reset.isdigit():
            # Clocks differ a little between GitHub and the runner: add one backoff step.
            wait = max(int(reset) - time.time(), 0.0) + policy.backoff
            return wait, f"rate limit exhausted ({text}; resets in {wait:.0f}s)"
        if status == 429 or "rate limit" in text.lower():
            return policy.secondary_wait * 2 ** (attempt - 1), f"rate limited ({text})"
        return None, ""

    def _finish(self, resp: requests.Response, method: str, shown: str, accept: tuple[int, ...]) -> Reply:
        status = resp.status_code
        if status in accept:
            body: Any = None
            if resp.content:
                try:
                    body = resp.json()
                except ValueError:
                    body = None
            links = {rel: link["url"] for rel, link in resp.links.items() if "url" in link}
            return Reply(status, body, dict(resp.headers), links)
        text, code = _error_text(resp)
        message = self._clean(f"GitHub API {method} {shown}: {text}")
        if status == 403 and _READ_ONLY in text.lower():
            message += (
                " (the token may not do this: comments need `pull-requests: write`, releases "
                "`contents: write`; pull requests from forks only ever get read access)"
            )
            raise ReadOnlyError(message, status=status, method=method, path=shown, code=code)
        if status == 401:
            message += " (check the token: GITHUB_TOKEN)"
        raise GitHubError(message, status=status, method=method, path=shown, code=code)

    def _clean(self, text: str) -> str:
        return _redact(text, self._token)[:500]
