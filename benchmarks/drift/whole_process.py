"""Whole processes, as a CI job runs them: start-up, imports, reading both files, drift, report.

Each tool runs in its own process, ``repeat`` times, the tools taking turns so that a busy
spell on a shared machine hits them alike. Wall and CPU (user + system, every thread) are
medians of the repeats; peak RSS is the largest of the child's own high-water marks
(``os.wait4``), so runs do not mix. Only the standard library is imported here.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TARGET_VS_READ = 1.5  # mlci drift at most this many times the bare read of both files
EVIDENTLY = "Evidently CSV (1 run)"

_READ = "import sys, pandas as pd\nfor path in sys.argv[1:]:\n    pd.{reader}(path)\n"


@dataclass
class Sample:
    wall: float
    cpu: float
    sys: float
    rss: int
    code: int
    err: str


@dataclass
class Run:
    tool: str
    wall: float  # seconds, median of the repeats
    cpu: float  # user + system seconds, median of the repeats
    sys: float  # system seconds, median of the repeats
    rss: int  # bytes, the largest peak over the repeats
    columns: dict[str, Any] = field(default_factory=dict)  # column -> {drifted, method}


# The child is forked by this small launcher, not by the benchmark: a child's peak RSS
# (ru_maxrss) starts at its parent's high-water mark, which would hide small peaks.
_LAUNCHER = """\
import json, os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"wall": time.perf_counter() - start, "user": usage.ru_utime, "sys": usage.ru_stime,
                  "rss": usage.ru_maxrss * 1024, "code": os.waitstatus_to_exitcode(status)}))
"""


def measure(cmd: list[str]) -> Sample:
    """One run of ``cmd`` in its own process: wall, CPU and peak RSS of that process alone."""
    proc = subprocess.run([sys.executable, "-c", _LAUNCHER, *cmd], capture_output=True, text=True)
    if proc.returncode != 0 or not proc.stdout.strip():
        return Sample(0.0, 0.0, 0.0, 0, proc.returncode or 1, proc.stderr)
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    return Sample(got["wall"], got["user"] + got["sys"], got["sys"], got["rss"], got["code"], proc.stderr)


def commands(
    parquet: tuple[Path, Path], csv: tuple[Path, Path], out: Path, bench: Path, evidently: Path | None
) -> dict[str, Any]:
    """tool -> (command, report file or None); ``out`` is a scratch directory."""
    py = sys.executable
    ref_pq, cur_pq = (str(p) for p in parquet)
    ref_csv, cur_csv = (str(p) for p in csv)

    def mlci(ref: str, cur: str, name: str) -> tuple[list[str], Path]:
        report = out / f"{name}.json"
        return [py, "-m", "mlci", "drift", ref, cur, "--format", "json", "-o", str(report)], report

    scipy_report, evidently_report = out / "scipy-csv.json", out / "evidently-csv.json"
    tools = {
        "read_csv x2": ([py, "-c", _READ.format(reader="read_csv"), ref_csv, cur_csv], None),
        "read_parquet x2": ([py, "-c", _READ.format(reader="read_parquet"), ref_pq, cur_pq], None),
        "mlci drift CSV": mlci(ref_csv, cur_csv, "mlci-csv"),
        "mlci drift Parquet": mlci(ref_pq, cur_pq, "mlci-parquet"),
        "scipy loop CSV": (
            [py, str(bench), "--worker", "scipy-files", ref_csv, cur_csv, str(scipy_report)],
            scipy_report,
        ),
    }
    if evidently is not None:  # its own venv (see README.md); run once, it takes minutes
        tools[EVIDENTLY] = (
            [
                str(evidently),
                str(bench),
                "--worker",
                "evidently-files",
                ref_csv,
                cur_csv,
                str(evidently_report),
            ],
            evidently_report,
        )
    return tools


def _decisions(report: Path | None) -> dict[str, Any]:
    if report is None or not report.exists():
        return {}
    doc = json.loads(report.read_text())
    if "drift" not in doc:  # the scipy worker writes its columns directly
        return dict(doc["columns"])
    return {c["column"]: {"drifted": c["drifted"], "method": c["method"]} for c in doc["drift"]["columns"]}


def run_all(tools: dict[str, Any], repeat: int) -> dict[str, Run]:
    samples: dict[str, list[Sample]] = {tool: [] for tool in tools}
    for turn in range(repeat):
        for tool, (cmd, _) in tools.items():
            if tool == EVIDENTLY and turn:
                continue
            sample = measure(cmd)
            if sample.code != 0:
                print(f"  {tool}: exited {sample.code}\n{sample.err[-2000:]}")
                continue
            samples[tool].append(sample)
    runs = {}
    for tool, got in samples.items():
        if not got:
            continue
        runs[tool] = Run(
            tool,
            statistics.median(s.wall for s in got),
            statistics.median(s.cpu for s in got),
            statistics.median(s.sys for s in got),
            max(s.rss for s in got),
            _decisions(tools[tool][1]),
        )
    return runs


def _mib(value: float) -> str:
    return f"{value / 2**20:,.0f} MiB"


def table(runs: dict[str, Run]) -> list[str]:
    base = {"CSV": runs.get("read_csv x2"), "Parquet": runs.get("read_parquet x2")}
    lines = [
        "| process | wall | CPU (user+sys) | of which sys | peak RSS | wall / bare read | CPU / bare read |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for tool, run in runs.items():
        read = base["Parquet" if "Parquet" in tool or "parquet" in tool else "CSV"]
        ratio = (
            f"{run.wall / read.wall:.2f}x | {run.cpu / read.cpu:.2f}x"
            if read is not None and not tool.startswith("read")
            else "— | —"
        )
        lines.append(
            f"| {tool} | {run.wall:.2f} s | {run.cpu:.2f} s | {run.sys:.2f} s | {_mib(run.rss)} | {ratio} |"
        )
    return lines


def targets(runs: dict[str, Run]) -> list[str]:
    lines = []
    for tool, read in (("mlci drift CSV", "read_csv x2"), ("mlci drift Parquet", "read_parquet x2")):
        if tool in runs and read in runs:
            wall = runs[tool].wall / runs[read].wall
            cpu = runs[tool].cpu / runs[read].cpu
            verdict = "PASS" if wall <= TARGET_VS_READ else "FAIL"
            lines.append(
                f"{verdict} {tool}: {wall:.2f}x the wall of {read} (<= {TARGET_VS_READ}x); CPU {cpu:.2f}x"
            )
    if EVIDENTLY in runs and "mlci drift CSV" in runs:
        speedup = runs[EVIDENTLY].wall / runs["mlci drift CSV"].wall
        lines.append(f"mlci drift CSV: {speedup:.0f}x faster than Evidently CSV, whole processes")
    return lines


def whole_processes(
    parquet: tuple[Path, Path], csv: tuple[Path, Path], bench: Path, repeat: int, evidently: Path | None
) -> dict[str, Run]:
    """Every process ``repeat`` times (Evidently once, when its interpreter is given)."""
    with tempfile.TemporaryDirectory(prefix="mlci-drift-bench-") as scratch:
        tools = commands(parquet, csv, Path(scratch), bench, evidently)
        runs = run_all(tools, repeat)
    print(f"\nwhole processes, median of {repeat} (load average {os.getloadavg()[0]:.1f} at the end):\n")
    for line in table(runs):
        print(line)
    return runs
