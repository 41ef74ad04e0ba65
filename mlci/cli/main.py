"""The ``mlci`` command group. Subcommands are imported only when run, so --help is fast."""

from __future__ import annotations

import importlib
from typing import Any

import click

from mlci import __version__

__all__ = ["COMMANDS", "cli", "main"]

# name -> (module, attribute, one-line help shown by `mlci --help` without importing it)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("mlci.cli.check", "check", "Run every check in mlci.yml and write mlci-report.json."),
    "report": (
        "mlci.cli.report",
        "report",
        "Render a report JSON as md, html, json, junit, text or prometheus.",
    ),
    "validate": ("mlci.cli.validate", "validate", "Validate datasets against a schema."),
    "schema": ("mlci.cli.schema", "schema", "Infer a schema from a dataset."),
    "drift": ("mlci.cli.drift", "drift", "Detect drift between a reference and a current dataset."),
    "gate": ("mlci.cli.gate", "gate", "Gate the candidate's metrics against the registered baseline."),
    "registry": ("mlci.cli.registry", "registry", "List, show, register and promote model versions."),
    "init": ("mlci.cli.init", "init", "Scaffold mlci.yml, a schema and the pull-request workflow."),
    "comment": ("mlci.cli.comment", "comment", "Post the report as a sticky PR comment and job summary."),
    "release": ("mlci.cli.release", "release", "Register, tag and publish an approved model version."),
    "push": ("mlci.cli.push", "push", "Push a report's metrics to a Prometheus Pushgateway."),
    "monitor": ("mlci.cli.monitor", "monitor", "Scheduled drift: report, push, sticky issue, retraining."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        from mlci.errors import MlciError

        try:
            return super().invoke(ctx)
        except MlciError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            from mlci.render.escape import plain

            lines = exc.lines() if hasattr(exc, "lines") else [str(exc)]
            for line in lines:
                # Errors quote column names, keys and paths from data: shown, never run in a log.
                click.echo(f"error: {plain(line, None)}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
            if ctx.obj and ctx.obj.get("debug"):
                raise
            from mlci.render.escape import plain

            detail = plain(str(exc).splitlines()[0], 300) if str(exc) else ""
            click.echo(
                f"error: internal error: {type(exc).__name__}: {detail} "
                "(run with --debug for the traceback, and please report it)",
                err=True,
            )
            ctx.exit(2)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="mlci")
@click.option("--debug", is_flag=True, envvar="MLCI_DEBUG", help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """mlci: continuous integration for machine-learning models.

    Validate datasets against a schema, detect drift, gate model metrics against the
    registered baseline, and report it all on the pull request.

    Exit codes: 0 every check passed, 1 a check failed, 2 bad usage or input,
    3 an external service failed.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main() -> None:
    cli(prog_name="mlci")


if __name__ == "__main__":  # pragma: no cover
    main()
