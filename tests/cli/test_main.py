"""The command group: help, version, lazy imports, env twins for every option."""

from __future__ import annotations

import importlib
import subprocess
import sys

import click
import pytest

from mlci import __version__
from mlci.cli.main import COMMANDS, cli


def test_version(mlci) -> None:
    run = mlci("--version")
    assert run.exit_code == 0 and __version__ in run.stdout


def test_help_lists_every_command(mlci) -> None:
    run = mlci("--help")
    assert run.exit_code == 0
    for name in COMMANDS:
        assert name in run.stdout
    assert "Exit codes" in run.stdout


def test_help_does_not_import_the_data_stack() -> None:
    code = (
        "import sys\n"
        "from mlci.cli.main import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "stack = ('pandas', 'numpy', 'scipy', 'pyarrow', 'pydantic', 'jinja2', 'requests')\n"
        "heavy = [m for m in stack if m in sys.modules]\n"
        "print('heavy:' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "heavy:"


def implemented() -> list[str]:
    names = []
    for name, (module, _, _) in COMMANDS.items():
        try:
            importlib.import_module(module)
        except ModuleNotFoundError:
            continue
        names.append(name)
    return names


def walk(command: click.Command, path: str):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from walk(sub, f"{path} {name}")


@pytest.mark.parametrize("name", implemented())
def test_every_option_has_an_mlci_env_twin(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    for path, cmd in walk(command, name):
        for param in cmd.params:
            if isinstance(param, click.Option) and not param.hidden and param.name not in ("help",):
                assert param.envvar and str(param.envvar).startswith("MLCI_"), (path, param.name)


@pytest.mark.parametrize("name", implemented())
def test_every_command_has_help(mlci, name: str) -> None:
    run = mlci(name, "--help")
    assert run.exit_code == 0
    assert "Usage:" in run.stdout


def test_unknown_command(mlci) -> None:
    run = mlci("frobnicate")
    assert run.exit_code == 2
    assert "No such command" in run.stderr
