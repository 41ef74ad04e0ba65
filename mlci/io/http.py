"""The one HTTP session every service client uses: GitHub, GitLab, MLflow, a Pushgateway.

What it promises, whatever the service:

- every request carries a ``(connect, read)`` timeout, and the whole call -- retries,
  waits and a body that arrives a byte at a time -- ends within ``RetryPolicy.max_wait``
  (plus at most one read timeout); bodies larger than ``max_body`` are refused;
- 5xx answers and connection errors are retried with exponential backoff and jitter;
  429 (and a service's own rate-limit answers, see ``retry_wait``) wait for
  ``retry-after`` / ``x-ratelimit-reset``; when the next wait would cross the budget the
  call gives up with one ``ServiceError`` line (exit 3);
- the default headers (credentials) go only to the base URL's host and the hosts named
  in ``trusted_hosts``; an absolute URL elsewhere is refused;
- every secret it was given (and anything shaped like a GitHub token) is redacted from
  every message it raises, also when a server echoes it back;
- a pagination walk (``follow_pages``) stops with exit 3 on a repeated page, a foreign
  next link or more than ``max_pages`` pages: it never loops.

Services differ in how they phrase errors and rate limits: a client subclasses
``HttpSession`` and overrides ``error_text``, ``retry_wait`` or ``raise_error``.
"""

from __future__ import annotations

import email.utils
import math
import os
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

from mlci import __version__
from mlci.errors import ServiceError, UsageError

if TYPE_CHECKING:
    import requests

__all__ = [
    "HttpError",
    "HttpSession",
    "Reply",
    "RetryPolicy",
    "redact",
]

# Shapes of GitHub and GitLab tokens, redacted even when they are not a secret we were given.
_TOKEN_RE = re.compile(
    r"\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_\-]{20,})\b"
)
_MAX_MESSAGE = 500


@dataclass(frozen=True)
class RetryPolicy:
    """How patient one call is. Environment: MLCI_HTTP_TIMEOUT, _BACKOFF, _MAX_WAIT."""

    timeout: float = 30.0  # seconds to connect, and seconds between bytes read
    backoff: float = 1.0  # first wait after a 5xx / connection error; doubles each retry
    max_wait: float = 300.0  # total seconds one call may take, retries and body included
    max_attempts: int = 8
    max_body: int = 64 * 1024 * 1024  # bytes; a larger answer is refused
    max_pages: int = 1000  # pages one pagination walk may read

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


class HttpError(ServiceError):
    """A service answered with an error that retrying will not fix (exit 3)."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        method: str,
        url_path: str,
        code: str | None = None,
        data: Any = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.method = method
        self.url_path = url_path
        self.code = code  # the service's own error code, e.g. "already_exists"
        self.data = data  # the parsed JSON body, when there was one


@dataclass
class Reply:
    """A finished response: status, parsed JSON (or None), body, headers and Link rels."""

    status: int
    data: Any
    headers: Mapping[str, str]
    links: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every secret (and every token-shaped string) replaced by ``***``."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "***")
    return _TOKEN_RE.sub("***", text)


def retry_after_seconds(value: str) -> float | None:
    """A ``retry-after`` header in seconds (both the delta and the HTTP-date form)."""
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying."""

    def __init__(self, wait: float, problem: str) -> None:
        super().__init__(problem)
        self.wait = wait
        self.problem = problem


class HttpSession:
    """Talks to one service at ``base_url``; paths are joined to it."""

    def __init__(
        self,
        base_url: str,
        *,
        service: str,
        headers: Mapping[str, str] | None = None,
        secrets: Iterable[str | None] = (),
        trusted_hosts: Iterable[str] = (),
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.service = service
        self.policy = policy or RetryPolicy()
        self._secrets = tuple(s for s in secrets if s)
        self._auth_headers = dict(headers or {})
        self._sleep = sleep
        self._session = requests.Session()
        self._session.headers["User-Agent"] = f"mlci/{__version__}"
        base = urlsplit(self.base_url)
        self._base_origin = (base.scheme.lower(), base.netloc.lower())
        self._hosts = {base.netloc.lower(), *(h.lower() for h in trusted_hosts)}

    def __repr__(self) -> str:  # never shows a credential
        return f"{type(self).__name__}({self.base_url!r})"

    def __enter__(self) -> HttpSession:
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
        data: bytes | str | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        accept: tuple[int, ...] = (200, 201, 204),
    ) -> Reply:
        """Send one call (retrying as the policy allows); a status outside ``accept`` raises."""
        import requests

        url = self.url_for(path)
        shown = urlsplit(url).path
        sent = {**self._auth_headers, **(headers or {})}
        policy = self.policy
        started = time.monotonic()
        deadline = started + policy.max_wait
        attempt = 0
        while True:
            attempt += 1
            try:
                resp = self._session.request(
                    method,
                    url,
                    json=json,
                    params=params,
                    data=data,
                    files=files,
                    headers=sent,
                    timeout=(policy.timeout, policy.timeout),
                    stream=True,
                )
                with resp:
                    content = self._read_body(resp, deadline, method, shown)
                    wait, problem = self.retry_wait(resp, content, attempt)
                    if wait is None:
                        return self._finish(resp, content, method, shown, accept)
            except requests.Timeout:
                wait, problem = policy.backoff * 2 ** (attempt - 1), f"no answer within {policy.timeout:g}s"
            except _Retry as retry:
                wait, problem = retry.wait, retry.problem
            except requests.RequestException as exc:
                wait = policy.backoff * 2 ** (attempt - 1)
                problem = f"connection failed ({type(exc).__name__})"
            elapsed = time.monotonic() - started
            wait *= 1 + random.random() * 0.1  # jitter, so parallel jobs do not retry in step
            if attempt >= policy.max_attempts or elapsed + wait > policy.max_wait:
                over = elapsed + wait > policy.max_wait and 1 <= wait < math.inf
                hint = f"; the next try was due in {wait:.0f}s" if over else ""
                raise ServiceError(
                    self.clean(
                        f"{self.service} {method} {shown}: {problem}; gave up after {attempt} "
                        f"attempt(s) in {elapsed:.1f}s (limit {policy.max_wait:g}s){hint}"
                    )
                ) from None
            self._sleep(wait)

    def get_json(
        self, path: str, *, params: Mapping[str, Any] | None = None, missing_ok: bool = False
    ) -> Any:
        """GET JSON; with ``missing_ok`` a 404 returns None."""
        reply = self.request("GET", path, params=params, accept=(200, 404) if missing_ok else (200,))
        return None if reply.status == 404 else reply.data

    def follow_pages(self, path: str, *, params: Mapping[str, Any] | None = None) -> Iterator[Reply]:
        """Every page of a list endpoint, following ``Link: rel="next"``, never in a loop."""
        reply = self.request("GET", path, params=params, accept=(200,))
        seen = {self._page_key(self.url_for(path), params)}
        pages = 1
        while True:
            yield reply
            nxt = reply.links.get("next")
            if not nxt:
                return
            key = self._page_key(self.url_for(nxt), None)
            if key in seen:
                raise ServiceError(
                    self.clean(f"{self.service} GET {urlsplit(nxt).path}: the next-page link repeats a page")
                )
            if pages >= self.policy.max_pages:
                raise ServiceError(
                    self.clean(f"{self.service} GET {urlsplit(nxt).path}: more than {pages} pages; stopped")
                )
            seen.add(key)
            pages += 1
            reply = self.request("GET", nxt, accept=(200,))

    # -- hooks a service overrides ---------------------------------------------------

    def error_text(self, resp: requests.Response, data: Any) -> tuple[str, str | None]:
        """``"<status> <message>"`` and the service's error code, from a JSON error body."""
        reason = f"{resp.status_code} {resp.reason or ''}".strip()
        if not isinstance(data, dict):
            return reason, None
        message = data.get("message") or data.get("error") or resp.reason or ""
        code = data.get("error_code") or data.get("code")
        return f"{resp.status_code} {message}".strip(), str(code) if code else None

    def retry_wait(self, resp: requests.Response, content: bytes, attempt: int) -> tuple[float | None, str]:
        """How long to wait before retrying this answer, or ``(None, "")`` to not retry."""
        status = resp.status_code
        policy = self.policy
        if status >= 500:
            return policy.backoff * 2 ** (attempt - 1), self.error_text(resp, _json(content))[0]
        if status != 429:
            return None, ""
        text = self.error_text(resp, _json(content))[0]
        retry_after = resp.headers.get("retry-after")
        if retry_after is not None and (wait := retry_after_seconds(retry_after)) is not None:
            return wait, f"rate limited ({text}; retry-after {retry_after}s)"
        reset = resp.headers.get("x-ratelimit-reset") or resp.headers.get("ratelimit-reset")
        if reset and reset.isdigit():
            # An epoch (GitHub) or a number of seconds (GitLab's RateLimit-Reset is an epoch too).
            seconds = int(reset) - time.time() if int(reset) > 1e9 else int(reset)
            return max(seconds, 0.0) + policy.backoff, f"rate limited ({text})"
        return policy.secondary_wait * 2 ** (attempt - 1), f"rate limited ({text})"

    def raise_error(
        self, resp: requests.Response, data: Any, method: str, shown: str, text: str, code: str | None
    ) -> NoReturn:
        """Raise the error for an answer outside ``accept``; a service adds its own hints."""
        raise HttpError(
            self.clean(f"{self.service} {method} {shown}: {text}"),
            status=resp.status_code,
            method=method,
            url_path=shown,
            code=code,
            data=data,
        )

    # -- helpers -------------------------------------------------------------------

    def url_for(self, path: str) -> str:
        """``path`` joined to the base URL; an absolute URL only on a trusted host."""
        if not path.startswith(("http://", "https://")):
            return self.base_url + "/" + path.lstrip("/")
        parts = urlsplit(path)
        if parts.netloc.lower() not in self._hosts:
            raise ServiceError(
                self.clean(f"{self.service}: refusing to send the token to another host ({parts.netloc})")
            )
        return path

    def clean(self, text: str) -> str:
        """A message fit to print: secrets redacted, one line, bounded."""
        text = redact(text, self._secrets).replace("\r", " ").replace("\n", " ")
        return text[:_MAX_MESSAGE]

    def _read_body(self, resp: requests.Response, deadline: float, method: str, shown: str) -> bytes:
        # read1 returns what one socket read gives, so a server that drips its body a
        # byte at a time is stopped at the deadline instead of holding each read open.
        raw = resp.raw
        limit = self.policy.max_body
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise _Retry(math.inf, f"the answer did not finish within {self.policy.max_wait:g}s")
            chunk = raw.read1(65536, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise ServiceError(
                    self.clean(f"{self.service} {method} {shown}: the answer is larger than {limit:,} bytes")
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _finish(
        self, resp: requests.Response, content: bytes, method: str, shown: str, accept: tuple[int, ...]
    ) -> Reply:
        data = _json(content)
        if resp.status_code in accept:
            links = {rel: link["url"] for rel, link in resp.links.items() if "url" in link}
            return Reply(resp.status_code, data, dict(resp.headers), links, content)
        text, code = self.error_text(resp, data)
        self.raise_error(resp, data, method, shown, text, code)

    def _page_key(self, url: str, params: Mapping[str, Any] | None) -> tuple[str, ...]:
        parts = urlsplit(url)
        extra = tuple(sorted(f"{k}={v}" for k, v in (params or {}).items()))
        return (parts.netloc.lower(), parts.path, parts.query, *extra)


def _json(content: bytes) -> Any:
    if not content:
        return None
    import json

    try:
        return json.loads(content)
    except ValueError:
        return None
