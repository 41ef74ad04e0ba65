"""Paths written in mlci.yml stay inside the repository that holds it.

A pull request can change mlci.yml, and mlci puts what it reads (column names, values)
into the PR comment, the job summary and the uploaded report. So a dataset, schema,
metrics, predictions or template path from mlci.yml must resolve, after every symlink on
the way, inside one of the allowed roots:

- the git repository holding mlci.yml (its directory when it is not in one);
- the CI workspace: ``GITHUB_WORKSPACE``, ``CI_PROJECT_DIR``;
- the folders in ``MLCI_DATA_ROOTS`` (separated by ``os.pathsep``), set by the workflow.

There is deliberately no mlci.yml key for this: the file a pull request controls must not
be able to widen its own reach. Nothing under a ``.git`` folder is read either (actions/
checkout keeps the job's token in ``.git/config``). A path typed on the command line is
the caller's own choice and is not checked.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from mlci.errors import ConfigError

__all__ = ["ROOTS_ENV", "allowed_roots", "confine", "repository_root"]

ROOTS_ENV = "MLCI_DATA_ROOTS"


def repository_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding ``.git``; ``start`` if there is none."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def allowed_roots(config_dir: Path, environ: Mapping[str, str] | None = None) -> list[Path]:
    env = os.environ if environ is None else environ
    roots = [repository_root(config_dir)]
    for name in ("GITHUB_WORKSPACE", "CI_PROJECT_DIR"):
        if env.get(name):
            roots.append(Path(env[name]).resolve())
    roots += [Path(p).resolve() for p in env.get(ROOTS_ENV, "").split(os.pathsep) if p.strip()]
    return roots


def confine(path: Path, config_dir: Path, environ: Mapping[str, str] | None = None) -> Path:
    """``path`` itself when it resolves inside an allowed root, else a ``ConfigError``."""
    real = path.resolve()
    roots = allowed_roots(config_dir, environ)
    inside = [root for root in roots if real.is_relative_to(root)]
    if not inside:
        where = ", ".join(str(r) for r in roots)
        via = f" (it resolves to {real})" if real != path.absolute() else ""
        raise ConfigError(
            f"path from mlci.yml leads outside the repository{via}: allowed are {where}; "
            f"add a folder to {ROOTS_ENV} in the workflow to widen this",
            path=path,
        )
    if any(".git" in real.relative_to(root).parts for root in inside):
        raise ConfigError("path from mlci.yml is inside a .git folder: refused", path=path)
    return path
