"""The monitor issue's hidden state: written by mlci, read back, and never taken from elsewhere."""

from __future__ import annotations

import datetime as dt

from mlci.platforms.github.issues import MonitorState, state_line

MARK = "<!-- mlci:monitor/churn -->"
WHEN = dt.datetime(2026, 12, 1, 23, 0, tzinfo=dt.timezone.utc)


def test_round_trip() -> None:
    state = MonitorState().dispatched(WHEN)
    body = f"{MARK}\n{state_line(state)}\n\nreport text"
    assert MonitorState.from_body(body) == MonitorState(last_dispatch=WHEN, dispatches=1)


def test_only_the_second_line_counts() -> None:
    line = state_line(MonitorState().dispatched(WHEN))
    assert MonitorState.from_body(f"{MARK}\n\n{line}\n") == MonitorState()
    assert MonitorState.from_body(f"{MARK}\nreport mentions {line}\n") == MonitorState()


def test_garbage_state_is_no_state() -> None:
    for line in (
        '<!-- mlci-state: {"last_dispatch": "yesterday"} -->',
        '<!-- mlci-state: {"last_dispatch": "2026-12-01T23:00:00"} -->',  # no zone
        '<!-- mlci-state: {"dispatches": -3} -->',
        "<!-- mlci-state: [1, 2] -->",
        "<!-- mlci-state: {not json} -->",
    ):
        assert MonitorState.from_body(f"{MARK}\n{line}\n").last_dispatch is None, line
