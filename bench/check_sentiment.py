"""Benchmark `specc check` on a large seeded delivery of the shipped review_sentiment example.

    python bench/check_sentiment.py --rows 1000000

Generates (once per size) `bench/data/sentiment-N/` with `reviews.parquet` and
`judgments.csv` — 1,000 reviews, and one judgment per (review, annotator) with a handful of
seeded faults per 10,000 rows — then runs `specc check` in a child process and reports its
wall time and peak resident memory. The data is made by DuckDB from a hash of the row
numbers, so the same size always gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "review_sentiment" / "review_sentiment.aspec"
REVIEWS = 1000

# Three-letter annotator names from a number: aaa, aab, ... (the spec wants [a-z]{2,12}).
NAME = "chr((97 + ({n} // 676) % 26)::INT) || chr((97 + ({n} // 26) % 26)::INT) || chr((97 + {n} % 26)::INT)"


def generate(folder: Path, rows: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    per_review = max(3, rows // REVIEWS)
    con = duckdb.connect()
    con.execute(f"""
        COPY (
          SELECT printf('R%03d', r) AS review_id, printf('P-%03d', r % 97) AS product_id,
                 'A perfectly ordinary review body number ' || r AS body, 'en' AS language,
                 (r % 13)::BIGINT AS helpful_votes,
                 TIMESTAMP '2026-01-01' + to_minutes(r::BIGINT) AS posted_at
          FROM range({REVIEWS}) t(r)
        ) TO '{folder / "reviews.parquet"}' (FORMAT parquet)""")
    con.execute(f"""
        COPY (
          WITH base AS (
            SELECT r, a, hash(r, a, 20261126) % 10000 AS dice
            FROM range({REVIEWS}) t(r), range({per_review}) u(a)
            LIMIT {rows}
          ), labelled AS (
            SELECT r, a, dice, (hash(r, 7) % 5)::INT + 1 AS true_stars FROM base
          )
          SELECT printf('R%03d', r) AS review_id,
                 {NAME.format(n="a")} AS annotator,
                 CASE WHEN stars >= 4 THEN 'positive' WHEN stars <= 2 THEN 'negative' ELSE 'neutral' END
                   AS sentiment,
                 stars,
                 CASE WHEN dice = 1 THEN -1.0 ELSE 5 + (dice % 300) / 10.0 END AS seconds,
                 TIMESTAMP '2026-03-01' + to_minutes((r + a)::BIGINT) AS judged_at
          FROM (SELECT *, CASE WHEN dice < 900 THEN true_stars % 5 + 1 ELSE true_stars END AS stars FROM labelled)
        ) TO '{folder / "judgments.csv"}' (HEADER)""")


def measure(folder: Path, threads: int | None) -> dict:
    command = [sys.executable, "-m", "specc.cli", "check", str(SPEC), "--data", str(folder),
               "--format", "json", "--out", str(folder / "report.json")]
    if threads:
        command += ["--threads", str(threads)]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if completed.returncode not in (0, 1):
        raise SystemExit(f"specc check could not run:\n{completed.stderr}")
    report = json.loads((folder / "report.json").read_text())
    return {"exit_code": completed.returncode, "seconds": round(elapsed, 2), "peak_rss_mib": round(peak_kib / 1024),
            "rows": {i["table"]: i["rows"] for i in report["inputs"]}, "timings": report["timings"],
            "failed": [c["id"] for c in report["checks"] if c["status"] == "failed"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int)
    arguments = parser.parse_args()
    folder = ROOT / "bench" / "data" / f"sentiment-{arguments.rows}"
    if not (folder / "judgments.csv").exists():
        generate(folder, arguments.rows)
    print(json.dumps(measure(folder, arguments.threads), indent=2))


if __name__ == "__main__":
    main()
