"""Label consensus for classification and rating tasks: run one method, then describe it.

Every method fills the same `decisions` table (unit_id, label_id, support, tied) from the
count tables of `crowd`; the labels file, the counts of contested units and the annotator
skills are then computed from it in the same way whatever the method.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import dawid_skene
from .crowd import Crowd, LabelColumns, build_crowd
from .engine import Engine
from .errors import ConsensusError
from .gold_weighted import GoldColumns, gold_bases, gold_weights
from .majority import majority_vote
from .results import LabelConsensus
from .skill import skills


@dataclass(frozen=True)
class LabelOptions:
    method: str = "majority"
    order: tuple | None = None  # label order for ties; None: natural order
    gold: GoldColumns | None = None  # gold_weighted
    smoothing: float = 1.0  # gold_weighted: pseudo-counts
    tolerance: float = 1e-6  # dawid_skene: change of log-likelihood per response
    max_iterations: int = 100  # dawid_skene


@dataclass(frozen=True)
class _Fitted:
    convergence: object = None
    priors: dict | None = None
    per_annotator: dict | None = None  # AnnotatorSkill field -> {annotator_id: value}


def _majority(engine: Engine, crowd: Crowd, options: LabelOptions) -> _Fitted:
    majority_vote(engine)
    return _Fitted()


def _gold_weighted(engine: Engine, crowd: Crowd, options: LabelOptions) -> _Fitted:
    if options.gold is None:
        raise ConsensusError("the gold-weighted vote needs gold answers (TABLE.COLUMN)")
    majority_vote(engine, gold_weights(engine, options.gold, options.smoothing))
    return _Fitted(per_annotator={"gold": gold_bases(engine)})


def _dawid_skene(engine: Engine, crowd: Crowd, options: LabelOptions) -> _Fitted:
    if options.tolerance <= 0 or options.max_iterations < 1:
        raise ConsensusError("Dawid–Skene needs a tolerance above 0 and at least one iteration")
    convergence = dawid_skene.fit(engine, crowd, options.tolerance, options.max_iterations)
    dawid_skene.decide(engine, len(crowd.labels))
    priors = dawid_skene.priors(engine, crowd)
    matrices = dawid_skene.estimated_matrices(engine, crowd)
    accuracies = {a: dawid_skene.estimated_accuracy(m, priors) for a, m in matrices.items()}
    return _Fitted(convergence, priors, {"estimated": matrices, "estimated_accuracy": accuracies})


LABEL_METHODS = {
    "majority": _majority,
    "gold_weighted": _gold_weighted,
    "dawid_skene": _dawid_skene,
}

OUTCOMES_SQL = """SELECT count(*) FILTER (WHERE support IS NULL OR support <= 0.5),
       count(*) FILTER (WHERE tied), count(*) FILTER (WHERE dissent = 0)
FROM (SELECT d.unit_id, d.support, d.tied, sum(CASE WHEN v.label_id <> d.label_id THEN 1 ELSE 0 END) AS dissent
      FROM {decisions} AS d JOIN {votes} AS v ON v.unit_id = d.unit_id
      GROUP BY d.unit_id, d.support, d.tied) AS outcomes"""


def label_consensus(engine: Engine, columns: LabelColumns, options: LabelOptions = LabelOptions()) -> LabelConsensus:
    """Run `options.method`; the `decisions` table stays in the engine for the labels file."""
    method = LABEL_METHODS.get(options.method)
    if method is None:
        raise ConsensusError(f"unknown label method `{options.method}`; methods: {', '.join(LABEL_METHODS)}")
    crowd = build_crowd(engine, columns, options.order)
    fitted = method(engine, crowd, options)
    outcomes = OUTCOMES_SQL.format(decisions=engine.table("decisions"), votes=engine.table("votes"))
    contested, tied, unanimous = engine.fetch(outcomes)[0]
    return LabelConsensus(
        method=options.method, units=crowd.units, annotators=crowd.annotators, responses=crowd.responses,
        labels=crowd.labels, contested=contested, tied=tied, unanimous=unanimous, priors=fitted.priors,
        convergence=fitted.convergence, skills=skills(engine, crowd, **(fitted.per_annotator or {})),
    )
