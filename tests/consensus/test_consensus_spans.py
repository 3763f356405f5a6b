"""Span consensus under the four matching modes, checked by hand on one small delivery."""

from __future__ import annotations

import pytest

from specc.consensus import ConsensusError
from specc.consensus.engine import Engine
from specc.consensus.spans import SpanColumns, output_query, span_consensus


@pytest.fixture
def spans(con):
    # d1: a person at [0,5) (c ends it at 6), an organisation at [10,15) that b calls LOC,
    #     and a lone [20,24) from c. d2: only b marks something; a and c say "no spans".
    con.execute("""CREATE TABLE spans AS SELECT * FROM (VALUES
        ('d1', 'a', 0, 5, 'PER'), ('d1', 'b', 0, 5, 'PER'), ('d1', 'c', 0, 6, 'PER'),
        ('d1', 'a', 10, 15, 'ORG'), ('d1', 'b', 10, 15, 'LOC'), ('d1', 'c', 10, 15, 'ORG'),
        ('d1', 'c', 20, 24, 'LOC'),
        ('d2', 'a', NULL, NULL, NULL), ('d2', 'b', 3, 7, 'PER'), ('d2', 'c', NULL, NULL, NULL)
    ) AS v(doc, who, "start", "end", label)""")
    return con


def consensus(con, mode, k=None):
    engine = Engine(con)
    result = span_consensus(engine, SpanColumns("spans", "doc", "who", "start", "end", "label"), mode, k)
    return result, engine.fetch(output_query(engine))


def test_strict(spans):
    result, rows = consensus(spans, "strict")
    # unit, start, end, label, support, annotators, contested, dissenters
    assert rows == [("d1", 0, 5, "PER", 2.0, 3, False, ["c"]), ("d1", 10, 15, "ORG", 2.0, 3, False, ["b"]),
                    ("d2", None, None, None, None, 3, False, ["b"])]
    assert (result.spans, result.mentions, result.kept, result.empty_units) == (8, 6, 2, 1)


def test_exact_ignores_the_label_and_takes_the_most_given(spans):
    _, rows = consensus(spans, "exact")
    assert rows[1] == ("d1", 10, 15, "ORG", 3.0, 3, False, [])


def test_type_groups_overlaps_and_picks_the_most_given_boundaries(spans):
    _, rows = consensus(spans, "type")
    assert rows[0] == ("d1", 0, 5, "PER", 3.0, 3, False, [])


def test_partial_counts_other_boundaries_by_half(spans):
    result, rows = consensus(spans, "partial")
    assert rows[0] == ("d1", 0, 5, "PER", 2.5, 3, False, [])
    c = next(s for s in result.skills if s.annotator == "c")
    # c supports [0,5) PER by 1/2 and [10,15) ORG fully; two consensus spans in c's units
    assert (c.spans, c.kept_spans, c.matched, c.recall) == (3, 2, 1.5, 0.75)
    assert c.precision == pytest.approx(1.5 / 3)


def test_a_minimum_of_one_keeps_every_span_and_marks_it_contested(spans):
    result, rows = consensus(spans, "strict", k=1)
    assert ("d1", 20, 24, "LOC", 1.0, 3, True, ["a", "b"]) in rows
    assert ("d2", 3, 7, "PER", 1.0, 3, True, ["a", "c"]) in rows
    assert result.kept == 6 and result.empty_units == 0


def test_touching_spans_are_two_mentions_and_identical_ones_one(con):
    con.execute("""CREATE TABLE spans AS SELECT * FROM (VALUES
        ('d', 'a', 0, 5, 'X'), ('d', 'b', 5, 9, 'X'), ('d', 'c', 0, 5, 'X'), ('d', 'c', 5, 9, 'X')
    ) AS v(doc, who, "start", "end", label)""")
    result, rows = consensus(con, "type")
    assert result.mentions == 2
    assert [(r[1], r[2], r[4]) for r in rows] == [(0, 5, 2.0), (5, 9, 2.0)]


def test_bad_mode_and_minimum(spans):
    with pytest.raises(ConsensusError, match="unknown span mode `fuzzy`"):
        consensus(spans, "fuzzy")
    with pytest.raises(ConsensusError, match="1 or more"):
        consensus(spans, "strict", k=0)
