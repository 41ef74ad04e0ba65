"""Benchmark ``mlci validate`` against a bare ``pandas.read_csv`` and pandera.

Generates a CSV of N rows x 20 mixed columns (ints, ints with gaps, floats with missing
values, bools, categories, ids with patterns, free text, dates and timestamps) and a
``schema.yml`` that uses every check, then times each tool in its own subprocess:

- ``read``    ``pandas.read_csv(path)`` and nothing else: the floor any validator pays;
- ``mlci``    the real CLI, ``mlci validate DATA --schema schema.yml --format json``;
- ``pandera`` ``read_csv`` + a ``DataFrameSchema`` with the same checks, ``lazy=True``
              (run with another interpreter, e.g. ``benchmarks/.venv-pandera/bin/python``).

Wall time is the whole process (start-up and imports included: what a CI job pays).
Peak RSS is the child's own high-water mark (``os.wait4``), so runs do not mix.
Larger files (default 4M and 10M rows) show that mlci's peak memory does not grow
with the file size while a whole-file read does.

    python benchmarks/validate/bench_validate.py            # 1M, then 4M and 10M rows
    python benchmarks/validate/bench_validate.py --rows 200000 --big-rows 0
    python benchmarks/validate/bench_validate.py --big-rows 4000000 10000000

Only the standard library is imported at the top: the ``--worker`` modes run under
interpreters that do not have mlci installed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BENCH_ROOT = HERE.parent
DATA_DIR = BENCH_ROOT / ".data"
PANDERA_VENV = BENCH_ROOT / ".venv-pandera"
GENERATOR_VERSION = 2  # bump when the data below changes, so cached files are rebuilt
GEN_BLOCK = 250_000
SEED = 20240501

TARGET_WALL = 1.2  # mlci validate / bare read
TARGET_RSS = 1.0  # peak RSS <= the bare read's (issue 15)
TARGET_FLAT = 1.10  # mlci peak RSS at big-rows / at rows

SCHEMA_YML = """\
version: 1
strict: true
rows: {min: 1000}
columns:
  id:          {dtype: string, unique: true, pattern: '^U\\d{9}$', min_length: 10, max_length: 10}
  seq:         {dtype: int, unique: true, min: 0}
  customer_id: {dtype: string, pattern: '^C\\d{6}$'}
  age:         {dtype: int, min: 18, max: 120}
  visits:      {dtype: int, nullable: true, min: 0, max: 10000}
  tier:        {dtype: int, allowed: [1, 2, 3]}
  score:       {dtype: float, nullable: true, min: 0, max: 1}
  spend:       {dtype: float, nullable: true, min: 0}
  balance:     {dtype: float}
  ratio:       {dtype: float, min: -10, max: 10}
  churned:     {dtype: bool}
  active:      {dtype: bool, nullable: true}
  plan:        {dtype: category, allowed: [free, pro, team]}
  country:
    dtype: category
    allowed: [US, GB, DE, FR, ES, IT, NL, SE, PL, BR, IN, JP, CA, AU, MX]
  device:      {dtype: category, nullable: true, allowed: [ios, android, web]}
  email:       {dtype: string, pattern: '^[a-z0-9.]+@[a-z]+\\.(com|org|net)$', max_length: 64}
  zip:         {dtype: string, pattern: '^\\d{5}$'}
  name:        {dtype: string, min_length: 2, max_length: 40}
  signup:      {dtype: datetime, min: '2015-01-01', max: '2026-12-31'}
  last_seen:   {dtype: datetime, nullable: true, min: '2015-01-01T00:00:00'}
"""

COUNTRIES = [
    "US",
    "GB",
    "DE",
    "FR",
    "ES",
    "IT",
    "NL",
    "SE",
    "PL",
    "BR",
    "IN",
    "JP",
    "CA",
    "AU",
    "MX",
]
FIRST = ["ana", "bo", "chen", "dmitri", "eve", "farah", "gus", "hana", "ivan", "jo", "kim", "li"]
LAST = ["smith", "garcia", "ng", "okafor", "kowalski", "rossi", "tanaka", "silva", "muller"]
DOMAINS = ["example.com", "mail.org", "corp.net"]


# --- data --------------------------------------------------------------------------------


def _block(start: int, n: int) -> Any:
    """Rows [start, start + n) as a pyarrow Table; deterministic per block."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng([SEED, start])
    rows = np.arange(start, start + n, dtype=np.int64)

    def digits(values: Any, width: int) -> Any:
        return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")

    def pick(options: list[str], size: int, p: Any = None) -> Any:
        return pa.array(np.asarray(options, dtype=object)[rng.choice(len(options), size, p=p)])

    def gaps(array: Any, share: float) -> Any:
        return pc.if_else(pa.array(rng.random(n) < share), pa.nulls(n, array.type), array)

    ids = pc.binary_join_element_wise("U", digits((rows * 7919 + 12345) % 10**9, 9), "")
    first = pick(FIRST, n)
    email = pc.binary_join_element_wise(
        first, ".", pick(LAST, n), digits(rng.integers(0, 1000, n), 3), "@", pick(DOMAINS, n), ""
    )
    name = pc.binary_join_element_wise(pc.utf8_capitalize(first), pc.utf8_capitalize(pick(LAST, n)), " ")
    days = rng.integers(0, 11 * 365, n).astype("timedelta64[D]") + np.datetime64("2015-01-01")
    seen = days + rng.integers(0, 86400 * 300, n).astype("timedelta64[s]")
    columns = {
        "id": ids,
        "seq": pa.array(rows + 1),
        "customer_id": pc.binary_join_element_wise("C", digits(rng.integers(0, 10**6, n), 6), ""),
        "age": pa.array(rng.integers(18, 90, n)),
        "visits": gaps(pa.array(rng.poisson(12, n)), 0.03),
        "tier": pa.array(rng.integers(1, 4, n)),
        "score": gaps(pa.array(rng.random(n).round(4)), 0.05),
        "spend": gaps(pa.array((rng.gamma(2.0, 40.0, n)).round(2)), 0.10),
        "balance": pa.array(rng.normal(1000, 500, n).round(2)),
        "ratio": pa.array(rng.uniform(-10, 10, n).round(3)),
        "churned": pa.array(rng.random(n) < 0.2),
        "active": gaps(pa.array(rng.random(n) < 0.7), 0.02),
        "plan": pick(["free", "pro", "team"], n, [0.7, 0.25, 0.05]),
        "country": pick(COUNTRIES, n),
        "device": gaps(pick(["ios", "android", "web"], n), 0.04),
        "email": email,
        "zip": digits(rng.integers(0, 10**5, n), 5),
        "name": name,
        "signup": pc.strftime(pa.array(days.astype("datetime64[s]")), "%Y-%m-%d"),
        "last_seen": gaps(pc.strftime(pa.array(seen), "%Y-%m-%dT%H:%M:%S"), 0.05),
    }
    table = pa.table(columns)
    return _inject_violations(table, rng)


def _inject_violations(table: Any, rng: Any) -> Any:
    """Three bad values per column per block, so every tool collects real failures.

    The unique columns stay clean: a duplicate would make every tool re-read for examples.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    bad = {
        "age": 150,
        "visits": -1,
        "tier": 7,
        "score": 1.5,
        "ratio": 42.0,
        "plan": "enterprise",
        "country": "XX",
        "email": "not-an-email",
        "zip": "1234",
        "name": "Z",
        "signup": "2014-06-30",
        "customer_id": "C12",
    }
    for column, value in bad.items():
        at = rng.choice(n, 3, replace=False)
        mask = pa.array(np.isin(np.arange(n), at))
        col = table.column(column).combine_chunks()
        idx = table.schema.get_field_index(column)
        table = table.set_column(idx, column, pc.if_else(mask, pa.scalar(value, col.type), col))
    return table


def generate(rows: int, path: Path) -> None:
    import pyarrow.csv as pacsv

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    options = pacsv.WriteOptions(quoting_style="none")
    writer = None
    for start in range(0, rows, GEN_BLOCK):
        table = _block(start, min(GEN_BLOCK, rows - start))
        if writer is None:
            writer = pacsv.CSVWriter(str(tmp), table.schema, write_options=options)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    os.replace(tmp, path)


def dataset(rows: int) -> Path:
    path = DATA_DIR / f"mixed_{rows}_v{GENERATOR_VERSION}.csv"
    if not path.exists():
        started = time.perf_counter()
        print(f"generating {path.name} ...", file=sys.stderr, flush=True)
        generate(rows, path)
        print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return path


def schema_file() -> Path:
    path = DATA_DIR / "schema.yml"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != SCHEMA_YML:
        path.write_text(SCHEMA_YML)
    return path


# --- workers (each runs in its own process) ---------------------------------------------


def worker_read(path: str) -> None:
    import pandas as pd

    frame = pd.read_csv(path)
    print(json.dumps({"rows": len(frame)}))


def worker_pandera(path: str) -> None:
    from importlib.metadata import version

    import pandas as pd

    try:
        import pandera.pandas as pa
    except ImportError:  # pandera < 0.24
        import pandera as pa  # type: ignore[no-redef]

    def col(
        dtype: Any, *checks: Any, nullable: bool = False, unique: bool = False, coerce: bool = False
    ) -> Any:
        return pa.Column(dtype, list(checks), nullable=nullable, unique=unique, coerce=coerce)

    C = pa.Check
    schema = pa.DataFrameSchema(
        {
            "id": col(str, C.str_matches(r"^U\d{9}$"), C.str_length(10, 10), unique=True),
            "seq": col(int, C.ge(0), unique=True),
            "customer_id": col(str, C.str_matches(r"^C\d{6}$")),
            "age": col(int, C.ge(18), C.le(120)),
            # pandas reads an int column with gaps as float; "int with gaps" is a float here.
            "visits": col(float, C.ge(0), C.le(10000), nullable=True),
            "tier": col(int, C.isin([1, 2, 3])),
            "score": col(float, C.ge(0), C.le(1), nullable=True),
            "spend": col(float, C.ge(0), nullable=True),
            "balance": col(float),
            "ratio": col(float, C.ge(-10), C.le(10)),
            "churned": col(bool),
            "active": col(object, C.isin([True, False]), nullable=True),
            "plan": col(str, C.isin(["free", "pro", "team"])),
            "country": col(str, C.isin(COUNTRIES)),
            "device": col(str, C.isin(["ios", "android", "web"]), nullable=True),
            "email": col(str, C.str_matches(r"^[a-z0-9.]+@[a-z]+\.(com|org|net)$"), C.str_length(None, 64)),
            "zip": col(str, C.str_matches(r"^\d{5}$")),
            "name": col(str, C.str_length(2, 40)),
            "signup": col(
                "datetime64[ns]",
                C.ge(pd.Timestamp("2015-01-01")),
                C.le(pd.Timestamp("2026-12-31")),
                coerce=True,
            ),
            "last_seen": col("datetime64[ns]", C.ge(pd.Timestamp("2015-01-01")), nullable=True, coerce=True),
        },
        strict=True,
    )
    frame = pd.read_csv(path, dtype={"zip": str})
    failures = 0
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = len(exc.failure_cases)
    print(json.dumps({"rows": len(frame), "failure_cases": failures, "pandera": version("pandera")}))


WORKERS = {"read": worker_read, "pandera": worker_pandera}


# --- measuring --------------------------------------------------------------------------


@dataclass
class Run:
    tool: str
    rows: int
    wall: float  # seconds, median of the repeats
    cpu: float  # user + system seconds, median of the repeats (all threads)
    rss: int  # bytes, the largest peak over the repeats
    note: str = ""


@dataclass
class Sample:
    wall: float
    cpu: float
    rss: int
    code: int
    out: str
    err: str


def measure(cmd: list[str]) -> Sample:
    """One run of ``cmd`` in its own process: wall, CPU and peak RSS of that process alone."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        # wait4, not wait: it returns this child's own rusage (ru_maxrss = its peak RSS).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return Sample(wall, cpu, usage.ru_maxrss * 1024, code, out.read(), err.read())


def timed(commands: dict[str, tuple[list[str], tuple[int, ...]]], rows: int, repeat: int) -> list[Run]:
    """Run every tool ``repeat`` times, taking turns, so a busy spell hits them alike."""
    samples: dict[str, list[Sample]] = {tool: [] for tool in commands}
    for _ in range(repeat):
        for tool, (cmd, ok) in commands.items():
            sample = measure(cmd)
            if sample.code not in ok:
                raise SystemExit(f"{sample.err}\n{tool} exited {sample.code}: {' '.join(cmd)}")
            samples[tool].append(sample)
    return [
        Run(
            tool,
            rows,
            statistics.median(s.wall for s in runs),
            statistics.median(s.cpu for s in runs),
            max(s.rss for s in runs),
            _note(tool, runs[-1].out),
        )
        for tool, runs in samples.items()
    ]


def _note(tool: str, out: str) -> str:
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        return ""
    if tool == "mlci":
        entry = data["validation"][0]
        failed = sum(v["failed_count"] for v in entry["violations"])
        return f"{len(entry['violations'])} violations, {failed} failing values"
    if tool == "pandera":
        return f"pandera {data['pandera']}, {data['failure_cases']} failure cases"
    return ""


def mlci_command() -> list[str]:
    script = Path(sys.executable).parent / "mlci"
    if script.exists():
        return [str(script)]
    found = shutil.which("mlci")
    return [found] if found else [sys.executable, "-m", "mlci"]


def pandera_python(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    candidate = PANDERA_VENV / "bin" / "python"
    if candidate.exists():
        return str(candidate)
    probe = subprocess.run([sys.executable, "-c", "import pandera"], capture_output=True)
    return sys.executable if probe.returncode == 0 else None


def bench(rows: int, args: argparse.Namespace, schema: Path, pandera: str | None) -> list[Run]:
    data = dataset(rows)
    me = str(Path(__file__).resolve())
    mlci = [*mlci_command(), "validate", str(data), "--schema", str(schema), "--format", "json"]
    if args.chunk_rows:
        mlci += ["--chunk-rows", str(args.chunk_rows)]
    commands = {
        "read": ([sys.executable, me, "--worker", "read", str(data)], (0,)),
        "mlci": (mlci, (0, 1)),
    }
    if pandera is not None:
        commands["pandera"] = ([pandera, me, "--worker", "pandera", str(data)], (0,))
    return timed(commands, rows, args.repeat)


# --- report -----------------------------------------------------------------------------


def table(runs: list[Run]) -> str:
    base = {r.rows: r for r in runs if r.tool == "read"}
    lines = [
        f"{'rows':>10}  {'tool':<16}{'wall s':>8}{'x read':>8}{'cpu s':>8}{'x read':>8}"
        f"{'peak RSS MiB':>14}{'x read':>8}  note",
    ]
    for r in runs:
        ref = base[r.rows]
        label = {"read": "pandas.read_csv", "mlci": "mlci validate", "pandera": "pandera"}[r.tool]
        lines.append(
            f"{r.rows:>10,}  {label:<16}{r.wall:>8.2f}{r.wall / ref.wall:>8.2f}"
            f"{r.cpu:>8.2f}{r.cpu / ref.cpu:>8.2f}"
            f"{r.rss / 2**20:>14.0f}{r.rss / ref.rss:>8.2f}  {r.note}"
        )
    return "\n".join(lines)


def _verdict(what: str, ratio: float, target: float) -> str:
    return f"{what} {ratio:.2f} (target <= {target})  {'OK' if ratio <= target else 'MISSED'}"


def verdicts(runs: list[Run], rows: int, bigs: list[int]) -> list[str]:
    def get(tool: str, n: int) -> Run | None:
        return next((r for r in runs if r.tool == tool and r.rows == n), None)

    read, mlci = get("read", rows), get("mlci", rows)
    assert read is not None and mlci is not None
    out = [
        _verdict("wall   mlci/read", mlci.wall / read.wall, TARGET_WALL),
        _verdict("memory mlci/read", mlci.rss / read.rss, TARGET_RSS),
        f"cpu    mlci/read {mlci.cpu / read.cpu:.2f}",
    ]
    pandera = get("pandera", rows)
    if pandera is not None:
        out.append(f"wall   pandera/read {pandera.wall / read.wall:.2f}")
        out.append(f"memory pandera/read {pandera.rss / read.rss:.2f}")
    if pandera is not None:
        out.append(f"wall   pandera/mlci {pandera.wall / mlci.wall:.2f} (target >= 2)")
    for big in bigs:
        large = get("mlci", big)
        if large is not None:
            sizes = f"{big:,} rows / {rows:,} rows"
            out.append(_verdict(f"memory mlci {sizes}", large.rss / mlci.rss, TARGET_FLAT))
            out.append(f"cpu    mlci {sizes} {large.cpu / mlci.cpu:.2f} (linear: {big / rows:.1f})")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the main file [1000000]")
    parser.add_argument(
        "--big-rows",
        type=int,
        nargs="+",
        default=[4_000_000, 10_000_000],
        help="rows of the memory-flatness files (one or more); 0 skips [4000000 10000000]",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; wall is the median [3]")
    parser.add_argument("--chunk-rows", type=int, default=None, help="passed to mlci validate --chunk-rows")
    parser.add_argument(
        "--pandera-python", default=None, help="interpreter with pandera [benchmarks/.venv-pandera]"
    )
    parser.add_argument("--no-pandera", action="store_true", help="skip pandera")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        WORKERS[args.worker](args.path)
        return 0
    schema = schema_file()
    pandera = None if args.no_pandera else pandera_python(args.pandera_python)
    if pandera is None and not args.no_pandera:
        print("pandera not found: see benchmarks/validate/README.md (skipping it)", file=sys.stderr)
    runs = bench(args.rows, args, schema, pandera)
    bigs = [n for n in args.big_rows if n > 0]
    for big in bigs:
        runs += bench(big, args, schema, None)
    size = dataset(args.rows).stat().st_size
    print(f"{args.rows:,} rows x 20 columns ({size / 2**20:.0f} MiB CSV), median of {args.repeat}")
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print(table(runs))
    print()
    print("\n".join(verdicts(runs, args.rows, bigs)))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in runs], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
