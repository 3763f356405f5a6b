"""Spark (PySpark, local mode): a raw SQL rule names only the bound tables, and the Spark
rewrites of what DuckDB writes give DuckDB's rows (test_three_engines runs every shipped
example on Spark). One SparkSession serves the whole test session (`getOrCreate`)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from specc.cli import cli

from .test_postgres_safety import RAW_SPEC

pytestmark = pytest.mark.engines


@pytest.mark.parametrize("query, refusal", [
    ("select * from lake.secrets", "this one names `lake.secrets`"),
    ("select * from secrets", "this one names `secrets`"),
    ('select * from parquet."/etc/passwd" ', "this one names `parquet./etc/passwd`"),
    ("select reflect('java.lang.System', 'getenv', 'HOME')", "this one names `function reflect`"),
])
def test_raw_sql_outside_the_bound_views_is_refused(tmp_path, spark, query, refusal):
    spark.sql("CREATE DATABASE IF NOT EXISTS lake")
    spark.sql("CREATE TABLE IF NOT EXISTS lake.secrets USING parquet AS SELECT 's3cr3t' AS secret")
    spec = tmp_path / "raw.aspec"
    spec.write_text(RAW_SPEC.format(query=query))
    (tmp_path / "t.csv").write_text("id\na\nb\nc\n")
    result = CliRunner().invoke(cli, ["check", str(spec), "--data", str(tmp_path), "--engine", "spark",
                                      "--format", "json"])
    assert result.exit_code == 2, result.output
    escape = next(c for c in json.loads(result.stdout)["checks"] if c["id"] == "escape")
    assert escape["status"] == "error" and refusal in escape["details"]["error"], escape["details"]["error"]


def test_raw_sql_reads_the_bound_view(tmp_path, spark):
    spec = tmp_path / "raw.aspec"
    spec.write_text(RAW_SPEC.format(query="select * from t where id <> 'a'"))
    (tmp_path / "t.csv").write_text("id\na\nb\nc\n")
    result = CliRunner().invoke(cli, ["check", str(spec), "--data", str(tmp_path), "--engine", "spark",
                                      "--format", "json"])
    escape = next(c for c in json.loads(result.stdout)["checks"] if c["id"] == "escape")
    assert (escape["violations"], escape["status"], result.exit_code) == (2, "failed", 1)


def test_items_beside_their_places_and_the_size_of_no_list(spark):
    from specc.engines.spark_engine import SparkEngine

    engine = SparkEngine(session=spark)
    places = engine.execute("SELECT unnest(l) AS item, generate_subscripts(l, 1) - 1 AS idx "
                            "FROM (SELECT ['x', 'y', 'x'] AS l UNION ALL SELECT NULL) ORDER BY idx").fetchall()
    sizes = engine.execute("SELECT array_length(l) FROM (SELECT CAST(NULL AS VARCHAR[]) AS l)").fetchall()
    assert (places, sizes) == ([("x", 0), ("y", 1), ("x", 2)], [(None,)])


def test_span_matching_is_greedy_and_steps_past_sparks_default_cap(spark):
    """The chain: A's [0,10) and [10,14) both overlap B's [5,12); greedy takes the pair with
    more characters in common and leaves A's second span unmatched. The stack: eleven spans
    each, all overlapping, 121 candidates, so 121 steps (Spark stops at 100 by default)."""
    from specc.engines.spark_engine import SparkEngine
    from specc.metrics.spans import span_agreement

    chain = [("u1", "a", 0, 10), ("u1", "a", 10, 14), ("u1", "b", 5, 12)]
    stack = [("u2", annotator, i, 50 + i) for annotator in "ab" for i in range(11)]
    rows = ", ".join(f"('{u}', '{who}', {start}, {end}, 'X')" for u, who, start, end in chain + stack)
    spark.sql(f"CREATE OR REPLACE TEMP VIEW spans_in AS SELECT * FROM VALUES {rows} "
              "AS t(unit, annotator, start, `end`, label)")
    result = span_agreement(SparkEngine(session=spark), "spans_in", mode="type")
    pair = result.pairs[0]
    assert (pair.matched, pair.spans_a, pair.spans_b, result.units) == (12.0, 13, 12, 2)
