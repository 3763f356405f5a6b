"""Agreement on pairwise preferences: percent agreement and nominal alpha over the outcomes.

A preference row is (unit, annotator, outcome) with outcome A, B or tie (any case). Rankings
become preferences too: every two responses r < s (in the responses' own order) of a unit
ranked by one annotator give the unit (unit, r, s) the outcome A when r ranks better
(lower), B when s does, tie when their ranks are equal. Both then reuse percent agreement
and nominal alpha, so a preference metric means exactly what it means for labels.
"""

from __future__ import annotations

import duckdb

from ..sqlsafe import identifier
from .alpha import alpha_of
from .errors import MetricError
from .ranking import ranks_cte
from .relation import Ratings, execute, one_row, require_columns
from .results import PreferenceResult

OUTCOME = (
    "CASE upper(CAST({outcome} AS VARCHAR)) WHEN 'A' THEN 'A' WHEN 'B' THEN 'B' WHEN 'TIE' THEN 'tie' END"
)

RANKING_PAIRS_SQL = """WITH {ranks}
SELECT struct_pack(unit := a.unit, first := a.response, second := b.response) AS unit,
       a.annotator AS coder,
       CASE WHEN a.rank < b.rank THEN 'A' WHEN a.rank > b.rank THEN 'B' ELSE 'tie' END AS value
FROM ranks AS a JOIN ranks AS b
  ON a.unit = b.unit AND a.annotator = b.annotator AND a.response < b.response"""


def preference_agreement(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str = "unit",
    annotator: str = "annotator",
    outcome: str = "outcome",
) -> PreferenceResult:
    require_columns(con, relation, unit, annotator, outcome)
    check_outcomes(con, relation, outcome)
    column = identifier(outcome)
    sql = (
        f"SELECT {identifier(unit)} AS unit, {identifier(annotator)} AS coder,"
        f" {OUTCOME.format(outcome=column)} AS value FROM {identifier(relation)}"
        f" WHERE {identifier(unit)} IS NOT NULL AND {identifier(annotator)} IS NOT NULL"
        f" AND {column} IS NOT NULL"
    )
    return preference_result(con, Ratings(sql, "VARCHAR"))


def check_outcomes(con, relation: str, outcome: str) -> None:
    column = identifier(outcome)
    unknown, example = one_row(
        con,
        f"SELECT count(*), min(CAST({column} AS VARCHAR)) FROM {identifier(relation)}"
        f" WHERE {column} IS NOT NULL AND ({OUTCOME.format(outcome=column)}) IS NULL",
    )
    if unknown:
        raise MetricError(f"{unknown} outcome(s) are not A, B or tie, e.g. {example!r}")


def ranking_preference_agreement(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str = "unit",
    annotator: str = "annotator",
    response: str = "response",
    rank: str = "rank",
) -> PreferenceResult:
    """Rankings split into preferences between every two responses of a unit."""
    require_columns(con, relation, unit, annotator, response, rank)
    sql = RANKING_PAIRS_SQL.format(ranks=ranks_cte(relation, unit, annotator, response, rank))
    return preference_result(con, Ratings(sql, "VARCHAR"))


def preference_result(con, source: Ratings) -> PreferenceResult:
    alpha = alpha_of(con, source, "nominal")  # carries percent agreement over the same units
    sql = f"SELECT value, count(*) FROM ({source.sql}) GROUP BY value ORDER BY value"
    counts = execute(con, sql, source.parameters).fetchall()
    return PreferenceResult(alpha.percent_agreement, alpha, alpha.units, alpha.coders, dict(counts))
