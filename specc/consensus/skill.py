"""Annotator skill: each annotator's labels against the consensus labels.

DuckDB reduces the votes to counts per (annotator, consensus label, given label), a table
no larger than annotators × labels², from which Python lays out one confusion matrix per
annotator (rows are consensus labels, columns the annotator's, in label order, as for gold
accuracy). Accuracy is the share of the annotator's units where they gave the consensus
label, their own vote included (as crowd-kit's MajorityVote `skills_`); `units` is how many
units that rests on.
"""

from __future__ import annotations

from ..metrics.results import ConfusionMatrix
from .crowd import Crowd
from .engine import Engine
from .results import AnnotatorSkill

AGAINST_CONSENSUS_SQL = """SELECT v.annotator_id, d.label_id, v.label_id, sum(v.n)
FROM {votes} AS v JOIN {decisions} AS d ON d.unit_id = v.unit_id
GROUP BY v.annotator_id, d.label_id, v.label_id"""


def annotator_names(engine: Engine) -> list[str]:
    """Annotator names in annotator_id order (a few hundred rows at most in practice)."""
    rows = engine.fetch(f"SELECT CAST(annotator AS VARCHAR) FROM {engine.table('annotators')} ORDER BY annotator_id")
    return [row[0] for row in rows]


def confusion_counts(engine: Engine, crowd: Crowd) -> dict[int, list[list[int]]]:
    size = len(crowd.labels)
    counts: dict[int, list[list[int]]] = {}
    sql = AGAINST_CONSENSUS_SQL.format(votes=engine.table("votes"), decisions=engine.table("decisions"))
    for annotator_id, consensus, given, n in engine.fetch(sql):
        matrix = counts.setdefault(annotator_id, [[0] * size for _ in range(size)])
        matrix[consensus][given] += int(n)
    return counts


def skills(engine: Engine, crowd: Crowd, **extra_by_annotator) -> tuple[AnnotatorSkill, ...]:
    """One `AnnotatorSkill` per annotator; `extra_by_annotator` maps a field to {annotator_id: value}."""
    counts = confusion_counts(engine, crowd)
    empty = [[0] * len(crowd.labels) for _ in crowd.labels]
    result = []
    for annotator_id, name in enumerate(annotator_names(engine)):
        matrix = counts.get(annotator_id, empty)
        units = sum(map(sum, matrix))
        agreed = sum(matrix[i][i] for i in range(len(matrix)))
        extra = {field: values.get(annotator_id) for field, values in extra_by_annotator.items()}
        confusion = ConfusionMatrix(crowd.labels, tuple(tuple(row) for row in matrix))
        result.append(AnnotatorSkill(name, units, agreed, agreed / units if units else None, confusion, **extra))
    return tuple(result)
