"""``mlci init [DIR]``: scaffold mlci.yml, a schema inferred from data, and the PR workflow."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import click

from mlci import __version__
from mlci.cli._common import Progress, option
from mlci.errors import UsageError

__all__ = ["init", "ACTION", "WORKFLOW_PATH"]

# The action users paste into their workflows; the major tag follows the package's version.
ACTION = f"mlci-dev/mlci@v{__version__.split('.')[0]}"
WORKFLOW_PATH = Path(".github") / "workflows" / "mlci.yml"


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


# What `mlci check` and the file registry write that must not be committed.
GITIGNORE = ("mlci-report.json", ".mlci/registry/**/.lock")


def _ignore(path: Path, entries: tuple[str, ...]) -> list[str]:
    """Append the entries ``path`` lacks (once each, never twice); return those added."""
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read: {exc}", path=path) from None
    present = {line.strip().lstrip("/") for line in text.splitlines()}
    missing = [e for e in entries if e.lstrip("/") not in present]
    if missing:
        head = "" if not text or text.endswith("\n") else "\n"
        block = "# mlci: the report each run writes, and the file registry's lock\n" + "\n".join(missing)
        _write(path, text + head + ("\n" if text else "") + block + "\n")
    return missing


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror}", path=path) from None


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path), metavar="[DIR]")
@option(
    "--data",
    env="DATA",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A dataset to check (repeatable). The first one's schema is inferred into "
    "schema.yml; with two, the second is checked for drift against the first.",
)
@option(
    "--workflow/--no-workflow",
    env="WORKFLOW",
    default=True,
    show_default=True,
    help="Also write the pull-request workflow (.github/workflows/mlci.yml at the git root).",
)
@option("--force", env="FORCE", is_flag=True, help="Overwrite files that already exist.")
def init(directory: Path, data: tuple[Path, ...], workflow: bool, force: bool) -> None:
    """Scaffold mlci in DIR (default: the current directory).

    Writes mlci.yml, schema.yml inferred from the first --data file, and a GitHub
    workflow that runs the checks on every pull request and posts the report as a
    comment. Existing files are never overwritten without --force. .gitignore gains
    mlci-report.json and the registry's lock file (only the lines it lacks).

    \b
    Examples:
      mlci init --data data/train.csv --data data/current.csv
      mlci init services/churn --data services/churn/data/train.parquet

    Exits 0 when the files are written, 2 when one exists (without --force) or a
    dataset cannot be read.
    """
    from mlci.render.templates import render_template

    directory.mkdir(parents=True, exist_ok=True)
    repo_root = _git_root(directory.resolve()) or directory.resolve()
    workdir = _relative(directory, repo_root)
    datasets = _datasets(data, directory)
    for path in data:
        if not path.resolve().is_relative_to(repo_root):
            click.echo(f"warning: {path} is outside {repo_root}: CI will not find it", err=True)
    targets = [directory / "mlci.yml"]
    if data:
        targets.append(directory / "schema.yml")
    if workflow:
        targets.append(repo_root / WORKFLOW_PATH)
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise UsageError("already exists (use --force to overwrite)", path=existing[0])

    schema_text = _infer(data[0]) if data else None
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
    if workflow:
        files[repo_root / WORKFLOW_PATH] = render_template(
            "init/workflow.yml.j2",
            action=ACTION,
            working_directory=None if workdir == "." else _yaml_scalar(workdir),
        )
    for path, text in files.items():
        _write(path, text)
        click.echo(f"{'overwrote' if path in existing else 'created'} {path}")
    ignored = _ignore(directory / ".gitignore", GITIGNORE)
    if ignored:
        click.echo(f"added {', '.join(ignored)} to {directory / '.gitignore'}")
    click.echo(
        "next: review schema.yml, run `mlci check`, then commit and open a pull request"
        if data
        else "next: add your datasets to mlci.yml (or re-run with --data), then `mlci check`"
    )


def _infer(path: Path) -> str:
    from mlci.checks.infer import infer_schema
    from mlci.config.schema import dump_schema
    from mlci.io import open_source

    source = open_source(path)
    progress = Progress(f"inferring {source.path}", source.total_rows)
    inferred = infer_schema(source, progress=progress)
    progress.done()
    today = dt.date.today().isoformat()
    name = " ".join(path.name.split())  # a comment line must stay one line
    header = f"# Inferred by `mlci init` from {name} on {today}. Review before committing.\n"
    return header + dump_schema(inferred)
