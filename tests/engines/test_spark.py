"""Spark (PySpark, local mode): a raw SQL rule names only the bound tables; and the examples
Spark does not compute as DuckDB does yet, with the reason (test_three_engines runs every other
one on Spark). One SparkSession serves the whole test session (`getOrCreate`)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from specc.cli import cli

from .test_postgres_safety import RAW_SPEC

pytestmark = pytest.mark.engines

# What Spark does not compute as DuckDB does yet (docs/engines.md, "Spark"):
NOT_YET_ON_SPARK = {
    "doccano_ner": "span agreement's matching is a recursive CTE inside a CTE, which Spark does not resolve",
    "labelstudio_sentiment": "interval alpha differs from DuckDB's",
    "news_ner": "span agreement's matching is a recursive CTE inside a CTE",
    "labelstudio_ner": "span agreement's matching is a recursive CTE inside a CTE",
    "ranking_jsonl": "rank agreement uses generate_subscripts",
    "review_sentiment": "interval alpha differs from DuckDB's",
    "reward_ranking": "one row check counts differently on the dirty delivery",
}


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
