"""Bradley–Terry scores per response, fitted within each unit by the MM algorithm in SQL.

A unit (a prompt) shows responses; each judgement says which of two responses is better, or
calls a tie. Bradley–Terry gives response i a strength w_i with
P(i beats j) = w_i / (w_i + w_j). Hunter's (2004) MM algorithm, with the pseudo-count α of
choix's `mm_pairwise` (which keeps strengths finite when a response never loses, as is
common with a few judges per unit), iterates

    w_i ← (W_i + α) / (Σ_j n_ij / (w_i + w_j) + α)

where W_i counts i's wins (a tie is half a win for each side) and n_ij the judgements of the
pair (a tie counts once). Before each step the strengths are scaled to mean 1 within the
unit, and after it the scores θ_i = ln w_i are centred on the unit's mean: exactly choix's
steps. It stops when, in every unit, the mean absolute change of θ is at most the tolerance
(choix's test), or after `max_iterations`. A ranking contributes one judgement per pair of
its responses, the one ranked first winning.

Responses are identified within their unit (`r1` of one prompt is not `r1` of another).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sqlsafe import identifier
from .crowd import require_columns
from .engine import Engine
from .errors import ConsensusError
from .results import BradleyTerryConsensus, Convergence, JudgeAgreement


@dataclass(frozen=True)
class PreferenceColumns:
    relation: str
    unit: str
    annotator: str
    chosen: str
    rejected: str
    tie: str | None = None


@dataclass(frozen=True)
class RankingColumns:
    relation: str
    unit: str
    annotator: str
    ranking: str  # a list of response ids, best first


def _preference_rows(engine: Engine, columns: PreferenceColumns) -> str:
    names = [columns.unit, columns.annotator, columns.chosen, columns.rejected] + ([columns.tie] if columns.tie else [])
    require_columns(engine, columns.relation, *names)
    unit, annotator, chosen, rejected = (identifier(n) for n in names[:4])
    tie = f"coalesce({identifier(columns.tie)}, FALSE)" if columns.tie else "FALSE"
    return (f"SELECT {unit} AS unit, {annotator} AS annotator, {chosen} AS winner, {rejected} AS loser, {tie} AS tie"
            f" FROM {identifier(columns.relation)} WHERE {unit} IS NOT NULL AND {annotator} IS NOT NULL"
            f" AND {chosen} IS NOT NULL AND {rejected} IS NOT NULL AND {chosen} <> {rejected}")


def _ranking_rows(engine: Engine, columns: RankingColumns) -> str:
    require_columns(engine, columns.relation, columns.unit, columns.annotator, columns.ranking)
    unit, annotator, ranking = (identifier(n) for n in (columns.unit, columns.annotator, columns.ranking))
    placed = (f"SELECT {unit} AS unit, {annotator} AS annotator, unnest({ranking}) AS response,"
              f" generate_subscripts({ranking}, 1) AS place FROM {identifier(columns.relation)}"
              f" WHERE {unit} IS NOT NULL AND {annotator} IS NOT NULL")
    return (f"SELECT a.unit, a.annotator, a.response AS winner, b.response AS loser, FALSE AS tie"
            f" FROM ({placed}) AS a JOIN ({placed}) AS b"
            f" ON a.unit = b.unit AND a.annotator = b.annotator AND a.place < b.place"
            f" WHERE a.response IS NOT NULL AND b.response IS NOT NULL AND a.response <> b.response")


TABLES_SQL = {
    "bt_units": "SELECT row_number() OVER (ORDER BY unit) - 1 AS unit_id, unit FROM (SELECT DISTINCT unit FROM {raw}) AS seen",
    "bt_annotators": ("SELECT row_number() OVER (ORDER BY annotator) - 1 AS annotator_id, annotator"
                      " FROM (SELECT DISTINCT annotator FROM {raw}) AS seen"),
    "bt_items": ("SELECT row_number() OVER (ORDER BY u.unit_id, seen.response) - 1 AS item_id, u.unit_id, seen.response"
                 " FROM (SELECT unit, winner AS response FROM {raw} UNION SELECT unit, loser FROM {raw}) AS seen"
                 " JOIN {bt_units} AS u ON u.unit = seen.unit"),
    "bt_judgements": ("SELECT u.unit_id, a.annotator_id, w.item_id AS winner_id, l.item_id AS loser_id, r.tie"
                      " FROM {raw} AS r JOIN {bt_units} AS u ON u.unit = r.unit"
                      " JOIN {bt_annotators} AS a ON a.annotator = r.annotator"
                      " JOIN {bt_items} AS w ON w.unit_id = u.unit_id AND w.response = r.winner"
                      " JOIN {bt_items} AS l ON l.unit_id = u.unit_id AND l.response = r.loser"),
    "bt_pairs": ("SELECT item_id, other_id, count(*) AS n FROM ("
                 "SELECT winner_id AS item_id, loser_id AS other_id FROM {bt_judgements}"
                 " UNION ALL SELECT loser_id, winner_id FROM {bt_judgements}) AS sides GROUP BY item_id, other_id"),
    "bt_wins": ("SELECT item_id, sum(won) AS wins FROM ("
                "SELECT winner_id AS item_id, CASE WHEN tie THEN 0.5 ELSE 1.0 END AS won FROM {bt_judgements}"
                " UNION ALL SELECT loser_id, CASE WHEN tie THEN 0.5 ELSE 0.0 END FROM {bt_judgements}) AS sides"
                " GROUP BY item_id"),
    "bt_strength": "SELECT item_id, unit_id, CAST(0.0 AS DOUBLE) AS theta FROM {bt_items}",
}

STEP_SQL = """WITH weights AS (
  SELECT item_id, unit_id,
         exp(theta) * count(*) OVER (PARTITION BY unit_id) / sum(exp(theta)) OVER (PARTITION BY unit_id) AS w
  FROM {bt_strength}
),
denominators AS (
  SELECT p.item_id, sum(p.n / (a.w + b.w)) AS denominator
  FROM {bt_pairs} AS p JOIN weights AS a ON a.item_id = p.item_id JOIN weights AS b ON b.item_id = p.other_id
  GROUP BY p.item_id
),
raw AS (
  SELECT w.item_id, w.unit_id, ln((coalesce(x.wins, 0) + ?) / (d.denominator + ?)) AS log_w
  FROM weights AS w JOIN denominators AS d ON d.item_id = w.item_id LEFT JOIN {bt_wins} AS x ON x.item_id = w.item_id
)
SELECT item_id, unit_id, log_w - avg(log_w) OVER (PARTITION BY unit_id) AS theta FROM raw"""

CHANGE_SQL = """SELECT max(change) FROM (
  SELECT n.unit_id, sum(abs(n.theta - o.theta)) / count(*) AS change
  FROM {bt_next} AS n JOIN {bt_strength} AS o ON o.item_id = n.item_id GROUP BY n.unit_id
) AS per_unit"""


def _names(engine: Engine) -> dict[str, str]:
    stems = ("raw", "bt_units", "bt_annotators", "bt_items", "bt_judgements", "bt_pairs", "bt_wins",
             "bt_strength", "bt_next")
    return {stem: engine.table(stem) for stem in stems}


def build(engine: Engine, columns: PreferenceColumns | RankingColumns) -> None:
    rows = _preference_rows(engine, columns) if isinstance(columns, PreferenceColumns) else _ranking_rows(engine, columns)
    engine.create("raw", rows)
    for stem, sql in TABLES_SQL.items():
        engine.create(stem, sql.format(**_names(engine)))
    if not engine.fetch(f"SELECT count(*) FROM {engine.table('bt_judgements')}")[0][0]:
        raise ConsensusError("no judgements: every row misses its unit, annotator or one of the two responses")


def fit(engine: Engine, smoothing: float, tolerance: float, max_iterations: int) -> Convergence:
    if smoothing <= 0:
        raise ConsensusError("Bradley–Terry needs a smoothing above 0: without it a response that never"
                             " loses has no finite score")
    change, iterations = None, 0
    for iterations in range(1, max_iterations + 1):
        engine.create("bt_next", STEP_SQL.format(**_names(engine)), [float(smoothing)] * 2)
        change = float(engine.fetch(CHANGE_SQL.format(**_names(engine)))[0][0])
        engine.create("bt_strength", f"SELECT * FROM {engine.table('bt_next')}")
        if change <= tolerance:
            break
    return Convergence(iterations, change is not None and change <= tolerance, tolerance, max_iterations, change)


# One row per (unit, response): its score θ (centred log-strength), its place in the unit
# (1 is best; equal scores by response order), and the judgements it rests on.
SCORES_SQL = """SELECT u.unit AS unit, i.response AS response, s.theta AS score,
       row_number() OVER (PARTITION BY s.unit_id ORDER BY s.theta DESC, i.response) AS rank,
       CAST(coalesce(t.wins, 0) AS BIGINT) AS wins, CAST(coalesce(t.losses, 0) AS BIGINT) AS losses,
       CAST(coalesce(t.ties, 0) AS BIGINT) AS ties,
       CAST(coalesce(t.wins, 0) + coalesce(t.losses, 0) + coalesce(t.ties, 0) AS BIGINT) AS comparisons
FROM {bt_strength} AS s
JOIN {bt_items} AS i ON i.item_id = s.item_id
JOIN {bt_units} AS u ON u.unit_id = s.unit_id
LEFT JOIN (
  SELECT item_id, sum(won) AS wins, sum(lost) AS losses, sum(tied) AS ties FROM (
    SELECT winner_id AS item_id, CASE WHEN tie THEN 0 ELSE 1 END AS won, 0 AS lost,
           CASE WHEN tie THEN 1 ELSE 0 END AS tied FROM {bt_judgements}
    UNION ALL
    SELECT loser_id, 0, CASE WHEN tie THEN 0 ELSE 1 END, CASE WHEN tie THEN 1 ELSE 0 END FROM {bt_judgements}
  ) AS sides GROUP BY item_id
) AS t ON t.item_id = s.item_id
ORDER BY s.unit_id, rank"""

JUDGES_SQL = """SELECT j.annotator_id, count(DISTINCT j.unit_id),
       count(*) FILTER (WHERE NOT j.tie AND abs(w.theta - l.theta) > 1e-9),
       count(*) FILTER (WHERE NOT j.tie AND w.theta > l.theta + 1e-9),
       count(*) FILTER (WHERE j.tie)
FROM {bt_judgements} AS j
JOIN {bt_strength} AS w ON w.item_id = j.winner_id
JOIN {bt_strength} AS l ON l.item_id = j.loser_id
GROUP BY j.annotator_id ORDER BY j.annotator_id"""


def scores_query(engine: Engine) -> str:
    return SCORES_SQL.format(**_names(engine))


def judges(engine: Engine) -> tuple[JudgeAgreement, ...]:
    names = dict(engine.fetch(f"SELECT annotator_id, CAST(annotator AS VARCHAR) FROM {engine.table('bt_annotators')}"))
    return tuple(
        JudgeAgreement(names[a], units, judged, agreed, agreed / judged if judged else None, ties)
        for a, units, judged, agreed, ties in engine.fetch(JUDGES_SQL.format(**_names(engine)))
    )


def bradley_terry(engine: Engine, columns, smoothing: float = 1.0, tolerance: float = 1e-6,
                  max_iterations: int = 100) -> BradleyTerryConsensus:  # fmt: skip
    build(engine, columns)
    convergence = fit(engine, smoothing, tolerance, max_iterations)
    names = _names(engine)
    units, responses, comparisons, annotators = engine.fetch(
        f"SELECT (SELECT count(*) FROM {names['bt_units']}), (SELECT count(*) FROM {names['bt_items']}),"
        f" (SELECT count(*) FROM {names['bt_judgements']}), (SELECT count(*) FROM {names['bt_annotators']})"
    )[0]
    return BradleyTerryConsensus("bradley_terry", units, responses, comparisons, annotators, smoothing,
                                 convergence, judges(engine))
