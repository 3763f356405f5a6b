"""Each annotator against the others, to find the outliers of a team.

Three views per annotator, all from counts in DuckDB:
- pairwise: their Cohen's kappa with each other annotator, averaged with each pair weighted
  by the units it shares, over the pairs sharing at least `min_units` units (the others are
  counted in `pairs_below_min_units`, so a partner met on two units neither skews nor makes
  the figure); and their pooled agreement (agreeing shared units / shared units over all
  their pairs);
- the majority of the rest: on each unit they rated, the value most of the *other* coders
  gave, when it is unique (units with a tie or no other coder are skipped); agreement and
  Cohen's kappa against it;
- leave one out: alpha without their ratings, and `alpha_change` = alpha - alpha_without,
  negative when the team agrees better without them.

Leaving one coder out changes only the units they rated, so at nominal and interval level
alpha without each coder comes from one query that corrects the totals unit by unit (a unit
of two values drops out entirely). Ordinal mid-ranks and ratio distances move with every
margin, so there alpha is recomputed once per coder.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from .alpha import alpha_of, alpha_value, level_ratings
from .kappa import KAPPA_FROM_PAIR_COUNTS, MIN_UNITS, WEIGHTS, check_weights, cohen_kappa_of, weighted_ratings
from .percent import AGREEMENT_CTES
from .relation import Ratings, categories_cte, execute
from .results import AnnotatorAgreement, PerAnnotatorResult

MAJORITY_SQL = """
WITH ratings AS ({ratings}),
categories AS ({categories}),
unit_value_counts AS (
    SELECT unit, value, count(*) AS n FROM ratings GROUP BY unit, value
),
unit_tops AS (
    SELECT unit, max(n) AS top FROM unit_value_counts GROUP BY unit
),
leaders AS (  -- per unit: how many values share the top count, two of them, and the next count
    SELECT counts.unit, any_value(tops.top) AS top,
           count(*) FILTER (WHERE counts.n = tops.top) AS leaders,
           min(counts.value) FILTER (WHERE counts.n = tops.top) AS first_leader,
           max(counts.value) FILTER (WHERE counts.n = tops.top) AS last_leader,
           coalesce(max(counts.n) FILTER (WHERE counts.n < tops.top), 0) AS runner_up
    FROM unit_value_counts AS counts JOIN unit_tops AS tops USING (unit)
    GROUP BY counts.unit
),
majorities AS (  -- the unique most frequent value among the other coders' values, if any
    SELECT ratings.unit, ratings.coder, ratings.value AS own,
           CASE
               WHEN own_count.n < leaders.top THEN  -- the rater's value is not among the leaders
                   CASE WHEN leaders.leaders = 1 THEN leaders.first_leader END
               WHEN leaders.leaders = 1 THEN  -- it is the only leader, one count lower without them
                   CASE WHEN leaders.top - 1 > leaders.runner_up THEN ratings.value END
               WHEN leaders.leaders = 2 THEN  -- the other leader now leads alone
                   CASE WHEN ratings.value = leaders.first_leader THEN leaders.last_leader
                        ELSE leaders.first_leader END
           END AS majority
    FROM ratings
    JOIN unit_value_counts AS own_count ON own_count.unit = ratings.unit AND own_count.value = ratings.value
    JOIN leaders ON leaders.unit = ratings.unit
),
pair_counts AS (
    SELECT majorities.coder AS coder_a, majorities.coder AS coder_b,
           own.idx AS idx_a, majority.idx AS idx_b, count(*) AS n
    FROM majorities
    JOIN categories AS own ON own.value = majorities.own
    JOIN categories AS majority ON majority.value = majorities.majority
    GROUP BY ALL
),{kappa}
SELECT coder_a, pair_units, pair_agreement, kappa FROM pair_kappas"""

NOMINAL_LEAVE_ONE_OUT_SQL = """
WITH ratings AS ({ratings}),{agreement},
margins AS (
    SELECT counts.value, sum(counts.n) AS n
    FROM unit_value_counts AS counts WHERE counts.unit IN (SELECT unit FROM agreement_units)
    GROUP BY counts.value
),
removals AS (  -- each rating of a pairable unit, with its unit's size and its own value's count
    SELECT ratings.coder, ratings.unit, ratings.value, units.m,
           units.value_count_squares AS squares, counts.n AS own
    FROM ratings
    JOIN agreement_units AS units USING (unit)
    JOIN unit_value_counts AS counts ON counts.unit = ratings.unit AND counts.value = ratings.value
),
observed_changes AS (  -- a unit of two values drops out; a larger one loses one value
    SELECT coder,
           sum(CASE WHEN m > 2 THEN ((m - 1) * (m - 1) - (squares - 2 * own + 1)) / (m - 2) ELSE 0 END
               - (m * m - squares) / (m - 1)) AS observed,
           sum(CASE WHEN m > 2 THEN 1 ELSE 2 END) AS lost
    FROM removals GROUP BY coder
),
margin_changes AS (
    SELECT coder, value, sum(lost) AS lost FROM (
        SELECT coder, value, 1 AS lost FROM removals WHERE m > 2
        UNION ALL
        SELECT removals.coder, counts.value, counts.n AS lost
        FROM removals JOIN unit_value_counts AS counts USING (unit) WHERE removals.m = 2
    ) GROUP BY coder, value
),
expected_changes AS (  -- (n_c - lost)^2 - n_c^2
    SELECT changes.coder, sum(changes.lost * changes.lost - 2 * margins.n * changes.lost) AS squares
    FROM margin_changes AS changes JOIN margins USING (value) GROUP BY changes.coder
),
totals AS (
    SELECT agreement.pairable_values AS n,
           (SELECT sum((m * m - value_count_squares) / (m - 1)) FROM agreement_units) AS observed,
           (SELECT sum(n * n) FROM margins) AS squares
    FROM agreement
),
coders AS (SELECT DISTINCT coder FROM ratings),
left_out AS (
    SELECT coders.coder,
           totals.n - coalesce(observed_changes.lost, 0) AS n,
           totals.observed + coalesce(observed_changes.observed, 0) AS observed,
           totals.squares + coalesce(expected_changes.squares, 0) AS squares
    FROM coders CROSS JOIN totals
    LEFT JOIN observed_changes USING (coder) LEFT JOIN expected_changes USING (coder)
)
SELECT coder, n, observed / n, (n * n - squares) / (n * (n - 1)) FROM left_out"""

INTERVAL_LEAVE_ONE_OUT_SQL = """
WITH ratings AS ({ratings}),
spread_units AS (
    SELECT unit, count(*) AS m, avg(value) AS mean, var_pop(value) * count(*) AS spread, sum(value) AS total
    FROM ratings GROUP BY unit HAVING count(*) >= 2
),
overall AS (
    SELECT sum(m) AS n, sum(m * mean) / sum(m) AS mean FROM spread_units
),
totals AS (
    SELECT sum(2 * m * spread / (m - 1)) AS observed,
           sum(spread + m * (mean - (SELECT mean FROM overall)) ** 2) AS spread
    FROM spread_units
),
removals AS (  -- each rating x of a pairable unit; in a unit of two its partner is total - x
    SELECT ratings.coder, ratings.value AS x, units.m, units.mean, units.spread, units.total,
           (SELECT mean FROM overall) AS overall_mean
    FROM ratings JOIN spread_units AS units USING (unit)
),
changes AS (  -- removing x from a unit of m > 2 lowers its spread by (x - mean)^2 m / (m - 1)
    SELECT coder,
           sum(CASE WHEN m > 2
                    THEN 2 * (m - 1) * (spread - (x - mean) ** 2 * m / (m - 1)) / (m - 2)
                    ELSE 0 END
               - 2 * m * spread / (m - 1)) AS observed,
           sum(CASE WHEN m > 2 THEN 1 ELSE 2 END) AS lost,
           sum(x - overall_mean + CASE WHEN m = 2 THEN total - x - overall_mean ELSE 0 END) AS deviation,
           sum((x - overall_mean) ** 2 + CASE WHEN m = 2 THEN (total - x - overall_mean) ** 2 ELSE 0 END)
               AS squared_deviation
    FROM removals GROUP BY coder
),
coders AS (SELECT DISTINCT coder FROM ratings),
left_out AS (
    SELECT coders.coder,
           (SELECT n FROM overall) - coalesce(changes.lost, 0) AS n,
           totals.observed + coalesce(changes.observed, 0) AS observed,
           totals.spread - coalesce(changes.squared_deviation, 0)
               - coalesce(changes.deviation, 0) ** 2
                 / ((SELECT n FROM overall) - coalesce(changes.lost, 0)) AS spread
    FROM coders CROSS JOIN totals LEFT JOIN changes USING (coder)
)
SELECT coder, n, observed / n, 2 * spread / (n - 1) FROM left_out"""

CODER_RATINGS_SQL = """
WITH ratings AS ({ratings})
SELECT coder, count(*) FROM ratings GROUP BY coder ORDER BY coder"""


def per_annotator_agreement(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    level: str = "nominal",
    weights: str = "none",
    order: list | None = None,
    min_units: int = MIN_UNITS,
) -> PerAnnotatorResult:
    check_weights(weights)
    source = level_ratings(con, relation, unit, coder, value, level, order)
    if level != "ordinal":  # ordinal ratings have their order bound already
        source = weighted_ratings(con, source, weights, order)
    overall = alpha_of(con, source, level, order)
    counts = dict(execute(con, CODER_RATINGS_SQL.format(ratings=source.sql), source.parameters).fetchall())
    pairwise = pairwise_by_coder(cohen_kappa_of(con, source, weights, order).pairs, min_units)
    majority = majority_by_coder(con, source, weights, order)
    without = alpha_without_each(con, source, level, order, list(counts))
    annotators = tuple(
        annotator(coder_name, ratings_count, pairwise, majority, without.get(coder_name), overall.value)
        for coder_name, ratings_count in counts.items()
    )
    return PerAnnotatorResult(level, overall.value, annotators, min_units)


def annotator(coder, ratings_count, pairwise, majority, alpha_without, alpha) -> AnnotatorAgreement:
    mine = pairwise.get(coder, Pairwise(None, None, 0, 0, 0))
    majority_units, majority_agreement, majority_kappa = majority.get(coder, (0, None, None))
    change = alpha - alpha_without if alpha is not None and alpha_without is not None else None
    return AnnotatorAgreement(
        coder=coder,
        ratings=ratings_count,
        agreement_with_others=mine.agreement,
        kappa_with_others=mine.kappa,
        kappa_pairs=mine.kappa_pairs,
        kappa_units=mine.kappa_units,
        pairs_below_min_units=mine.pairs_below_min_units,
        majority_units=majority_units,
        agreement_with_majority=majority_agreement,
        kappa_with_majority=majority_kappa,
        alpha_without=alpha_without,
        alpha_change=change,
    )


@dataclass(frozen=True)
class Pairwise:
    """One coder's pairs: pooled agreement, kappa weighted by shared units, and its support."""

    agreement: float | None
    kappa: float | None
    kappa_pairs: int  # pairs in the weighted kappa
    kappa_units: int  # the units those pairs share
    pairs_below_min_units: int  # pairs with a defined kappa left out for sharing too few units


def pairwise_by_coder(pairs, min_units: int = MIN_UNITS) -> dict:
    """Per coder: pooled agreement over all their pairs' shared units, and their pairs' defined
    kappas averaged with weights = shared units, over the pairs sharing `min_units` or more."""
    by_coder = {}
    for pair in pairs:
        for coder in (pair.coder_a, pair.coder_b):
            by_coder.setdefault(coder, []).append(pair)
    return {coder: coder_pairwise(mine, min_units) for coder, mine in by_coder.items()}


def coder_pairwise(pairs: list, min_units: int) -> Pairwise:
    shared = sum(pair.units for pair in pairs)
    agreement = sum(pair.agreement * pair.units for pair in pairs) / shared
    defined = [pair for pair in pairs if pair.value is not None]
    counted = [pair for pair in defined if pair.units >= min_units]
    weight = sum(pair.units for pair in counted)
    kappa = sum(pair.value * pair.units for pair in counted) / weight if weight else None
    return Pairwise(agreement, kappa, len(counted), weight, len(defined) - len(counted))


def majority_by_coder(con, source: Ratings, weights: str, order) -> dict:
    sql = MAJORITY_SQL.format(
        ratings=source.sql,
        categories=categories_cte(source.value_type, order),
        kappa=KAPPA_FROM_PAIR_COUNTS.format(weight=WEIGHTS[weights]),
    )
    rows = execute(con, sql, source.parameters).fetchall()
    return {coder: (units, agreement, kappa) for coder, units, agreement, kappa in rows}


def alpha_without_each(con, source: Ratings, level: str, order, coders: list) -> dict:
    if level in ("nominal", "interval"):
        template = NOMINAL_LEAVE_ONE_OUT_SQL if level == "nominal" else INTERVAL_LEAVE_ONE_OUT_SQL
        sql = template.format(ratings=source.sql, agreement=AGREEMENT_CTES)
        rows = execute(con, sql, source.parameters).fetchall()
        return {coder: alpha_value(n, observed, expected)[0] for coder, n, observed, expected in rows}
    without = source.excluding_coder()
    return {
        coder: alpha_of(con, without, level, order, {"excluded_coder": coder}).value
        for coder in coders
    }
