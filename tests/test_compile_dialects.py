"""`specc compile --target sql --dialect D`: every shipped spec, in each of the six dialects,
prints statements that sqlglot reads back in that dialect; what a dialect cannot express is
marked as a comment above the statement instead of failing the compile."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from click.testing import CliRunner

from specc.cli import cli
from specc.dialects import DIALECTS, write

ROOT = Path(__file__).resolve().parents[1]
SPECS = sorted((ROOT / "specs").glob("*/*.aspec"))


def _compile(spec: Path, dialect: str) -> str:
    result = CliRunner().invoke(cli, ["compile", "--target", "sql", "--dialect", dialect, str(spec)])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_every_spec_compiles_and_parses_back_in_each_dialect(spec, dialect):
    text = _compile(spec, dialect)
    statements = [s for s in sqlglot.parse(text, read=dialect)
                  if s is not None and not isinstance(s, sqlglot.exp.Semicolon)]  # trailing comments
    assert len(statements) == text.count(";\n"), "each printed statement is one statement"
    assert all(isinstance(s, (sqlglot.exp.Create, sqlglot.exp.Select, sqlglot.exp.Union)) for s in statements)


def test_a_whole_string_match_is_an_anchored_search_in_each_dialect():
    spec = ROOT / "specs/news_ner/news_ner.aspec"
    assert "REGEXP_FULL_MATCH(\"documents\".\"doc_id\", 'd[0-9]{3}')" not in _compile(spec, "postgres")
    assert "NOT \"documents\".\"doc_id\" ~ '^(?:d[0-9]{3})$'" in _compile(spec, "postgres")
    assert "NOT `documents`.`doc_id` RLIKE '^(?:d[0-9]{3})$'" in _compile(spec, "spark")
    assert "regexp_full_match(\"documents\".\"doc_id\", 'd[0-9]{3}')" in _compile(spec, "duckdb")


def test_what_a_dialect_cannot_express_is_marked_not_fatal():
    written = write("SELECT max(x) OVER (PARTITION BY z ORDER BY y NULLS LAST) FROM t", "bigquery")
    assert len(written.problems) == 1 and written.problems[0].startswith("'NULLS LAST' translation not supported")
    assert written.sql.startswith("SELECT MAX(x) OVER (PARTITION BY z ORDER BY")
    text = _compile(ROOT / "specs/reward_ranking/reward_ranking.aspec", "bigquery")
    assert "-- specc: bigquery cannot express this as written: ARRAY_SORT is only supported on an ARRAY_AGG" in text


def test_group_by_all_and_order_by_all_are_spelt_out_for_postgres():
    # PostgreSQL has neither; sqlglot passes both through. A union's order is the union's own.
    assert write("SELECT a, count(*) FROM t GROUP BY ALL ORDER BY ALL", "postgres").sql == \
        "SELECT a, COUNT(*) FROM t GROUP BY a ORDER BY 1, 2"
    assert write("SELECT a, b FROM t UNION ALL SELECT c, d FROM u ORDER BY ALL", "postgres").sql == \
        "SELECT a, b FROM t UNION ALL SELECT c, d FROM u ORDER BY 1, 2"


def test_spark_text_is_what_the_spark_engine_runs():
    # specc.spark_sql's rewrites are part of the dialect, not of the engine alone: a reference
    # check's IN is a hashed EXISTS, and DuckDB's MATERIALIZED hint is gone
    text = _compile(ROOT / "specs/vendor_audit/vendor_audit.aspec", "spark")
    assert "EXISTS(SELECT 1 FROM `items` AS `__member` WHERE NOT `__member`.`item_id` IS NULL AND " \
           "`__member`.`item_id` = `annotations`.`item_id`)" in text
    assert "MATERIALIZED" not in text
    assert "MATERIALIZED" in _compile(ROOT / "specs/vendor_audit/vendor_audit.aspec", "duckdb")


def test_an_unknown_dialect_or_a_dialect_for_another_target_is_a_usage_error():
    spec = str(SPECS[0])
    result = CliRunner().invoke(cli, ["compile", "--target", "sql", "--dialect", "oracle", spec])
    assert result.exit_code == 2 and "'oracle' is not one of" in result.output
    result = CliRunner().invoke(cli, ["compile", "--target", "jsonschema", "--dialect", "spark", spec])
    assert result.exit_code == 2 and "--dialect is for --target sql" in result.output
