"""Spark SQL written from specc's DuckDB text: `x IN (SELECT …)` in a select list (a reference
check's flag) keeps IN's NULLs exactly, and is planned as a hash join, not the nested loop
Spark gives a NULL-aware IN (1M × 333k comparisons in the benchmark)."""

from __future__ import annotations

import duckdb
import pytest

pytest.importorskip("pyspark")  # the engines extra: `make test` collects this module without it

from specc.engines.spark_engine import SparkEngine  # noqa: E402

pytestmark = pytest.mark.engines

VIEWS = {
    "outer_rows": "SELECT * FROM (VALUES (1, 'a'), (2, 'z'), (3, NULL)) AS v(k, x)",
    "with_null": "SELECT * FROM (VALUES ('a', 1), (NULL, 1), ('b', 0)) AS v(x, y)",
}
MEMBERSHIP = [
    'SELECT k, "outer_rows".x IN (SELECT x FROM with_null) FROM outer_rows ORDER BY k',  # a NULL in the list
    'SELECT k, "outer_rows".x IN (SELECT x FROM with_null WHERE x IS NOT NULL) FROM outer_rows ORDER BY k',
    'SELECT k, NOT "outer_rows".x IN (SELECT x FROM with_null WHERE y = 1 AND x IS NOT NULL) FROM outer_rows ORDER BY k',
    'SELECT k, "outer_rows".x IN (SELECT x FROM with_null WHERE y = 0) FROM outer_rows ORDER BY k',
]


@pytest.fixture(scope="module")
def engines(spark):
    spark_engine = SparkEngine(session=spark)
    local = duckdb.connect()
    for name, select in VIEWS.items():
        spark_engine.create_table(name, select)
        local.execute(f"CREATE TABLE {name} AS {select}")
    yield spark_engine, local
    spark_engine.close()
    local.close()


@pytest.mark.parametrize("query", MEMBERSHIP)
def test_membership_is_what_duckdb_says(engines, query):
    spark_engine, local = engines
    assert spark_engine.execute(query).fetchall() == local.execute(query).fetchall()


def test_the_three_answers_of_in(engines):
    spark_engine, _ = engines
    assert spark_engine.execute(MEMBERSHIP[0]).fetchall() == [(1, True), (2, None), (3, None)]
    assert spark_engine.execute(MEMBERSHIP[1]).fetchall() == [(1, True), (2, False), (3, None)]


def test_membership_is_a_hash_join(engines):
    spark_engine, _ = engines
    plan = spark_engine._frame(MEMBERSHIP[1])._jdf.queryExecution().executedPlan().toString()
    assert "NestedLoopJoin" not in plan and "HashJoin" in plan


def test_the_length_of_a_null_list_is_null(engines):
    """Spark's legacy `size(NULL)` is -1 with ANSI off; `words(prompt) >= 3` would then flag
    a row whose prompt is missing (reward_ranking's dirty delivery)."""
    spark_engine, local = engines
    query = "SELECT array_length(CAST(NULL AS VARCHAR[])), array_length(regexp_split_to_array(NULL, ' '))"
    assert spark_engine.execute(query).fetchall() == local.execute(query).fetchall() == [(None, None)]
