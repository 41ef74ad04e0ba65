"""Benchmark ``mlci drift`` against the bare reads, a naive loop of scipy tests and Evidently.

Generates a reference and a current dataset (default 1M rows x 20 columns: floats with
and without shifts and gaps, integers, low-cardinality integers, strings with 5 to 200
categories and new ones in the current data, a boolean) as Parquet, then runs every
tool in its own fresh subprocess on the same data:

- ``mlci``        ``detect_drift(reference, current)`` on the loaded DataFrames;
- ``mlci-parquet``  ``detect_drift_sources`` on the Parquet files: read + test + report JSON;
- ``mlci-csv``    the same on CSV copies of the data (parsed once, in chunks);
- ``scipy``       a plain loop: per column ``dropna``, then ``scipy.stats`` /
                  ``scipy.spatial`` with the same default methods and thresholds;
- ``evidently``   ``Report([DataDriftPreset()], include_tests=True)`` with the column kinds
                  given explicitly, run by the Evidently venv (see README.md).

Time is the computation only (the DataFrames are loaded before the clock starts), except
for ``mlci-parquet`` and ``mlci-csv``, which include reading. Peak memory is the high-water
mark of the process's RSS above its RSS when the clock started (reset through
/proc/self/clear_refs).

Then whole processes, as a CI job pays them (``whole_process.py``): two ``pandas.read_csv``,
two ``pandas.read_parquet``, ``mlci drift`` on the CSV and on the Parquet files (the real
CLI, report written), and the scipy loop with its two ``read_csv``; wall, CPU, system time
and peak RSS, medians of ``--repeat`` runs.

Decisions (drifted or not) are compared column by column with Evidently's, else scipy's,
for every mlci run, the command-line ones included.
A second, small scenario (1,000 reference rows) exercises the KS / chi-square / z tests.

    python benchmarks/drift/bench_drift.py
    python benchmarks/drift/bench_drift.py --rows 200000 --small-rows 0 --repeat 1

Only the standard library is imported at the top: ``--worker evidently`` runs under an
interpreter that has no mlci.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from whole_process import targets as whole_targets
from whole_process import whole_processes

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE.parent / ".data" / "drift"
EVIDENTLY_PYTHON = HERE.parent / ".venv-evidently" / "bin" / "python"
GENERATOR_VERSION = 2
SEED = 20240601

TARGET_VS_EVIDENTLY = 50.0  # mlci at least this many times faster
TARGET_MEMORY = 2.0  # reading + testing files: peak at most this many times the two DataFrames


# --- the data -----------------------------------------------------------------------------
# name -> kind, as Evidently is told (mlci infers it; the table reports any disagreement).
KINDS = {
    "amount": "numeric", "amount_shift": "numeric", "score": "numeric",
    "score_small_shift": "numeric", "latency": "numeric", "latency_gaps": "numeric",
    "ratio": "numeric", "ratio_scaled": "numeric", "temperature": "numeric",
    "balance": "numeric", "age": "numeric", "visits": "numeric", "tenure_days": "numeric",
    "rating": "categorical", "plan": "categorical", "country": "categorical",
    "device": "categorical", "product": "categorical", "channel_new": "categorical",
    "churned": "categorical",
}  # fmt: skip


def generate(rows: int, seed: int, drifted: bool) -> Any:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    s = 1.0 if drifted else 0.0

    def choice(labels: list[str], p: Any) -> Any:
        p = np.asarray(p, dtype=float)
        return pd.Series(np.asarray(labels)[rng.choice(len(labels), rows, p=p / p.sum())], dtype="str")

    zipf = 1.0 / np.arange(1, 201) ** 1.1
    frame = pd.DataFrame(
        {
            "amount": rng.lognormal(3, 1, rows),
            "amount_shift": rng.lognormal(3 + 0.3 * s, 1, rows),
            "score": rng.normal(0, 1, rows),
            "score_small_shift": rng.normal(0.02 * s, 1, rows),
            "latency": rng.exponential(120, rows),
            "latency_gaps": np.where(
                rng.random(rows) < 0.05 + 0.1 * s, np.nan, rng.exponential(100 + 50 * s, rows)
            ),
            "ratio": rng.uniform(0, 1, rows),
            "ratio_scaled": rng.uniform(0, 1 + 0.3 * s, rows),
            "temperature": rng.normal(20, 5, rows).round(1),
            "balance": rng.normal(1000, 300, rows) + (150 * s),
            "age": rng.integers(18, 91, rows),
            "visits": rng.poisson(3 + 2 * s, rows),
            "tenure_days": rng.integers(0, 3650, rows),
            "rating": rng.integers(1, 6, rows),
            "plan": choice(["free", "pro", "team", "enterprise", "edu"], [50, 30, 10, 5, 5]),
            "country": choice([f"C{i:03d}" for i in range(200)], zipf),
            "device": choice(["ios", "android", "web"], [30 + 20 * s, 40, 30]),
            "product": choice([f"P{i:02d}" for i in range(20)], np.ones(20)),
            "channel_new": choice(
                ["ads", "seo", "mail", "partner", "tiktok"], [30, 30, 20, 20, 15 * s]
            ),
            "churned": rng.random(rows) < 0.2 + 0.02 * s,
        }
    )  # fmt: skip
    return frame


def ensure_data(rows: int, name: str) -> tuple[Path, Path]:
    folder = DATA_DIR / f"v{GENERATOR_VERSION}-{name}-{rows}"
    ref, cur = folder / "reference.parquet", folder / "current.parquet"
    if not (ref.exists() and cur.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        generate(rows, SEED, False).to_parquet(ref, index=False)
        generate(rows, SEED + 1, True).to_parquet(cur, index=False)
    return ref, cur


def csv_copy(parquet: Path) -> Path:
    path = parquet.with_suffix(".csv")
    if not path.exists():
        import pandas as pd

        pd.read_parquet(parquet).to_csv(path, index=False)
    return path


# --- measuring inside a worker ------------------------------------------------------------


def _status_kb(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):  # not Linux: the peak then counts from start-up
        Path("/proc/self/clear_refs").write_text("5")


class Meter:
    """Wall time and RSS high-water mark above the RSS at start."""

    def __enter__(self) -> Meter:
        _reset_peak()
        self.start_rss = _status_kb("VmRSS") * 1024
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
        self.peak = max(_status_kb("VmHWM") * 1024 - self.start_rss, 0)


def _frames(ref_path: str, cur_path: str) -> tuple[Any, Any, int]:
    import pandas as pd

    ref, cur = pd.read_parquet(ref_path), pd.read_parquet(cur_path)
    size = int(ref.memory_usage(deep=True).sum() + cur.memory_usage(deep=True).sum())
    return ref, cur, size


def worker_mlci(ref_path: str, cur_path: str) -> dict[str, Any]:
    from mlci.checks.drift import detect_drift

    ref, cur, size = _frames(ref_path, cur_path)
    with Meter() as meter:
        outcome = detect_drift(ref, cur)
    return {
        "seconds": meter.seconds,
        "peak": meter.peak,
        "data_bytes": size,
        "columns": {
            c.column: {"drifted": c.drifted, "method": c.method, "kind": c.kind,
                       "score": c.p_value if c.comparison in ("<=", "<") else c.statistic}
            for c in outcome.columns
        },
    }  # fmt: skip


def worker_mlci_files(ref_path: str, cur_path: str) -> dict[str, Any]:
    """Read, test and build the report from files (Parquet or CSV)."""
    import pyarrow.parquet  # noqa: F401 - imported before the meter starts: code, not data

    from mlci.app.drift import drift_report, drift_section
    from mlci.checks.drift import detect_drift_sources
    from mlci.io import open_source

    with Meter() as meter:
        outcome = detect_drift_sources(open_source(ref_path), open_source(cur_path))
        text = drift_report(drift_section(outcome, reference_path=ref_path, current_path=cur_path)).to_json()
    return {
        "seconds": meter.seconds,
        "peak": meter.peak,
        "report_bytes": len(text),
        "columns": {c.column: {"drifted": c.drifted, "method": c.method} for c in outcome.columns},
    }


def _scipy_column(ref: Any, cur: Any, kind: str) -> tuple[str, float, bool]:
    """Evidently's default test for one column, written the obvious way."""
    import numpy as np
    from scipy import stats
    from scipy.spatial import distance

    ref, cur = ref.dropna(), cur.dropna()
    values = int(np.union1d(ref.unique(), cur.unique()).size)
    if kind == "numeric" and values > 5:
        if len(ref) <= 1000:
            p = float(stats.ks_2samp(ref, cur).pvalue)
            return "ks", p, p <= 0.05
        w = stats.wasserstein_distance(ref, cur) / max(float(np.std(ref)), 0.001)
        return "wasserstein", float(w), w >= 0.1
    keys = sorted(set(ref.unique()) | set(cur.unique()), key=str)
    rc = ref.value_counts().reindex(keys, fill_value=0).to_numpy(dtype=float)
    cc = cur.value_counts().reindex(keys, fill_value=0).to_numpy(dtype=float)
    if len(ref) > 1000:
        js = float(distance.jensenshannon(rc / len(ref), cc / len(cur)))
        return "jensenshannon", js, js >= 0.1
    if values > 2:
        with np.errstate(divide="ignore"):
            p = float(stats.chisquare(cc, rc * len(cur) / len(ref)).pvalue)
        return "chisquare", p, p < 0.05
    if values == 1:
        return "z", 1.0, False
    table = np.array([[rc[0], rc[1:].sum()], [cc[0], cc[1:].sum()]])
    p = float(stats.chi2_contingency(table, correction=False).pvalue)  # = two-proportion z
    return "z", p, p < 0.05


def worker_scipy_files(ref_path: str, cur_path: str, out_path: str) -> dict[str, Any]:
    """The scipy loop as a whole process: read both CSV files with pandas, then test."""
    import pandas as pd

    ref, cur = pd.read_csv(ref_path), pd.read_csv(cur_path)
    columns = {}
    for name, kind in KINDS.items():
        method, score, drifted = _scipy_column(ref[name], cur[name], kind)
        columns[name] = {"drifted": bool(drifted), "method": method, "score": score}
    Path(out_path).write_text(json.dumps({"columns": columns}))
    return {"columns": len(columns)}


def worker_scipy(ref_path: str, cur_path: str) -> dict[str, Any]:
    ref, cur, size = _frames(ref_path, cur_path)
    columns = {}
    with Meter() as meter:
        for name, kind in KINDS.items():
            method, score, drifted = _scipy_column(ref[name], cur[name], kind)
            columns[name] = {"drifted": bool(drifted), "method": method, "score": score}
    return {"seconds": meter.seconds, "peak": meter.peak, "data_bytes": size, "columns": columns}


_EVIDENTLY_METHODS = {
    "K-S p_value": "ks", "chi-square p_value": "chisquare", "Z-test p_value": "z",
    "Wasserstein distance (normed)": "wasserstein", "Jensen-Shannon distance": "jensenshannon",
}  # fmt: skip


def _evidently_columns(ref: Any, cur: Any) -> dict[str, Any]:
    """Evidently's DataDriftPreset on two DataFrames: column -> drifted, method, score."""
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    definition = DataDefinition(
        numerical_columns=[c for c, k in KINDS.items() if k == "numeric"],
        categorical_columns=[c for c, k in KINDS.items() if k == "categorical"],
    )
    snapshot = Report([DataDriftPreset()], include_tests=True).run(
        Dataset.from_pandas(cur, data_definition=definition),
        Dataset.from_pandas(ref, data_definition=definition),
    )
    result = snapshot.dict()
    scores = {
        m["config"]["column"]: (m["config"]["method"], m["value"])
        for m in result["metrics"]
        if m["config"]["type"].endswith("ValueDrift")
    }
    columns = {}
    for test in result["tests"]:
        params = test["metric_config"]["params"]
        if not params["type"].endswith("ValueDrift"):
            continue
        method, score = scores[params["column"]]
        columns[params["column"]] = {
            "drifted": test["status"] == "FAIL",
            "method": _EVIDENTLY_METHODS.get(method, method),
            "score": score,
        }
    return columns


def worker_evidently(ref_path: str, cur_path: str) -> dict[str, Any]:
    import warnings

    warnings.simplefilter("ignore")
    ref, cur, size = _frames(ref_path, cur_path)
    with Meter() as meter:
        columns = _evidently_columns(ref, cur)
    return {"seconds": meter.seconds, "peak": meter.peak, "data_bytes": size, "columns": columns}


def worker_evidently_files(ref_path: str, cur_path: str, out_path: str) -> dict[str, Any]:
    """Evidently as a whole process: read both CSV files with pandas, then the preset."""
    import warnings

    import pandas as pd

    warnings.simplefilter("ignore")
    columns = _evidently_columns(pd.read_csv(ref_path), pd.read_csv(cur_path))
    Path(out_path).write_text(json.dumps({"columns": columns}))
    return {"columns": len(columns)}


# Every method on every column it applies to (Evidently's rules), for the score check.
NUMERIC_METHODS = ("ks", "wasserstein", "jensenshannon", "psi", "kl_div", "hellinger")
CATEGORY_METHODS = ("chisquare", "z", "jensenshannon", "psi", "kl_div", "hellinger")


def _method_pairs() -> list[tuple[str, str]]:
    pairs = []
    for name, kind in KINDS.items():
        for method in NUMERIC_METHODS if kind == "numeric" else CATEGORY_METHODS:
            if method != "z" or name == "churned":  # z: binary columns
                pairs.append((name, method))
    return pairs


def worker_mlci_methods(ref_path: str, cur_path: str) -> dict[str, Any]:
    from mlci.checks.drift import ColumnOptions, DriftOptions, detect_drift

    ref, cur, _ = _frames(ref_path, cur_path)
    scores: dict[str, Any] = {}
    with Meter() as meter:
        for method in sorted({m for _, m in _method_pairs()}):
            names = [n for n, m in _method_pairs() if m == method]
            options = DriftOptions(columns={n: ColumnOptions(method=method) for n in names})
            for c in detect_drift(ref[names], cur[names], options).columns:
                score = c.p_value if c.comparison in ("<=", "<") else c.statistic
                scores[f"{c.column}:{method}"] = {"score": score, "drifted": c.drifted}
    return {"seconds": meter.seconds, "peak": meter.peak, "scores": scores}


def worker_evidently_methods(ref_path: str, cur_path: str) -> dict[str, Any]:
    import math
    import warnings

    from evidently.legacy.calculations.stattests.registry import get_registered_stattest
    from evidently.legacy.core import ColumnType

    warnings.simplefilter("ignore")
    ref, cur, _ = _frames(ref_path, cur_path)
    scores: dict[str, Any] = {}
    with Meter() as meter:
        for name, method in _method_pairs():
            kind = ColumnType.Numerical if KINDS[name] == "numeric" else ColumnType.Categorical
            test = get_registered_stattest(method, kind)
            r, c = ref[name].dropna().copy(), cur[name].dropna().copy()
            result = test(r, c, kind, None)
            score = float(result.drift_score)
            scores[f"{name}:{method}"] = {
                "score": None if math.isinf(score) else score,
                "drifted": bool(result.drifted),
            }
    return {"seconds": meter.seconds, "peak": meter.peak, "scores": scores}


def compare_methods(ref: Path, cur: Path) -> None:
    """Every method's score and decision, mlci against Evidently's own stattest."""
    ours, theirs = run_worker("mlci-methods", ref, cur), run_worker("evidently-methods", ref, cur)
    if ours is None or theirs is None:
        return
    print("\n| method | columns | decisions equal | largest relative score difference |")
    print("|---|---:|---:|---:|")
    by_method: dict[str, list[tuple[bool, float]]] = {}
    for key, mine in ours["scores"].items():
        other = theirs["scores"][key]
        a, b = mine["score"], other["score"]
        if a is None or b is None:
            diff = 0.0 if a == b else float("inf")
        else:
            # Relative, except near 0: Evidently's z p-value 2 * (1 - cdf) rounds to 0 where
            # mlci's 2 * sf keeps e.g. 1e-200.
            diff = abs(a - b) / max(abs(a), abs(b), 1e-12)
        by_method.setdefault(key.split(":")[1], []).append((mine["drifted"] == other["drifted"], diff))
    for method, rows in sorted(by_method.items()):
        same = sum(ok for ok, _ in rows)
        print(f"| {method} | {len(rows)} | {same}/{len(rows)} | {max(d for _, d in rows):.1e} |")


WORKERS = {
    "mlci-methods": worker_mlci_methods,
    "evidently-methods": worker_evidently_methods,
    "mlci": worker_mlci,
    "mlci-parquet": worker_mlci_files,
    "mlci-csv": worker_mlci_files,
    "scipy": worker_scipy,
    "scipy-files": worker_scipy_files,
    "evidently": worker_evidently,
    "evidently-files": worker_evidently_files,
}


# --- the driver ---------------------------------------------------------------------------


def run_worker(tool: str, ref: Path, cur: Path) -> dict[str, Any] | None:
    python = str(EVIDENTLY_PYTHON) if tool.startswith("evidently") else sys.executable
    if tool.startswith("evidently") and not EVIDENTLY_PYTHON.exists():
        print(f"  evidently: skipped, no {EVIDENTLY_PYTHON} (see benchmarks/drift/README.md)")
        return None
    if tool == "mlci-csv":
        ref, cur = csv_copy(ref), csv_copy(cur)
    cmd = [python, str(Path(__file__).resolve()), "--worker", tool, str(ref), str(cur)]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if proc.returncode != 0:
        print(f"  {tool}: failed\n{proc.stderr[-2000:]}")
        return None
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    total = time.perf_counter() - started
    print(f"  {tool}: {result['seconds']:.2f} s ({total:.1f} s with start-up and loading)")
    return result


def _mib(value: float) -> str:
    return f"{value / 2**20:,.0f} MiB"


def agreement(result: dict[str, Any], oracle: dict[str, Any]) -> tuple[int, int, list[str]]:
    same, differ = 0, []
    for name, ours in result["columns"].items():
        theirs = oracle["columns"].get(name)
        if theirs is None:
            continue
        if ours["drifted"] == theirs["drifted"] and ours["method"] == theirs["method"]:
            same += 1
        else:
            mine, other = (
                f"{ours['method']} {ours['drifted']}",
                f"{theirs['method']} {theirs['drifted']}",
            )
            differ.append(f"{name}: {mine} vs {other}")
    return same, len(oracle["columns"]), differ


def scenario(title: str, ref: Path, cur: Path, tools: list[str]) -> dict[str, Any]:
    print(f"\n{title}: {ref.parent.name}")
    results = {t: r for t in tools if (r := run_worker(t, ref, cur)) is not None}
    oracle_name = "evidently" if "evidently" in results else "scipy"
    oracle = results.get(oracle_name)
    data = results.get("mlci", {}).get("data_bytes") or results.get("scipy", {}).get("data_bytes", 0)
    print(f"\n| tool | time | vs mlci | peak memory (above loaded data) | decisions = {oracle_name} |")
    print("|---|---:|---:|---:|---|")
    for tool, res in results.items():
        ratio = res["seconds"] / results["mlci"]["seconds"] if "mlci" in results else float("nan")
        agree = ""
        if oracle is not None and "columns" in res and tool != oracle_name:
            same, total, differ = agreement(res, oracle)
            agree = f"{same}/{total}" + (f" (differ: {'; '.join(differ)})" if differ else "")
        print(f"| {tool} | {res['seconds']:.2f} s | {ratio:.1f}x | {_mib(res['peak'])} | {agree} |")
    print(f"\ntwo DataFrames in memory (pandas 3): {_mib(data)}")
    print_columns(results)
    if "mlci" in results:
        kinds = {c: v["kind"] for c, v in results["mlci"]["columns"].items()}
        wrong = [c for c, k in KINDS.items() if kinds.get(c) not in (k, None)]
        if wrong:
            print(f"mlci inferred other kinds than Evidently was given for: {', '.join(wrong)}")
    return {"data_bytes": data, "results": results}


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def print_columns(results: dict[str, Any]) -> None:
    """The decision of every tool on every column, with mlci's and Evidently's scores."""
    tools = [t for t in ("mlci", "scipy", "evidently") if t in results]
    if "mlci" not in results:
        return
    print(f"\n| column | method | {' | '.join(tools)} | mlci score | evidently score |")
    print("|---|---|" + "---|" * len(tools) + "---:|---:|")
    for name, ours in results["mlci"]["columns"].items():
        marks = []
        for tool in tools:
            found = results[tool]["columns"].get(name)
            marks.append("—" if found is None else ("drift" if found["drifted"] else "ok"))
        theirs = results.get("evidently", {}).get("columns", {}).get(name, {})
        print(
            f"| {name} | {ours['method']} | {' | '.join(marks)} | {_score(ours.get('score'))} "
            f"| {_score(theirs.get('score'))} |"
        )


def targets(big: dict[str, Any]) -> list[str]:
    res, data = big["results"], big["data_bytes"]
    lines = []

    def verdict(ok: bool, text: str) -> None:
        lines.append(f"{'PASS' if ok else 'FAIL'} {text}")

    if "mlci" in res and "evidently" in res:
        speedup = res["evidently"]["seconds"] / res["mlci"]["seconds"]
        verdict(
            speedup >= TARGET_VS_EVIDENTLY,
            f"{speedup:.0f}x faster than Evidently on loaded DataFrames (>= {TARGET_VS_EVIDENTLY:.0f}x)",
        )
        same, total, _ = agreement(res["mlci"], res["evidently"])
        verdict(same == total, f"identical decisions to Evidently on {same}/{total} columns")
    if "mlci" in res and "scipy" in res:
        speedup = res["scipy"]["seconds"] / res["mlci"]["seconds"]
        verdict(speedup >= 1, f"{speedup:.1f}x faster than the naive scipy loop")
    for tool in ("mlci-parquet", "mlci-csv"):
        if tool in res and data:
            factor = res[tool]["peak"] / data
            verdict(factor <= TARGET_MEMORY, f"{tool} peak {factor:.2f}x the two DataFrames (<= 2x)")
    if "mlci" in res and data:
        lines.append(f"mlci on loaded DataFrames: peak {res['mlci']['peak'] / data:.2f}x on top")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--small-rows",
        type=int,
        default=100_000,
        help="current rows of the 1,000-row reference scenario (0: skip)",
    )
    parser.add_argument("--tools", default="mlci,mlci-parquet,mlci-csv,scipy,evidently")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each whole process (0: skip them)")
    parser.add_argument("--worker", choices=sorted(WORKERS))
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](*args.paths)))
        return
    tools = args.tools.split(",")
    ref, cur = ensure_data(args.rows, "large")
    big = scenario(f"{args.rows:,} vs {args.rows:,} rows x {len(KINDS)} columns", ref, cur, tools)
    summary: dict[str, Any] = {"large": big}
    whole = {}
    if args.repeat:
        evidently = EVIDENTLY_PYTHON if "evidently" in tools and EVIDENTLY_PYTHON.exists() else None
        whole = whole_processes(
            (ref, cur), (csv_copy(ref), csv_copy(cur)), Path(__file__).resolve(), args.repeat, evidently
        )
        summary["whole_processes"] = {tool: vars(run) for tool, run in whole.items()}
        oracle_name = "evidently" if "evidently" in big["results"] else "scipy"
        oracle = big["results"].get(oracle_name)
        for tool, run in whole.items():
            if oracle is not None and run.columns:
                same, total, differ = agreement({"columns": run.columns}, oracle)
                extra = f" (differ: {'; '.join(differ)})" if differ else ""
                print(f"  decisions of {tool} = {oracle_name} on {same}/{total} columns{extra}")
    if args.small_rows:
        small_ref = DATA_DIR / f"v{GENERATOR_VERSION}-small-{args.small_rows}"
        small_ref.mkdir(parents=True, exist_ok=True)
        ref_small, cur_small = small_ref / "reference.parquet", small_ref / "current.parquet"
        if not ref_small.exists():
            generate(1000, SEED + 2, False).to_parquet(ref_small, index=False)
            generate(args.small_rows, SEED + 3, True).to_parquet(cur_small, index=False)
        summary["small"] = scenario(
            f"1,000 vs {args.small_rows:,} rows (KS, chi-square, z)", ref_small, cur_small, tools
        )
        if "evidently" in tools:
            print("\nall eight methods on the small scenario, against Evidently's stattests:")
            compare_methods(ref_small, cur_small)
    print("\ntargets (large scenario):")
    for line in targets(big) + whole_targets(whole):
        print(f"  {line}")
    out = DATA_DIR / "results.json"
    out.write_text(json.dumps(summary, indent=2))
    print(f"\nraw results: {out}")


if __name__ == "__main__":
    main()
