"""Per-annotator agreement: leave-one-out alpha against the package, majority of the rest by hand."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from metric_tables import KRIPPENDORFF_2011, long_form, table

from specc.metrics import per_annotator_agreement


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_without_each_coder(con, reliability, level):
    result = per_annotator_agreement(con, reliability, level=level)
    assert [a.coder for a in result.annotators] == list("ABCD")
    for index, annotator in enumerate(result.annotators):
        rest = [row for other, row in enumerate(KRIPPENDORFF_2011) if other != index]
        expected = krippendorff.alpha(reliability_data=rest, level_of_measurement=level)
        assert annotator.alpha_without == pytest.approx(expected, abs=1e-9)
        assert annotator.alpha_change == pytest.approx(result.alpha - expected, abs=1e-9)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("level", ["nominal", "interval"])
def test_leave_one_out_shortcut_on_random_tables(con, seed, level):
    rng = np.random.default_rng(seed)
    coders, units = int(rng.integers(3, 9)), int(rng.integers(5, 80))
    matrix = rng.integers(1, 6, (coders, units)).astype(float)
    matrix[rng.random(matrix.shape) < 0.35] = np.nan
    if level == "interval":
        matrix = np.where(np.isnan(matrix), np.nan, (matrix * rng.uniform(0.5, 2.0, matrix.shape)).round(1))
    frame = long_form(matrix)
    frame["value"] = frame["value"].astype(float)
    result = per_annotator_agreement(con, table(con, "random", frame), level=level)
    for annotator in result.annotators:
        index = int(annotator.coder[1:])
        rest = np.delete(matrix, index, axis=0)
        try:
            expected = krippendorff.alpha(reliability_data=rest, level_of_measurement=level)
        except ValueError:
            expected = None
        if expected is None or np.isnan(expected):
            assert annotator.alpha_without is None
        else:
            assert annotator.alpha_without == pytest.approx(expected, abs=1e-9)


def test_majority_of_the_rest_by_hand(con):
    # Unit 1: A=x B=x C=y -> for C the rest say x (unique); for A the rest are x, y: a tie, skipped.
    # Unit 2: A=y B=y C=y -> everyone agrees with the rest.
    frame = pd.DataFrame(
        {"unit": [1, 1, 1, 2, 2, 2], "coder": list("ABCABC"), "value": ["x", "x", "y", "y", "y", "y"]}
    )
    result = per_annotator_agreement(con, table(con, "majority", frame))
    by_coder = {a.coder: a for a in result.annotators}
    assert by_coder["C"].majority_units == 2 and by_coder["C"].agreement_with_majority == 0.5
    assert by_coder["A"].majority_units == 1 and by_coder["A"].agreement_with_majority == 1.0
    assert by_coder["C"].ratings == 2
    # pairwise: C agrees with A on 1 of 2 shared units and with B on 1 of 2
    assert by_coder["C"].agreement_with_others == pytest.approx(0.5)
    assert by_coder["A"].agreement_with_others == pytest.approx(3 / 4)


def test_outlier_has_the_largest_negative_change(con):
    rng = np.random.default_rng(7)
    truth = rng.integers(0, 4, 300)
    matrix = np.array([np.where(rng.random(300) < 0.9, truth, rng.integers(0, 4, 300)) for _ in range(4)], dtype=float)
    matrix[3] = rng.integers(0, 4, 300)  # coder 3 answers at random
    result = per_annotator_agreement(con, table(con, "team", long_form(matrix)))
    worst = min(result.annotators, key=lambda a: a.alpha_change)
    assert worst.coder == "c03"
    assert worst.kappa_with_majority < 0.2 < min(a.kappa_with_majority for a in result.annotators if a.coder != "c03")


def brute_force_majority(matrix):
    """Per coder: (units with a unique majority among the others, of which the coder matched)."""
    result = {}
    for coder in range(matrix.shape[0]):
        units = matches = 0
        for unit in range(matrix.shape[1]):
            own = matrix[coder, unit]
            others = np.delete(matrix[:, unit], coder)
            others = others[~np.isnan(others)]
            if np.isnan(own) or others.size == 0:
                continue
            values, counts = np.unique(others, return_counts=True)
            if (counts == counts.max()).sum() == 1:
                units += 1
                matches += values[counts.argmax()] == own
        result[f"c{coder:02d}"] = (units, matches)
    return result


@pytest.mark.parametrize("seed", range(15))
def test_majority_of_the_rest_on_random_tables(con, seed):
    rng = np.random.default_rng(100 + seed)
    coders, units = int(rng.integers(2, 8)), int(rng.integers(5, 60))
    matrix = rng.integers(0, int(rng.integers(2, 5)), (coders, units)).astype(float)
    matrix[rng.random(matrix.shape) < 0.3] = np.nan
    result = per_annotator_agreement(con, table(con, "random", long_form(matrix)))
    expected = brute_force_majority(matrix)
    for annotator in result.annotators:
        units_with_majority, matches = expected[annotator.coder]
        assert annotator.majority_units == units_with_majority
        if units_with_majority:
            assert annotator.agreement_with_majority == pytest.approx(matches / units_with_majority)
