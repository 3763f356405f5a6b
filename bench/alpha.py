"""Benchmark: Krippendorff's alpha in DuckDB (specc) against the `krippendorff` package.

    python bench/alpha.py                      # 2,000,000 units x 5 coders = 10 million rows
    python bench/alpha.py --units 20000        # a smoke run

Generates seeded annotations to Parquet under bench/data/ (once per size and seed), then runs
each method in its own subprocess, so the peak resident memory reported (from wait4's
rusage) is that method's alone. Both methods start from the same Parquet file: specc queries
it through DuckDB; the package needs a coders x units matrix, built with numpy from columns
DuckDB reads (the build is timed separately from alpha itself).

Data: each unit has 5 distinct coders out of 200 and a hidden true category out of 6; each
coder gives the true category with a coder-specific probability between 0.5 and 0.95 and a
uniformly random one otherwise. Randomness comes from DuckDB's hash of (row, seed), so the
file is the same whatever the thread count.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CODERS_PER_UNIT = 5
CODERS = 200
CATEGORIES = 6

GENERATE_SQL = """
COPY (
    WITH slots AS (
        SELECT unit, k,
               hash(unit, $seed, 'base') % {coders} AS base,
               1 + hash(unit, $seed, 'step') % {max_step} AS step,
               hash(unit, $seed, 'truth') % {categories} AS truth
        FROM range($units) AS units(unit), range({per_unit}) AS slots(k)
    ),
    assigned AS (
        SELECT unit, k, truth, (base + k * step) % {coders} AS coder FROM slots
    )
    SELECT unit,
           'coder' || lpad(CAST(coder AS VARCHAR), 3, '0') AS coder,
           'category' || CAST(
               CASE WHEN (hash(unit, k, $seed, 'coin') % 10000) / 10000.0
                         < 0.5 + 0.45 * (hash(coder, $seed, 'skill') % 1000) / 1000.0
                    THEN truth
                    ELSE hash(unit, k, $seed, 'noise') % {categories} END AS VARCHAR) AS label
    FROM assigned
    ORDER BY unit, k
) TO {path} (FORMAT parquet)
"""


def data_path(units: int, seed: int) -> Path:
    return HERE / "data" / f"alpha_{units}_units_seed{seed}.parquet"


def generate(units: int, seed: int) -> Path:
    """Write the annotations once; distinct coders per unit because step * k < coders."""
    import duckdb

    from specc.sqlsafe import literal

    path = data_path(units, seed)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    sql = GENERATE_SQL.format(
        coders=CODERS,
        max_step=CODERS // CODERS_PER_UNIT - 1,
        categories=CATEGORIES,
        per_unit=CODERS_PER_UNIT,
        path=literal(str(path)),
    )
    duckdb.connect().execute(sql, {"units": units, "seed": seed})
    return path


def specc_view(path: Path):
    import duckdb

    from specc.sqlsafe import literal

    con = duckdb.connect()
    con.execute(f"CREATE VIEW annotations AS SELECT * FROM read_parquet({literal(str(path))})").fetchall()
    return con


def run_specc(path: Path, level: str) -> dict:
    from specc.metrics import krippendorff_alpha

    started = time.perf_counter()
    result = krippendorff_alpha(specc_view(path), "annotations", "unit", "coder", "label", level=level)
    return {"alpha": result.value, "seconds": time.perf_counter() - started}


def run_specc_bootstrap(path: Path, level: str) -> dict:
    from specc.metrics import bootstrap_alpha

    started = time.perf_counter()
    result = bootstrap_alpha(specc_view(path), "annotations", "unit", "coder", "label", level, iterations=1000)
    return {"alpha": result.value, "seconds": time.perf_counter() - started, "interval": result.interval.to_dict()}


def run_specc_per_annotator(path: Path, level: str) -> dict:
    from specc.metrics import per_annotator_agreement

    started = time.perf_counter()
    result = per_annotator_agreement(specc_view(path), "annotations", "unit", "coder", "label", level)
    return {"alpha": result.alpha, "seconds": time.perf_counter() - started}


RUNNERS = {
    "specc": run_specc,
    "specc-bootstrap": run_specc_bootstrap,
    "specc-per-annotator": run_specc_per_annotator,
}


def run_krippendorff(path: Path, level: str) -> dict:
    import duckdb
    import krippendorff
    import numpy as np

    from specc.sqlsafe import literal

    started = time.perf_counter()
    columns = duckdb.connect().execute(
        f"""
        WITH annotations AS (SELECT * FROM read_parquet({literal(str(path))})),
        coders AS (SELECT coder, row_number() OVER (ORDER BY coder) - 1 AS row FROM (SELECT DISTINCT coder FROM annotations)),
        labels AS (SELECT label, row_number() OVER (ORDER BY label) AS code FROM (SELECT DISTINCT label FROM annotations))
        SELECT unit, coders.row AS coder, labels.code AS label
        FROM annotations JOIN coders USING (coder) JOIN labels USING (label)
        """
    ).fetchnumpy()
    matrix = np.full((int(columns["coder"].max()) + 1, int(columns["unit"].max()) + 1), np.nan)
    matrix[columns["coder"], columns["unit"]] = columns["label"]
    del columns
    built = time.perf_counter()
    value = krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
    finished = time.perf_counter()
    return {"alpha": float(value), "seconds": finished - started, "build_seconds": built - started}


def measure(method: str, path: Path, level: str) -> dict:
    """Run one method in a child process; its own peak RSS comes from wait4."""
    command = [sys.executable, __file__, "--method", method, "--path", str(path), "--level", level]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, cwd=HERE.parent)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{method} failed with exit code {child.returncode}")
    return {"method": method, **json.loads(output), "peak_rss_mib": usage.ru_maxrss / 1024}


def table(results: list[dict]) -> str:
    lines = ["| method | alpha | wall time (s) | peak RSS (MiB) |", "|---|--:|--:|--:|"]
    for result in results:
        seconds = f"{result['seconds']:.1f}"
        if "build_seconds" in result:
            seconds += f" (matrix build {result['build_seconds']:.1f})"
        lines.append(f"| {result['method']} | {result['alpha']:.6f} | {seconds} | {result['peak_rss_mib']:,.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2_000_000, help="units (rows = 5 x units)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--level", default="nominal", choices=["nominal", "ordinal"])
    parser.add_argument("--methods", default="specc,krippendorff", help=f"comma-separated: {', '.join([*RUNNERS, 'krippendorff'])}")
    parser.add_argument("--method", help=argparse.SUPPRESS)  # inside a child process
    parser.add_argument("--path", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.method:
        runner = {**RUNNERS, "krippendorff": run_krippendorff}[arguments.method]
        print(json.dumps(runner(Path(arguments.path), arguments.level)))
        return
    started = time.perf_counter()
    path = generate(arguments.units, arguments.seed)
    print(f"data: {path.name}, {CODERS_PER_UNIT * arguments.units:,} rows ({time.perf_counter() - started:.1f} s)")
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}")
    results = [measure(method, path, arguments.level) for method in arguments.methods.split(",")]
    print(table(results))


if __name__ == "__main__":
    main()
