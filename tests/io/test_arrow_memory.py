"""Arrow's memory pool: a steady allocator for large reads, unless the user chose one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import pyarrow as pa
from mlci.io.arrow_memory import use_steady_memory_pool
before = pa.default_memory_pool().backend_name
use_steady_memory_pool()
print(before, pa.default_memory_pool().backend_name)
"""


def pools(env_pool: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if env_pool is not None:
        env["ARROW_DEFAULT_MEMORY_POOL"] = env_pool
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60, check=True
    )
    return out.stdout.split()


def test_mimalloc_is_replaced_by_jemalloc_or_the_system_allocator() -> None:
    before, after = pools(None)
    if before != "mimalloc":
        pytest.skip(f"this pyarrow's default pool is {before}, not mimalloc")
    assert after in ("jemalloc", "system")


def test_the_users_choice_is_kept() -> None:
    assert pools("mimalloc") == ["mimalloc", "mimalloc"]
    assert pools("system") == ["system", "system"]
