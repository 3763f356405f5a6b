"""The vendor audit on local Spark: `specc check --engine spark` against `specc check` on
DuckDB, on the same seeded Parquet delivery as bench/run.py.

    python bench/spark.py --sizes 1M                 # one machine, local[2]
    python bench/spark.py --sizes 10M --driver-memory 8g

Both routes run once first and every figure must be equal (specs/vendor_audit/figures.py,
floats to 1e-9) before any is timed; then they run alternated, `--rounds` times each. Spark
runs in a JVM that the specc process starts as a child of its own, so wall time is the
process's, and CPU time and peak resident memory are those of the whole process tree,
sampled from /proc every 0.2 s (the rusage `wait4` returns would leave the JVM out).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import Measure, _module, command, delivery  # noqa: E402  (bench/run.py: the same data and command)

ENGINES = {"duckdb": (), "spark": ("--engine", "spark")}
_PAGE = os.sysconf("SC_PAGE_SIZE")
_TICKS = os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1M", help="annotation rows per delivery, e.g. 1M or 200k")
    parser.add_argument("--rounds", type=int, default=1, help="timed runs of each engine per size "
                        "(0: time the runs that check the figures agree)")
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get(
        "SPECC_BENCH_CACHE", Path.home() / ".cache" / "specc-bench")))
    parser.add_argument("--driver-memory", default="4g", help="the Spark driver's heap (local mode: all of Spark)")
    args = parser.parse_args()
    os.environ["PYSPARK_SUBMIT_ARGS"] = f"--driver-memory {args.driver_memory} pyspark-shell"
    import duckdb
    import pyspark

    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"DuckDB {duckdb.__version__}, PySpark {pyspark.__version__} (local[2]), load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    for size in args.sizes.split(","):
        data = delivery(args.cache, size.strip())
        first = agree(data)
        # --rounds 0: the agreeing runs are the timed ones (one run each, for the 10M delivery,
        # where a second Spark run would take as long again)
        measures = {engine: [] if args.rounds else [first[engine]] for engine in ENGINES}
        for round_ in range(args.rounds):
            for engine in (list(ENGINES) if round_ % 2 == 0 else list(reversed(ENGINES))):
                measures[engine].append(measure(command("specc", data) + list(ENGINES[engine]), Path(os.devnull)))
        rows.append((size, measures))
    print_table(rows, args)


def agree(data: Path) -> dict[str, Measure]:
    """Both engines once, measured; stop unless every figure is equal."""
    figures = _module("figures")
    found, measured = {}, {}
    with tempfile.TemporaryDirectory() as scratch:
        for engine, arguments in ENGINES.items():
            out = Path(scratch) / f"{engine}.json"
            measured[engine] = measure(command("specc", data) + list(arguments), out)
            found[engine] = figures.from_report(json.loads(out.read_text(encoding="utf-8")), measured[engine].exit_code)
    problems = figures.differences(found["duckdb"], found["spark"])
    if problems:
        sys.exit("Spark's figures differ from DuckDB's:\n  " + "\n  ".join(problems[:40]))
    checks = found["duckdb"]["checks"]
    print(f"{data.name}: Spark and DuckDB agree on {len(checks)} checks, 2 metrics, resubmissions and compliance "
          f"({sum(c['violations'] for c in checks.values()):,} violations)", flush=True)
    return measured


def measure(argv: list[str], out: Path) -> Measure:
    """Wall time of the process; CPU time and peak RSS of its whole tree, sampled."""
    with open(out, "wb") as stdout:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL)
        cpu, peak = {}, 0
        while process.poll() is None:
            sample = _tree(process.pid)
            cpu.update({pid: ticks for pid, (ticks, _) in sample.items()})
            peak = max(peak, sum(rss for _, rss in sample.values()))
            time.sleep(0.2)
        wall = time.perf_counter() - start
    if process.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed with exit code {process.returncode}")
    return Measure(wall, sum(cpu.values()) / _TICKS, peak * _PAGE / 2 ** 20, process.returncode)


def _tree(root: int) -> dict[int, tuple[int, int]]:
    """(CPU ticks, resident pages) of `root` and every process below it."""
    stats = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        # after the name: state, ppid, ... utime (12th), stime (13th), ..., rss (22nd)
        stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[21]))
    below, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _, _) in stats.items() if ppid == parent and pid not in below]
        below.update(children)
        frontier.extend(children)
    return {pid: stats[pid][1:] for pid in below if pid in stats}


def print_table(rows, args) -> None:
    print(f"\n`python bench/spark.py --sizes {args.sizes} --rounds {args.rounds}`: median wall and CPU time, "
          "largest peak RSS (process tree)\n")
    print("| size | engine | wall | CPU | peak RSS | wall / DuckDB |")
    print("|---|---|--:|--:|--:|--:|")
    for size, measures in rows:
        base = statistics.median(m.wall for m in measures["duckdb"])
        for engine, found in measures.items():
            wall, cpu = statistics.median(m.wall for m in found), statistics.median(m.cpu for m in found)
            peak = max(m.peak_mib for m in found)
            print(f"| {size} | {engine} | {wall:.1f} s | {cpu:.1f} s | {peak:,.0f} MiB | {wall / base:.1f}× |")
    print(flush=True)


if __name__ == "__main__":
    main()
