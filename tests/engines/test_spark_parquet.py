"""Parquet read by Spark itself: the same casts and `.type` flags as DuckDB (a value that
would change on the cast is a violation, never changed), rows numbered in file order across
files, and the report DuckDB gives. A column Spark would not read exactly falls back to
specc's reader."""

from __future__ import annotations

import json

import duckdb
import pytest
from click.testing import CliRunner

from specc.cli import cli

from .test_three_engines import assert_equal

pytestmark = pytest.mark.engines

SPEC = '''spec pq
table t {
  id    string  required
  n     int     >= 0
  x     float
  seen  timestamp
  day   timestamp
  code  string  pattern "[0-9]"
  tags  list of string
}
'''
ROWS = {
    "a": """SELECT * FROM (VALUES
        ('r1', 1, 1, TIMESTAMPTZ '2024-01-01 10:00:00+02', DATE '2024-01-02', '7', ['x']),
        ('r2', -1, 9007199254740993, NULL, NULL, '12', NULL),
        ('r3', NULL, 9007199254740992, TIMESTAMPTZ '2024-06-30 23:59:59.5+00', DATE '2024-02-29', NULL, []))
        AS v(id, n, x, seen, day, code, tags)""",
    "b": """SELECT * FROM (VALUES ('r4', CAST(2 AS INTEGER), CAST(-9007199254740993 AS BIGINT),
        TIMESTAMPTZ '2023-12-31 23:00:00-01', DATE '2024-03-01', '3', ['y', NULL]))
        AS v(id, n, x, seen, day, code, tags)""",
}


def _write(tmp_path, spec_text=SPEC, rows=ROWS):
    (tmp_path / "pq.aspec").write_text(spec_text)
    folder = tmp_path / "t"
    folder.mkdir()
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        for name, select in rows.items():
            con.execute(f"COPY ({select}) TO '{folder / name}.parquet' (FORMAT parquet)")
    return ["check", str(tmp_path / "pq.aspec"), "--data", f"t={folder}/*.parquet", "--format", "json",
            "--samples", "5"]


def _report(arguments, *engine):
    result = CliRunner().invoke(cli, [*arguments, *engine])
    assert "Traceback" not in result.output, result.output
    report = json.loads(result.stdout)
    report.pop("timings")
    return result.exit_code, report


def test_spark_reads_parquet_itself_with_duckdbs_exact_casts(tmp_path, spark):
    arguments = _write(tmp_path)
    duckdb_exit, on_duckdb = _report(arguments)
    spark_exit, on_spark = _report(arguments, "--engine", "spark")
    assert (spark_exit, duckdb_exit) == (1, 1)
    assert_equal(on_spark, on_duckdb)
    checks = {c["id"]: c for c in on_spark["checks"]}
    # 2**53 + 1 is not a double: a `.type` violation on both engines, the delivered text kept
    assert checks["t.x.type"]["violations"] == 2
    assert checks["t.x.type"]["samples"] == [{"row": 2, "x": "9007199254740993"}, {"row": 4, "x": "-9007199254740993"}]
    assert checks["t.n.range"]["violations"] == 1 and checks["t.code.pattern"]["violations"] == 1
    assert on_spark["inputs"][0]["rows"] == 4 and on_spark["inputs"][0]["verified_by_schema"] == [
        "id", "n", "seen", "day", "code", "tags"]


def test_spark_read_the_files_without_specc_s_reader(tmp_path, spark):
    from specc.api import load_spec
    from specc.engines.spark_engine import SparkEngine
    from specc.inputs import bind_path

    arguments = _write(tmp_path)
    engine = SparkEngine(session=spark)
    try:
        spec = load_spec(arguments[1]).checked()
        bound = engine.load(spec, bind_path("t", arguments[3].split("=", 1)[1]))
        assert "__specc_files_t" in {t.name for t in spark.catalog.listTables()}
        assert not list(engine._folder.iterdir())  # no Parquet file of specc's own
        rows = engine.execute('SELECT "__specc_row", id, seen, day FROM t ORDER BY 1').fetchall()
    finally:
        engine.close()
    assert bound.rows == 4
    assert [r[:2] for r in rows] == [(1, "r1"), (2, "r2"), (3, "r3"), (4, "r4")]
    assert str(rows[0][2]) == "2024-01-01 08:00:00" and str(rows[3][2]) == "2024-01-01 00:00:00"
    assert str(rows[2][2]) == "2024-06-30 23:59:59.500000" and str(rows[0][3]) == "2024-01-02 00:00:00"


def test_a_decimal_column_falls_back_to_specc_s_reader(tmp_path, spark):
    rows = {"a": "SELECT 'r1' AS id, CAST(1.25 AS DECIMAL(5, 2)) AS x"}
    arguments = _write(tmp_path, "spec pq\ntable t {\n  id string\n  x float\n}\n", rows)
    assert _report(arguments, "--engine", "spark") == _report(arguments)
