"""The one way mlci runs git: a timeout on every call, no prompts, C locale, one-line errors.

Failures raise ``error`` (``UsageError`` unless the caller names its own ``MlciError``
type, as the git registry does with ``RegistryError``), naming the repository.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mlci.errors import MlciError, UsageError

__all__ = ["GIT_TIMEOUT", "commit_of", "git_bytes", "run_git"]

GIT_TIMEOUT = 60.0


def run_git(
    cwd: str | Path,
    *args: str,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    timeout: float = GIT_TIMEOUT,
    error: type[MlciError] = UsageError,
) -> subprocess.CompletedProcess[str]:
    """``git -C cwd ARGS``; with ``check`` a non-zero exit raises ``error`` with git's last line."""
    proc: subprocess.CompletedProcess[str] = _run(cwd, args, stdin, env, check, timeout, error, False)
    return proc


def git_bytes(
    cwd: str | Path, *args: str, timeout: float = GIT_TIMEOUT, error: type[MlciError] = UsageError
) -> bytes:
    """The raw output of ``git -C cwd ARGS`` (e.g. ``show`` of a binary file)."""
    proc: subprocess.CompletedProcess[bytes] = _run(cwd, args, None, None, True, timeout, error, True)
    return proc.stdout


def _run(
    cwd: str | Path,
    args: tuple[str, ...],
    stdin: str | None,
    env: Mapping[str, str] | None,
    check: bool,
    timeout: float,
    error: type[MlciError],
    binary: bool,
) -> subprocess.CompletedProcess[Any]:
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
    try:
        proc = subprocess.run(
            ["git", "-C", str(cwd), *args],
            input=stdin,
            capture_output=True,
            text=not binary,
            encoding=None if binary else "utf-8",
            errors=None if binary else "replace",
            timeout=timeout,
            env=full_env,
            check=False,
        )
    except FileNotFoundError:
        raise error("git is not installed (mlci needs it for this)") from None
    except subprocess.TimeoutExpired:
        raise error(f"git {args[0]} timed out after {timeout:g}s", path=cwd) from None
    except OSError as exc:
        raise error(f"cannot run git: {exc.strerror or exc}", path=cwd) from None
    if check and proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace") if binary else proc.stderr
        stdout = "" if binary else proc.stdout
        detail = (stderr or stdout).strip().splitlines()
        message = detail[-1] if detail else f"exit status {proc.returncode}"
        raise error(f"git {args[0]} failed: {message}", path=cwd)
    return proc


def commit_of(cwd: str | Path, rev: str = "HEAD", *, timeout: float = GIT_TIMEOUT) -> str | None:
    """The full commit SHA ``rev`` names in the repository holding ``cwd``, or None."""
    try:
        proc = run_git(
            cwd, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False, timeout=timeout
        )
    except MlciError:
        return None
    return (proc.stdout.strip() or None) if proc.returncode == 0 else None
