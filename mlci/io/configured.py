"""Datasets named in mlci.yml: where they are, and opening them confined to the repository.

``datasets.<name>.path`` may be a file, a directory, a glob or a URL. A local one
(``file://`` included) is resolved against mlci.yml and must stay inside the repository
(``mlci.config.paths``): the path or glob itself, and then every partition found under
it, after symlinks, so a symlinked file cannot lead a pull request's mlci.yml outside.
A remote URL is not a local path and is used as written; it is shown redacted.
"""

from __future__ import annotations

from pathlib import Path

from mlci.config.paths import confine
from mlci.config.project import ProjectConfig
from mlci.io.dataset import open_data
from mlci.io.locations import is_url, local_path, redact_url
from mlci.io.readers import DataSource

__all__ = ["dataset_location", "open_configured", "shown_location"]


def dataset_location(config: ProjectConfig, written: str) -> str | Path:
    """A remote URL as written; a local path, directory or glob resolved and confined."""
    if is_url(written):
        return written
    return config.resolve(local_path(written))


def open_configured(config: ProjectConfig, written: str) -> DataSource:
    """Open a dataset from mlci.yml, refusing any partition that resolves outside."""
    return open_data(dataset_location(config, written), allow=lambda path: confine(path, config.root))


def shown_location(written: str) -> str:
    """How a dataset location is shown in reports: a URL without its credentials."""
    return redact_url(written) if is_url(written) else written
