"""Agreement on entity spans between annotators: precision, recall and F1 in four modes.

Rows are (unit, annotator, start, end, label) with half-open character offsets [start, end).
Two spans *overlap* when they share a character or have identical boundaries.

Modes (after SemEval-2013 Task 9 and Batista's nervaluate), the score of a candidate pair:
- strict:  identical boundaries and the same label -> 1
- exact:   identical boundaries, any label -> 1
- partial: identical boundaries and the same label -> 1; overlapping with the same label -> 0.5
           (nervaluate's partial ignores the label; ours does not, so it sits between strict
           and type)
- type:    overlapping with the same label -> 1

An annotator's spans in a unit are a set: the same (start, end, label) given twice is one
span (the repeat is a data fault, reported by the spec's own checks, not a second answer).
Matching is one-to-one within each unit and pair of annotators, greedy over candidate pairs
in a fixed order: higher score, then more characters in common, then A's start, A's end,
B's start, B's end, then the label. A recursive CTE walks each unit and pair's candidates in
that order, one step per candidate, carrying the spans taken so far as two lists: a
candidate is taken when neither of its spans is. Its steps use no window, aggregate or
anti-join over the recursion, which Spark's recursive CTEs refuse, so the one statement runs
on DuckDB, PostgreSQL and Spark.

For a pair (A, B), A is the reference: recall = matched score / A's spans, precision =
matched score / B's spans, F1 = 2 matched / (A's spans + B's spans). Micro pools the
matched scores and span counts of all pairs; macro averages each pair's precision, recall
and F1 over the pairs where each is defined.

Empty annotations: a unit counts for a pair when both annotators annotated it. An
annotator annotated a unit when they have a span in it, or a row for it with NULL start or
end (an explicit "annotated, found nothing" row, which the tool-export readers write for an
empty annotation), or a row for it in the optional `annotated` relation. A unit where one
annotator found nothing counts all the other's spans as unmatched; a unit where neither
found an entity adds no spans; a pair with no spans at all has undefined scores.
"""

from __future__ import annotations

import duckdb

from ..sqlsafe import identifier
from .errors import MetricError
from .relation import require_columns
from .results import SpanAgreementResult, SpanPair, SpanScores

SAME_BOUNDARIES = "a.start = b.start AND a.stop = b.stop"
SAME_LABEL = "a.label IS NOT DISTINCT FROM b.label"
OVERLAP = f"((a.start < b.stop AND b.start < a.stop) OR ({SAME_BOUNDARIES}))"

MODES = {  # mode -> (candidate condition, score)
    "strict": (f"{SAME_BOUNDARIES} AND {SAME_LABEL}", "1.0"),
    "exact": (SAME_BOUNDARIES, "1.0"),
    "partial": (f"{SAME_LABEL} AND {OVERLAP}", f"CASE WHEN {SAME_BOUNDARIES} THEN 1.0 ELSE 0.5 END"),
    "type": (f"{SAME_LABEL} AND {OVERLAP}", "1.0"),
}

SPAN_SQL = """
WITH span_rows AS (  -- the only CTE that reads the caller's relations, so no name shadows them
    SELECT {unit} AS unit, {annotator} AS annotator, {start} AS start, {end} AS stop, {label} AS label
    FROM {relation} WHERE {unit} IS NOT NULL AND {annotator} IS NOT NULL{annotated}
),
spans AS (  -- an annotator's spans are a set: the same span given twice is one span
    SELECT row_number() OVER (ORDER BY unit, annotator, start, stop, label) AS span_id, *
    FROM (SELECT DISTINCT * FROM span_rows WHERE start IS NOT NULL AND stop IS NOT NULL)
),
annotated AS (
    SELECT DISTINCT unit, annotator FROM span_rows
),
unit_pairs AS (
    SELECT a.unit, a.annotator AS annotator_a, b.annotator AS annotator_b
    FROM annotated AS a JOIN annotated AS b ON a.unit = b.unit AND a.annotator < b.annotator
),
unit_pair_keys AS (  -- matching never crosses a unit or a pair of annotators
    SELECT *, row_number() OVER (ORDER BY unit, annotator_a, annotator_b) AS unit_pair FROM unit_pairs
),
candidates AS (  -- in the order greedy takes them, numbered within each unit and pair
    SELECT pairs.unit_pair, pairs.annotator_a, pairs.annotator_b, a.span_id AS a_id, b.span_id AS b_id,
           {score} AS score,
           row_number() OVER (PARTITION BY pairs.unit_pair
                              ORDER BY {score} DESC, least(a.stop, b.stop) - greatest(a.start, b.start) DESC,
                                       a.start, a.stop, b.start, b.stop, a.span_id, b.span_id) AS step
    FROM unit_pair_keys AS pairs
    JOIN spans AS a ON a.unit = pairs.unit AND a.annotator = pairs.annotator_a
    JOIN spans AS b ON b.unit = pairs.unit AND b.annotator = pairs.annotator_b
    WHERE {condition}
),
matching AS (WITH RECURSIVE greedy(unit_pair, annotator_a, annotator_b, step, taken_a, taken_b, taken, score) AS (
    SELECT unit_pair, annotator_a, annotator_b, step, [a_id], [b_id], TRUE, score FROM candidates WHERE step = 1
    UNION ALL
    SELECT unit_pair, annotator_a, annotator_b, step,
           CASE WHEN free THEN list_append(taken_a, a_id) ELSE taken_a END,
           CASE WHEN free THEN list_append(taken_b, b_id) ELSE taken_b END,
           free, score
    FROM (  -- the next candidate in order is taken when neither of its spans is taken yet
        SELECT candidate.unit_pair, candidate.annotator_a, candidate.annotator_b, candidate.step,
               candidate.a_id, candidate.b_id, candidate.score, so_far.taken_a, so_far.taken_b,
               NOT list_contains(so_far.taken_a, candidate.a_id)
                   AND NOT list_contains(so_far.taken_b, candidate.b_id) AS free
        FROM greedy AS so_far JOIN candidates AS candidate
          ON candidate.unit_pair = so_far.unit_pair AND candidate.step = so_far.step + 1
    ) AS next_step
) SELECT * FROM greedy),
matched AS (
    SELECT annotator_a, annotator_b, sum(score) AS score FROM matching WHERE taken GROUP BY ALL
),
span_counts AS (
    SELECT unit, annotator, count(*) AS n FROM spans GROUP BY ALL
),
pair_totals AS (
    SELECT pairs.annotator_a, pairs.annotator_b, count(*) AS units,
           coalesce(sum(a.n), 0) AS spans_a, coalesce(sum(b.n), 0) AS spans_b
    FROM unit_pairs AS pairs
    LEFT JOIN span_counts AS a ON a.unit = pairs.unit AND a.annotator = pairs.annotator_a
    LEFT JOIN span_counts AS b ON b.unit = pairs.unit AND b.annotator = pairs.annotator_b
    GROUP BY ALL
)
SELECT totals.annotator_a, totals.annotator_b, totals.units, coalesce(matched.score, 0),
       totals.spans_a, totals.spans_b,
       (SELECT count(DISTINCT unit) FROM annotated), (SELECT count(DISTINCT annotator) FROM annotated)
FROM (SELECT 1) LEFT JOIN pair_totals AS totals ON TRUE
LEFT JOIN matched USING (annotator_a, annotator_b)
ORDER BY totals.annotator_a, totals.annotator_b"""


def span_agreement(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str = "unit",
    annotator: str = "annotator",
    start: str = "start",
    end: str = "end",
    label: str = "label",
    mode: str = "strict",
    annotated: str | None = None,
) -> SpanAgreementResult:
    """Pairwise span agreement; `annotated` optionally lists (unit, annotator) rows annotated."""
    if mode not in MODES:
        raise MetricError(f"unknown span mode `{mode}`; modes: {', '.join(MODES)}")
    require_columns(con, relation, unit, annotator, start, end, label)
    rows = con.execute(span_sql(relation, unit, annotator, start, end, label, mode, annotated)).fetchall()
    units, annotators = rows[0][6:]
    pairs = tuple(span_pair(*row[:6]) for row in rows if row[0] is not None)
    return SpanAgreementResult(mode, micro(pairs), macro(pairs), units, annotators, pairs)


def span_sql(relation, unit, annotator, start, end, label, mode, annotated) -> str:
    condition, score = MODES[mode]
    extra = ""
    if annotated is not None:  # listed units join as explicit "no entities" rows
        extra = (
            f"\n    UNION ALL SELECT {identifier(unit)}, {identifier(annotator)}, NULL, NULL, NULL"
            f" FROM {identifier(annotated)}"
            f" WHERE {identifier(unit)} IS NOT NULL AND {identifier(annotator)} IS NOT NULL"
        )
    return SPAN_SQL.format(
        unit=identifier(unit),
        annotator=identifier(annotator),
        start=identifier(start),
        end=identifier(end),
        label=identifier(label),
        relation=identifier(relation),
        annotated=extra,
        condition=condition,
        score=score,
    )


def span_pair(annotator_a, annotator_b, units, matched, spans_a, spans_b) -> SpanPair:
    matched = float(matched)
    pair_scores = scores(matched, spans_a, spans_b)
    return SpanPair(annotator_a, annotator_b, units, matched, spans_a, spans_b, pair_scores)


def scores(matched: float, spans_a: int, spans_b: int) -> SpanScores:
    return SpanScores(
        precision=matched / spans_b if spans_b else None,
        recall=matched / spans_a if spans_a else None,
        f1=2 * matched / (spans_a + spans_b) if spans_a + spans_b else None,
    )


def micro(pairs: tuple[SpanPair, ...]) -> SpanScores:
    return scores(
        sum(pair.matched for pair in pairs),
        sum(pair.spans_a for pair in pairs),
        sum(pair.spans_b for pair in pairs),
    )


def macro(pairs: tuple[SpanPair, ...]) -> SpanScores:
    def mean(name):
        values = [getattr(pair.scores, name) for pair in pairs if getattr(pair.scores, name) is not None]
        return sum(values) / len(values) if values else None

    return SpanScores(mean("precision"), mean("recall"), mean("f1"))
