"""The file registry: JSON records, aliases, artifacts, atomic writes and a real lock."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mlci.registry import RegistryError, VersionRecord
from mlci.registry.file import FileRegistry, atomic_write, file_lock


def _record(version: str, **metrics: float) -> VersionRecord:
    return VersionRecord(model="churn", version=version, metrics=metrics or {"auc": 0.8})


def test_register_list_get_and_promote(tmp_path):
    reg = FileRegistry("churn", tmp_path / ".mlci/registry", root=tmp_path)
    assert reg.list_versions() == [] and reg.baseline() is None
    assert reg.why_no_baseline() == "no baseline registered"
    reg.register(_record("1.10.0", auc=0.9))
    reg.register(_record("1.2.0", auc=0.85), aliases=["champion"])
    assert [r.version for r in reg.list_versions()] == ["1.2.0", "1.10.0"]
    assert reg.baseline().version == "1.2.0" and reg.champion().metrics == {"auc": 0.85}
    reg.promote("1.10.0")
    reg.promote("v1.2.0", "staging")
    assert reg.aliases() == {"champion": "1.10.0", "staging": "1.2.0"}
    assert reg.get("1.10.0").metrics == {"auc": 0.9}


def test_files_are_human_readable_json(tmp_path):
    reg = FileRegistry("churn", tmp_path / "reg", root=tmp_path)
    reg.register(_record("1.0.0"), aliases=["champion"])
    record = json.loads((tmp_path / "reg/churn/versions/1.0.0.json").read_text())
    assert record["version"] == "1.0.0" and record["metrics"] == {"auc": 0.8}
    assert (tmp_path / "reg/churn/versions/1.0.0.json").read_text().startswith("{\n  ")
    assert json.loads((tmp_path / "reg/churn/aliases.json").read_text()) == {"champion": "1.0.0"}
    assert not list((tmp_path / "reg").rglob("*.tmp"))


def test_duplicate_and_unknown_versions(tmp_path):
    reg = FileRegistry("churn", tmp_path / "reg", root=tmp_path)
    reg.register(_record("1.0.0"))
    with pytest.raises(RegistryError, match="already registered"):
        reg.register(_record("1.0.0"))
    with pytest.raises(RegistryError, match=r"no version 2\.0\.0 \(known: 1\.0\.0\)"):
        reg.get("2.0.0")
    with pytest.raises(RegistryError, match="no version"):
        reg.promote("2.0.0")
    hint = reg.why_no_baseline()
    assert "none of the 1 registered versions carries 'champion'" in hint


@pytest.mark.parametrize(
    ("first", "second"), [("3.0.0", "3.0.0+b1"), ("3.0.0+b1", "3.0.0+b2"), ("3.0.0+b1", "3.0.0")]
)
def test_build_metadata_has_no_precedence(tmp_path, first, second):
    reg = FileRegistry("churn", tmp_path / "reg", root=tmp_path)
    reg.register(_record(first))
    with pytest.raises(RegistryError, match=f"same precedence as the registered {re.escape(first)}"):
        reg.register(_record(second))
    reg.register(_record("3.0.0-rc.1+b1"))  # a prerelease orders before 3.0.0: a new version
    assert [r.version for r in reg.list_versions()] == ["3.0.0-rc.1+b1", first]


def test_a_corrupt_record_names_the_file_and_line(tmp_path):
    reg = FileRegistry("churn", tmp_path / "reg", root=tmp_path)
    reg.register(_record("1.0.0"))
    path = tmp_path / "reg/churn/versions/1.0.0.json"
    path.write_text('{\n  "model": "churn",\n  "version": \n}')
    with pytest.raises(RegistryError) as info:
        reg.get("1.0.0")
    assert info.value.path == str(path) and info.value.line == 4


def test_artifacts_are_copied_and_checked(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out/pred.csv").write_text("y_true,y_pred\n1,1\n")
    reg = FileRegistry("churn", tmp_path / "reg", root=tmp_path)
    record = VersionRecord(
        model="churn", version="1.0.0", artifacts={"predictions": {"path": "out/pred.csv"}}
    )
    stored = reg.register(record)
    ref = stored.artifacts["predictions"]
    assert ref.stored == "artifacts/1.0.0/predictions.csv" and ref.sha256.startswith("sha256:")
    (tmp_path / "out/pred.csv").write_text("y_true,y_pred\n0,0\n")  # the candidate's, later
    copy = reg.artifact("1.0.0", "predictions")
    assert copy is not None and copy.read_text() == "y_true,y_pred\n1,1\n"
    assert reg.artifact("1.0.0", "model") is None
    copy.write_text("tampered")
    with pytest.raises(RegistryError, match="modified"):
        reg.artifact("1.0.0", "predictions")


def test_atomic_write_replaces_whole_files(tmp_path):
    path = tmp_path / "a" / "x.json"
    atomic_write(path, "one")
    atomic_write(path, "two")
    assert path.read_text() == "two"
    assert [p.name for p in path.parent.iterdir()] == ["x.json"]


_WRITER = textwrap.dedent(
    """
    import sys
    from mlci.registry import VersionRecord
    from mlci.registry.file import FileRegistry
    path, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    timeout = float(sys.argv[4])
    reg = FileRegistry("churn", path, lock_timeout=timeout)
    for i in range(count):
        version = f"{worker}.{i}.0"
        reg.register(VersionRecord(model="churn", version=version), aliases=[f"w{worker}-{i}"])
        reg.promote(version, "champion")
    print("done")
    """
)


def _writer(path: Path, worker: int, count: int, timeout: float = 60) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), str(worker), str(count), str(timeout)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_lock_excludes_another_process(tmp_path):
    path = tmp_path / "reg"
    with file_lock(path / "churn" / ".lock"):
        blocked = _writer(path, 1, 1, timeout=0.5)
        _, err = blocked.communicate(timeout=60)
        assert blocked.returncode != 0 and "locked by another writer" in err
    free = _writer(path, 1, 1)
    out, err = free.communicate(timeout=60)
    assert free.returncode == 0, err
    assert [r.version for r in FileRegistry("churn", path).list_versions()] == ["1.0.0"]


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "reg"
    workers, count = 4, 12
    procs = [_writer(path, w + 1, count) for w in range(workers)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    reg = FileRegistry("churn", path)
    assert len(reg.list_versions()) == workers * count
    aliases = reg.aliases()
    # Every writer's read-modify-write of aliases.json survived the others'.
    assert {f"w{w + 1}-{i}" for w in range(workers) for i in range(count)} <= set(aliases)
    assert aliases["champion"] in {f"{w + 1}.{count - 1}.0" for w in range(workers)}


def test_model_name_cannot_escape_the_registry(tmp_path):
    with pytest.raises(RegistryError):
        FileRegistry("../x", tmp_path)


def test_a_record_with_a_5000_digit_number_is_a_located_error_not_a_crash(tmp_path):
    reg = FileRegistry("churn", tmp_path / "reg", root=tmp_path)
    reg.register(_record("1.0.0"))
    path = tmp_path / "reg/churn/versions/1.0.0.json"
    path.write_text(path.read_text().replace("0.8", "9" * 5000))
    with pytest.raises(RegistryError, match="metrics must be finite numbers") as info:
        reg.get("1.0.0")
    assert info.value.path == str(path)
