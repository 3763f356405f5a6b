"""Span agreement, computed by hand: four modes, micro and macro, one-to-one greedy matching."""

from __future__ import annotations

import pandas as pd
import pytest
from metric_tables import table

from specc.metrics import MetricError, span_agreement

COLUMNS = ["doc", "who", "start", "end", "label"]
NONE = (None, None, None)  # an explicit "no entities here" row

SPANS = [
    # d1: A and B agree on [0,5) PER; shift on ORG; same boundaries, other label at 30.
    ("d1", "A", 0, 5, "PER"), ("d1", "A", 10, 20, "ORG"), ("d1", "A", 30, 35, "LOC"),
    ("d1", "B", 0, 5, "PER"), ("d1", "B", 12, 20, "ORG"), ("d1", "B", 30, 35, "PER"),
    ("d1", "C", 0, 5, "ORG"),
    # d2: A and B annotated and found nothing; C found one entity.
    ("d2", "A", *NONE), ("d2", "B", *NONE), ("d2", "C", 1, 3, "PER"),
    # d3: A's one span overlaps both of B's: only one may match.
    ("d3", "A", 0, 10, "PER"), ("d3", "B", 0, 4, "PER"), ("d3", "B", 5, 10, "PER"),
    # d4: only A annotated it, so no pair compares it.
    ("d4", "A", 0, 2, "PER"),
]  # fmt: skip

# (A, B), (A, C), (B, C): matched score per mode; spans: A-B 4/5, A-C 3/2, B-C 3/2.
MATCHED = {
    "strict": (1, 0, 0),
    "exact": (2, 1, 1),
    "partial": (2, 0, 0),  # 1 (d1 PER) + 0.5 (d1 ORG shifted) + 0.5 (d3, one of two)
    "type": (3, 0, 0),
}
SPAN_COUNTS = ((4, 5), (3, 2), (3, 2))


@pytest.fixture
def spans(con):
    return table(con, "spans", pd.DataFrame(SPANS, columns=COLUMNS))


def run(con, name, mode, **options):
    return span_agreement(con, name, unit="doc", annotator="who", mode=mode, **options)


def prf(matched, spans_a, spans_b):
    precision = matched / spans_b if spans_b else None
    recall = matched / spans_a if spans_a else None
    f1 = 2 * matched / (spans_a + spans_b) if spans_a + spans_b else None
    return precision, recall, f1


@pytest.mark.parametrize("mode", list(MATCHED))
def test_pairs(con, spans, mode):
    result = run(con, spans, mode)
    assert [(p.annotator_a, p.annotator_b) for p in result.pairs] == [("A", "B"), ("A", "C"), ("B", "C")]
    assert [p.units for p in result.pairs] == [3, 2, 2]
    for pair, matched, (spans_a, spans_b) in zip(result.pairs, MATCHED[mode], SPAN_COUNTS):
        assert (pair.matched, pair.spans_a, pair.spans_b) == (matched, spans_a, spans_b)
        expected = prf(matched, spans_a, spans_b)
        assert (pair.scores.precision, pair.scores.recall, pair.scores.f1) == pytest.approx(expected)


@pytest.mark.parametrize("mode", list(MATCHED))
def test_micro_pools_and_macro_averages(con, spans, mode):
    result = run(con, spans, mode)
    micro = prf(sum(MATCHED[mode]), 10, 9)
    assert (result.micro.precision, result.micro.recall, result.micro.f1) == pytest.approx(micro)
    per_pair = [prf(m, a, b) for m, (a, b) in zip(MATCHED[mode], SPAN_COUNTS)]
    macro = [sum(values) / 3 for values in zip(*per_pair)]
    assert (result.macro.precision, result.macro.recall, result.macro.f1) == pytest.approx(macro)
    assert (result.units, result.annotators) == (4, 3)


def test_by_hand_values(con, spans):
    strict, partial = run(con, spans, "strict"), run(con, spans, "partial")
    assert strict.micro.f1 == pytest.approx(2 / 19)
    assert strict.pairs[0].scores.f1 == pytest.approx(2 / 9)
    assert partial.pairs[0].scores.recall == pytest.approx(0.5)
    assert strict.macro.f1 == pytest.approx((2 / 9) / 3)


def test_greedy_matching_is_one_to_one_and_not_maximum(con):
    # a1-b1 share 5 characters, a1-b2 3, a2-b1 1. Greedy takes a1-b1 first, which blocks both
    # others; a maximum matching would have paired a1-b2 and a2-b1.
    rows = [("d", "A", 0, 10, "X"), ("d", "A", 10, 12, "X"), ("d", "B", 5, 11, "X"), ("d", "B", 0, 3, "X")]
    result = run(con, table(con, "chain", pd.DataFrame(rows, columns=COLUMNS)), "type")
    assert result.pairs[0].matched == 1


def test_a_span_given_twice_counts_once(con):
    # an annotator's spans are a set: counted as a list, A's repeat would be an unmatched span
    # (recall 1/2, F1 2/3) although A and B marked exactly the same thing
    rows = [("d", "A", 0, 5, "X"), ("d", "A", 0, 5, "X"), ("d", "B", 0, 5, "X")]
    result = run(con, table(con, "twice", pd.DataFrame(rows, columns=COLUMNS)), "strict")
    assert (result.pairs[0].matched, result.pairs[0].spans_a, result.pairs[0].spans_b) == (1, 1, 1)
    assert (result.pairs[0].scores.precision, result.pairs[0].scores.recall, result.pairs[0].scores.f1) == (1, 1, 1)


def test_touching_spans_do_not_overlap(con):
    rows = [("d", "A", 0, 5, "X"), ("d", "B", 5, 9, "X")]
    result = run(con, table(con, "touching", pd.DataFrame(rows, columns=COLUMNS)), "type")
    assert result.pairs[0].matched == 0


def test_annotated_units_relation_and_undefined_scores(con):
    # Both annotated d9 and found nothing: the pair compares one unit with no spans at all.
    spans = table(con, "none", pd.DataFrame([("d9", "A", *NONE)], columns=COLUMNS))
    annotated = table(con, "annotated", pd.DataFrame({"doc": ["d9"], "who": ["B"]}))
    result = run(con, spans, "strict", annotated=annotated)
    pair = result.pairs[0]
    assert (pair.units, pair.spans_a, pair.spans_b) == (1, 0, 0)
    assert (pair.scores.precision, pair.scores.recall, pair.scores.f1) == (None, None, None)
    assert (result.micro.f1, result.macro.f1) == (None, None)


def test_no_pairs(con):
    result = run(con, table(con, "alone", pd.DataFrame([("d", "A", 0, 1, "X")], columns=COLUMNS)), "exact")
    assert result.pairs == () and result.micro.f1 is None and result.units == 1


def test_unknown_mode(con, spans):
    with pytest.raises(MetricError, match="unknown span mode"):
        run(con, spans, "fuzzy")
