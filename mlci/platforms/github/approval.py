"""May this commit be released? The report must have passed, and the policy in mlci.yml hold.

The policy (``release.approval``) can ask that the gates passed, that the pull request
which produced the commit has an approving review, and/or carries one of some labels.
The pull request is found from the commit through the API (``commits/{sha}/pulls``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlci.config.release import ApprovalConfig
from mlci.platforms.github.client import GitHubClient
from mlci.report.model import Report

__all__ = ["PullRequestFacts", "approval_problems", "pull_request_facts"]


@dataclass(frozen=True)
class PullRequestFacts:
    number: int
    labels: tuple[str, ...] = ()
    approved_by: tuple[str, ...] = field(default=())


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


def needs_pull_request(policy: ApprovalConfig) -> bool:
    return policy.review or bool(policy.labels)


def approval_problems(
    report: Report, policy: ApprovalConfig, facts: PullRequestFacts | None, *, sha: str
) -> list[str]:
    """Why the release is refused; empty when it may go ahead."""
    problems = []
    if report.status != "passed":
        problems.append("the report did not pass")
    if policy.gates_passed:
        if report.gates is None:
            problems.append(
                "the report has no gates (run `mlci check` with gates, or set "
                "release.approval.gates_passed: false)"
            )
        elif report.gates.status == "failed":
            failed = [g.metric for g in report.gates.results if g.status == "failed"]
            problems.append("gates failed: " + ", ".join(failed or ["(unknown)"]))
    if needs_pull_request(policy):
        if facts is None:
            problems.append(f"no pull request produced commit {sha[:12]}, so nobody approved it")
        else:
            if policy.review and not facts.approved_by:
                problems.append(f"pull request #{facts.number} has no approving review")
            if policy.labels and not set(policy.labels) & set(facts.labels):
                wanted = ", ".join(policy.labels)
                problems.append(f"pull request #{facts.number} has none of the labels: {wanted}")
    return problems
