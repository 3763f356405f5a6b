"""Span matching against the sequential greedy algorithm it states, written out in Python:
random annotations of a few units, every mode, every pair's matched score equal."""

from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from specc.metrics import span_agreement
from specc.metrics.spans import MODES

# Dense: few units, annotators and labels, so spans compete for the same partner often.
SPAN = st.tuples(st.sampled_from(["u1", "u2"]), st.sampled_from("ABC"), st.integers(0, 10),
                 st.integers(0, 6), st.sampled_from(["X", "X", "Y", None]))


def candidate(a, b, mode):
    """(score, characters in common) of a pair of spans, or None when it is no candidate."""
    same_boundaries = a[:2] == b[:2]
    overlap = (a[0] < b[1] and b[0] < a[1]) or same_boundaries
    same_label = a[2] == b[2]
    taken = {"strict": same_boundaries and same_label, "exact": same_boundaries,
             "partial": same_label and overlap, "type": same_label and overlap}[mode]
    if not taken:
        return None
    score = 0.5 if mode == "partial" and not same_boundaries else 1.0
    return score, min(a[1], b[1]) - max(a[0], b[0])


def span_order(span):  # (start, stop, label), a missing label last as DuckDB sorts it
    return span[0], span[1], span[2] is None, span[2] or ""


def greedy_matched(rows, mode) -> dict:
    spans = {}
    for unit, who, start, length, label in rows:
        spans.setdefault((unit, who), set()).add((start, start + length, label))
    matched = {}
    for (unit, a_who), a_spans in spans.items():
        for (other_unit, b_who), b_spans in spans.items():
            if other_unit != unit or not a_who < b_who:
                continue
            pairs = []
            for a in a_spans:
                for b in b_spans:
                    found = candidate(a, b, mode)
                    if found is not None:
                        pairs.append(((-found[0], -found[1], span_order(a), span_order(b)), found[0], a, b))
            taken_a, taken_b, score = set(), set(), 0.0
            for _, pair_score, a, b in sorted(pairs):
                if a not in taken_a and b not in taken_b:
                    taken_a.add(a), taken_b.add(b)
                    score += pair_score
            matched[(a_who, b_who)] = matched.get((a_who, b_who), 0.0) + score
    return matched


@settings(max_examples=60, deadline=None)
@given(st.lists(SPAN, max_size=20))
def test_matched_scores_are_the_greedy_algorithms(rows):
    con = duckdb.connect()
    con.execute('CREATE TABLE spans (unit VARCHAR, who VARCHAR, start INTEGER, "end" INTEGER, label VARCHAR)')
    if rows:
        con.executemany("INSERT INTO spans VALUES (?, ?, ?, ? + ?, ?)",
                        [(unit, who, start, start, length, label) for unit, who, start, length, label in rows])
    for mode in MODES:
        result = span_agreement(con, "spans", annotator="who", mode=mode)
        assert {(p.annotator_a, p.annotator_b): p.matched for p in result.pairs} == greedy_matched(rows, mode), mode
