"""The GitHub REST client: GitHub's headers, errors and rate limits over the one HTTP session.

``mlci.io.http.HttpSession`` gives every call its timeout, retries, total deadline,
redaction and loop-safe pagination; this module adds what is GitHub's own: the API
version header, ``403`` secondary and primary rate limits (GitHub's documented rules),
the read-only token of a fork's pull request, and the token going only to the API host
(and GitHub's upload host).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from mlci.io.http import HttpError, HttpSession, Reply, RetryPolicy, retry_after_seconds

if TYPE_CHECKING:
    import requests

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


class GitHubError(HttpError):
    """GitHub answered with an error that retrying will not fix (exit 3)."""


class ReadOnlyError(GitHubError):
    """The token may not write here: a fork's pull request or a read-only token."""


class GitHubClient(HttpSession):
    """Talks to ``api_url`` (GITHUB_API_URL; GitHub Enterprise Server works the same)."""

    def __init__(
        self,
        token: str | None,
        api_url: str = "https://api.github.com",
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        token = token or None
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        uploads = ("uploads.github.com",) if "//api.github.com" in api_url.lower() else ()
        super().__init__(
            api_url,
            service="GitHub API",
            headers=headers,
            secrets=(token,),
            trusted_hosts=uploads,
            policy=policy,
            sleep=sleep,
        )
        self.api_url = self.base_url

    def get(self, path: str, *, params: Mapping[str, Any] | None = None, missing_ok: bool = False) -> Any:
        """GET JSON; with ``missing_ok`` a 404 returns None."""
        return self.get_json(path, params=params, missing_ok=missing_ok)

    def paginate(self, path: str, *, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """Every item of a list endpoint: ``per_page=100``, following ``Link: rel="next"``."""
        for reply in self.follow_pages(path, params={"per_page": 100, **(params or {})}):
            items = reply.data
            if isinstance(items, dict):  # e.g. {"total_count": n, "workflow_runs": [...]}
                items = next((v for v in items.values() if isinstance(v, list)), [])
            yield from items or []

    # -- GitHub's own rules ----------------------------------------------------------

    def error_text(self, resp: requests.Response, data: Any) -> tuple[str, str | None]:
        """GitHub's ``message`` (+ the first ``errors[]`` entry) or the HTTP reason."""
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

    def retry_wait(self, resp: requests.Response, content: bytes, attempt: int) -> tuple[float | None, str]:
        status = resp.status_code
        if status != 403:
            return super().retry_wait(resp, content, attempt)
        from mlci.io.http import _json

        policy = self.policy
        text, _ = self.error_text(resp, _json(content))
        retry_after = resp.headers.get("retry-after")
        if retry_after is not None and (wait := retry_after_seconds(retry_after)) is not None:
            return wait, f"rate limited ({text}; retry-after {retry_after}s)"
        reset = resp.headers.get("x-ratelimit-reset")
        if resp.headers.get("x-ratelimit-remaining") == "0" and reset and reset.isdigit():
            # Clocks differ a little between GitHub and the runner: add one backoff step.
            wait = max(int(reset) - time.time(), 0.0) + policy.backoff
            return wait, f"rate limit exhausted ({text}; resets in {wait:.0f}s)"
        if "rate limit" in text.lower():
            return policy.secondary_wait * 2 ** (attempt - 1), f"rate limited ({text})"
        return None, ""

    def raise_error(
        self, resp: requests.Response, data: Any, method: str, shown: str, text: str, code: str | None
    ) -> NoReturn:
        status = resp.status_code
        message = self.clean(f"{self.service} {method} {shown}: {text}")
        if status == 403 and _READ_ONLY in text.lower():
            message += (
                " (the token may not do this: comments need `pull-requests: write`, releases "
                "`contents: write`; pull requests from forks only ever get read access)"
            )
            raise ReadOnlyError(message, status=status, method=method, url_path=shown, code=code, data=data)
        if status == 401:
            message += " (check the token: GITHUB_TOKEN)"
        raise GitHubError(message, status=status, method=method, url_path=shown, code=code, data=data)
