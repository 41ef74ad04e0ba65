"""``mlci push``: against a real Pushgateway started here, and a stand-in for its failures."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from mlci.platforms.pushgateway import group_path, path_segment
from mlci.report import DriftColumn, DriftSection, ModelInfo, Report
from mlci.report.drift import DriftDataset

from stubs.pushgateway import free_port, groups, pushgateway, series

FAST = {"MLCI_HTTP_BACKOFF": "0.01", "MLCI_HTTP_MAX_WAIT": "3", "MLCI_HTTP_TIMEOUT": "2"}
PASSWORD = "pa55-w0rd-never-shown"


def report(columns: dict[str, float], *, model: str = "churn", status: str = "failed") -> Report:
    cols = [
        DriftColumn(
            column=name,
            kind="numeric",
            method="ks",
            statistic=stat,
            p_value=0.01,
            threshold=0.05,
            drifted=stat > 0.2,
        )
        for name, stat in columns.items()
    ]
    share = sum(c.drifted for c in cols) / len(cols)
    drift = DriftSection(
        status="passed",
        drifted_share=share,
        dataset_drift=share >= 0.5,
        columns=cols,
        current=DriftDataset(path="data/prod.csv", rows=10, dataset="production"),
    )
    return Report(model=ModelInfo(name=model), drift=drift, status=status)  # type: ignore[arg-type]


def write_report(tmp_path: Path, rep: Report, name: str = "mlci-report.json") -> Path:
    path = tmp_path / name
    path.write_text(rep.to_json(), encoding="utf-8")
    return path


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[str]:
    with pushgateway(tmp_path) as url:
        yield url


def group_of(url: str, model: str, job: str = "mlci", auth: str | None = None) -> dict[str, Any]:
    found = [g for g in groups(url, auth) if g["labels"] == {"job": job, "model": model}]
    assert len(found) == 1, [g["labels"] for g in groups(url, auth)]
    return found[0]


def scores(group: dict[str, Any]) -> dict[str, float]:
    return {dict(k)["column"]: v for k, v in series(group, "mlci_drift_score").items()}


def test_push_replaces_the_group_so_a_vanished_column_is_gone(
    mlci: Callable[..., Any], gateway: str, tmp_path: Path
) -> None:
    first = write_report(tmp_path, report({"age": 0.31, "plan": 0.12, "tenure": 0.5}))
    result = mlci("push", first, "--pushgateway", gateway, env=FAST)
    # a failed report is still published: exit 0
    assert result.exit_code == 0, result.stderr
    assert f"pushed 24 series to {gateway}/metrics/job/mlci/model/churn" in result.stderr
    group = group_of(gateway, "churn")
    assert scores(group) == {"age": 0.31, "plan": 0.12, "tenure": 0.5}
    labels = dict(next(iter(series(group, "mlci_drift_score"))))
    assert labels["dataset"] == "production" and labels["method"] == "ks" and labels["model"] == "churn"
    assert series(group, "mlci_dataset_drifted") and list(series(group, "mlci_drifted_share").values()) == [
        pytest.approx(2 / 3)
    ]
    assert list(series(group, "mlci_report_passed").values()) == [0.0]

    second = write_report(tmp_path, report({"age": 0.01, "tenure": 0.02}, status="passed"), "second.json")
    assert mlci("push", second, env={**FAST, "MLCI_PUSHGATEWAY": gateway}).exit_code == 0
    group = group_of(gateway, "churn")
    assert scores(group) == {"age": 0.01, "tenure": 0.02}  # "plan" did not linger
    assert {dict(k)["column"] for k in series(group, "mlci_column_drifted")} == {"age", "tenure"}
    assert list(series(group, "mlci_report_passed").values()) == [1.0]


def test_groups_of_two_models_and_jobs_stay_apart(
    mlci: Callable[..., Any], gateway: str, tmp_path: Path
) -> None:
    a = write_report(tmp_path, report({"x": 0.1}, model="a"), "a.json")
    b = write_report(tmp_path, report({"y": 0.9}, model="team/b"), "b.json")
    assert mlci("push", a, "--pushgateway", gateway + "/", "--job", "nightly", env=FAST).exit_code == 0
    result = mlci("push", b, "--pushgateway", gateway, env=FAST)
    assert result.exit_code == 0, result.stderr
    # a model name with "/" travels as model@base64/...; the gateway decodes it
    assert "model@base64/" in result.stderr
    assert scores(group_of(gateway, "a", job="nightly")) == {"x": 0.1}
    assert scores(group_of(gateway, "team/b")) == {"y": 0.9}


def test_hostile_label_values_arrive_exactly(mlci: Callable[..., Any], gateway: str, tmp_path: Path) -> None:
    # The gateway's own parser is the oracle for the escaping.
    names = ['quote"d', "back\\slash", "new\nline", "ünï€ødé 列", "a/b", 'x{y="z"},w', "trail\\"]
    path = write_report(tmp_path, report({n: 0.1 * (i + 1) for i, n in enumerate(names)}))
    assert mlci("push", path, "--pushgateway", gateway, env=FAST).exit_code == 0
    got = scores(group_of(gateway, "churn"))
    assert got == {n: pytest.approx(0.1 * (i + 1)) for i, n in enumerate(names)}


def test_basic_auth_from_the_environment_never_printed(mlci: Callable[..., Any], tmp_path: Path) -> None:
    import base64

    path = write_report(tmp_path, report({"age": 0.3}))
    with pushgateway(tmp_path, users={"pusher": PASSWORD}) as url:
        env = {**FAST, "MLCI_PUSHGATEWAY_USERNAME": "pusher", "MLCI_PUSHGATEWAY_PASSWORD": PASSWORD}
        ok = mlci("push", path, "--pushgateway", url, env=env)
        assert ok.exit_code == 0, ok.stderr
        auth = "Basic " + base64.b64encode(f"pusher:{PASSWORD}".encode()).decode()
        assert scores(group_of(url, "churn", auth=auth)) == {"age": 0.3}

        wrong = mlci("push", path, "--pushgateway", url, env={**env, "MLCI_PUSHGATEWAY_PASSWORD": "nope"})
        assert wrong.exit_code == 3
        assert wrong.stderr.count("\n") == 1 and "401" in wrong.stderr and "MLCI_PUSHGATEWAY" in wrong.stderr

        # credentials in the URL work too, and are stripped from every message
        netloc = url.replace("http://", f"http://pusher:{PASSWORD}@")
        inline = mlci("push", path, "--pushgateway", netloc, env=FAST)
        assert inline.exit_code == 0, inline.stderr
        assert PASSWORD not in inline.stderr + inline.stdout
        for run in (ok, wrong, inline):
            assert PASSWORD not in run.stdout + run.stderr
            assert base64.b64encode(f"pusher:{PASSWORD}".encode()).decode() not in run.stdout + run.stderr


def test_a_refused_push_is_one_line_exit_3(mlci: Callable[..., Any], gateway: str, tmp_path: Path) -> None:
    import urllib.request

    # Another pusher already holds mlci_drift_score as a counter: the gateway refuses ours (400).
    body = b"# TYPE mlci_drift_score counter\nmlci_drift_score 1\n"
    urllib.request.urlopen(
        urllib.request.Request(gateway + "/metrics/job/other", data=body, method="PUT"), timeout=10
    ).close()
    path = write_report(tmp_path, report({"age": 0.3}))
    result = mlci("push", path, "--pushgateway", gateway, env=FAST)
    assert result.exit_code == 3
    assert result.stderr.startswith("error: Pushgateway PUT /metrics/job/mlci/model/churn: 400 ")
    assert result.stderr.count("\n") == 1


def test_a_url_that_is_not_the_gateway_root_is_exit_2(
    mlci: Callable[..., Any], gateway: str, tmp_path: Path
) -> None:
    path = write_report(tmp_path, report({"age": 0.3}))
    result = mlci("push", path, "--pushgateway", gateway + "/metrics", env=FAST)
    assert result.exit_code == 2, result.stderr
    assert "root URL" in result.stderr and result.stderr.count("\n") == 1
    bad = mlci("push", path, "--pushgateway", "pushgateway:9091", env=FAST)
    assert bad.exit_code == 2 and "http(s) URL" in bad.stderr


def test_unreachable_gateway_is_exit_3_in_bounded_time(mlci: Callable[..., Any], tmp_path: Path) -> None:
    path = write_report(tmp_path, report({"age": 0.3}))
    started = time.monotonic()
    result = mlci("push", path, "--pushgateway", f"http://127.0.0.1:{free_port()}", env=FAST)
    assert time.monotonic() - started < 10
    assert result.exit_code == 3
    assert "connection failed" in result.stderr and result.stderr.count("\n") == 1


@contextlib.contextmanager
def stand_in(status: int) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """Answers every request with ``status``; records the headers it got."""
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append({k.lower(): v for k, v in self.headers.items()})
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_5xx_is_retried_then_exit_3(mlci: Callable[..., Any], tmp_path: Path) -> None:
    path = write_report(tmp_path, report({"age": 0.3}))
    with stand_in(503) as (url, seen):
        result = mlci("push", path, "--pushgateway", url, env={**FAST, "MLCI_HTTP_MAX_WAIT": "1"})
    assert result.exit_code == 3 and "503" in result.stderr and "gave up after" in result.stderr
    assert len(seen) > 1


def test_bearer_token_is_sent_and_never_printed(mlci: Callable[..., Any], tmp_path: Path) -> None:
    token = "pgw-t0ken-" + "x" * 20
    path = write_report(tmp_path, report({"age": 0.3}))
    with stand_in(200) as (url, seen):
        ok = mlci("push", path, "--pushgateway", url, env={**FAST, "MLCI_PUSHGATEWAY_TOKEN": token})
    assert ok.exit_code == 0 and seen[0]["authorization"] == f"Bearer {token}"
    assert seen[0]["content-type"].startswith("text/plain; version=0.0.4")
    with stand_in(403) as (url, _):
        denied = mlci("push", path, "--pushgateway", url, env={**FAST, "MLCI_PUSHGATEWAY_TOKEN": token})
    assert denied.exit_code == 3 and "403" in denied.stderr
    assert token not in ok.stderr + ok.stdout + denied.stderr + denied.stdout
    both = mlci(
        "push",
        path,
        "--pushgateway",
        url,
        env={**FAST, "MLCI_PUSHGATEWAY_TOKEN": token, "MLCI_PUSHGATEWAY_USERNAME": "u"},
    )
    assert both.exit_code == 2 and "not both" in both.stderr


@pytest.mark.parametrize(
    "label,value,segment",
    [
        ("model", "churn", "model/churn"),
        ("model", "a/b", "model@base64/YS9i"),
        ("model", "", "model@base64/="),
        ("job", "with space", "job/with%20space"),
    ],
)
def test_path_segment(label: str, value: str, segment: str) -> None:
    assert path_segment(label, value) == segment
    assert group_path("mlci", "m") == "/metrics/job/mlci/model/m"
