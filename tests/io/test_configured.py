"""Partitioned datasets named in mlci.yml stay inside the repository, partition by partition.

The real CLI on real files: a directory or glob from mlci.yml is resolved against it and
refused when it, or any partition found under it (after symlinks), leads outside.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "id,password\n1,hunter2-from-outside\n"
SCHEMA = "version: 1\ncolumns:\n  id: {dtype: int}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "parts").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True, timeout=30)
    (root / "schema.yml").write_text(SCHEMA)
    (root / "parts" / "part-0.csv").write_text("id\n1\n2\n")
    (root / "parts" / "part-1.csv").write_text("id\n3\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.csv").write_text(SECRET)
    return root


def check(root: Path, dataset: str, *extra: str) -> subprocess.CompletedProcess[str]:
    (root / "mlci.yml").write_text(f"version: 1\ndatasets:\n  d: {{path: '{dataset}', schema: schema.yml}}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLCI_", "GITHUB_", "CI_"))}
    return subprocess.run(
        [sys.executable, "-m", "mlci", "check", "-o", "out.json", *extra],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.parametrize("dataset", ["parts", "parts/", "parts/*.csv", "file://{root}/parts", "."])
def test_directories_and_globs_inside_the_repository_are_read(repo: Path, dataset: str) -> None:
    proc = check(repo, dataset.format(root=repo))
    assert proc.returncode == 0, proc.stderr
    (entry,) = json.loads((repo / "out.json").read_text())["validation"]
    assert entry["rows"] == 3 and entry["path"] == dataset.format(root=repo)


def test_a_symlinked_partition_leading_outside_is_refused(repo: Path) -> None:
    (repo / "parts" / "part-2.csv").symlink_to(repo.parent / "outside" / "secret.csv")
    proc = check(repo, "parts")
    assert proc.returncode == 2, proc.stderr
    assert "outside the repository" in proc.stderr and "datasets.d.path" in proc.stderr
    assert "part-2.csv" in proc.stderr and "hunter2" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("dataset", ["../outside", "../*/secret.csv", "linked", "file://{outside}"])
def test_a_directory_or_glob_outside_is_refused(repo: Path, dataset: str) -> None:
    (repo / "linked").symlink_to(repo.parent / "outside", target_is_directory=True)
    proc = check(repo, dataset.format(outside=repo.parent / "outside"))
    assert proc.returncode == 2, proc.stderr
    assert "outside the repository" in proc.stderr and "hunter2" not in proc.stdout + proc.stderr


def test_drift_from_mlci_yml_confines_partitions_too(repo: Path) -> None:
    (repo / "parts" / "part-2.csv").symlink_to(repo.parent / "outside" / "secret.csv")
    (repo / "mlci.yml").write_text(
        "version: 1\ndatasets:\n  a: {path: parts}\n  b: {path: parts}\ndrift: {reference: a, current: b}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLCI_", "GITHUB_", "CI_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "mlci", "drift", "-c", "mlci.yml"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 2 and "outside the repository" in proc.stderr, proc.stderr
