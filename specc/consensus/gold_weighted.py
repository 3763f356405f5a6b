"""Gold-weighted majority: each annotator's vote weighs their smoothed accuracy on gold units.

    weight_a = (correct_a + s) / (compared_a + 2 s)

where compared_a counts the annotator's ratings of units that have a gold answer, correct_a
those equal to it, and s is the smoothing (Laplace's rule of succession at s = 1: an
annotator with no gold ratings weighs 1/2, between a perfect and a useless one). At s = 0
this is crowd-kit's GoldMajorityVote (weights are plain gold accuracies) and an annotator
with no gold ratings has no weight: an error. Labels are compared with the gold answers as
text, so 1 and "1" agree. The weighted vote itself is `majority.majority_vote`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sqlsafe import identifier
from .crowd import require_columns
from .engine import Engine
from .errors import ConsensusError
from .results import GoldBasis


@dataclass(frozen=True)
class GoldColumns:
    relation: str
    unit: str
    label: str


WEIGHTS_SQL = """WITH gold AS (
  SELECT CAST({gold_unit} AS VARCHAR) AS unit_key, CAST({gold_label} AS VARCHAR) AS answer
  FROM {gold} WHERE {gold_unit} IS NOT NULL AND {gold_label} IS NOT NULL
),
rated AS (
  SELECT v.annotator_id, v.n, CASE WHEN CAST(l.label AS VARCHAR) = g.answer THEN v.n ELSE 0 END AS hits
  FROM {votes} AS v
  JOIN {units} AS u ON u.unit_id = v.unit_id
  JOIN {labels} AS l ON l.label_id = v.label_id
  JOIN gold AS g ON g.unit_key = CAST(u.unit AS VARCHAR)
),
tally AS (
  SELECT a.annotator_id, coalesce(sum(r.n), 0) AS compared, coalesce(sum(r.hits), 0) AS correct
  FROM {annotators} AS a LEFT JOIN rated AS r ON r.annotator_id = a.annotator_id
  GROUP BY a.annotator_id
)
SELECT annotator_id, compared, correct,
       CASE WHEN compared + 2 * ? > 0 THEN (correct + ?) / (compared + 2 * ?) END AS weight
FROM tally"""

DUPLICATE_GOLD_SQL = """SELECT count(*), min(unit_key) FROM (
  SELECT CAST({gold_unit} AS VARCHAR) AS unit_key FROM {gold} WHERE {gold_unit} IS NOT NULL
  GROUP BY CAST({gold_unit} AS VARCHAR) HAVING count(*) > 1
) AS repeated"""


def gold_weights(engine: Engine, gold: GoldColumns, smoothing: float) -> str:
    """Create the `weights` table (annotator_id, compared, correct, weight)."""
    require_columns(engine, gold.relation, gold.unit, gold.label)
    if smoothing < 0:
        raise ConsensusError(f"the smoothing must be 0 or more, not {smoothing}")
    names = {"gold": identifier(gold.relation), "gold_unit": identifier(gold.unit), "gold_label": identifier(gold.label)}
    duplicates, example = engine.fetch(DUPLICATE_GOLD_SQL.format(**names))[0]
    if duplicates:
        raise ConsensusError(f"{duplicates} unit(s) have more than one gold answer in `{gold.relation}`, e.g. {example!r}")
    tables = {stem: engine.table(stem) for stem in ("votes", "units", "labels", "annotators")}
    smoothing = float(smoothing)
    weights = engine.create("weights", WEIGHTS_SQL.format(**names, **tables), [smoothing] * 3)
    _check_every_annotator_weighs(engine, weights)
    return weights


def _check_every_annotator_weighs(engine: Engine, weights: str) -> None:
    count, example = engine.fetch(
        f"SELECT count(*), min(CAST(a.annotator AS VARCHAR)) FROM {weights} AS w"
        f" JOIN {engine.table('annotators')} AS a ON a.annotator_id = w.annotator_id WHERE w.weight IS NULL"
    )[0]
    if count:
        raise ConsensusError(f"{count} annotator(s) rated no gold unit, e.g. {example!r}: with smoothing 0 they have"
                             f" no weight; give a smoothing above 0")


def gold_bases(engine: Engine) -> dict[int, GoldBasis]:
    rows = engine.fetch(f"SELECT annotator_id, compared, correct, weight FROM {engine.table('weights')}")
    return {a: GoldBasis(int(compared), int(correct), None if w is None else float(w)) for a, compared, correct, w in rows}
