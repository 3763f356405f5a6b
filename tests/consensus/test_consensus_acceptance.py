"""Acceptance: a seeded 1M-row crowd with three planted bad annotators.

200,000 units, five annotators each from a pool of twenty, four labels. Seventeen
annotators are right 72-88% of the time; three are bad in different ways: one answers at
random, one calls every `c1` a `c2` and back, one is right only 40% of the time. Dawid–Skene
must recover the truth better than the majority vote, and rank the three lowest.
"""

from __future__ import annotations

import numpy as np
from crowds import accuracy_matrix, annotator_name, plant_crowd

from specc.consensus import consensus_labels

BAD = (4, 11, 17)


def pool() -> list[np.ndarray]:
    good = iter(np.linspace(0.72, 0.88, 17))
    swapped = accuracy_matrix(0.85, 4)[[0, 2, 1, 3]]  # rows c1 and c2 exchanged: a systematic swap
    bad = {4: np.full((4, 4), 0.25), 11: swapped, 17: accuracy_matrix(0.4, 4)}
    return [bad[i] if i in bad else accuracy_matrix(next(good), 4) for i in range(20)]


def test_dawid_skene_beats_majority_and_finds_the_bad_annotators(con, tmp_path):
    plant_crowd(con, "crowd", units=200_000, per_unit=5, confusions=pool(), priors=[0.4, 0.3, 0.2, 0.1], seed=11)
    assert con.execute("SELECT count(*) FROM crowd").fetchall()[0][0] == 1_000_000
    majority = consensus_labels(con, "crowd", "unit", "annotator", "label", out=tmp_path / "mv.parquet")
    dawid_skene = consensus_labels(con, "crowd", "unit", "annotator", "label", out=tmp_path / "ds.parquet",
                                   method="dawid_skene", tolerance=1e-6)
    assert dawid_skene.convergence.converged and dawid_skene.convergence.iterations < 100

    def accuracy(name):
        return con.execute(f"SELECT avg(CAST(l.label = t.label AS DOUBLE)) FROM read_parquet('{tmp_path / name}') AS l"
                           f" JOIN crowd_truth AS t USING (unit)").fetchall()[0][0]

    assert accuracy("ds.parquet") > accuracy("mv.parquet") + 0.01  # 0.967 against 0.951
    bad = {annotator_name(i) for i in BAD}
    for figure in ("accuracy", "estimated_accuracy"):
        ranked = sorted(dawid_skene.skills, key=lambda s: getattr(s, figure))
        assert {s.annotator for s in ranked[:3]} == bad, figure
    swapper = next(s for s in dawid_skene.skills if s.annotator == annotator_name(11))
    assert swapper.estimated.probability("c1", "c2") > 0.8  # the swap itself is recovered
    assert majority.units == dawid_skene.units == 200_000
