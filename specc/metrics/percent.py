"""Percent agreement: the share of agreeing pairs of values within a unit, averaged over units.

A unit is pairable when it has values from at least two coders. Its agreement is the share
of its m(m-1) ordered pairs of values that are equal; percent agreement is the mean over
pairable units (Fleiss' P-bar when every unit has the same number of values, the plain rate
of agreement for two coders). The CTEs here are shared by alpha and kappa, which report
percent agreement beside their chance-corrected value at no extra scan.
"""

from __future__ import annotations

import duckdb

from .relation import Ratings, one_row, ratings
from .results import PercentAgreementResult

# Over a `ratings(unit, coder, value)` CTE; `agreement` has one row.
AGREEMENT_CTES = """
unit_value_counts AS (
    SELECT unit, value, count(*) AS n FROM ratings GROUP BY unit, value
),
agreement_units AS (  -- pairable units: values from two or more coders
    SELECT unit, sum(n) AS m, sum(n * n) AS value_count_squares
    FROM unit_value_counts GROUP BY unit HAVING sum(n) >= 2
),
agreement AS (
    SELECT count(*) AS units,
           coalesce(sum(m), 0) AS pairable_values,
           avg((value_count_squares - m) / (m * (m - 1))) AS percent,
           (SELECT count(DISTINCT coder) FROM ratings) AS coders
    FROM agreement_units
)"""


def percent_agreement(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
) -> PercentAgreementResult:
    return percent_agreement_of(con, ratings(con, relation, unit, coder, value))


def percent_agreement_of(con: duckdb.DuckDBPyConnection, source: Ratings) -> PercentAgreementResult:
    sql = (
        f"WITH ratings AS ({source.sql}),{AGREEMENT_CTES}\n"
        "SELECT units, pairable_values, coders, percent FROM agreement"
    )
    units, pairable_values, coders, percent = one_row(con, sql, source.parameters)
    reason = None if units else "no unit has values from two or more coders"
    return PercentAgreementResult(percent, units, coders, int(pairable_values), reason)
