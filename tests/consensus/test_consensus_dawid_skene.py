"""Dawid–Skene in SQL against crowd-kit's DawidSkene, and against the planted truth.

crowd-kit runs the same algorithm (majority-vote start, 1e-10 clipping), so run for the
same number of iterations (`tol=-inf` makes it run exactly `n_iter`) both must give the
same posteriors, confusion matrices and priors, up to floating-point rounding (1e-9).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from crowdkit.aggregation import DawidSkene
from crowds import accuracy_matrix, annotator_name, frame, plant_crowd

from specc.consensus import annotator_skill, consensus_labels
from specc.consensus.crowd import LabelColumns
from specc.consensus.engine import Engine
from specc.consensus.labels import LabelOptions, label_consensus

LABELS = ("c0", "c1", "c2")
PRIORS = [0.5, 0.3, 0.2]


def confusions():
    """Six annotators of decreasing accuracy; the last confuses c1 for c2 on purpose."""
    planted = [accuracy_matrix(a, 3) for a in (0.92, 0.85, 0.8, 0.75, 0.7)]
    biased = np.array([[0.8, 0.1, 0.1], [0.05, 0.35, 0.6], [0.1, 0.1, 0.8]])
    return planted + [biased]


@pytest.fixture
def crowd(con):
    plant_crowd(con, "crowd", units=3000, per_unit=4, confusions=confusions(), priors=PRIORS, seed=7)
    return con


def run(con, **options):
    engine = Engine(con)
    result = label_consensus(engine, LabelColumns("crowd", "unit", "annotator", "label"),
                             LabelOptions(method="dawid_skene", **options))
    return engine, result


def posteriors(engine, size):
    columns = ", ".join(f'"p{i}"' for i in range(size))
    rows = engine.fetch(f"SELECT u.unit, {columns} FROM {engine.table('posterior')} AS p"
                        f" JOIN {engine.table('units')} AS u ON u.unit_id = p.unit_id ORDER BY u.unit")
    return {row[0]: np.array(row[1:]) for row in rows}


def test_same_posteriors_matrices_and_priors_as_crowd_kit(crowd):
    engine, result = run(crowd, tolerance=1e-6, max_iterations=100)
    iterations = result.convergence.iterations
    reference = DawidSkene(n_iter=iterations, tol=-math.inf).fit(frame(crowd, "crowd"))
    assert len(reference.loss_history_) == iterations
    mine = posteriors(engine, 3)
    theirs = reference.probas_[list(LABELS)]
    assert max(np.abs(mine[unit] - theirs.loc[unit].to_numpy()).max() for unit in mine) < 1e-9
    for skill in result.skills:
        errors = reference.errors_.loc[skill.annotator]
        for given in errors.index:
            for true in LABELS:
                assert skill.estimated.probability(true, given) == pytest.approx(errors.loc[given, true], abs=1e-9)
    for label in LABELS:
        assert result.priors[label] == pytest.approx(reference.priors_[label], abs=1e-9)


def test_same_labels_as_crowd_kit(crowd, tmp_path):
    out = tmp_path / "labels.parquet"
    result = consensus_labels(crowd, "crowd", "unit", "annotator", "label", out=out, method="dawid_skene",
                              max_iterations=20, tolerance=1e-12)
    assert result.convergence.iterations == 20 and not result.convergence.converged
    reference = DawidSkene(n_iter=20, tol=-math.inf).fit_predict(frame(crowd, "crowd"))
    ours = dict(crowd.execute(f"SELECT unit, label FROM read_parquet('{out}')").fetchall())
    assert len(ours) == 3000
    assert all(ours[unit] == label for unit, label in reference.items())


def test_recovers_planted_confusion_matrices_and_truth(crowd):
    _, result = run(crowd)
    assert result.convergence.converged
    for index, planted in enumerate(confusions()):
        skill = next(s for s in result.skills if s.annotator == annotator_name(index))
        estimated = np.array(skill.estimated.probabilities)
        # ~2,000 answers per annotator: each cell within 0.06 of the planted probability
        assert np.abs(estimated - planted).max() < 0.06, (skill.annotator, estimated.round(2))
    for label, prior in zip(LABELS, PRIORS):
        assert result.priors[label] == pytest.approx(prior, abs=0.03)


def truth_accuracy(con, out) -> float:
    return con.execute(f"SELECT avg(CAST(l.label = t.label AS DOUBLE)) FROM read_parquet('{out}') AS l"
                       f" JOIN crowd_truth AS t USING (unit)").fetchall()[0][0]


def test_beats_majority_vote_on_the_truth(crowd, tmp_path):
    consensus_labels(crowd, "crowd", "unit", "annotator", "label", out=tmp_path / "mv.parquet")
    consensus_labels(crowd, "crowd", "unit", "annotator", "label", out=tmp_path / "ds.parquet", method="dawid_skene")
    majority, dawid_skene = truth_accuracy(crowd, tmp_path / "mv.parquet"), truth_accuracy(crowd, tmp_path / "ds.parquet")
    assert dawid_skene > majority + 0.005, (dawid_skene, majority)  # 0.959 against 0.949


def test_log_likelihood_rises_at_every_iteration_and_stops_at_the_tolerance(crowd):
    _, result = run(crowd, tolerance=1e-4)
    history = result.convergence.log_likelihood_history
    assert all(b >= a - 1e-9 for a, b in zip(history, history[1:]))  # EM never lowers it
    responses = 12000
    assert abs(history[-1] - history[-2]) / responses < 1e-4 <= abs(history[-2] - history[-3]) / responses
    assert result.convergence.log_likelihood == history[-1]
    assert result.convergence.last_change == pytest.approx(abs(history[-1] - history[-2]) / responses)


def test_skill_is_accuracy_against_the_consensus_with_its_units(crowd):
    skills = annotator_skill(crowd, "crowd", "unit", "annotator", "label")
    counts = dict(crowd.execute("SELECT annotator, count(*) FROM crowd GROUP BY 1").fetchall())
    for skill in skills:
        assert skill.units == counts[skill.annotator]
        assert skill.agreed == sum(skill.confusion.counts[i][i] for i in range(3))
        assert skill.accuracy == skill.agreed / skill.units
    best = max(skills, key=lambda s: s.accuracy)
    assert best.annotator == "w00"


def test_estimated_accuracy_is_prior_weighted_diagonal(crowd):
    _, result = run(crowd)
    skill = result.skills[0]
    expected = sum(result.priors[c] * skill.estimated.probability(c, c) for c in LABELS)
    assert skill.estimated_accuracy == pytest.approx(expected)
