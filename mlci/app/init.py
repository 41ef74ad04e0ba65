"""Scaffolding a project (``mlci init``): mlci.yml, a schema inferred from data, the CI file.

The CI file is the GitHub pull-request workflow, or with ``platform="gitlab"`` a
``.gitlab-ci.yml`` that includes mlci's CI/CD component (templates/check.yml).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from mlci import __version__
from mlci.errors import UsageError

__all__ = ["ACTION", "COMPONENT", "GITLAB_CI_PATH", "WORKFLOW_PATH", "InitPlatform", "Scaffolded", "scaffold"]

# The action users paste into their workflows; the major tag follows the package's version.
ACTION = f"mlci-dev/mlci@v{__version__.split('.')[0]}"
WORKFLOW_PATH = Path(".github") / "workflows" / "mlci.yml"
# The CI/CD component users include on GitLab (the catalog's address of templates/check.yml),
# on the same major version; $CI_SERVER_FQDN is the GitLab instance the pipeline runs on.
COMPONENT = f"$CI_SERVER_FQDN/mlci-dev/mlci/check@{__version__.split('.')[0]}"
GITLAB_CI_PATH = Path(".gitlab-ci.yml")

InitPlatform = Literal["github", "gitlab"]


@dataclass(frozen=True)
class _Dataset:
    name: str
    path: str  # relative to DIR, with forward slashes


def _yaml_scalar(value: str) -> str:
    """``value`` as one YAML scalar (quoted only when YAML needs it)."""
    import yaml

    text: str = yaml.safe_dump(value, default_style=None, width=10_000).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def _relative(path: Path, root: Path) -> str:
    try:
        rel = os.path.relpath(path.resolve(), root.resolve())
    except ValueError:  # another drive on Windows
        rel = str(path.resolve())
    return PurePosixPath(Path(rel)).as_posix()


def _git_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _datasets(data: tuple[Path, ...], root: Path) -> list[_Dataset]:
    seen: dict[str, int] = {}
    out = []
    for path in data:
        stem = path.name.split(".")[0] or "data"
        seen[stem] = seen.get(stem, 0) + 1
        name = stem if seen[stem] == 1 else f"{stem}_{seen[stem]}"
        out.append(_Dataset(name, _relative(path, root)))
    return out


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror}", path=path) from None


@dataclass(frozen=True)
class Scaffolded:
    path: Path
    overwrote: bool


ProgressFactory = Callable[[str, "int | None"], Callable[[int], None]]


def scaffold(
    directory: Path,
    data: tuple[Path, ...],
    *,
    workflow: bool,
    force: bool,
    platform: InitPlatform = "github",
    progress: ProgressFactory,
    warn: Callable[[str], None],
) -> list[Scaffolded]:
    """Write the project's files; refuses (exit 2) to overwrite any without ``force``.

    ``workflow`` writes the CI file at the git root: the GitHub workflow, or for
    ``platform="gitlab"`` the ``.gitlab-ci.yml``.
    """
    from mlci.render.templates import render_template

    directory.mkdir(parents=True, exist_ok=True)
    repo_root = _git_root(directory.resolve()) or directory.resolve()
    workdir = _relative(directory, repo_root)
    datasets = _datasets(data, directory)
    for path in data:
        if not path.resolve().is_relative_to(repo_root):
            warn(f"{path} is outside {repo_root}: CI will not find it")
    targets = [directory / "mlci.yml"]
    if data:
        targets.append(directory / "schema.yml")
    ci_path = repo_root / (GITLAB_CI_PATH if platform == "gitlab" else WORKFLOW_PATH)
    if workflow:
        targets.append(ci_path)
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise UsageError("already exists (use --force to overwrite)", path=existing[0])

    schema_text = _infer(data[0], progress) if data else None
    files = {
        targets[0]: render_template(
            "init/mlci.yml.j2",
            datasets=[(_yaml_scalar(d.name), _yaml_scalar(d.path)) for d in datasets],
            schema="schema.yml" if data else None,
            drift=[_yaml_scalar(d.name) for d in datasets[:2]] if len(datasets) > 1 else None,
        )
    }
    if schema_text is not None:
        files[directory / "schema.yml"] = schema_text
    if workflow and platform == "gitlab":
        files[ci_path] = render_template(
            "init/gitlab-ci.yml.j2",
            component=COMPONENT,
            config=None if workdir == "." else _yaml_scalar(f"{workdir}/mlci.yml"),
        )
    elif workflow:
        files[ci_path] = render_template(
            "init/workflow.yml.j2",
            action=ACTION,
            working_directory=None if workdir == "." else _yaml_scalar(workdir),
        )
    done = []
    for path, text in files.items():
        _write(path, text)
        done.append(Scaffolded(path, path in existing))
    return done


def _infer(path: Path, progress_for: ProgressFactory) -> str:
    from mlci.checks.infer import infer_schema
    from mlci.config.schema import dump_schema
    from mlci.io import open_source

    source = open_source(path)
    inferred = infer_schema(source, progress=progress_for(f"inferring {source.path}", source.total_rows))
    today = dt.date.today().isoformat()
    name = " ".join(path.name.split())  # a comment line must stay one line
    header = f"# Inferred by `mlci init` from {name} on {today}. Review before committing.\n"
    return header + dump_schema(inferred)
