"""Majority vote: hand-checked ties, support and dissenters, and crowd-kit's MajorityVote.

crowd-kit picks the first column of its vote table among tied labels, and that column order
follows the data (pandas `value_counts`), so on ties it is compared on the tie itself:
both tied labels have the same share there, and ours is the first in label order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from crowdkit.aggregation import MajorityVote
from crowdkit.aggregation.utils import get_accuracy
from crowds import accuracy_matrix, frame, plant_crowd

from specc.consensus import ConsensusError, consensus_labels


def labels_file(con, out):
    return {row[0]: row[1:] for row in con.execute(f"SELECT * FROM read_parquet('{out}') ORDER BY unit").fetchall()}


@pytest.fixture
def small(con):
    con.execute("""CREATE TABLE votes AS SELECT * FROM (VALUES
        ('u1', 'ann', 'dog'), ('u1', 'bob', 'dog'), ('u1', 'cat', 'cat'),
        ('u2', 'ann', 'dog'), ('u2', 'bob', 'cat'),
        ('u3', 'ann', 'bird'), ('u3', 'bob', 'cat'), ('u3', 'cat', 'dog'),
        ('u4', 'ann', 'cat'), ('u4', 'bob', 'cat'), ('u4', 'cat', 'cat'),
        ('u5', 'ann', NULL), ('u5', 'bob', 'dog'),
        ('u6', NULL, 'cat')) AS v(item, coder, answer)""")
    return con


def test_labels_support_ties_and_dissenters(small, tmp_path):
    out = tmp_path / "labels.parquet"
    result = consensus_labels(small, "votes", "item", "coder", "answer", out=out)
    rows = labels_file(small, out)
    # unit: label, votes, annotators, support, contested, tied, dissenters
    assert rows["u1"] == ("dog", 2, 3, pytest.approx(2 / 3), False, False, ["cat"])
    assert rows["u2"] == ("cat", 1, 2, 0.5, True, True, ["ann"])  # tie: cat < dog
    assert rows["u3"] == ("bird", 1, 3, pytest.approx(1 / 3), True, True, ["bob", "cat"])
    assert rows["u4"] == ("cat", 3, 3, 1.0, False, False, [])
    assert rows["u5"] == ("dog", 1, 1, 1.0, False, False, [])  # ann's missing label is left out
    assert set(rows) == {"u1", "u2", "u3", "u4", "u5"}  # u6 has no annotator
    assert (result.units, result.annotators, result.responses) == (5, 3, 12)
    assert (result.contested, result.tied, result.unanimous) == (2, 2, 2)
    assert result.labels == ("bird", "cat", "dog")


def test_a_declared_order_breaks_ties(small, tmp_path):
    out = tmp_path / "labels.parquet"
    consensus_labels(small, "votes", "item", "coder", "answer", out=out, order=("dog", "cat", "bird"))
    rows = labels_file(small, out)
    assert rows["u2"][0] == "dog" and rows["u3"][0] == "dog"


def test_skill_against_majority(small):
    result = consensus_labels(small, "votes", "item", "coder", "answer")
    by_name = {s.annotator: s for s in result.skills}
    # ann: u1 dog=dog, u2 dog≠cat, u3 bird=bird, u4 cat=cat
    assert (by_name["ann"].units, by_name["ann"].agreed) == (4, 3)
    assert by_name["ann"].confusion.count("cat", "dog") == 1
    assert (by_name["cat"].units, by_name["cat"].agreed, by_name["cat"].accuracy) == (3, 1, pytest.approx(1 / 3))


def test_two_labels_from_one_annotator_are_refused(con):
    con.execute("CREATE TABLE twice AS SELECT * FROM (VALUES (1, 'a', 'x'), (1, 'a', 'y'), (2, 'b', 'x')) AS v(u, w, l)")
    with pytest.raises(ConsensusError, match=r"1 unit\(s\) have more than one label .* unit '1' and annotator 'a'"):
        consensus_labels(con, "twice", "u", "w", "l")


def test_unknown_column_and_empty_data(con):
    con.execute("CREATE TABLE t AS SELECT 1 AS u, 'a' AS w, CAST(NULL AS VARCHAR) AS l")
    with pytest.raises(ConsensusError, match="no column `label` in `t`; columns: u, w, l"):
        consensus_labels(con, "t", "u", "w", "label")
    with pytest.raises(ConsensusError, match="no labelled rows"):
        consensus_labels(con, "t", "u", "w", "l")


def test_same_votes_shares_and_skills_as_crowd_kit(con):
    plant_crowd(con, "crowd", units=2000, per_unit=4, priors=[0.4, 0.35, 0.25], seed=3,
                confusions=[accuracy_matrix(a, 3) for a in (0.9, 0.8, 0.7, 0.6, 0.5)])
    result = consensus_labels(con, "crowd", "unit", "annotator", "label")
    reference = MajorityVote()
    reference.fit(frame(con, "crowd"))
    out_rows = _labels(con)
    probas = reference.probas_
    # skill: crowd-kit's accuracy formula applied to our labels (its own differ on ties)
    ours = pd.Series({unit: label for unit, (label, _, _) in out_rows.items()})
    expected = get_accuracy(frame(con, "crowd"), ours, by="worker")
    assert {s.annotator: s.accuracy for s in result.skills} == pytest.approx(dict(expected), abs=1e-12)
    tied_units = 0
    for unit, (label, support, tied) in out_rows.items():
        shares = probas.loc[unit]
        assert support == pytest.approx(shares.max(), abs=1e-12)
        top = sorted(shares[np.isclose(shares, shares.max())].index)
        assert tied == (len(top) > 1)
        if tied:
            tied_units += 1
            assert label == top[0]  # ours: first in label order
        else:
            assert label == reference.labels_[unit]
    assert tied_units == result.tied > 100  # four votes per unit: ties are common


def _labels(con):
    from specc.consensus.crowd import LabelColumns
    from specc.consensus.engine import Engine
    from specc.consensus.labels import label_consensus
    from specc.consensus.output import labels_query

    engine = Engine(con)
    label_consensus(engine, LabelColumns("crowd", "unit", "annotator", "label"))
    return {unit: (label, support, tied) for unit, label, _, _, support, _, tied, _ in engine.fetch(labels_query(engine))}
