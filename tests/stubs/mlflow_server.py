"""A real MLflow tracking server for the tests, and MLflow's own client to fill it as a user would.

``mlflow server`` with a SQLite backend store and proxied artifacts in a temporary
directory, on 127.0.0.1 and a free port; started once per test session (bounded wait for
``/health``) and stopped at the end. Every test uses its own model names, so tests do not
see each other's versions.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from stubs.process_group import stop_group

STARTUP_TIMEOUT = 120.0  # seconds; a loaded CI machine needs a while to import mlflow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MlflowServer:
    def __init__(self, url: str, root: Path) -> None:
        from mlflow import MlflowClient

        self.url = url
        self.root = root
        self.client = MlflowClient(tracking_uri=url, registry_uri=url)
        self.experiment_id = self.client.create_experiment(f"mlci-tests-{uuid.uuid4().hex[:8]}")

    @staticmethod
    def model_name(prefix: str = "churn") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    def log_run(
        self,
        metrics: Mapping[str, float | list[float]],
        *,
        params: Mapping[str, str] | None = None,
        artifacts: Mapping[str, bytes] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> str:
        """A finished run: metrics (a list logs one value per step), params, artifact files."""
        run = self.client.create_run(self.experiment_id, tags=dict(tags or {}))
        run_id = run.info.run_id
        for key, value in metrics.items():
            for step, v in enumerate(value if isinstance(value, list) else [value]):
                self.client.log_metric(run_id, key, v, step=step)
        for key, text in (params or {}).items():
            self.client.log_param(run_id, key, text)
        for name, content in (artifacts or {}).items():
            local = self.root / "uploads" / run_id / name
            local.parent.mkdir(parents=True, exist_ok=True)
            local.write_bytes(content)
            folder = str(Path(name).parent) if Path(name).parent != Path(".") else None
            self.client.log_artifact(run_id, str(local), artifact_path=folder)
        self.client.set_terminated(run_id)
        return run_id

    def register(self, model: str, run_id: str, *, alias: str | None = None) -> str:
        """Register the run's model the way MLflow users do; returns MLflow's version number."""
        from mlflow.exceptions import MlflowException

        with contextlib.suppress(MlflowException):  # already there
            self.client.create_registered_model(model)
        version = self.client.create_model_version(model, f"runs:/{run_id}/model", run_id=run_id)
        if alias:
            self.client.set_registered_model_alias(model, alias, version.version)
        return str(version.version)

    def versions(self, model: str) -> list[Any]:
        found = self.client.search_model_versions(f"name='{model}'")
        # search leaves out the aliases; get has them
        return [
            self.client.get_model_version(model, v.version)
            for v in sorted(found, key=lambda v: int(v.version))
        ]


@contextmanager
def running_mlflow(root: Path) -> Iterator[MlflowServer]:
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (root / "server.log").open("wb")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "MLCI_"))}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "server",
            "--backend-store-uri",
            f"sqlite:///{root / 'mlflow.db'}",
            "--artifacts-destination",
            str(root / "artifacts"),
            "--serve-artifacts",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,  # its workers go with it when the group is stopped
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"mlflow server exited: {(root / 'server.log').read_text()[-2000:]}")
            try:
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"mlflow server did not answer /health within {STARTUP_TIMEOUT:.0f}s")
            time.sleep(0.25)
        yield MlflowServer(url, root)
    finally:
        stop_group(proc)
        log.close()
