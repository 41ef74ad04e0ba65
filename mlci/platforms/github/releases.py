"""A GitHub Release for a model version: annotated tag, ref, release, assets. Idempotent.

Each step first looks for what a previous run may have left, and only creates what is
missing, so a re-run after a failure completes the release and a re-run after success
changes nothing. A tag that already points at another commit is refused (exit 1): a
version names one commit, forever.

The tag is an annotated tag ``<model>@v<version>`` made through the git data API (a tag
object, then ``refs/tags/...``), the form DVC's GTO reads as a registered version.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mlci.errors import InputError, ReleaseRefused
from mlci.platforms.base import Asset, ReleaseOutcome, ReleaseSpec
from mlci.platforms.github.client import GitHubClient, GitHubError
from mlci.platforms.github.limits import fit_markdown

__all__ = [
    "RELEASE_BODY_LIMIT",
    "Asset",
    "ReleaseOutcome",
    "ReleaseRefused",
    "ReleaseSpec",
    "ensure_assets",
    "ensure_release",
    "ensure_tag",
    "publish_release",
    "remote_tag_commit",
]

RELEASE_BODY_LIMIT = 125_000  # characters GitHub accepts in a release body


def _q(name: str) -> str:
    return quote(name, safe="@/+")


def _tagged_commit(client: GitHubClient, repo: str, ref: dict[str, Any]) -> str:
    """The commit a tag ref points at, through annotated tag objects."""
    obj = ref.get("object") or {}
    for _ in range(5):  # a tag of a tag of ... a commit
        if obj.get("type") != "tag":
            break
        tag = client.get(f"/repos/{repo}/git/tags/{obj['sha']}")
        obj = tag.get("object") or {}
    return str(obj.get("sha", ""))


def _check_same_commit(client: GitHubClient, repo: str, tag: str, sha: str, ref: dict[str, Any]) -> None:
    commit = _tagged_commit(client, repo, ref)
    if commit != sha:
        raise ReleaseRefused(
            f"tag {tag} already exists on commit {commit[:12]}, not on {sha[:12]}: "
            "a version names one commit; release a new version instead"
        )


def remote_tag_commit(client: GitHubClient, repo: str, tag: str) -> str | None:
    """The commit tag ``tag`` points at on GitHub, or None when there is no such tag."""
    ref = client.get(f"/repos/{repo}/git/ref/tags/{_q(tag)}", missing_ok=True)
    return None if ref is None else _tagged_commit(client, repo, ref)


def ensure_tag(
    client: GitHubClient,
    repo: str,
    tag: str,
    sha: str,
    message: str,
    tagger: dict[str, str] | None = None,
) -> bool:
    """Create the annotated tag unless it exists on this commit; True when created."""
    ref_path = f"/repos/{repo}/git/ref/tags/{_q(tag)}"
    ref = client.get(ref_path, missing_ok=True)
    if ref is not None:
        _check_same_commit(client, repo, tag, sha, ref)
        return False
    body: dict[str, Any] = {"tag": tag, "message": message, "object": sha, "type": "commit"}
    if tagger:
        body["tagger"] = tagger
    tag_object = client.request("POST", f"/repos/{repo}/git/tags", json=body, accept=(201,)).data
    try:
        client.request(
            "POST",
            f"/repos/{repo}/git/refs",
            json={"ref": f"refs/tags/{tag}", "sha": tag_object["sha"]},
            accept=(201,),
        )
    except GitHubError as exc:
        # "Reference already exists": another run (or our own retried request) made it.
        if exc.status != 422 or (ref := client.get(ref_path, missing_ok=True)) is None:
            raise
        _check_same_commit(client, repo, tag, sha, ref)
        return False
    return True


def find_release(client: GitHubClient, repo: str, tag: str) -> dict[str, Any] | None:
    found = client.get(f"/repos/{repo}/releases/tags/{_q(tag)}", missing_ok=True)
    if found is not None:
        return dict(found)
    for release in client.paginate(f"/repos/{repo}/releases"):  # drafts are not found by tag
        if release.get("tag_name") == tag:
            return dict(release)
    return None


def ensure_release(client: GitHubClient, repo: str, spec: ReleaseSpec) -> tuple[dict[str, Any], bool]:
    """The release for the tag, created unless one exists (drafts included)."""
    existing = find_release(client, repo, spec.tag)
    if existing is not None:
        return existing, False
    note = "> [!NOTE]\n> The release notes were cut to fit GitHub's limit; see the report asset."
    body = fit_markdown(spec.body, RELEASE_BODY_LIMIT, note=note)
    try:
        reply = client.request(
            "POST",
            f"/repos/{repo}/releases",
            json={
                "tag_name": spec.tag,
                "name": spec.name,
                "body": body,
                "draft": False,
                "prerelease": spec.prerelease,
            },
            accept=(201,),
        )
    except GitHubError as exc:
        if exc.status == 422 and exc.code == "already_exists":
            raced = find_release(client, repo, spec.tag)
            if raced is not None:
                return raced, False
        raise
    return dict(reply.data), True


def _assets(client: GitHubClient, repo: str, release_id: int) -> dict[str, dict[str, Any]]:
    listed = client.paginate(f"/repos/{repo}/releases/{release_id}/assets")
    return {a["name"]: a for a in listed}


def ensure_assets(
    client: GitHubClient,
    repo: str,
    release: dict[str, Any],
    assets: tuple[Asset, ...],
    outcome: ReleaseOutcome,
) -> None:
    """Upload each asset the release lacks; an upload that died midway is replaced."""
    upload_url = str(release["upload_url"]).split("{", 1)[0]
    current = _assets(client, repo, release["id"])
    for asset in assets:
        try:
            data = asset.path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read release asset: {exc.strerror}", path=asset.path) from None
        for _ in range(3):
            have = current.get(asset.name)
            if have is not None and have.get("state") == "uploaded":
                outcome.already_there.append(asset.name)
                if have.get("size") != len(data):
                    outcome.differs.append(asset.name)
                break
            if have is not None:  # state "starter": a broken earlier upload holds the name
                client.request("DELETE", f"/repos/{repo}/releases/assets/{have['id']}", accept=(204, 404))
            try:
                client.request(
                    "POST",
                    upload_url,
                    params={"name": asset.name},
                    data=data,
                    headers={"Content-Type": asset.content_type},
                    accept=(201,),
                )
            except GitHubError as exc:
                if exc.status != 422:
                    raise
                current = _assets(client, repo, release["id"])  # someone holds the name: look again
                continue
            outcome.uploaded.append(asset.name)
            break
        else:
            raise GitHubError(
                f"GitHub API: could not upload release asset {asset.name} (the name stays taken)",
                status=422,
                method="POST",
                url_path=upload_url,
            )


def publish_release(client: GitHubClient, repo: str, spec: ReleaseSpec) -> ReleaseOutcome:
    """Tag, release and assets, each only if missing."""
    outcome = ReleaseOutcome()
    outcome.tag_created = ensure_tag(client, repo, spec.tag, spec.sha, spec.message, spec.tagger)
    release, outcome.release_created = ensure_release(client, repo, spec)
    outcome.release_url = str(release.get("html_url", ""))
    ensure_assets(client, repo, release, spec.assets, outcome)
    return outcome
