"""GitLab: merge-request notes, tags, releases and approvals over GitLab's REST API (v4)."""
