"""Static checks of the GitLab CI/CD component and the plain include template we ship.

- the component is in the catalog's format: ``templates/<name>.yml``, a ``spec: inputs:``
  header, ``---``, then the job; every input declared, described and used;
- inputs reach scripts only through ``variables:``, never ``$[[ inputs.* ]]`` in a script;
- the component, the include template (gitlab/mlci.gitlab-ci.yml) and mlci itself agree:
  the same scripts, the same defaults, the version being released;
- shellcheck clean; valid for GitLab (gitlab-ci-local's copy of GitLab's schema) and the
  jobs run in the pipelines they should. A test that needs a missing tool is skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from mlci import __version__
from mlci.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = {name: ROOT / "templates" / f"{name}.yml" for name in ("check", "release")}
INCLUDE = ROOT / "gitlab" / "mlci.gitlab-ci.yml"
HIDDEN = {"check": ".mlci-check", "release": ".mlci-release"}
_INPUT = re.compile(r"\$\[\[\s*inputs\.([\w-]+)\s*\]\]")


def _documents(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, body = yaml.safe_load_all(COMPONENTS[name].read_text(encoding="utf-8"))
    return header, body


def _job(name: str, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """The component's one job with its inputs interpolated (defaults unless given)."""
    header, _ = _documents(name)
    values = {k: spec.get("default") for k, spec in header["spec"]["inputs"].items()}
    values.update(inputs or {})
    text = COMPONENTS[name].read_text(encoding="utf-8").split("\n---\n", 1)[1]

    def value(match: re.Match[str]) -> str:
        v = values[match.group(1)]
        return json.dumps(v) if isinstance(v, bool) else str(v)

    (job,) = yaml.safe_load(_INPUT.sub(value, text)).values()
    return dict(job)


def _include(name: str) -> dict[str, Any]:
    return dict(yaml.safe_load(INCLUDE.read_text(encoding="utf-8"))[HIDDEN[name]])


def _tool(name: str) -> str:
    found = shutil.which(name)
    beside = Path(sys.executable).parent / name
    if found is None and beside.is_file() and os.access(beside, os.X_OK):
        found = str(beside)
    if found is None:
        pytest.skip(f"{name} is not installed (the test extra or .ci/system-deps.sh brings it)")
    return found


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_component_is_in_the_catalog_format(name: str) -> None:
    header, body = _documents(name)
    assert list(header) == ["spec"] and list(header["spec"]) == ["inputs"]
    inputs = header["spec"]["inputs"]
    for key, spec in inputs.items():
        assert spec.get("description"), f"{name}: input {key} has no description"
        assert "default" in spec, f"{name}: input {key} has no default (every input is optional)"
        if "options" in spec:
            assert spec["default"] in spec["options"]
    assert len(body) == 1  # one job, named by an input
    used = set(_INPUT.findall(COMPONENTS[name].read_text(encoding="utf-8").split("\n---\n", 1)[1]))
    assert used == set(inputs), (
        f"{name}: declared but unused {set(inputs) - used}, undeclared {used - set(inputs)}"
    )


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_inputs_reach_scripts_only_through_variables(name: str) -> None:
    _, body = _documents(name)
    (job,) = body.values()
    for line in "\n".join(job["script"]).splitlines():
        assert "$[[" not in line, f"{name}: an input interpolated into a script: {line}"
    for key, value in job["variables"].items():
        assert key.startswith("MLCI_") or key == "GIT_DEPTH", key
        assert isinstance(value, str)
    # Every MLCI_* variable a script reads is set by the job (from an input or a constant).
    read = set(re.findall(r"\$\{?(MLCI_[A-Z_]+)", "\n".join(job["script"])))
    assert read <= set(job["variables"]), read - set(job["variables"])


def _option_twins(group: click.Group) -> set[str]:
    """Every ``MLCI_<OPTION>`` environment variable some mlci command reads."""
    names: set[str] = set()
    ctx = click.Context(group)
    for command in (group.get_command(ctx, n) for n in group.list_commands(ctx)):
        assert command is not None
        if isinstance(command, click.Group):
            names |= _option_twins(command)
        for param in command.params:
            envvar = getattr(param, "envvar", None)
            names |= {envvar} if isinstance(envvar, str) else set(envvar or ())
    return names


# The job variables that are meant for mlci itself; every other one must be the job's alone.
FOR_MLCI = {"MLCI_PLATFORM", "MLCI_CONFIG", "MLCI_REPORT", "MLCI_KEY", "MLCI_MODE", "MLCI_MODEL_VERSION"}


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_job_variables_only_reach_the_mlci_options_they_are_for(name: str) -> None:
    twins = _option_twins(cli)
    assert twins >= FOR_MLCI
    variables = set(_job(name)["variables"])
    # e.g. MLCI_FAIL_ON_FAILURE would make `mlci comment` exit 1; MLCI_METRICS is `mlci gate --metrics`.
    assert variables & twins <= FOR_MLCI, variables & twins - FOR_MLCI


def test_the_variables_carry_the_inputs() -> None:
    job = _job("check", {"config": "services/churn/mlci.yml", "mode": "off", "fail-on-failure": False})
    variables = job["variables"]
    assert variables["MLCI_CONFIG"] == "services/churn/mlci.yml"
    assert variables["MLCI_MODE"] == "off" and variables["MLCI_FAIL_JOB"] == "false"
    assert variables["MLCI_PLATFORM"] == "gitlab"  # a component always reports to GitLab
    reports = {"junit": variables["MLCI_JUNIT"], "metrics": variables["MLCI_METRICS_REPORT"]}
    assert job["artifacts"]["reports"] == reports  # the MR's test report and metrics widgets
    assert job["artifacts"]["when"] == "always"  # the report is kept when the check fails
    assert job["cache"]["paths"] == [".mlci-venv/"] and job["cache"]["when"] == "always"


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_defaults_install_the_version_being_released(name: str) -> None:
    header, _ = _documents(name)
    assert header["spec"]["inputs"]["version"]["default"] == __version__
    assert _include(name)["variables"]["MLCI_VERSION"] == __version__
    assert _job(name)["cache"]["key"] == f"mlci-venv-{__version__}"


@pytest.mark.parametrize("name", sorted(COMPONENTS))
def test_include_template_is_the_component_with_variables_for_inputs(name: str) -> None:
    component, template = _job(name), _include(name)
    assert template["script"] == component["script"]
    assert template["variables"] == component["variables"]  # the same defaults
    for key in ("stage", "image", "rules", "interruptible"):
        assert template[key] == component[key], key
    assert template["cache"]["paths"] == component["cache"]["paths"]
    assert template["cache"]["key"] == "mlci-venv-$MLCI_VERSION"


def test_the_install_step_is_the_same_everywhere() -> None:
    check, release = _job("check")["script"][0], _job("release")["script"][0]
    assert check == release
    assert check.startswith("# Install mlci into its own venv")


def test_shellcheck_the_job_scripts(tmp_path: Path) -> None:
    tool = _tool("shellcheck")
    files = []
    for name in COMPONENTS:
        # GitLab runs a job's script lines in one bash with errexit and pipefail.
        script = "\n".join(_job(name)["script"])
        path = tmp_path / f"{name}.sh"
        path.write_text("#!/usr/bin/env bash\nset -eo pipefail\n" + script + "\n", encoding="utf-8")
        files.append(path)
    proc = subprocess.run(
        [tool, "--severity=style", *map(str, files)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- gitlab-ci-local: GitLab's schema, includes with inputs, rules --------------------------


def _pipeline_repo(tmp_path: Path, pipeline: str) -> Path:
    root = tmp_path / "repo"
    (root / "mlci").mkdir(parents=True)
    for name, path in COMPONENTS.items():
        shutil.copy(path, root / "mlci" / f"{name}.yml")
    shutil.copy(INCLUDE, root / "mlci" / "mlci.gitlab-ci.yml")
    (root / ".gitlab-ci.yml").write_text(pipeline, encoding="utf-8")
    git = ["git", "-c", "user.name=A", "-c", "user.email=a@example.com"]
    for args in (
        ["init", "-q", "-b", "main"],
        ["remote", "add", "origin", "https://gitlab.example.com/group/churn.git"],
        ["symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"],
        ["add", "-A"],
        ["commit", "-q", "-m", "pipeline"],
    ):
        subprocess.run([*git, *args], cwd=root, check=True, capture_output=True, timeout=60)
    return root


def _gitlab_ci_local(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    tool = _tool("gitlab-ci-local")
    host = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GITLAB_", "MLCI_"))}
    return subprocess.run(
        [tool, "--home", str(root.parent / "home"), *args],
        cwd=root,
        env=host,
        capture_output=True,
        text=True,
        timeout=120,
    )


COMPONENT_PIPELINE = """
include:
  - local: mlci/check.yml
    inputs: {config: services/churn/mlci.yml, key: nightly, mode: recreate}
  - local: mlci/release.yml
    inputs: {when: manual}
"""
INCLUDE_PIPELINE = """
include:
  - local: mlci/mlci.gitlab-ci.yml
mlci:
  extends: .mlci-check
  variables: {MLCI_CONFIG: services/churn/mlci.yml}
mlci-release:
  extends: .mlci-release
"""


@pytest.mark.parametrize("pipeline", [COMPONENT_PIPELINE, INCLUDE_PIPELINE], ids=["component", "include"])
def test_valid_for_gitlab_with_the_inputs_in_variables(tmp_path: Path, pipeline: str) -> None:
    root = _pipeline_repo(tmp_path, pipeline)
    preview = _gitlab_ci_local(root, "--preview")
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "json schema validated" in preview.stdout + preview.stderr
    jobs = yaml.safe_load(preview.stdout.split("---\n", 1)[1])
    assert jobs["mlci"]["variables"]["MLCI_CONFIG"] == "services/churn/mlci.yml"
    assert jobs["mlci"]["script"] == _job("check")["script"]
    assert jobs["mlci-release"]["script"] == _job("release")["script"]
    if pipeline is COMPONENT_PIPELINE:
        assert jobs["mlci"]["variables"]["MLCI_KEY"] == "nightly"
        assert jobs["mlci"]["variables"]["MLCI_MODE"] == "recreate"


def _jobs_that_run(root: Path, *variables: str) -> dict[str, str]:
    listed = _gitlab_ci_local(root, "--list-json", *variables)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    return {job["name"]: job["when"] for job in json.loads(listed.stdout) if job["when"] != "never"}


def test_check_runs_on_merge_requests_and_release_only_on_the_default_branch(tmp_path: Path) -> None:
    root = _pipeline_repo(tmp_path, COMPONENT_PIPELINE)
    merge_request = (
        "--variable",
        "CI_PIPELINE_SOURCE=merge_request_event",
        "--unset-variable",
        "CI_COMMIT_BRANCH",
    )
    assert _jobs_that_run(root, *merge_request) == {"mlci": "on_success"}
    assert _jobs_that_run(root) == {"mlci": "on_success", "mlci-release": "manual"}  # on main
    subprocess.run(["git", "checkout", "-q", "-b", "feature"], cwd=root, check=True, timeout=60)
    assert _jobs_that_run(root) == {}  # a branch pipeline without a merge request


def test_docs_quick_start_is_what_init_writes(mlci: Any, tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, timeout=60)
    assert mlci("init", tmp_path, "--platform", "gitlab").exit_code == 0
    written = yaml.safe_load((tmp_path / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    docs = (ROOT / "docs" / "gitlab.md").read_text(encoding="utf-8")
    block = docs.split("## Quick start", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert yaml.safe_load(block) == written
    # The component the docs and init name is the one in this repository's templates/.
    (include,) = written["include"]
    assert include["component"].rsplit("/", 1)[1].split("@")[0] in COMPONENTS
