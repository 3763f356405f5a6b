"""Every consensus statement is plain enough for sqlglot to write it for Spark SQL and PostgreSQL.

The engine layer to come runs the same statements on those engines; here each statement a
method ran through `Engine` must parse as DuckDB and generate in both dialects with
sqlglot's `unsupported_level=RAISE`. Only the Parquet writer (`COPY … TO`) is DuckDB's own.
"""

from __future__ import annotations

import pytest
import sqlglot
from crowds import accuracy_matrix, plant_crowd

from specc.consensus.bradley_terry import PreferenceColumns, RankingColumns, bradley_terry, scores_query
from specc.consensus.crowd import LabelColumns
from specc.consensus.engine import Engine
from specc.consensus.gold_weighted import GoldColumns
from specc.consensus.labels import LabelOptions, label_consensus
from specc.consensus.output import labels_query
from specc.consensus.spans import SpanColumns, output_query, span_consensus


def transpiles(statements):
    for sql in statements:
        for dialect in ("spark", "postgres"):
            written = sqlglot.transpile(sql, read="duckdb", write=dialect, unsupported_level=sqlglot.ErrorLevel.RAISE)
            assert len(written) == 1, sql


@pytest.mark.parametrize("method", ["majority", "gold_weighted", "dawid_skene"])
def test_label_methods(con, method):
    plant_crowd(con, "crowd", units=50, per_unit=3, priors=[0.6, 0.4], seed=2,
                confusions=[accuracy_matrix(a, 2) for a in (0.9, 0.8, 0.7)])
    con.execute("CREATE TABLE gold AS SELECT unit, label FROM crowd_truth WHERE unit < 10")
    engine = Engine(con)
    options = LabelOptions(method, order=("c1", "c0"), gold=GoldColumns("gold", "unit", "label"), max_iterations=3)
    label_consensus(engine, LabelColumns("crowd", "unit", "annotator", "label"), options)
    transpiles(engine.statements + [labels_query(engine)])
    assert len(engine.statements) > 10


def test_bradley_terry_and_spans(con):
    con.execute("CREATE TABLE prefs AS SELECT * FROM (VALUES ('p', 'a', 'x', 'y', FALSE), ('p', 'b', 'y', 'x', TRUE))"
                " AS v(unit, judge, chosen, rejected, tie)")
    con.execute("CREATE TABLE ranks AS SELECT * FROM (VALUES ('p', 'a', ['x', 'y', 'z'])) AS v(unit, judge, ranking)")
    con.execute("CREATE TABLE spans AS SELECT * FROM (VALUES ('d', 'a', 0, 4, 'X'), ('d', 'b', 0, 4, 'X'))"
                " AS v(unit, who, s, e, label)")
    engine = Engine(con)
    bradley_terry(engine, PreferenceColumns("prefs", "unit", "judge", "chosen", "rejected", "tie"), max_iterations=3)
    bradley_terry(engine, RankingColumns("ranks", "unit", "judge", "ranking"), max_iterations=3)
    statements = engine.statements + [scores_query(engine)]
    span_consensus(engine, SpanColumns("spans", "unit", "who", "s", "e", "label"), "partial")
    transpiles(statements + engine.statements + [output_query(engine)])
