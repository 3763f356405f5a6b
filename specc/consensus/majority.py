"""Majority vote, plain or weighted: the label with the most votes (or weight) per unit.

Support is the label's share of the unit's votes (or of its total weight), as in
crowd-kit's MajorityVote probabilities. Ties: when several labels share the top score
(within 1e-9, so that weighted sums added in another order still tie), the label first in
label order wins (see `crowd`), and the unit is marked `tied`. crowd-kit's `idxmax` over
its sorted label columns makes the same choice on exact ties.
"""

from __future__ import annotations

from .engine import Engine

TIE_TOLERANCE = 1e-9

SCORES_SQL = """SELECT v.unit_id, v.label_id, sum(v.n * {weight}) AS score
FROM {votes} AS v{join}
GROUP BY v.unit_id, v.label_id"""

DECIDE_SQL = """WITH scores AS ({scores}),
ranked AS (
  SELECT unit_id, label_id, score,
         sum(score) OVER (PARTITION BY unit_id) AS total,
         max(score) OVER (PARTITION BY unit_id) AS best
  FROM scores
),
marked AS (
  SELECT unit_id, label_id, score, total,
         CASE WHEN score >= best - {tolerance} * greatest(abs(best), 1) THEN 1 ELSE 0 END AS at_top
  FROM ranked
),
placed AS (
  SELECT unit_id, label_id, score, total,
         sum(at_top) OVER (PARTITION BY unit_id) AS top_labels,
         row_number() OVER (PARTITION BY unit_id ORDER BY at_top DESC, label_id) AS place
  FROM marked
)
SELECT unit_id, label_id, CASE WHEN total > 0 THEN score / total END AS support, top_labels > 1 AS tied
FROM placed WHERE place = 1"""


def majority_vote(engine: Engine, weights: str | None = None) -> str:
    """Create the `decisions` table (unit_id, label_id, support, tied); `weights` is a table
    (annotator_id, weight) for a weighted vote."""
    scores = SCORES_SQL.format(
        weight="w.weight" if weights else "1.0",
        votes=engine.table("votes"),
        join=f" JOIN {weights} AS w ON w.annotator_id = v.annotator_id" if weights else "",
    )
    return engine.create("decisions", DECIDE_SQL.format(scores=scores, tolerance=TIE_TOLERANCE))
