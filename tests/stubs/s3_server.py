"""A real S3-compatible object store for the tests: moto's server mode over HTTP.

``python -m moto.server`` on 127.0.0.1 and a free port, started once per test session
(bounded wait until it answers) and stopped at the end. ``env`` is what a user sets to
point s3fs at an S3-compatible endpoint (MinIO, Ceph, moto): ``AWS_ENDPOINT_URL`` and
a key pair, here moto's dummy one. Each test makes its own bucket.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from stubs.mlflow_server import free_port
from stubs.process_group import stop_group

STARTUP_TIMEOUT = 60.0


class S3Server:
    def __init__(self, url: str) -> None:
        self.url = url
        self.env = {
            "AWS_ENDPOINT_URL": url,
            "AWS_ACCESS_KEY_ID": "mlci-test-key",
            "AWS_SECRET_ACCESS_KEY": "mlci-test-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
            region_name="us-east-1",
        )

    def bucket(self) -> str:
        name = f"mlci-{uuid.uuid4().hex[:10]}"
        self.client().create_bucket(Bucket=name)
        return name

    def upload_tree(self, root: Path, bucket: str, prefix: str) -> str:
        """Every file under ``root`` to ``s3://bucket/prefix/...``; returns that URL."""
        client = self.client()
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            client.upload_file(str(path), bucket, f"{prefix}/{path.relative_to(root).as_posix()}")
        return f"s3://{bucket}/{prefix}/"


@contextmanager
def running_s3(log_dir: Path) -> Iterator[S3Server]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (log_dir / "moto.log").open("wb")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MLCI_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"moto server exited: {(log_dir / 'moto.log').read_text()[-2000:]}")
            try:
                requests.get(f"{url}/moto-api/", timeout=2)
                break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"moto server did not answer within {STARTUP_TIMEOUT:.0f}s")
            time.sleep(0.2)
        yield S3Server(url)
    finally:
        stop_group(proc)
        log.close()
