"""``--engine``, ``--scheduler`` and ``--scheduler-timeout``: where ``validate``/``drift``/``check`` run."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import click
from click.core import ParameterSource

from mlci.cli.options import F, option
from mlci.engines.options import DEFAULT_CONNECT_TIMEOUT, ENGINE_NAMES, EngineOptions
from mlci.errors import UsageError

__all__ = ["engine_options", "engine_given"]


def engine_options() -> Callable[[F], F]:
    """Adds the three options and hands the command one ``engine: EngineOptions`` argument."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapped(
            *args: Any, engine_name: str, scheduler: str | None, scheduler_timeout: float, **kw: Any
        ) -> Any:
            ctx = click.get_current_context()
            # --scheduler on the command line asks for Dask; DASK_SCHEDULER_ADDRESS alone does not.
            if scheduler and ctx.get_parameter_source("scheduler") is ParameterSource.COMMANDLINE:
                if engine_name == "local" and not _default(ctx, "engine_name"):
                    raise UsageError("--scheduler needs --engine dask, not --engine local")
                engine_name = "dask"
            scheduler = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") or None  # Dask's own variable
            engine = EngineOptions(engine_name, scheduler, scheduler_timeout)  # type: ignore[arg-type]
            return func(*args, engine=engine, **kw)

        decorators = [
            option(
                "--engine",
                "engine_name",
                env="ENGINE",
                type=click.Choice(ENGINE_NAMES, case_sensitive=False),
                default="local",
                show_default=True,
                help="Where the checks run: this process, or a Dask cluster (pip install 'mlci[dask]').",
            ),
            option(
                "--scheduler",
                env="SCHEDULER",
                default=None,
                metavar="ADDRESS",
                help="The Dask scheduler to use, e.g. tcp://10.0.0.5:8786 (else $DASK_SCHEDULER_ADDRESS).  "
                "[default: start a local cluster]",
            ),
            option(
                "--scheduler-timeout",
                env="SCHEDULER_TIMEOUT",
                type=click.FloatRange(min=0, min_open=True),
                default=DEFAULT_CONNECT_TIMEOUT,
                show_default=True,
                help="Seconds to reach the scheduler (and find a worker) before exit 3.",
            ),
        ]
        out: Callable[..., Any] = wrapped
        for decorator in reversed(decorators):
            out = decorator(out)
        return out  # type: ignore[return-value]

    return decorate


def _default(ctx: click.Context, name: str) -> bool:
    return ctx.get_parameter_source(name) in (ParameterSource.DEFAULT, None)


def engine_given(ctx: click.Context) -> bool:
    """Whether the command line (or its environment) chose the engine, over mlci.yml's."""
    return not _default(ctx, "engine_name") or not _default(ctx, "scheduler")
