"""Agreement on rankings of a unit's responses: Kendall's tau-b per pair, Kendall's W per item.

Rows are (unit, annotator, response, rank), a lower rank being better; equal ranks are ties.

tau-b (Kendall 1945) compares two annotators on the responses both ranked in a unit: over
the pairs of those responses, C - D concordant minus discordant, n0 = pairs, n1 and n2 the
pairs tied in the first and in the second ranking; tau_b = (C - D) / sqrt((n0 - n1)(n0 - n2)),
undefined when either ranking ties everything (or fewer than two common responses). The
reported value is the mean over every (unit, pair of annotators) where it is defined, with
the mean per pair of annotators beside it.

W (Kendall & Babington Smith 1939, tie correction from Kendall 1948) per unit, over the
annotators who ranked every response of that unit (the others are left out of that unit):
ranks become mid-ranks within each annotator (ties share the mean of the places they hold),
R_i is response i's sum of mid-ranks, S = sum (R_i - mean R)^2, T_j = sum over annotator j's
tie groups of (t^3 - t), and W = 12 S / (m^2 (n^3 - n) - m sum_j T_j) for m annotators and n
responses; undefined when m < 2, n < 2 or every annotator tied everything.
"""

from __future__ import annotations

import duckdb

from ..sqlsafe import identifier
from .relation import require_columns
from .results import ItemConcordance, KendallTauResult, KendallWResult, TauPair

RANKS_CTE = """ranks AS (
    SELECT {unit} AS unit, {annotator} AS annotator, {response} AS response, {rank} AS rank
    FROM {relation}
    WHERE {unit} IS NOT NULL AND {annotator} IS NOT NULL AND {response} IS NOT NULL AND {rank} IS NOT NULL
)"""

TAU_SQL = """
WITH {ranks},
common AS (  -- responses both annotators ranked
    SELECT a.unit, a.annotator AS annotator_a, b.annotator AS annotator_b, a.response,
           a.rank AS rank_a, b.rank AS rank_b
    FROM ranks AS a JOIN ranks AS b
      ON a.unit = b.unit AND a.response = b.response AND a.annotator < b.annotator
),
response_pairs AS (
    SELECT x.unit, x.annotator_a, x.annotator_b,
           sign(x.rank_a - y.rank_a) * sign(x.rank_b - y.rank_b) AS concordance,
           x.rank_a = y.rank_a AS tied_a, x.rank_b = y.rank_b AS tied_b
    FROM common AS x JOIN common AS y
      ON x.unit = y.unit AND x.annotator_a = y.annotator_a AND x.annotator_b = y.annotator_b
     AND x.response < y.response
),
comparisons AS (
    SELECT unit, annotator_a, annotator_b, count(*) AS n0, sum(concordance) AS score,
           count(*) FILTER (WHERE tied_a) AS n1, count(*) FILTER (WHERE tied_b) AS n2
    FROM response_pairs GROUP BY ALL
)
SELECT annotator_a, annotator_b, count(*) AS units, count(tau) AS defined, avg(tau) AS tau
FROM (
    SELECT annotator_a, annotator_b,
           CASE WHEN n0 = n1 OR n0 = n2 THEN NULL ELSE score / sqrt((n0 - n1) * (n0 - n2)) END AS tau
    FROM comparisons
)
GROUP BY ALL ORDER BY ALL"""

W_SQL = """
WITH {ranks},
unit_sizes AS (
    SELECT unit, count(DISTINCT response) AS n FROM ranks GROUP BY unit
),
complete AS (  -- annotators who ranked every response of the unit
    SELECT ranks.unit, ranks.annotator FROM ranks JOIN unit_sizes USING (unit)
    GROUP BY ranks.unit, ranks.annotator HAVING count(DISTINCT ranks.response) = any_value(unit_sizes.n)
),
complete_ranks AS (
    SELECT ranks.* FROM ranks WHERE EXISTS (
        SELECT 1 FROM complete WHERE complete.unit = ranks.unit AND complete.annotator = ranks.annotator)
),
tie_groups AS (
    SELECT unit, annotator, rank, count(*) AS t FROM complete_ranks GROUP BY ALL
),
mid_ranks AS (  -- places held by a tie group, averaged
    SELECT complete_ranks.unit, complete_ranks.response,
           rank() OVER (PARTITION BY complete_ranks.unit, complete_ranks.annotator
                        ORDER BY complete_ranks.rank)
               + (tie_groups.t - 1) / 2 AS mid_rank
    FROM complete_ranks JOIN tie_groups USING (unit, annotator, rank)
),
rank_sums AS (
    SELECT unit, response, sum(mid_rank) AS total FROM mid_ranks GROUP BY unit, response
),
spreads AS (
    SELECT unit, count(*) AS n, var_pop(total) * count(*) AS s FROM rank_sums GROUP BY unit
),
raters AS (
    SELECT unit, count(DISTINCT annotator) AS m, sum(t * t * t - t) AS ties FROM tie_groups GROUP BY unit
)
SELECT unit, m, n,
       CASE WHEN m < 2 OR n < 2 OR m * m * (n * n * n - n) - m * ties = 0 THEN NULL
            ELSE 12 * s / (m * m * (n * n * n - n) - m * ties) END AS w
FROM spreads JOIN raters USING (unit)
ORDER BY unit"""


def ranks_cte(relation, unit, annotator, response, rank) -> str:
    return RANKS_CTE.format(
        unit=identifier(unit),
        annotator=identifier(annotator),
        response=identifier(response),
        rank=identifier(rank),
        relation=identifier(relation),
    )


def kendall_tau(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str = "unit",
    annotator: str = "annotator",
    response: str = "response",
    rank: str = "rank",
) -> KendallTauResult:
    """Mean Kendall's tau-b between every two annotators' rankings of the same responses."""
    require_columns(con, relation, unit, annotator, response, rank)
    rows = con.execute(TAU_SQL.format(ranks=ranks_cte(relation, unit, annotator, response, rank))).fetchall()
    pairs = tuple(TauPair(a, b, tau, units) for a, b, units, _, tau in rows)
    comparisons = sum(row[2] for row in rows)
    defined = sum(row[3] for row in rows)
    total = sum(row[4] * row[3] for row in rows if row[4] is not None)
    return KendallTauResult(total / defined if defined else None, comparisons, comparisons - defined, pairs)


def kendalls_w(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str = "unit",
    annotator: str = "annotator",
    response: str = "response",
    rank: str = "rank",
) -> KendallWResult:
    """Kendall's W with tie correction for each unit, and its mean over the units."""
    require_columns(con, relation, unit, annotator, response, rank)
    rows = con.execute(W_SQL.format(ranks=ranks_cte(relation, unit, annotator, response, rank))).fetchall()
    items = tuple(ItemConcordance(item, w, m, n) for item, m, n, w in rows)
    defined = [item.value for item in items if item.value is not None]
    return KendallWResult(sum(defined) / len(defined) if defined else None, items, len(items) - len(defined))
