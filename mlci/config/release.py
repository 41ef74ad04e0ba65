"""The ``release:`` section of mlci.yml: when ``mlci release`` may ship, and what it attaches.

```yaml
release:
  approval:
    gates_passed: true          # the report has gates and none failed (default)
    review: true                # an approving review on the PR that produced the commit
    labels: [release-approved]  # ... and/or one of these labels on that PR
  model_file: out/model.pkl     # attached to the GitHub Release (optional)
  assets: [out/model_card.md]   # more files to attach
  prerelease: false
```
"""

from __future__ import annotations

from pydantic import Field

from mlci.config.base import StrictModel

__all__ = ["ApprovalConfig", "ReleaseConfig"]


class ApprovalConfig(StrictModel):
    gates_passed: bool = True
    review: bool = False
    labels: list[str] = Field(default_factory=list)


class ReleaseConfig(StrictModel):
    approval: ApprovalConfig = Field(default_factory=ApprovalConfig)
    model_file: str | None = None
    assets: list[str] = Field(default_factory=list)
    prerelease: bool = False
