"""``mlci init``: the scaffold a new user starts from must load, validate and never clobber."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from mlci.app.init import ACTION, COMPONENT
from mlci.config.project import load_project
from mlci.config.schema import load_schema

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "churn" / "data"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A real git repository holding the example data, as a user's project would."""
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for name in ("train.csv", "current.csv"):
        (root / "data" / name).write_bytes((EXAMPLE / name).read_bytes())
    return root


def _workflow(root: Path) -> dict:
    return yaml.safe_load((root / ".github" / "workflows" / "mlci.yml").read_text())


def test_init_with_data_scaffolds_a_working_project(mlci, repo: Path) -> None:
    run = mlci("init", repo, "--data", repo / "data/train.csv", "--data", repo / "data/current.csv")
    assert run.exit_code == 0, run.stderr
    assert "created" in run.stdout and "review schema.yml" in run.stdout

    config = load_project(repo / "mlci.yml")
    assert {name: d.path for name, d in config.datasets.items()} == {
        "train": "data/train.csv",
        "current": "data/current.csv",
    }
    assert config.drift is not None
    assert (config.drift.reference, config.drift.current) == ("train", "current")
    assert load_schema(repo / "schema.yml").strict
    # The inferred schema accepts the data it came from.
    check = mlci("validate", repo / "data/train.csv", "-s", repo / "schema.yml")
    assert check.exit_code == 0, check.stdout

    job = _workflow(repo)["jobs"]["mlci"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    uses = [step.get("uses", "") for step in job["steps"]]
    assert uses[0].startswith("actions/checkout@") and uses[-1] == ACTION
    assert "with" not in job["steps"][-1]  # mlci.yml at the root: the action's defaults fit


def test_init_without_data_writes_a_valid_empty_config(mlci, repo: Path) -> None:
    run = mlci("init", repo)
    assert run.exit_code == 0, run.stderr
    config = load_project(repo / "mlci.yml")
    assert config.datasets == {} and config.drift is None
    assert not (repo / "schema.yml").exists()
    assert "add your datasets" in run.stdout


def test_init_in_a_subdirectory_puts_the_workflow_at_the_git_root(mlci, repo: Path) -> None:
    project = repo / "services" / "churn"
    run = mlci("init", project, "--data", repo / "data/train.csv")
    assert run.exit_code == 0, run.stderr
    assert load_project(project / "mlci.yml").datasets["train"].path == "../../data/train.csv"
    assert not (project / ".github").exists()
    step = _workflow(repo)["jobs"]["mlci"]["steps"][-1]
    assert step["with"] == {"working-directory": "services/churn"}


def test_init_refuses_to_overwrite_without_force(mlci, repo: Path) -> None:
    (repo / "mlci.yml").write_text("# mine\n")
    run = mlci("init", repo, "--data", repo / "data/train.csv")
    assert run.exit_code == 2
    assert run.stderr.strip().splitlines() == [
        f"error: {repo / 'mlci.yml'}: already exists (use --force to overwrite)"
    ]
    # Nothing at all was written: not the schema, not the workflow.
    assert (repo / "mlci.yml").read_text() == "# mine\n"
    assert not (repo / "schema.yml").exists() and not (repo / ".github").exists()

    forced = mlci("init", repo, "--data", repo / "data/train.csv", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert f"overwrote {repo / 'mlci.yml'}" in forced.stdout
    assert "train" in load_project(repo / "mlci.yml").datasets


def test_init_refuses_an_existing_workflow_too(mlci, repo: Path) -> None:
    mine = repo / ".github" / "workflows" / "mlci.yml"
    mine.parent.mkdir(parents=True)
    mine.write_text("name: mine\n")
    assert mlci("init", repo).exit_code == 2
    assert mine.read_text() == "name: mine\n" and not (repo / "mlci.yml").exists()
    assert mlci("init", repo, "--no-workflow").exit_code == 0
    assert mine.read_text() == "name: mine\n"


def test_dataset_names_and_paths_that_need_yaml_quoting(mlci, repo: Path) -> None:
    odd = repo / "data" / "yes: #1.csv"
    odd.write_bytes((EXAMPLE / "train.csv").read_bytes())
    run = mlci("init", repo, "--data", odd, "--data", repo / "data/train.csv")
    assert run.exit_code == 0, run.stderr
    config = load_project(repo / "mlci.yml")
    assert config.datasets["yes: #1"].path == "data/yes: #1.csv"
    assert config.drift is not None and config.drift.reference == "yes: #1"


def test_same_stem_twice_gets_distinct_names(mlci, repo: Path) -> None:
    (repo / "other").mkdir()
    (repo / "other" / "train.csv").write_bytes((EXAMPLE / "train.csv").read_bytes())
    run = mlci("init", repo, "--data", repo / "data/train.csv", "--data", repo / "other/train.csv")
    assert run.exit_code == 0, run.stderr
    assert list(load_project(repo / "mlci.yml").datasets) == ["train", "train_2"]


def test_unreadable_data_is_one_line_and_writes_nothing(mlci, repo: Path) -> None:
    run = mlci("init", repo, "--data", repo / "data" / "missing.csv")
    assert run.exit_code == 2
    assert len(run.stderr.strip().splitlines()) == 1 and "missing.csv" in run.stderr
    assert not (repo / "mlci.yml").exists()


def test_data_outside_the_repository_is_warned_about(mlci, repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_bytes((EXAMPLE / "train.csv").read_bytes())
    run = mlci("init", repo, "--data", outside)
    assert run.exit_code == 0
    assert "outside" in run.stderr and "CI will not find it" in run.stderr


def _gitlab_ci(root: Path) -> dict:
    return yaml.safe_load((root / ".gitlab-ci.yml").read_text())


def test_init_for_gitlab_writes_a_pipeline_that_includes_the_component(mlci, repo: Path) -> None:
    run = mlci("init", repo, "--platform", "gitlab", "--data", repo / "data/train.csv")
    assert run.exit_code == 0, run.stderr
    assert f"created {repo / '.gitlab-ci.yml'}" in run.stdout and "merge request" in run.stdout
    assert not (repo / ".github").exists()  # instead of the GitHub workflow, not as well
    assert "train" in load_project(repo / "mlci.yml").datasets

    pipeline = _gitlab_ci(repo)
    assert pipeline["include"] == [{"component": COMPONENT}]  # the component's defaults fit
    assert COMPONENT.endswith("/mlci-dev/mlci/check@0")
    # Merge-request pipelines run, and a branch with an open MR gets no duplicate pipeline.
    rules = pipeline["workflow"]["rules"]
    assert rules[0] == {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}
    assert {"if": "$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS", "when": "never"} in rules


def test_init_for_gitlab_in_a_subdirectory_points_the_component_at_its_config(mlci, repo: Path) -> None:
    project = repo / "services" / "churn"
    run = mlci("init", project, "--platform", "gitlab", "--data", repo / "data/train.csv")
    assert run.exit_code == 0, run.stderr
    assert not (project / ".gitlab-ci.yml").exists()
    (include,) = _gitlab_ci(repo)["include"]
    assert include == {"component": COMPONENT, "inputs": {"config": "services/churn/mlci.yml"}}
    # The config input names a file that exists and loads.
    assert load_project(repo / include["inputs"]["config"]).datasets["train"].path == "../../data/train.csv"


def test_init_for_gitlab_refuses_an_existing_pipeline(mlci, repo: Path) -> None:
    mine = repo / ".gitlab-ci.yml"
    mine.write_text("test: {script: [make]}\n")
    run = mlci("init", repo, "--platform", "gitlab")
    assert run.exit_code == 2
    assert run.stderr.strip() == f"error: {mine}: already exists (use --force to overwrite)"
    assert mine.read_text() == "test: {script: [make]}\n" and not (repo / "mlci.yml").exists()
    # The GitHub default does not care about a GitLab pipeline, and the other way round.
    assert mlci("init", repo).exit_code == 0
    assert mine.read_text() == "test: {script: [make]}\n"
    assert (repo / ".github" / "workflows" / "mlci.yml").exists()


def test_init_platform_is_checked(mlci, repo: Path) -> None:
    run = mlci("init", repo, "--platform", "jenkins")
    assert run.exit_code == 2 and "jenkins" in run.stderr
    assert not (repo / "mlci.yml").exists()


def test_the_generated_mlci_yml_links_to_the_config_reference(mlci, tmp_path: Path) -> None:
    run = mlci("init", tmp_path, "--no-workflow")
    assert run.exit_code == 0, run.stderr
    text = (tmp_path / "mlci.yml").read_text()
    links = [word for word in text.split() if word.startswith("https://")]
    assert links == ["https://github.com/mlci-dev/mlci/blob/main/docs/config.md"]
    # ... a file that exists in this repository (the link's target on main).
    assert (Path(__file__).resolve().parents[2] / "docs" / "config.md").is_file()


def test_init_ignores_the_report_and_the_registry_lock_once(mlci, tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("node_modules/\n/mlci-report.json")  # no final newline
    run = mlci("init", tmp_path, "--no-workflow")
    assert run.exit_code == 0, run.stderr
    lines = (tmp_path / ".gitignore").read_text().splitlines()
    assert lines[:2] == ["node_modules/", "/mlci-report.json"]  # kept as written
    assert ".mlci/registry/**/.lock" in lines
    assert sum("mlci-report.json" in line for line in lines) == 1  # "/x" already ignores x
    again = mlci("init", tmp_path, "--no-workflow", "--force")
    assert again.exit_code == 0, again.stderr
    assert (tmp_path / ".gitignore").read_text().splitlines() == lines  # idempotent
    assert "added" not in again.stdout


def test_the_ignore_entries_really_ignore_what_mlci_writes(mlci, repo: Path) -> None:
    run = mlci("init", repo, "--no-workflow")
    assert run.exit_code == 0, run.stderr
    (repo / ".mlci" / "registry" / "churn").mkdir(parents=True)
    (repo / ".mlci" / "registry" / "churn" / ".lock").write_text("")
    (repo / ".mlci" / "registry" / "churn" / "aliases.json").write_text("{}")
    (repo / "mlci-report.json").write_text("{}")
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "mlci-report.json" not in status and ".lock" not in status
    assert ".mlci/registry/churn/aliases.json" in status  # the registry itself is committed
