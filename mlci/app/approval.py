"""May this commit be released? The report must have passed, and the policy in mlci.yml hold.

The policy (``release.approval``) can ask that the gates passed, that the pull (merge)
request which produced the commit has an approving review, and/or carries one of some
labels; the platform supplies those facts (``Platform.change_facts``).
"""

from __future__ import annotations

from mlci.config.release import ApprovalConfig
from mlci.platforms.base import ChangeFacts
from mlci.report.model import Report

__all__ = ["approval_problems", "needs_pull_request"]


def needs_pull_request(policy: ApprovalConfig) -> bool:
    return policy.review or bool(policy.labels)


def approval_problems(
    report: Report, policy: ApprovalConfig, facts: ChangeFacts | None, *, sha: str
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
