"""A user's git repository for the end-to-end runs: write files, commit, run git."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

__all__ = ["UserRepo"]


class UserRepo:
    """A fresh repository at ``root`` on branch main, committing as ``author``."""

    def __init__(
        self, root: Path, origin: str, *, author: tuple[str, str] = ("Ada", "ada@example.com")
    ) -> None:
        self.root = root
        self._author = author
        root.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")
        self.git("remote", "add", "origin", origin)

    def git(self, *args: str) -> str:
        name, email = self._author
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
        }
        out = subprocess.run(
            ["git", *args], cwd=self.root, env=env, check=True, capture_output=True, text=True, timeout=60
        )
        return out.stdout.strip()

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def copy(self, source: Path, name: str) -> Path:
        return self.write(name, source.read_bytes())

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")
