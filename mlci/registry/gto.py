"""The tag grammar DVC's GTO reads, in one pure module (no git calls).

- ``<model>@v<semver>`` registers a version; ``<model>@v<semver>!`` deregisters it;
- ``<model>#<stage>#<n>`` assigns a stage, ``<model>#<stage>!#<n>`` unassigns it;
- ``<model>@deprecated`` / ``@created`` (with an optional ``#<n>``) are GTO's other events.
The tag message of a registration is a one-line subject (GTO's wording), then mlci's
``VersionRecord`` as JSON, so a tag read back is the same version record.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlci.registry.record import VersionRecord

__all__ = [
    "GTO_NAME",
    "MESSAGE_VERSION",
    "OTHER_TAG",
    "STAGE_TAG",
    "VERSION_TAG",
    "stage_tag",
    "version_tag",
    "version_tag_message",
]

# GTO's artifact and stage names: lowercase letters, digits, '-' and '/'.
GTO_NAME = re.compile(r"^[a-z0-9]([a-z0-9-/]*[a-z0-9])?$")
_SEMVER = r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?"
# What follows the model name in a tag.
VERSION_TAG = re.compile(rf"^@v(?P<version>{_SEMVER})(?P<cancel>!)?(?:#(?P<n>\d+))?$")
STAGE_TAG = re.compile(r"^#(?P<stage>[a-z0-9](?:[a-z0-9-/]*[a-z0-9])?)(?P<cancel>!)?(?:#(?P<n>\d+))?$")
OTHER_TAG = re.compile(r"^@(?:deprecated|created)(?:#(?P<n>\d+))?$")
MESSAGE_VERSION = re.compile(rf"version '?v?(?P<version>{_SEMVER})'?")


def version_tag(model: str, version: str) -> str:
    """GTO's name for a registered version."""
    return f"{model}@v{version}"


def stage_tag(model: str, stage: str, counter: int, *, cancel: bool = False) -> str:
    """GTO's name for a stage assignment (``cancel``: an unassignment)."""
    return f"{model}#{stage}{'!' if cancel else ''}#{counter}"


def version_tag_message(record: VersionRecord) -> str:
    """The message of a registration tag: GTO's subject, then the record as JSON, so a tag
    made through an API reads back as the same version record."""
    subject = f"Registering artifact {record.model} version v{record.version}"
    return f"{subject}\n\n{record.model_dump_json(indent=2)}\n"
