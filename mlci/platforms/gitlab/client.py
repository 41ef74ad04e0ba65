"""The GitLab REST client (v4): GitLab's auth header, errors and rate limits over the one HTTP
session (timeouts, retries, deadline, redaction, loop-safe pagination)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from mlci.io.http import HttpError, HttpSession, RetryPolicy

if TYPE_CHECKING:
    import requests

__all__ = ["GitLabClient", "GitLabError", "GitLabForbidden"]


class GitLabError(HttpError):
    """GitLab answered with an error that retrying will not fix (exit 3)."""


class GitLabForbidden(GitLabError):
    """The token may not do this: a job token, a read_api token, a role below Developer."""


class GitLabClient(HttpSession):
    """Talks to ``CI_API_V4_URL``; the token goes as ``PRIVATE-TOKEN`` (or ``JOB-TOKEN``)."""

    def __init__(
        self,
        api_url: str,
        *,
        token: str | None = None,
        job_token: str | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        headers = {"Accept": "application/json"}
        if token:
            headers["PRIVATE-TOKEN"] = token
        elif job_token:
            headers["JOB-TOKEN"] = job_token
        super().__init__(
            api_url,
            service="GitLab API",
            headers=headers,
            secrets=(token, job_token),
            policy=policy,
            sleep=sleep,
        )

    def paginate(self, path: str, *, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """Every item of a list endpoint: ``per_page=100``, following ``Link: rel="next"``."""
        for reply in self.follow_pages(path, params={"per_page": 100, **(params or {})}):
            yield from reply.data if isinstance(reply.data, list) else []

    def error_text(self, resp: requests.Response, data: Any) -> tuple[str, str | None]:
        """GitLab's ``message`` (a string or a field -> errors mapping) or ``error_description``."""
        status = f"{resp.status_code}"
        if not isinstance(data, dict):
            return f"{status} {resp.reason or ''}".strip(), None
        message = data.get("message")
        if isinstance(message, dict):
            message = "; ".join(
                f"{key} {', '.join(map(str, v)) if isinstance(v, list) else v}" for key, v in message.items()
            )
        text = str(message or data.get("error_description") or data.get("error") or resp.reason or "")
        # GitLab repeats the status inside its messages ("404 Not Found"): say it once.
        if text.startswith(status + " "):
            text = text[len(status) + 1 :]
        code = data.get("error") if isinstance(data.get("error"), str) else None
        return f"{status} {text}".strip(), code

    def raise_error(
        self, resp: requests.Response, data: Any, method: str, shown: str, text: str, code: str | None
    ) -> NoReturn:
        status = resp.status_code
        message = self.clean(f"{self.service} {method} {shown}: {text}")
        kind: type[GitLabError] = GitLabError
        if status in (401, 403) and (status == 403 or "JOB-TOKEN" in self._auth_headers):
            kind = GitLabForbidden
            message += (
                " (the token may not do this: notes, tags and releases need MLCI_GITLAB_TOKEN, a "
                "project access token with the api scope and the Developer role; CI_JOB_TOKEN cannot)"
            )
        elif status == 401:
            message += " (check the token: MLCI_GITLAB_TOKEN)"
        raise kind(message, status=status, method=method, url_path=shown, code=code, data=data)
