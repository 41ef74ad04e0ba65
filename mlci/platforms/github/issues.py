"""One sticky issue per key (``mlci monitor``: one per model), with state in a hidden marker.

The body starts with two lines that only mlci writes::

    <!-- mlci:monitor/churn -->
    <!-- mlci-state: {"dispatches": 1, "last_dispatch": "2026-12-01T23:00:00Z"} -->

The issue is found through the issues list filtered by the ``mlci-monitor`` label (every
page), never the search API, whose index lags behind writes: two scheduled runs a minute
apart must find the same issue. Only a body that *starts* with the marker counts, and with
an app token (GITHUB_TOKEN) only issues a bot wrote, so a person cannot forge the state
(say, a dispatch time that silences retraining). What must survive between scheduled runs
on ephemeral runners lives in that marker.
"""

from __future__ import annotations

from typing import Any

from mlci.errors import InputError
from mlci.platforms.github.client import GitHubClient, GitHubError
from mlci.platforms.github.comments import marker
from mlci.platforms.github.dispatch import refusal
from mlci.platforms.issues import Issue, MonitorState, state_line

__all__ = ["ISSUE_LIMIT", "LABEL", "Issue", "MonitorState", "StickyIssue", "state_line"]

LABEL = "mlci-monitor"
ISSUE_LIMIT = 65_536  # GitHub's limit on an issue body, as for comments


def _permission(exc: GitHubError) -> InputError:
    return InputError(
        f"{refusal(exc)} -- the job needs `permissions: issues: write` for the monitor issue",
        key="monitor.on_drift.issue",
    )


class StickyIssue:
    """The issue carrying ``marker(key)`` in ``repo``."""

    def __init__(self, client: GitHubClient, repo: str, key: str, *, bots_only: bool = False) -> None:
        self.client = client
        self.repo = repo
        self.mark = marker(key)
        self.bots_only = bots_only

    def _ours(self, item: Any) -> bool:
        if not isinstance(item, dict) or "pull_request" in item:  # the list holds PRs too
            return False
        body = item.get("body") or ""
        if not (isinstance(body, str) and (body == self.mark or body.startswith(self.mark + "\n"))):
            return False
        user = item.get("user")
        return not self.bots_only or (isinstance(user, dict) and user.get("type") == "Bot")

    def find(self) -> Issue | None:
        """The open issue, else the most recent closed one (reopened when drift returns)."""
        found = [
            item
            for item in self.client.paginate(
                f"/repos/{self.repo}/issues", params={"state": "all", "labels": LABEL}
            )
            if self._ours(item)
        ]
        if not found:
            return None
        best = max(found, key=lambda i: (i.get("state") == "open", int(i["number"])))
        return _issue(best)

    def create(self, title: str, body: str, labels: list[str]) -> Issue:
        try:
            reply = self.client.request(
                "POST",
                f"/repos/{self.repo}/issues",
                json={"title": title, "body": body, "labels": [LABEL, *labels]},
                accept=(201,),
            )
        except GitHubError as exc:
            if exc.status == 403:
                raise _permission(exc) from None
            raise
        return _issue(reply.data)

    def update(self, issue: Issue, *, body: str, title: str | None = None, state: str | None = None) -> Issue:
        payload: dict[str, Any] = {"body": body}
        if title is not None:
            payload["title"] = title
        if state is not None:
            payload["state"] = state
            payload["state_reason"] = "completed" if state == "closed" else "reopened"
        try:
            reply = self.client.request(
                "PATCH", f"/repos/{self.repo}/issues/{issue.number}", json=payload, accept=(200,)
            )
        except GitHubError as exc:
            if exc.status == 403:
                raise _permission(exc) from None
            raise
        return _issue(reply.data)

    def comment(self, issue: Issue, text: str) -> None:
        try:
            self.client.request(
                "POST",
                f"/repos/{self.repo}/issues/{issue.number}/comments",
                json={"body": text},
                accept=(201,),
            )
        except GitHubError as exc:
            if exc.status == 403:
                raise _permission(exc) from None
            raise


def _issue(data: dict[str, Any]) -> Issue:
    return Issue(
        number=int(data["number"]),
        url=str(data.get("html_url") or ""),
        state=str(data.get("state") or "open"),
        body=str(data.get("body") or ""),
    )
