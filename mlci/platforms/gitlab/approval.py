"""The merge request that produced a commit, its labels and approvals (for ``release.approval``)."""

from __future__ import annotations

from typing import Any

from mlci.platforms.base import ChangeFacts
from mlci.platforms.gitlab.client import GitLabClient

__all__ = ["merge_request_facts"]


def _producing(mrs: list[dict[str, Any]], sha: str) -> dict[str, Any] | None:
    # Prefer the MR merged (or squashed) as this very commit, then one whose head is it.
    for mr in mrs:
        if sha in (mr.get("merge_commit_sha"), mr.get("squash_commit_sha")) and mr.get("state") == "merged":
            return mr
    for mr in mrs:
        if mr.get("sha") == sha:
            return mr
    return mrs[0] if mrs else None


def merge_request_facts(client: GitLabClient, project: str, sha: str) -> ChangeFacts | None:
    """Labels and current approvals of the merge request that produced ``sha``, if any."""
    base = f"/projects/{project}"
    mrs = [
        m for m in client.paginate(f"{base}/repository/commits/{sha}/merge_requests") if isinstance(m, dict)
    ]
    mr = _producing(mrs, sha)
    if mr is None:
        return None
    iid = int(mr["iid"])
    approvals = client.get_json(f"{base}/merge_requests/{iid}/approvals")
    approved = []
    for entry in (approvals or {}).get("approved_by") or []:
        user = entry.get("user") if isinstance(entry, dict) else None
        if isinstance(user, dict) and user.get("username"):
            approved.append(str(user["username"]))
    labels = tuple(str(label) for label in mr.get("labels") or [])
    return ChangeFacts(iid, labels, tuple(sorted(approved)))
