"""Krippendorff's alpha at nominal, ordinal, interval and ratio level, computed in DuckDB.

alpha = 1 - D_o / D_e (Krippendorff 2011), with the coincidence-matrix definitions
  D_o = 1/n            * sum_u 1/(m_u - 1) * sum over ordered pairs i != j in u of delta(v_i, v_j)
  D_e = 1/(n (n - 1))  * sum over ordered pairs i != j of all pairable values of delta(v_i, v_j)
where m_u is the number of values in unit u and n the number of pairable values. Units with
fewer than two values are not pairable and drop out. When D_e is zero alpha is undefined.

The coincidence matrix is never built value by value when a shortcut exists:
- nominal: from per-unit category counts, sum over pairs of [c != k] = m^2 - sum_c n_c^2;
- interval: from per-unit sums of squares, sum over pairs of (x_i - x_j)^2 = 2 m SS;
- ordinal: the ordinal distance between categories c <= k is
  (sum_{g=c..k} n_g - (n_c + n_k)/2)^2 = (p_k - p_c)^2 with p_c = sum_{g<c} n_g + n_c/2
  (the mid-rank of c among the pairable values), so ordinal alpha is interval alpha on
  mid-ranks, computed exactly in integers as 2 p_c (each sum of squares is divided as a
  DOUBLE, as DuckDB divides any number: Spark would keep a decimal to 6 places);
- ratio: ((a - b)/(a + b))^2 has no such form, so distinct value pairs are joined within
  units and across the value margins (quadratic in the number of distinct values).

Ratio data has a true zero, so a negative value means the data is not at ratio level: alpha
is then undefined (with the count of negative values as the reason), not computed from a
distance that a + b near zero would blow up. Ordinal alpha over text needs the categories'
order from the caller (see `relation.require_order`).
"""

from __future__ import annotations

import duckdb

from .errors import MetricError
from .percent import AGREEMENT_CTES
from .relation import Ratings, categories_cte, one_row, ratings, require_order, with_order
from .results import AlphaResult

LEVELS = ("nominal", "ordinal", "interval", "ratio")

# Every level's query ends by selecting these columns from `agreement` and its own CTEs.
RESULT_COLUMNS = "agreement.units, agreement.pairable_values, agreement.coders, agreement.percent"

NOMINAL_SQL = """,
margins AS (
    SELECT counts.value, sum(counts.n) AS n
    FROM unit_value_counts AS counts WHERE counts.unit IN (SELECT unit FROM agreement_units)
    GROUP BY counts.value
)
SELECT {columns},
       (SELECT sum((m * m - value_count_squares) / (m - 1)) FROM agreement_units)
           / agreement.pairable_values AS observed,
       (agreement.pairable_values * agreement.pairable_values - (SELECT sum(n * n) FROM margins))
           / (agreement.pairable_values * (agreement.pairable_values - 1)) AS expected
FROM agreement"""

INTERVAL_SQL = """,
spread_units AS (  -- per pairable unit: size, mean and sum of squared deviations
    SELECT unit, count(*) AS m, avg(value) AS mean, var_pop(value) * count(*) AS spread
    FROM ratings GROUP BY unit HAVING count(*) >= 2
),
overall AS (
    SELECT sum(m) AS n, sum(m * mean) / sum(m) AS mean FROM spread_units
),
totals AS (  -- pooled sum of squares = within units + between unit means
    SELECT sum(2 * m * spread / (m - 1)) AS observed,
           sum(spread + m * (mean - (SELECT mean FROM overall)) ** 2) AS spread
    FROM spread_units
)
SELECT {columns},
       totals.observed / agreement.pairable_values AS observed,
       2 * totals.spread / (agreement.pairable_values - 1) AS expected
FROM agreement, totals"""

ORDINAL_SQL = """,
categories AS ({categories}),
margins AS (
    SELECT counts.value, sum(counts.n) AS n
    FROM unit_value_counts AS counts WHERE counts.unit IN (SELECT unit FROM agreement_units)
    GROUP BY counts.value
),
positions AS (  -- twice the mid-rank of each category among the pairable values
    SELECT margins.value,
           CAST(2 * sum(margins.n) OVER (ORDER BY categories.idx) - margins.n AS HUGEINT) AS twice_rank
    FROM margins JOIN categories USING (value)
),
unit_ranks AS (
    SELECT counts.unit, sum(counts.n) AS m,
           sum(counts.n * positions.twice_rank) AS total,
           sum(counts.n * positions.twice_rank * positions.twice_rank) AS squares
    FROM unit_value_counts AS counts JOIN positions USING (value)
    GROUP BY counts.unit HAVING sum(counts.n) >= 2
),
expected_ranks AS (
    SELECT sum(margins.n * positions.twice_rank) AS total,
           sum(margins.n * positions.twice_rank * positions.twice_rank) AS squares
    FROM margins JOIN positions USING (value)
)
SELECT {columns},
       (SELECT sum(CAST(m * squares - total * total AS DOUBLE) / (2 * (m - 1))) FROM unit_ranks)
           / agreement.pairable_values AS observed,
       CAST(agreement.pairable_values * expected_ranks.squares - expected_ranks.total * expected_ranks.total
            AS DOUBLE) / (2 * agreement.pairable_values * (agreement.pairable_values - 1)) AS expected
FROM agreement, expected_ranks"""

RATIO_DISTANCE = (
    "CASE WHEN a.value + b.value = 0 THEN 0"
    " ELSE ((a.value - b.value) / (a.value + b.value)) * ((a.value - b.value) / (a.value + b.value)) END"
)

RATIO_SQL = """,
unit_values AS (
    SELECT counts.unit, counts.value, counts.n, units.m
    FROM unit_value_counts AS counts JOIN agreement_units AS units USING (unit)
),
observed_pairs AS (  -- each unordered pair of distinct values within a unit, counted twice
    SELECT coalesce(sum(2 * a.n * b.n * {distance} / (a.m - 1)), 0) AS total
    FROM unit_values AS a JOIN unit_values AS b ON a.unit = b.unit AND a.value < b.value
),
margins AS (
    SELECT value, sum(n) AS n FROM unit_values GROUP BY value
),
expected_pairs AS (
    SELECT coalesce(sum(2 * a.n * b.n * {distance}), 0) AS total
    FROM margins AS a JOIN margins AS b ON a.value < b.value
),
negatives AS (  -- over all values, pairable or not: one is enough to leave ratio level
    SELECT count(*) AS n, min(value) AS lowest FROM ratings WHERE value < 0
)
SELECT {columns},
       observed_pairs.total / agreement.pairable_values AS observed,
       expected_pairs.total / (agreement.pairable_values * (agreement.pairable_values - 1)) AS expected,
       negatives.n, negatives.lowest
FROM agreement, observed_pairs, expected_pairs, negatives"""


def krippendorff_alpha(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    level: str = "nominal",
    order: list | None = None,
) -> AlphaResult:
    """Alpha over the relation's ratings; `order` lists ordinal categories, lowest first."""
    source = level_ratings(con, relation, unit, coder, value, level, order)
    return alpha_of(con, source, level, order)


def level_ratings(con, relation, unit, coder, value, level, order=None) -> Ratings:
    check_level(level)
    source = ratings(con, relation, unit, coder, value, numeric=level in ("interval", "ratio"))
    if level != "ordinal":
        return source
    require_order(con, source, order, "ordinal alpha")
    return with_order(con, source, order)


def check_level(level: str) -> None:
    if level not in LEVELS:
        raise MetricError(f"unknown level `{level}`; levels: {', '.join(LEVELS)}")


def alpha_sql(source: Ratings, level: str, order: list | None = None) -> str:
    body = {
        "nominal": NOMINAL_SQL,
        "interval": INTERVAL_SQL,
        "ordinal": ORDINAL_SQL,
        "ratio": RATIO_SQL,
    }[level]
    body = body.format(
        columns=RESULT_COLUMNS,
        categories=categories_cte(source.value_type, order),
        distance=RATIO_DISTANCE,
    )
    return f"WITH ratings AS ({source.sql}),{AGREEMENT_CTES}{body}"


def alpha_of(
    con: duckdb.DuckDBPyConnection,
    source: Ratings,
    level: str,
    order: list | None = None,
    parameters: dict | None = None,
) -> AlphaResult:
    """Alpha over already normalised ratings (a derived relation, or one coder left out)."""
    check_level(level)
    row = one_row(con, alpha_sql(source, level, order), {**source.parameters, **(parameters or {})})
    if level == "ratio":
        *row, negatives, lowest = row
        if negatives:
            return negative_ratio_result(*row[:4], negatives, lowest)
    return alpha_result(level, *row)


def negative_ratio_result(units, pairable_values, coders, percent, negatives, lowest) -> AlphaResult:
    reason = (f"ratio level needs values of zero or more (ratio data has a true zero), and {negatives}"
              f" value(s) are negative, e.g. {lowest:g}; interval level fits such data")
    return AlphaResult(None, "ratio", units, coders, int(pairable_values), None, None, percent, reason)


def alpha_result(level, units, pairable_values, coders, percent, observed, expected) -> AlphaResult:
    value, reason = alpha_value(units, observed, expected)
    return AlphaResult(
        value=value,
        level=level,
        units=units,
        coders=coders,
        pairable_values=int(pairable_values),
        observed_disagreement=observed,
        expected_disagreement=expected,
        percent_agreement=percent,
        undefined_reason=reason,
    )


def alpha_value(units: int, observed: float | None, expected: float | None) -> tuple:
    """(alpha, None), or (None, why it is undefined)."""
    if not units:
        return None, "no unit has values from two or more coders"
    if not expected:
        return None, "expected disagreement is zero: every pairable value is the same"
    return 1.0 - observed / expected, None
