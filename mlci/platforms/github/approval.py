"""The pull request that produced a commit, its labels and approvals (for ``release.approval``).

The pull request is found from the commit through the API (``commits/{sha}/pulls``); the
policy itself is ``mlci.app.approval``.
"""

from __future__ import annotations

from typing import Any

from mlci.platforms.base import ChangeFacts
from mlci.platforms.github.client import GitHubClient

__all__ = ["PullRequestFacts", "pull_request_facts"]


# The GitHub name for the platform-neutral facts about the change that made a commit.
PullRequestFacts = ChangeFacts


def _producing_pull(pulls: list[dict[str, Any]], sha: str) -> dict[str, Any] | None:
    # Prefer the PR merged as this very commit, then one whose head is the commit.
    for pull in pulls:
        if pull.get("merge_commit_sha") == sha and pull.get("merged_at"):
            return pull
    for pull in pulls:
        if (pull.get("head") or {}).get("sha") == sha:
            return pull
    return pulls[0] if pulls else None


def pull_request_facts(client: GitHubClient, repo: str, sha: str) -> PullRequestFacts | None:
    """Labels and current approvals of the pull request that produced ``sha``, if any."""
    pulls = [p for p in client.paginate(f"/repos/{repo}/commits/{sha}/pulls") if isinstance(p, dict)]
    pull = _producing_pull(pulls, sha)
    if pull is None:
        return None
    number = int(pull["number"])
    latest: dict[str, str] = {}
    for review in client.paginate(f"/repos/{repo}/pulls/{number}/reviews"):
        login = (review.get("user") or {}).get("login")
        state = review.get("state")
        # A later COMMENTED review does not withdraw an approval; CHANGES_REQUESTED and
        # DISMISSED do.
        if login and state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[login] = state
    labels = tuple(str(label.get("name")) for label in pull.get("labels") or [] if isinstance(label, dict))
    approved = tuple(sorted(login for login, state in latest.items() if state == "APPROVED"))
    return PullRequestFacts(number, labels, approved)
