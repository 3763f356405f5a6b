"""The functions specc's checks use, evaluated on DuckDB and on PostgreSQL from the same
DuckDB text (specc.dialects): regular expressions, string length, case, words, time and
rounding agree in a UTF-8 database; the `C` locale's `lower` is the documented difference."""

from __future__ import annotations

import duckdb
import psycopg
import pytest

from specc.engines.postgres_engine import PostgresEngine

pytestmark = pytest.mark.engines

EXPRESSIONS = [
    "regexp_full_match('d001', 'd[0-9]{3}')",
    "regexp_full_match('d0012', 'd[0-9]{3}')",  # whole string: a longer value does not match
    "regexp_full_match('ab', 'a|ab')",  # alternation is anchored as a group
    "regexp_matches('call 555-123-4567 now', '[0-9]{3}[ .-][0-9]{3}[ .-][0-9]{4}')",
    "regexp_full_match('B-PER', '(O|[BI]-.+)')",
    "length('Köln — 東京')",  # characters, not bytes
    "lower('ÉTÉ À MAÑANA')",
    "array_length(regexp_split_to_array(trim('  two   words '), '\\s+'))",
    "regexp_replace(lower('Ça, va?'), '[^a-z0-9\\s]', '', 'g')",
    "array_length(list_distinct(['a', 'b', 'a', NULL]))",
    "list_sort(['b', 'a']) = list_sort(['a', 'b'])",
    "CAST('2024-03-10 02:30:00' AS TIMESTAMP) + INTERVAL 1 HOUR",
    "round(CAST(1 AS DOUBLE) / 3, 4)",  # the share a group sample shows
    "CAST(1 AS DOUBLE) / 3",
    "7 / 2",  # DuckDB's `/` divides exactly; sqlglot writes the cast PostgreSQL needs
]


def _on_duckdb(expression: str):
    with duckdb.connect() as con:
        return con.execute(f"SELECT {expression}").fetchone()[0]


@pytest.fixture(scope="module")
def engine(postgres_url):
    opened = PostgresEngine(postgres_url)
    yield opened
    opened.close()


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_the_same_value_on_both_engines(engine, expression):
    on_duckdb = duckdb.connect().execute(f"SELECT {expression}").fetchone()[0]
    assert engine.execute(f"SELECT {expression}").fetchone()[0] == on_duckdb


def test_lower_in_the_c_locale_leaves_accented_capitals(postgres):
    with psycopg.connect(postgres.url(), autocommit=True) as admin:
        admin.execute("CREATE DATABASE c_locale LC_CTYPE 'C' LC_COLLATE 'C' TEMPLATE template0")
    engine = PostgresEngine(postgres.url().rsplit("/", 1)[0] + "/c_locale")
    try:
        assert engine.execute("SELECT lower('ÉTÉ')").fetchone()[0] == "ÉtÉ"
    finally:
        engine.close()
    assert duckdb.connect().execute("SELECT lower('ÉTÉ')").fetchone()[0] == "été"


RECORDS = """SELECT * FROM (VALUES
    (1, [{'id': 'r1', 'text': 'a "quoted", comma', 'score': CAST(0.1 AS DOUBLE), 'at': TIMESTAMP '2024-03-10 02:30:00',
          'tags': ['x', NULL], 'by': {'name': 'ann', 'seen': true}}, NULL]),
    (2, []),
    (3, NULL)) AS t(k, responses)"""


def test_a_list_of_records_arrives_as_an_array_of_composite_types(engine):
    """Nested records, a NULL item, an empty and a NULL list, quotes and commas, a double and a
    timestamp: the same values back from PostgreSQL as from DuckDB, and a record's field by name."""
    from specc.engines.duckdb_engine import DuckDBEngine

    local = DuckDBEngine()
    local.con.execute(f"CREATE TABLE records AS {RECORDS}")
    expected = local.con.execute("SELECT k, responses, list_transform(responses, lambda r: r.by.name) "
                                 "FROM records ORDER BY k").fetchall()
    engine._local = local
    engine._copy_in("records")
    found = engine.execute("SELECT k, responses, list_transform(responses, lambda r: r.by.name) "
                           "FROM records ORDER BY k").fetchall()
    assert found == expected
    assert found[0][2] == ["ann", None] and found[1][1:] == ([], [])


STATEMENTS = [
    "SELECT x, count(*) AS n FROM (VALUES ('b'), ('a'), ('b')) AS t(x) GROUP BY ALL ORDER BY ALL",
    # a set operation's ORDER BY ALL belongs to the union, not to its last SELECT
    "SELECT 2 AS k, 'b' AS v UNION ALL SELECT 1, 'z' UNION ALL SELECT 1, 'a' ORDER BY ALL",
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_group_by_all_and_order_by_all_give_the_same_rows(engine, statement):
    on_duckdb = duckdb.connect().execute(statement).fetchall()
    assert [tuple(row) for row in engine.execute(statement).fetchall()] == on_duckdb
