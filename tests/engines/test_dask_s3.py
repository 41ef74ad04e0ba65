"""``mlci validate s3://... --engine dask``: the issue's own example, on a real cluster and store.

moto's server mode stands in for S3 over real HTTP; the workers of the local cluster mlci
starts inherit the store's endpoint and keys from the environment, as workers must.
"""

from __future__ import annotations

import json
from pathlib import Path

from stubs.partitioned_data import SCHEMA, planted, split
from stubs.s3_server import S3Server


def test_validate_an_s3_prefix_on_dask_equals_the_local_files(
    mlci_process, s3_server: S3Server, tmp_path: Path
) -> None:
    schema = tmp_path / "schema.yml"
    schema.write_text(SCHEMA, encoding="utf-8")
    parts = split(planted(), tmp_path / "events", "parquet")
    url = s3_server.upload_tree(parts, s3_server.bucket(), "events")
    remote = mlci_process(
        "validate", url, "-s", schema, "--format", "json", "--engine", "dask", env=s3_server.env
    )
    local = mlci_process("validate", tmp_path / "events-whole.parquet", "-s", schema, "--format", "json")
    assert remote.exit_code == local.exit_code == 1, remote.stderr
    a, b = (json.loads(r.stdout)["validation"][0] for r in (remote, local))
    assert a["path"] == url and a["rows"] == 3000
    drop = ("dataset", "path", "fingerprint")
    assert {k: v for k, v in a.items() if k not in drop} == {k: v for k, v in b.items() if k not in drop}
