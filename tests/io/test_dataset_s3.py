"""``s3://`` datasets against a real S3-compatible store over HTTP (moto's server mode).

s3fs is pointed at the store the way users point it at MinIO or Ceph: ``AWS_ENDPOINT_URL``
and a key pair in the environment. The results must equal those on the same files read
from a local directory, field by field (fingerprints included: they do not depend on
where a dataset lives).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from stubs.mlflow_server import free_port
from stubs.s3_server import S3Server

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "churn"
SCHEMA = EXAMPLE / "schema.yml"
CURRENT = EXAMPLE / "data" / "current.csv"
TRAIN = EXAMPLE / "data" / "train.csv"


def hive_tree(root: Path, source: Path, fmt: str = "parquet") -> Path:
    """``source`` split by region into ``region=<value>/part-00000.<fmt>``, plus a marker."""
    frame = pd.read_csv(source, dtype={"customer_id": str, "signup_date": str})
    for region, rows in frame.groupby("region", sort=True):
        folder = root / f"region={region}"
        folder.mkdir(parents=True)
        rows = rows.drop(columns="region")
        if fmt == "parquet":
            rows.to_parquet(folder / "part-00000.parquet", index=False)
        else:
            rows.to_csv(folder / f"part-00000.{fmt}", index=False)
    (root / "_SUCCESS").write_text("")
    return root


def same_entry(a: dict[str, object], b: dict[str, object]) -> None:
    assert {k: v for k, v in a.items() if k != "path"} == {k: v for k, v in b.items() if k != "path"}


@pytest.mark.parametrize("fmt", ["parquet", "csv.gz", "csv.xz"])
def test_validate_s3_prefix_equals_the_local_directory(
    mlci, s3_server: S3Server, tmp_path: Path, fmt: str
) -> None:
    local = hive_tree(tmp_path / "events", CURRENT, fmt)
    url = s3_server.upload_tree(local, s3_server.bucket(), "events")
    remote = mlci("validate", url, "-s", SCHEMA, "--format", "json", env=s3_server.env)
    here = mlci("validate", local, "-s", SCHEMA, "--format", "json")
    assert remote.exit_code == here.exit_code == 1, remote.stderr
    a, b = json.loads(remote.stdout)["validation"][0], json.loads(here.stdout)["validation"][0]
    same_entry(a, b)
    assert a["path"] == url and a["dataset"] == "events" and a["rows"] == 1500
    assert {v["check"] for v in a["violations"]} >= {"unique", "max", "allowed"}


def test_drift_and_infer_on_s3_globs_equal_local(mlci, s3_server: S3Server, tmp_path: Path) -> None:
    bucket = s3_server.bucket()
    ref = s3_server.upload_tree(hive_tree(tmp_path / "ref", TRAIN), bucket, "ref")
    s3_server.upload_tree(hive_tree(tmp_path / "cur", CURRENT), bucket, "cur")
    glob = f"s3://{bucket}/cur/region=*/*.parquet"
    remote = mlci("drift", ref, glob, "-s", SCHEMA, "--format", "json", env=s3_server.env)
    here = mlci("drift", tmp_path / "ref", tmp_path / "cur", "-s", SCHEMA, "--format", "json")
    assert remote.exit_code == here.exit_code == 0, remote.stderr
    a, b = json.loads(remote.stdout)["drift"], json.loads(here.stdout)["drift"]
    assert a["columns"] == b["columns"] and a["drifted_share"] == b["drifted_share"]
    assert a["current"]["path"] == glob
    inferred = mlci("schema", "infer", ref, env=s3_server.env)
    assert inferred.exit_code == 0, inferred.stderr
    assert (
        inferred.stdout.splitlines()[1:] == mlci("schema", "infer", tmp_path / "ref").stdout.splitlines()[1:]
    )


def test_mlci_yml_may_name_an_s3_dataset(mlci, s3_server: S3Server, tmp_path: Path) -> None:
    url = s3_server.upload_tree(hive_tree(tmp_path / "train", TRAIN), s3_server.bucket(), "train")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "schema.yml").write_text(SCHEMA.read_text())
    config = tmp_path / "repo" / "mlci.yml"
    config.write_text(f"version: 1\ndatasets:\n  train: {{path: '{url}', schema: schema.yml}}\n")
    out = tmp_path / "report.json"
    run = mlci("check", "-c", config, "-o", out, env=s3_server.env)
    assert run.exit_code == 0, run.stderr
    (entry,) = json.loads(out.read_text())["validation"]
    assert entry["path"] == url and entry["rows"] == 4000 and entry["status"] == "passed"


def test_missing_bucket_or_key_is_bad_input(mlci, s3_server: S3Server, write) -> None:
    bucket = s3_server.bucket()
    schema = write("schema.yml", "columns:\n  a: {dtype: int}\n")
    for url in (f"s3://{bucket}/no/such/prefix/", f"s3://mlci-no-such-bucket-{bucket}/events/"):
        run = mlci("validate", url, "-s", schema, env=s3_server.env)
        assert run.exit_code == 2, run.stderr
        assert run.stderr.strip() == f"error: {url}: not found (no such bucket, container or key)"


@pytest.fixture
def silent_store() -> Iterator[str]:
    """A TCP port that accepts connections and never answers (a hung endpoint)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


def test_a_store_that_does_not_answer_is_exit_3_in_bounded_time(
    mlci, s3_server: S3Server, write, silent_store: str
) -> None:
    schema = write("schema.yml", "columns:\n  a: {dtype: int}\n")
    down = {**s3_server.env, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
    hung = {**s3_server.env, "AWS_ENDPOINT_URL": silent_store, "MLCI_STORE_TIMEOUT": "1"}
    for env, bound in ((down, 60), (hung, 60)):
        start = time.monotonic()
        run = mlci("validate", "s3://bucket/events/", "-s", schema, env=env)
        assert run.exit_code == 3, run.stderr
        assert time.monotonic() - start < bound
        assert run.stderr.startswith("error: s3://bucket/events/: the store did not answer: ")
        assert len(run.stderr.strip().splitlines()) == 1


def test_credentials_never_reach_the_output(mlci, s3_server: S3Server, write) -> None:
    schema = write("schema.yml", "columns:\n  a: {dtype: int}\n")
    endpoint = f"http://mlci:hunter2@127.0.0.1:{free_port()}/?X-Amz-Security-Token=tok3n"
    secret = "wJalrXUtnFEMI-secret-value"
    env = {**s3_server.env, "AWS_ENDPOINT_URL": endpoint, "AWS_SECRET_ACCESS_KEY": secret}
    url = "s3://bucket/events/?X-Amz-Signature=s1gnature"
    run = mlci("validate", url, "-s", schema, env=env)
    assert run.exit_code in (2, 3), run.stderr
    for text in ("hunter2", "tok3n", secret, "s1gnature"):
        assert text not in run.stderr and text not in run.stdout


def test_a_broken_remote_partition_is_named_by_its_url(
    mlci, s3_server: S3Server, tmp_path: Path, write
) -> None:
    write("d/part-0.csv", "a\n1\n")
    write("d/part-1.csv", "a\n1\n2,3\n")
    url = s3_server.upload_tree(tmp_path / "d", s3_server.bucket(), "d")
    schema = write("schema.yml", "columns:\n  a: {dtype: int}\n")
    run = mlci("validate", url, "-s", schema, env=s3_server.env)
    assert run.exit_code == 2, run.stderr
    assert run.stderr.strip() == f"error: {url}part-1.csv:3: ragged row: expected 1 fields, found 2"
    assert "mlci-part-" not in run.stderr  # never the staged copy's name


def test_remote_partitions_are_fetched_ahead_and_their_copies_deleted(
    s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from mlci.io.dataset import open_dataset

    local = tmp_path / "d"
    local.mkdir()
    for i in range(4):
        pd.DataFrame({"v": range(i * 10, i * 10 + 10)}).to_parquet(local / f"part-{i}.parquet")
    url = s3_server.upload_tree(local, s3_server.bucket(), "d")
    for name, value in s3_server.env.items():
        monkeypatch.setenv(name, value)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    data = open_dataset(url)
    seen = []
    for chunk in data.chunks():
        seen += chunk["v"].tolist()
        assert len(list(scratch.iterdir())) <= 2  # this partition's copy and the next one's
    assert seen == list(range(40)) and list(scratch.iterdir()) == []
    chunks = data.chunks()
    next(chunks)
    chunks.close()  # a reader that stops early (e.g. refetching a few rows)
    assert list(scratch.iterdir()) == []


def test_a_nested_column_in_a_remote_dataset_is_named_by_its_url(
    mlci, s3_server: S3Server, tmp_path: Path
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "d").mkdir()
    pq.write_table(pa.table({"tags": [[1], [2, 3]], "k": [1, 2]}), tmp_path / "d" / "part-0.parquet")
    url = s3_server.upload_tree(tmp_path / "d", s3_server.bucket(), "d")
    run = mlci("schema", "infer", url, env=s3_server.env)
    assert run.exit_code == 2, run.stderr
    assert run.stderr.startswith(f"error: {url}: column 'tags' holds ")
