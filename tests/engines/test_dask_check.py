"""``engine:`` in mlci.yml: ``mlci check`` validates and compares partitioned datasets on Dask."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from stubs.partitioned_data import SCHEMA, frame, planted, split


def _project(tmp_path: Path, engine: str) -> Path:
    (tmp_path / "schema.yml").write_text(SCHEMA, encoding="utf-8")
    split(planted(), tmp_path / "train", "parquet")
    split(frame(2000, seed=3, shift=0.5), tmp_path / "current", "parquet", size=800)
    config = tmp_path / "mlci.yml"
    config.write_text(
        "version: 1\n"
        f"{engine}"
        "datasets:\n"
        "  train: {path: DATA_TRAIN, schema: schema.yml}\n"
        "  current: {path: DATA_CURRENT, schema: schema.yml}\n"
        "drift: {reference: train, current: current}\n",
        encoding="utf-8",
    )
    return config


def _sections(report: Path) -> dict[str, object]:
    data = json.loads(report.read_text(encoding="utf-8"))
    for entry in data["validation"]:
        for key in ("path", "fingerprint"):
            entry.pop(key)
    for side in ("reference", "current"):
        data["drift"][side].pop("path")
    return {"status": data["status"], "validation": data["validation"], "drift": data["drift"]}


def test_check_with_engine_dask_equals_check_on_the_whole_files(
    mlci_process, tmp_path: Path, cluster: str
) -> None:
    dask_dir, local_dir = tmp_path / "dask", tmp_path / "local"
    for where in (dask_dir, local_dir):
        where.mkdir()
    remote = _project(dask_dir, f"engine: {{name: dask, scheduler: '{cluster}'}}\n")
    remote.write_text(
        remote.read_text().replace("DATA_TRAIN", "train").replace("DATA_CURRENT", "current"), encoding="utf-8"
    )
    local = _project(local_dir, "engine: local\n")
    local.write_text(
        local.read_text()
        .replace("DATA_TRAIN", "train-whole.parquet")
        .replace("DATA_CURRENT", "current-whole.parquet"),
        encoding="utf-8",
    )
    r1 = mlci_process("check", "-c", remote, "-o", dask_dir / "report.json")
    r2 = mlci_process("check", "-c", local, "-o", local_dir / "report.json")
    assert r1.exit_code == r2.exit_code == 1, r1.stderr
    assert _sections(dask_dir / "report.json") == _sections(local_dir / "report.json")


def test_an_unreachable_scheduler_in_mlci_yml_still_writes_a_report_and_exits_3(
    mlci_process, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = _project(tmp_path, f"engine: {{name: dask, scheduler: 'tcp://127.0.0.1:{port}', timeout: 2}}\n")
    config.write_text(config.read_text().replace("DATA_TRAIN", "train").replace("DATA_CURRENT", "current"))
    run = mlci_process("check", "-c", config, "-o", tmp_path / "report.json")
    assert run.exit_code == 3, run.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["status"] == "error" and report["validation"] is None and report["drift"] is None
    assert report["errors"][0]["kind"] == "service" and report["errors"][0]["key"] == "engine"
