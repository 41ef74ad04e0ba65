"""Benchmark what partitions and object storage cost ``mlci validate``.

The validate benchmark's N-row x 20-column data (``benchmarks/validate``), written as one
file and as ``--parts`` partitions, in CSV and in Parquet, and optionally (``--s3``) as a
Parquet prefix on a local S3-compatible store (moto's server mode on 127.0.0.1, as in the
tests). Each variant runs ``mlci validate --format json`` in its own process; the table
shows wall, CPU and peak RSS against one file of the same format, and every variant's
validation result must equal the one file's, field by field (path, name and fingerprint
aside).

    python benchmarks/partitions/bench_partitions.py                       # 1M rows, 20 parts
    python benchmarks/partitions/bench_partitions.py --rows 200000 --repeat 1 --s3

Targets: partitions cost at most 1.10x the CPU and 1.10x the peak RSS of one file read in
chunks the size of a partition (``csv, one file, part-size chunks``: many chunks cost
something of their own, whatever the layout).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "validate"))
sys.path.insert(0, str(HERE.parents[1] / "tests"))

from bench_validate import DATA_DIR, Run, dataset, mlci_command, schema_file, timed  # noqa: E402

# What each variant is held against (else: one file of its format).
BASES = {"csv, partitions": "csv, one file, part-size chunks"}
TARGET_CPU = 1.10
TARGET_RSS = 1.10


def layouts(rows: int, parts: int) -> dict[str, Path]:
    """One file and ``parts`` partitions of the same rows, in CSV and Parquet (cached)."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    source = dataset(rows)
    root = DATA_DIR / f"partitions_{rows}_{parts}"
    out = {
        "csv, one file": source,
        "csv, partitions": root / "csv",
        "parquet, one file": root / "one.parquet",
        "parquet, partitions": root / "parquet",
    }
    if not (root / "done").exists():
        root.mkdir(parents=True, exist_ok=True)
        lines = source.read_bytes().splitlines(keepends=True)  # split the text: values stay as written
        head, body = lines[0], lines[1:]
        size = -(-len(body) // parts)
        (root / "csv").mkdir(exist_ok=True)
        for i in range(parts):
            (root / "csv" / f"part-{i:05d}.csv").write_bytes(head + b"".join(body[i * size : (i + 1) * size]))
        strings = pacsv.ConvertOptions(strings_can_be_null=False)
        table = pacsv.read_csv(source, convert_options=strings)
        pq.write_table(table, root / "one.parquet")
        (root / "parquet").mkdir(exist_ok=True)
        for i in range(parts):
            pq.write_table(table.slice(i * size, size), root / "parquet" / f"part-{i:05d}.parquet")
        (root / "done").write_text("")
    return out


def result(run_out: str) -> dict[str, object]:
    entry = json.loads(run_out)["validation"][0]
    return {k: v for k, v in entry.items() if k not in ("path", "dataset", "fingerprint")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--parts", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--s3", action="store_true", help="also read the Parquet partitions from moto's S3")
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f} (figures are only comparable on an idle machine)")
    schema = schema_file()
    specs: dict[str, str] = {name: str(path) for name, path in layouts(args.rows, args.parts).items()}
    with ExitStack() as stack:
        if args.s3:
            from stubs.s3_server import running_s3

            s3 = stack.enter_context(running_s3(DATA_DIR))
            local = Path(specs["parquet, partitions"])
            specs["parquet, s3 partitions"] = s3.upload_tree(local, s3.bucket(), "p")
            os.environ.update(s3.env)  # the mlci processes inherit the endpoint and keys
        mlci = mlci_command()
        commands = {
            name: ([*mlci, "validate", spec, "--schema", str(schema), "--format", "json"], (0, 1))
            for name, spec in specs.items()
        }
        # One file read in chunks the size of a partition: what many chunks cost, apart
        # from what many files cost.
        per_part = str(max(1000, -(-args.rows // args.parts)))
        cmd, ok = commands["csv, one file"]
        commands["csv, one file, part-size chunks"] = ([*cmd, "--chunk-rows", per_part], ok)
        runs, outputs = timed_with_output(commands, args.rows, args.repeat)
    print(f"\n{args.rows:,} rows, {args.parts} partitions; x = against one file of the same format")
    print("(csv partitions: against one CSV file read in chunks the size of a partition)\n")
    print(f"{'variant':<32}{'wall s':>8}{'cpu s':>8}{'x cpu':>7}{'RSS MiB':>9}{'x RSS':>7}  same result")
    verdicts = []
    by_name = {r.tool: r for r in runs}
    for run in runs:
        base = by_name[BASES.get(run.tool, run.tool.split(",")[0] + ", one file")]
        same = result(outputs[run.tool]) == result(outputs[base.tool])
        cpu, rss = run.cpu / base.cpu, run.rss / base.rss
        mib = run.rss / 2**20
        print(f"{run.tool:<32}{run.wall:>8.2f}{run.cpu:>8.2f}{cpu:>7.2f}{mib:>9.0f}{rss:>7.2f}  {same}")
        if run is not base and run.tool != "csv, one file, part-size chunks":
            ok = same and cpu <= TARGET_CPU and rss <= TARGET_RSS
            mark = "OK  " if ok else "MISS"
            verdicts.append(f"{mark} {run.tool}: cpu {cpu:.2f}x, RSS {rss:.2f}x, same result: {same}")
    print("\n" + "\n".join(verdicts))
    return 0


def timed_with_output(
    commands: dict[str, tuple[list[str], tuple[int, ...]]], rows: int, repeat: int
) -> tuple[list[Run], dict[str, str]]:
    """``bench_validate.timed``, and the last JSON each variant printed."""
    from bench_validate import measure

    runs = timed(commands, rows, repeat)
    outputs = {name: measure(cmd).out for name, (cmd, _) in commands.items()}
    return runs, outputs


if __name__ == "__main__":
    sys.exit(main())
