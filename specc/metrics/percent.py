"""Percent agreement in its three standard forms, over pairable units.

A unit is pairable when it has values from at least two coders; with m_u values, n_uc of
them in category c, its m_u(m_u - 1) ordered pairs of values agree sum_c n_uc(n_uc - 1) times.
- `pairs` (the default): the share of agreeing pairs within each unit, averaged over units
  (Fleiss' P-bar when every unit has the same m; the plain agreement rate for two coders);
- `pooled`: agreeing pairs over all pairs, pooled over units, so a unit of many values
  weighs more than a unit of two;
- `unanimous`: the share of units where every value is the same.
They coincide when every unit has two values. The CTEs here are shared by alpha and kappa,
which report the `pairs` form beside their chance-corrected value at no extra scan.
"""

from __future__ import annotations

import duckdb

from .errors import MetricError
from .relation import Ratings, one_row, ratings
from .results import PercentAgreementResult

FORMS = ("pairs", "pooled", "unanimous")

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

# A unit is unanimous when one category holds all its values: sum_c n_uc^2 = m_u^2.
FORMS_SQL = """
SELECT agreement.units, agreement.pairable_values, agreement.coders, agreement.percent,
       (SELECT sum(value_count_squares - m) / sum(m * (m - 1)) FROM agreement_units) AS pooled,
       (SELECT avg(CAST(value_count_squares = m * m AS DOUBLE)) FROM agreement_units) AS unanimous
FROM agreement"""


def percent_agreement(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    form: str = "pairs",
) -> PercentAgreementResult:
    """Percent agreement in `form` (`pairs`, `pooled` or `unanimous`); all three are in `forms`."""
    check_form(form)
    return percent_agreement_of(con, ratings(con, relation, unit, coder, value), form)


def check_form(form: str) -> None:
    if form not in FORMS:
        raise MetricError(f"unknown percent agreement form `{form}`; forms: {', '.join(FORMS)}")


def percent_agreement_of(con: duckdb.DuckDBPyConnection, source: Ratings, form: str = "pairs") -> PercentAgreementResult:
    sql = f"WITH ratings AS ({source.sql}),{AGREEMENT_CTES}{FORMS_SQL}"
    units, pairable_values, coders, percent, pooled, unanimous = one_row(con, sql, source.parameters)
    forms = {"pairs": percent, "pooled": pooled, "unanimous": unanimous}
    reason = None if units else "no unit has values from two or more coders"
    return PercentAgreementResult(forms[form], units, coders, int(pairable_values), reason, form, forms)
