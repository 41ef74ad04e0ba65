"""Run a process with its stderr on a pseudo-terminal, as a developer's shell runs mlci."""

from __future__ import annotations

import os
import pty
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["stderr_on_a_terminal"]


def stderr_on_a_terminal(argv: Sequence[str | Path], *, env: Mapping[str, str], timeout: float = 120) -> str:
    """What ``argv`` wrote to stderr (a terminal; stdout is a pipe); it must exit 0."""
    main, child = pty.openpty()
    proc = subprocess.run(
        [str(a) for a in argv],
        stdout=subprocess.PIPE,
        stderr=child,
        env=dict(env),
        timeout=timeout,
        check=False,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the terminal's other end is closed: everything was read
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    assert proc.returncode == 0
    return b"".join(chunks).decode()
