"""The monitor's sticky issue, whatever the platform: its hidden state and the store protocol.

The issue body's second line is ``<!-- mlci-state: {...} -->``: what one scheduled run tells
the next (the time of the last retraining dispatch), kept on the platform, not on the
ephemeral runner.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace
from typing import Any, Protocol

__all__ = ["Issue", "IssueStore", "MonitorState", "state_line"]

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


class IssueStore(Protocol):
    """The one issue carrying a marker (``mark``) in a repository or project."""

    mark: str

    def find(self) -> Issue | None: ...

    def create(self, title: str, body: str, labels: list[str]) -> Issue: ...

    def update(
        self, issue: Issue, *, body: str, title: str | None = None, state: str | None = None
    ) -> Issue: ...
