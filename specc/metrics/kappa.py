"""Fleiss' kappa over all coders, and Cohen's kappa for every pair of coders, in DuckDB.

Fleiss (1971) assumes every unit was rated by the same number of raters m. When that does
not hold we use only the units with the modal number of values (ties go to the larger m,
which carries more information) and report how many units were left out; units with one
value are never used. P_i = (sum_c n_ic^2 - m) / (m (m - 1)), P-bar = mean P_i,
p_c = share of category c among all values, P_e = sum_c p_c^2,
kappa = (P-bar - P_e) / (1 - P_e), undefined when P_e = 1.

Cohen (1960, 1968) for each pair of coders on the units both rated:
kappa_w = 1 - sum w_ck o_ck / sum w_ck e_ck with o the pair's contingency table, e the
product of its margins divided by its size, and disagreement weights on the categories'
ranks i, k in the category order: none [i != k], linear |i - k|, quadratic (i - k)^2.
Unweighted this is (p_o - p_e) / (1 - p_e). With more than two coders the reported value
is the mean over the pairs where kappa is defined (Light's kappa), weighted by the units each
pair shares, over the pairs that share at least `min_units` units: a pair of coders who met
on three units would otherwise count as much as one who met on three thousand. The smaller
pairs are still listed. A single pair is Cohen's kappa itself, whatever its size. Weights
other than `none` need ordered categories, so text needs an explicit order.
"""

from __future__ import annotations

import duckdb

from .errors import MetricError
from .percent import AGREEMENT_CTES
from .relation import Ratings, categories_cte, execute, one_row, ratings, require_order, with_order
from .results import CohenResult, FleissResult, PairKappa

# The fewest shared units for a pair to count in a mean over pairs (here and per annotator).
MIN_UNITS = 20

WEIGHTS = {
    "none": "CAST(idx_a <> idx_b AS DOUBLE)",
    "linear": "abs(idx_a - idx_b)",
    "quadratic": "(idx_a - idx_b) * (idx_a - idx_b)",
}

FLEISS_SQL = """
WITH ratings AS ({ratings}),{agreement},
unit_sizes AS (
    SELECT m, count(*) AS units FROM agreement_units GROUP BY m
),
modal AS (  -- the most common number of values per unit; ties go to the larger
    SELECT m FROM unit_sizes ORDER BY units DESC, m DESC LIMIT 1
),
used_units AS (
    SELECT unit, m, value_count_squares FROM agreement_units WHERE m = (SELECT m FROM modal)
),
margins AS (
    SELECT counts.value, sum(counts.n) AS n
    FROM unit_value_counts AS counts WHERE counts.unit IN (SELECT unit FROM used_units)
    GROUP BY counts.value
)
SELECT (SELECT m FROM modal) AS raters,
       (SELECT count(*) FROM used_units) AS units,
       agreement.units - (SELECT count(*) FROM used_units) AS excluded,
       agreement.coders,
       (SELECT count(*) FROM margins) AS categories,
       (SELECT avg((value_count_squares - m) / (m * (m - 1))) FROM used_units) AS observed,
       (SELECT sum(n * n) / (sum(n) * sum(n)) FROM margins) AS expected
FROM agreement"""

# Cohen's kappa from one contingency table per pair: `pair_counts(coder_a, coder_b, idx_a, idx_b, n)`.
KAPPA_FROM_PAIR_COUNTS = """
pair_totals AS (
    SELECT coder_a, coder_b, sum(n) AS units,
           coalesce(sum(n) FILTER (WHERE idx_a = idx_b), 0) AS agreements,
           sum(n * {weight}) AS observed
    FROM pair_counts GROUP BY coder_a, coder_b
),
margins_a AS (
    SELECT coder_a, coder_b, idx_a, sum(n) AS n FROM pair_counts GROUP BY coder_a, coder_b, idx_a
),
margins_b AS (
    SELECT coder_a, coder_b, idx_b, sum(n) AS n FROM pair_counts GROUP BY coder_a, coder_b, idx_b
),
chance AS (
    SELECT coder_a, coder_b, sum(margins_a.n * margins_b.n * {weight}) AS expected
    FROM margins_a JOIN margins_b USING (coder_a, coder_b)
    GROUP BY coder_a, coder_b
),
pair_kappas AS (
    SELECT coder_a, coder_b, units AS pair_units, agreements / units AS pair_agreement,
           CASE WHEN expected = 0 THEN NULL
                ELSE 1 - (observed / units) / (expected / (units * units)) END AS kappa
    FROM pair_totals JOIN chance USING (coder_a, coder_b)
)"""

COHEN_SQL = """
WITH ratings AS ({ratings}),{agreement},
categories AS ({categories}),
ranked AS (
    SELECT ratings.unit, ratings.coder, categories.idx
    FROM ratings JOIN categories USING (value)
),
pair_counts AS (  -- each pair's contingency table over the units both coders rated
    SELECT a.coder AS coder_a, b.coder AS coder_b, a.idx AS idx_a, b.idx AS idx_b, count(*) AS n
    FROM ranked AS a JOIN ranked AS b ON a.unit = b.unit AND a.coder < b.coder
    GROUP BY ALL
),{kappa}
SELECT coder_a, coder_b, kappa, pair_units, pair_agreement,
       agreement.units, agreement.pairable_values, agreement.coders, agreement.percent
FROM agreement LEFT JOIN pair_kappas ON TRUE
ORDER BY coder_a, coder_b"""


def fleiss_kappa(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
) -> FleissResult:
    return fleiss_kappa_of(con, ratings(con, relation, unit, coder, value))


def fleiss_kappa_of(con: duckdb.DuckDBPyConnection, source: Ratings) -> FleissResult:
    sql = FLEISS_SQL.format(ratings=source.sql, agreement=AGREEMENT_CTES)
    raters, units, excluded, coders, categories, observed, expected = one_row(con, sql, source.parameters)
    value, reason = chance_corrected(units, observed, expected)
    return FleissResult(
        value=value,
        raters_per_unit=raters,
        units=units,
        units_excluded=excluded,
        coders=coders,
        pairable_values=units * (raters or 0),
        categories=categories,
        observed_agreement=observed,
        expected_agreement=expected,
        undefined_reason=reason,
    )


def chance_corrected(units: int, observed: float | None, expected: float | None):
    if not units:
        return None, "no unit has values from two or more coders"
    if expected == 1:
        return None, "expected agreement is one: every value is the same category"
    return (observed - expected) / (1 - expected), None


def cohen_kappa(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    weights: str = "none",
    order: list | None = None,
    min_units: int = MIN_UNITS,
) -> CohenResult:
    """Cohen's kappa for every pair of coders; weights use ranks in `order` or natural order."""
    check_weights(weights)
    source = weighted_ratings(con, ratings(con, relation, unit, coder, value), weights, order)
    return cohen_kappa_of(con, source, weights, order, min_units)


def weighted_ratings(con, source: Ratings, weights: str, order: list | None) -> Ratings:
    """The ratings with their category order bound; weights need an order that means something."""
    if weights != "none":
        require_order(con, source, order, f"{weights}-weighted kappa")
    return with_order(con, source, order)


def check_weights(weights: str) -> None:
    if weights not in WEIGHTS:
        raise MetricError(f"unknown weights `{weights}`; weights: {', '.join(WEIGHTS)}")


def cohen_kappa_of(con, source: Ratings, weights: str = "none", order: list | None = None,
                   min_units: int = MIN_UNITS) -> CohenResult:  # fmt: skip
    check_weights(weights)
    sql = COHEN_SQL.format(
        ratings=source.sql,
        agreement=AGREEMENT_CTES,
        categories=categories_cte(source.value_type, order),
        kappa=KAPPA_FROM_PAIR_COUNTS.format(weight=WEIGHTS[weights]),
    )
    rows = execute(con, sql, source.parameters).fetchall()
    units, pairable_values, coders, percent = rows[0][5:]
    pairs = tuple(PairKappa(a, b, kappa, n, agreement) for a, b, kappa, n, agreement, *_ in rows if n)
    return cohen_result(pairs, weights, units, coders, int(pairable_values), percent, min_units)


def weighted_kappa(pairs, min_units: int) -> tuple[float | None, int]:
    """The mean of the pairs' defined kappas weighted by shared units, over the pairs sharing at
    least `min_units` units (all of them when there is only one pair); and how many fell short."""
    defined = [pair for pair in pairs if pair.value is not None]
    counted = defined if len(pairs) == 1 else [pair for pair in defined if pair.units >= min_units]
    shared = sum(pair.units for pair in counted)
    value = sum(pair.value * pair.units for pair in counted) / shared if shared else None
    return value, len(defined) - len(counted)


def cohen_result(pairs, weights, units, coders, pairable_values, percent, min_units=MIN_UNITS) -> CohenResult:
    value, small = weighted_kappa(pairs, min_units)
    undefined = sum(1 for pair in pairs if pair.value is None)
    reason = None
    if not pairs:
        reason = "no two coders rated a common unit"
    elif undefined == len(pairs):
        reason = "no pair of coders has chance disagreement: each pair used one category"
    elif value is None:
        reason = (f"no pair of coders with a defined kappa shares {min_units} units or more"
                  f" ({small} pair(s) share fewer; lower the minimum to count them)")
    return CohenResult(
        value=value,
        weights=weights,
        units=units,
        coders=coders,
        pairable_values=pairable_values,
        percent_agreement=percent,
        pairs=pairs,
        undefined_pairs=undefined,
        min_units=min_units,
        pairs_below_min_units=small,
        undefined_reason=reason,
    )
