"""The vendor audit three ways, as whole processes: `specc check`, the expert hand-written
DuckDB SQL (bench/handwritten.sql) and pandas + `krippendorff` (specs/vendor_audit/count.py).

    python bench/run.py                              # ~1M and ~10M annotation rows, 3 rounds
    python bench/run.py --sizes 1M --rounds 5
    python bench/run.py --sizes 10M --rounds 1 --memory-limit 1GB

Each size's delivery is generated once (seeded, Parquet) into a cache folder outside git
(`--cache`, default $SPECC_BENCH_CACHE or ~/.cache/specc-bench). Every route runs once first
and the three must agree on every figure (specs/vendor_audit/figures.py) before any is timed;
then the routes run alternated, `--rounds` times each, and the table shows each route's
median wall time, median CPU time (user + system, of the process and its threads) and the
largest peak resident memory, from the rusage `wait4` returns for that process alone, with
the ratios specc / hand-written. `--memory-limit` also runs `specc check --memory-limit`
once per size and says whether it completed. bench/spark.py runs the same audit on local Spark.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "specs" / "vendor_audit"
SPEC = EXAMPLE / "vendor_audit.aspec"
PYTHON = sys.executable
SPECC = str(Path(PYTHON).with_name("specc"))
ROUTES = ("specc", "handwritten", "pandas")


@dataclass(frozen=True)
class Measure:
    wall: float
    cpu: float
    peak_mib: float
    exit_code: int


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1M,10M", help="annotation rows per delivery, e.g. 1M,10M or 200k")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each route per size")
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get(
        "SPECC_BENCH_CACHE", Path.home() / ".cache" / "specc-bench")))
    parser.add_argument("--memory-limit", help="also run specc once per size with this --memory-limit, e.g. 1GB")
    parser.add_argument("--skip-pandas", action="store_true", help="time only specc and the hand-written SQL "
                        "(the pandas route still runs once, to agree)")
    args = parser.parse_args()
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"DuckDB {duckdb.__version__}")
    # As pip installs it: specc's modules compiled to bytecode once. An editable install under
    # PYTHONDONTWRITEBYTECODE (this machine's setting) compiles them again in every run.
    compileall.compile_dir(str(ROOT / "specc"), quiet=1)
    rows = []
    for size in args.sizes.split(","):
        data = delivery(args.cache, size.strip())
        agree(data)
        timed = [r for r in ROUTES if not (args.skip_pandas and r == "pandas")]
        measures = {route: [] for route in timed}
        for round_ in range(args.rounds):
            order = timed[round_ % len(timed):] + timed[:round_ % len(timed)]  # alternate who goes first
            for route in order:
                measures[route].append(measure(command(route, data), Path(os.devnull)))
        limited = None
        if args.memory_limit:
            limited = measure(command("specc", data) + ["--memory-limit", args.memory_limit], Path(os.devnull))
        rows.append((size, measures, limited))
        print_table(rows, args)


def rows_of(size: str) -> int:
    units = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}
    return int(float(size[:-1]) * units[size[-1]]) if size[-1] in units else int(size)


def delivery(cache: Path, size: str) -> Path:
    """The seeded Parquet delivery of `size` rows, generated once per generator version."""
    generator = EXAMPLE / "generate.py"
    version = hashlib.sha256(generator.read_bytes()).hexdigest()[:12]
    folder = cache / f"vendor_audit-{size}-{version}"
    if not (folder / ".complete").exists():
        print(f"generating {size} rows into {folder} ...", flush=True)
        subprocess.run([PYTHON, str(generator), "--rows", str(rows_of(size)), "--out", str(folder)], check=True)
        (folder / ".complete").write_text(version + "\n", encoding="utf-8")
    return folder


def command(route: str, data: Path) -> list[str]:
    if route == "specc":
        return [SPECC, "check", str(SPEC), "--data", str(data), "--format", "json"]
    if route == "handwritten":
        return [PYTHON, str(ROOT / "bench" / "handwritten.py"), str(data)]
    return [PYTHON, str(EXAMPLE / "count.py"), str(data)]


def measure(argv: list[str], out: Path) -> Measure:
    """Wall time, CPU time and peak RSS of one whole process (rusage of that child alone)."""
    with open(out, "wb") as stdout:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    error = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    exit_code = os.waitstatus_to_exitcode(status)
    if exit_code not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed with exit code {exit_code}:\n{error[-2000:]}")
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, exit_code)


def agree(data: Path) -> None:
    """Run each route once and stop unless all three report the same figures."""
    figures = _module("figures")
    found = {}
    with tempfile.TemporaryDirectory() as scratch:
        for route in ROUTES:
            out = Path(scratch) / f"{route}.json"
            result = measure(command(route, data), out)
            text = json.loads(out.read_text(encoding="utf-8"))
            found[route] = figures.from_report(text, result.exit_code) if route == "specc" else text
    problems = [f"{route}{d}" for route in ("specc", "handwritten")
                for d in figures.differences(found["pandas"], found[route])]
    if problems:
        sys.exit("the routes disagree (pandas is the reference):\n  " + "\n  ".join(problems[:40]))
    checks = found["pandas"]["checks"]
    print(f"{data.name}: all three agree on {len(checks)} checks, 2 metrics, resubmissions and compliance "
          f"({sum(c['violations'] for c in checks.values()):,} violations)", flush=True)


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"vendor_audit_{name}", EXAMPLE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def print_table(rows, args) -> None:
    command = " ".join(["python", "bench/run.py", *sys.argv[1:]])
    print(f"\n`{command}`: median wall and CPU time of {args.rounds} alternated round(s), largest peak RSS; "
          "the --memory-limit row is one run\n")
    print("| size | route | wall | CPU | peak RSS | wall / hand-written | CPU / hand-written | peak / hand-written |")
    print("|---|---|--:|--:|--:|--:|--:|--:|")
    for size, measures, limited in rows:
        base = measures["handwritten"]
        base_wall, base_cpu = statistics.median(m.wall for m in base), statistics.median(m.cpu for m in base)
        base_peak = max(m.peak_mib for m in base)
        for route, found in measures.items():
            wall, cpu = statistics.median(m.wall for m in found), statistics.median(m.cpu for m in found)
            peak = max(m.peak_mib for m in found)
            print(f"| {size} | {route} | {wall:.2f} s | {cpu:.2f} s | {peak:,.0f} MiB | {wall / base_wall:.2f}× "
                  f"| {cpu / base_cpu:.2f}× | {peak / base_peak:.2f}× |")
        if limited is not None:
            print(f"| {size} | specc --memory-limit {args.memory_limit} | {limited.wall:.2f} s | {limited.cpu:.2f} s "
                  f"| {limited.peak_mib:,.0f} MiB | {limited.wall / base_wall:.2f}× | {limited.cpu / base_cpu:.2f}× "
                  f"| {limited.peak_mib / base_peak:.2f}× |")
    print(flush=True)


if __name__ == "__main__":
    main()
