"""Files a pull request can change cannot reach outside the repository, block, or explode.

Paths in mlci.yml resolve (after symlinks) inside the repository holding it, the CI
workspace or ``MLCI_DATA_ROOTS``; FIFOs, devices and directories are refused; YAML aliases
cannot expand without bound. Every case runs the real CLI on real files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

SECRET = "id,password\n1,hunter2-from-outside\n"
SCHEMA = "version: 1\ncolumns:\n  id: {dtype: int}\n"
GATED = "version: 1\nmodel: {name: m}\ngates:\n  - {metric: acc, threshold: 0.5}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with mlci.yml, and a readable file outside it."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True, timeout=30)
    (root / "schema.yml").write_text(SCHEMA)
    (root / "data.csv").write_text("id\n1\n2\n")
    (tmp_path / "outside.csv").write_text(SECRET)
    return root


def config(root: Path, dataset: str, schema: str = "schema.yml", extra: str = "") -> Path:
    path = root / "mlci.yml"
    path.write_text(f"version: 1\ndatasets:\n  d: {{path: '{dataset}', schema: '{schema}'}}\n{extra}")
    return path


def run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("MLCI_", "GITHUB_", "CI_"))}
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "mlci", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full,
    )


@pytest.mark.parametrize("dataset", ["../outside.csv", "{outside}", "link.csv", "sub/link.csv"])
def test_a_dataset_outside_the_repository_is_refused(repo: Path, dataset: str) -> None:
    outside = repo.parent / "outside.csv"
    (repo / "link.csv").symlink_to(outside)
    (repo / "sub").mkdir()
    (repo / "sub" / "link.csv").symlink_to("../../outside.csv")
    config(repo, dataset.format(outside=outside))
    proc = run("check", "-o", "out.json", cwd=repo)
    assert proc.returncode == 2, proc.stderr
    assert "outside the repository" in proc.stderr and "datasets.d.path" in proc.stderr
    assert "hunter2" not in proc.stdout + proc.stderr
    assert not (repo / "out.json").exists() or "hunter2" not in (repo / "out.json").read_text()


def test_a_schema_a_metrics_file_and_templates_outside_are_refused(repo: Path) -> None:
    outside = repo.parent
    (outside / "schema.yml").write_text(SCHEMA)
    config(repo, "data.csv", schema="../schema.yml")
    proc = run("check", "-o", "out.json", cwd=repo)
    assert proc.returncode == 2 and "outside the repository" in proc.stderr, proc.stderr
    (outside / "metrics.json").write_text('{"acc": 0.9}')
    (repo / "mlci.yml").write_text(
        "version: 1\nmodel: {name: m, metrics: ../metrics.json}\ngates:\n  - {metric: acc, threshold: 0.5}\n"
    )
    proc = run("gate", cwd=repo)
    assert proc.returncode == 2 and "outside the repository" in proc.stderr, proc.stderr
    (outside / "tpl").mkdir()
    config(repo, "data.csv", extra="report: {templates: ../tpl}\n")
    proc = run("check", "-o", "out.json", cwd=repo)
    assert proc.returncode == 2 and "outside the repository" in proc.stderr, proc.stderr


def test_nothing_under_dot_git_is_read(repo: Path) -> None:
    (repo / ".git" / "data.csv").write_text("id\n1\n")
    config(repo, ".git/data.csv")
    proc = run("check", "-o", "out.json", cwd=repo)
    assert proc.returncode == 2 and ".git folder" in proc.stderr, proc.stderr


def test_the_workflow_can_widen_the_roots(repo: Path) -> None:
    config(repo, "../outside.csv", extra="")
    (repo / "schema.yml").write_text(SCHEMA + "  password: {dtype: string}\n")
    proc = run("check", "-o", "out.json", cwd=repo, env={"MLCI_DATA_ROOTS": str(repo.parent)})
    assert proc.returncode == 0, proc.stderr
    proc = run("check", "-o", "out.json", cwd=repo, env={"GITHUB_WORKSPACE": str(repo.parent)})
    assert proc.returncode == 0, proc.stderr


def test_a_path_typed_on_the_command_line_is_the_callers_choice(repo: Path) -> None:
    (repo.parent / "outside.csv").write_text("id\n5\n")
    proc = run("validate", repo.parent / "outside.csv", "--schema", "schema.yml", cwd=repo)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "directory"])
@pytest.mark.parametrize("role", ["schema", "config", "data", "report", "metrics"])
def test_special_files_are_refused_in_bounded_time(repo: Path, kind: str, role: str) -> None:
    special = repo / "special"
    if kind == "fifo":
        os.mkfifo(special)
    elif kind == "directory":
        special.mkdir()
    else:
        special.symlink_to("/dev/zero")
    commands = {
        "schema": ("validate", "data.csv", "--schema", special),
        "config": ("check", "-c", special, "-o", "out.json"),
        "data": ("validate", special, "--schema", "schema.yml"),
        "report": ("report", special, "--format", "md"),
        "metrics": ("gate", "--metrics", special),
    }
    if role == "metrics":
        (repo / "mlci.yml").write_text(GATED)
    started = time.monotonic()
    proc = run(*commands[role], cwd=repo, timeout=30)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    if not proc.stderr.startswith("Usage:"):  # click refuses a directory for -c itself
        # One error line (`mlci check` also says where it wrote the error report).
        lines = [x for x in proc.stderr.strip().splitlines() if not x.startswith("report written to ")]
        assert len(lines) == 1, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert time.monotonic() - started < 20


BOMB = """version: 1
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
columns: {x: {dtype: int, allowed: *i}}
"""


@pytest.mark.parametrize("role", ["schema", "config", "metrics"])
def test_a_yaml_alias_bomb_is_refused_quickly(repo: Path, role: str) -> None:
    (repo / "bomb.yml").write_text(BOMB)
    commands = {
        "schema": ("validate", "data.csv", "--schema", "bomb.yml"),
        "config": ("check", "-c", "bomb.yml", "-o", "out.json"),
        "metrics": ("gate", "--metrics", "bomb.yml"),
    }
    if role == "metrics":
        (repo / "mlci.yml").write_text(GATED)
    started = time.monotonic()
    proc = run(*commands[role], cwd=repo, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "aliases expand" in proc.stderr and "bomb.yml" in proc.stderr
    assert time.monotonic() - started < 20


def test_ordinary_anchors_and_merge_keys_still_work(repo: Path) -> None:
    (repo / "schema.yml").write_text(
        "version: 1\ncolumns:\n  id: &int {dtype: int, min: 0}\n  other: {<<: *int, max: 10}\n"
    )
    (repo / "data.csv").write_text("id,other\n1,2\n")
    proc = run("validate", "data.csv", "--schema", "schema.yml", cwd=repo)
    assert proc.returncode == 0, proc.stderr
