"""Gold-weighted majority: the weight formula by hand, and crowd-kit's GoldMajorityVote at smoothing 0.

crowd-kit's `GoldMajorityVote` class cannot be fitted next to the installed scikit-learn
(`__sklearn_tags__` is missing), so the reference composes its two steps directly: the
workers' accuracies on gold (`get_accuracy`) as skills of a weighted `MajorityVote`.
"""

from __future__ import annotations

import pandas as pd
import pytest
from crowdkit.aggregation import MajorityVote
from crowdkit.aggregation.utils import get_accuracy
from crowds import accuracy_matrix, frame, plant_crowd

from specc.consensus import ConsensusError, GoldColumns, consensus_labels


@pytest.fixture
def rated(con):
    # On gold units g1-g4, ann is right 4 times, bob twice, cy once; cy never saw g4.
    con.execute("""CREATE TABLE votes AS SELECT * FROM (VALUES
        ('g1', 'ann', 'x'), ('g1', 'bob', 'x'), ('g1', 'cy', 'y'),
        ('g2', 'ann', 'y'), ('g2', 'bob', 'x'), ('g2', 'cy', 'x'),
        ('g3', 'ann', 'x'), ('g3', 'bob', 'x'), ('g3', 'cy', 'x'),
        ('g4', 'ann', 'y'), ('g4', 'bob', 'x'),
        ('u1', 'ann', 'y'), ('u1', 'bob', 'x'), ('u1', 'cy', 'x')) AS v(unit, annotator, label)""")
    con.execute("CREATE TABLE gold AS SELECT * FROM (VALUES ('g1', 'x'), ('g2', 'y'), ('g3', 'x'), ('g4', 'y')) AS v(unit, answer)")
    return con


def test_weights_are_smoothed_gold_accuracies(rated, tmp_path):
    out = tmp_path / "labels.parquet"
    result = consensus_labels(rated, "votes", "unit", "annotator", "label", out=out, method="gold_weighted",
                              gold=GoldColumns("gold", "unit", "answer"), smoothing=1.0)
    bases = {s.annotator: s.gold for s in result.skills}
    assert (bases["ann"].compared, bases["ann"].correct, bases["ann"].weight) == (4, 4, pytest.approx(5 / 6))
    assert (bases["bob"].compared, bases["bob"].correct, bases["bob"].weight) == (4, 2, pytest.approx(3 / 6))
    assert (bases["cy"].compared, bases["cy"].correct, bases["cy"].weight) == (3, 1, pytest.approx(2 / 5))
    # u1: ann's y weighs 5/6 against bob and cy's x at 3/6 + 2/5 = 9/10: x wins, narrowly
    row = rated.execute(f"SELECT label, votes, support, contested, dissenters FROM read_parquet('{out}') WHERE unit = 'u1'").fetchall()
    assert row == [("x", 2, pytest.approx(0.9 / (0.9 + 5 / 6)), False, ["ann"])]


def test_without_smoothing_an_annotator_without_gold_has_no_weight(rated):
    rated.execute("INSERT INTO votes VALUES ('u1', 'dee', 'y')")
    with pytest.raises(ConsensusError, match=r"1 annotator\(s\) rated no gold unit, e.g. 'dee'"):
        consensus_labels(rated, "votes", "unit", "annotator", "label", method="gold_weighted",
                         gold=GoldColumns("gold", "unit", "answer"), smoothing=0)


def test_duplicate_gold_is_refused(rated):
    rated.execute("INSERT INTO gold VALUES ('g1', 'y')")
    with pytest.raises(ConsensusError, match=r"1 unit\(s\) have more than one gold answer in `gold`, e.g. 'g1'"):
        consensus_labels(rated, "votes", "unit", "annotator", "label", method="gold_weighted",
                         gold=GoldColumns("gold", "unit", "answer"))


def test_same_labels_as_crowd_kit_gold_majority_vote(con):
    plant_crowd(con, "crowd", units=1500, per_unit=3, priors=[0.5, 0.3, 0.2], seed=5,
                confusions=[accuracy_matrix(a, 3) for a in (0.95, 0.9, 0.75, 0.6, 0.45)])
    con.execute("CREATE TABLE gold AS SELECT unit, label FROM crowd_truth WHERE unit < 300")
    result = consensus_labels(con, "crowd", "unit", "annotator", "label", method="gold_weighted",
                              gold=GoldColumns("gold", "unit", "label"), smoothing=0)
    data = frame(con, "crowd")
    truth = pd.Series(dict(con.execute("SELECT unit, label FROM gold").fetchall()))
    accuracies = get_accuracy(data, truth, by="worker")
    assert {s.annotator: s.gold.weight for s in result.skills} == pytest.approx(dict(accuracies), abs=1e-12)
    reference = MajorityVote().fit(data, accuracies)
    probas, labels = reference.probas_, reference.labels_
    checked = 0
    for unit, label, support in _decisions(con):
        shares = probas.loc[unit].sort_values(ascending=False)
        assert support == pytest.approx(shares.iloc[0], abs=1e-12)
        if shares.iloc[0] - shares.iloc[1] > 1e-9:  # crowd-kit breaks near-ties by column order
            assert label == labels[unit]
            checked += 1
    assert checked > 1400


def _decisions(con):
    from specc.consensus.crowd import LabelColumns
    from specc.consensus.engine import Engine
    from specc.consensus.labels import LabelOptions, label_consensus
    from specc.consensus.output import labels_query

    engine = Engine(con)
    options = LabelOptions("gold_weighted", gold=GoldColumns("gold", "unit", "label"), smoothing=0)
    label_consensus(engine, LabelColumns("crowd", "unit", "annotator", "label"), options)
    return [(unit, label, support) for unit, label, _, _, support, *_ in engine.fetch(labels_query(engine))]
