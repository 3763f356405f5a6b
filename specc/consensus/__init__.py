"""Consensus: from many annotators' answers to one label per unit, and each annotator's skill.

One module per method (`majority`, `gold_weighted`, `dawid_skene`, `bradley_terry`, `spans`),
all computed in SQL over count tables through `engine.Engine`, so a delivery's rows never
leave the engine: the labels file is written by DuckDB, and only per-annotator matrices,
priors and convergence figures come back. docs/consensus.md gives every formula and rule.

Library code: it raises `ConsensusError` for bad input and never prints or exits.
"""

from __future__ import annotations

from pathlib import Path

from .crowd import LabelColumns
from .engine import Engine
from .errors import ConsensusError
from .gold_weighted import GoldColumns
from .labels import LABEL_METHODS, LabelOptions, label_consensus
from .output import copy_atomically, labels_query
from .results import AnnotatorSkill, LabelConsensus

__all__ = [
    "LABEL_METHODS", "AnnotatorSkill", "ConsensusError", "Engine", "GoldColumns", "LabelColumns",
    "LabelConsensus", "LabelOptions", "annotator_skill", "consensus_labels", "task_skill",
]  # fmt: skip


def consensus_labels(con, relation: str, unit: str, annotator: str, label: str, out: str | Path | None = None,
                     **options) -> LabelConsensus:  # fmt: skip
    """Consensus labels of `relation`; with `out`, written there as Parquet. `options` are
    `LabelOptions` fields (method, order, gold, smoothing, tolerance, max_iterations)."""
    engine = Engine(con)
    try:
        result = label_consensus(engine, LabelColumns(relation, unit, annotator, label), LabelOptions(**options))
        if out is not None:
            copy_atomically(engine, labels_query(engine), Path(out))
        return result
    finally:
        engine.drop_scratch()


def annotator_skill(con, relation: str, unit: str, annotator: str, label: str, method: str = "dawid_skene",
                    **options) -> tuple[AnnotatorSkill, ...]:  # fmt: skip
    """Each annotator's confusion matrix and accuracy against the consensus of `method`, with
    the number of units it rests on (and Dawid–Skene's estimated matrix): for reports."""
    return consensus_labels(con, relation, unit, annotator, label, method=method, **options).skills


def task_skill(con, spec, task: str, method: str = "dawid_skene", **options) -> tuple[AnnotatorSkill, ...]:
    """`annotator_skill` for a classification or rating task of a checked spec whose table is
    bound in `con` (as in the runner); ties follow the task's taxonomy order."""
    from .tasks import LABEL_KINDS, columns_for, label_order

    declared = spec.tasks[task]
    if declared.kind.text not in LABEL_KINDS:
        raise ConsensusError(f"annotator skill needs a classification or rating task; `{task}` is {declared.kind.text}")
    columns = columns_for(declared)
    options.setdefault("order", label_order(spec, declared))
    return annotator_skill(con, columns.relation, columns.unit, columns.annotator, columns.label, method, **options)
