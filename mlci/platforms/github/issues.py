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

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from typing import Any

from mlci.errors import InputError
from mlci.platforms.github.client import GitHubClient, GitHubError
from mlci.platforms.github.comments import marker
from mlci.platforms.github.dispatch import refusal

__all__ = ["ISSUE_LIMIT", "LABEL", "Issue", "MonitorState", "StickyIssue", "state_line"]

LABEL = "mlci-monitor"
ISSUE_LIMIT = 65_536  # GitHub's limit on an issue body, as for comments
_STATE_RE = re.compile(r"^<!-- mlci-state: (\{[^<>\n]*\}) -->$")


def _utc(text: object) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


@dataclass(frozen=True)
class MonitorState:
    """What one scheduled run tells the next."""

    last_dispatch: dt.datetime | None = None
    dispatches: int = 0

    def dispatched(self, when: dt.datetime) -> MonitorState:
        return replace(self, last_dispatch=when, dispatches=self.dispatches + 1)

    def to_json(self) -> str:
        data: dict[str, Any] = {"dispatches": self.dispatches}
        if self.last_dispatch is not None:
            data["last_dispatch"] = self.last_dispatch.astimezone(dt.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            )
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_body(cls, body: str) -> MonitorState:
        lines = body.split("\n", 2)
        match = _STATE_RE.match(lines[1].rstrip("\r")) if len(lines) > 1 else None
        if match is None:
            return cls()
        try:
            data = json.loads(match.group(1))
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        count = data.get("dispatches")
        return cls(
            last_dispatch=_utc(data.get("last_dispatch")),
            dispatches=count if isinstance(count, int) and count >= 0 else 0,
        )


def state_line(state: MonitorState) -> str:
    return f"<!-- mlci-state: {state.to_json()} -->"


@dataclass(frozen=True)
class Issue:
    number: int
    url: str
    state: str  # open | closed
    body: str

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def monitor_state(self) -> MonitorState:
        return MonitorState.from_body(self.body)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Issue:
        return cls(
            number=int(data["number"]),
            url=str(data.get("html_url") or ""),
            state=str(data.get("state") or "open"),
            body=str(data.get("body") or ""),
        )


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
        return Issue.from_api(best)

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
        return Issue.from_api(reply.data)

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
        return Issue.from_api(reply.data)

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
