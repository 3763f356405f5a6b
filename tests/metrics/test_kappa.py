"""Fleiss' and Cohen's kappa and percent agreement: published and hand-computed cases."""

from __future__ import annotations

import pandas as pd
import pytest
from metric_tables import table

from specc.metrics import ChoiceNeeded, MetricError, cohen_kappa, fleiss_kappa, percent_agreement

# Fleiss (1971) as tabulated on Wikipedia: 10 subjects, 14 raters, 5 categories.
FLEISS_1971 = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def counts_to_rows(counts) -> pd.DataFrame:
    rows = []
    for subject, row in enumerate(counts):
        rater = 0
        for category, n in enumerate(row, start=1):
            for _ in range(n):
                rows.append((subject, f"rater {rater}", category))
                rater += 1
    return pd.DataFrame(rows, columns=["unit", "coder", "value"])


def test_fleiss_1971_example(con):
    result = fleiss_kappa(con, table(con, "fleiss", counts_to_rows(FLEISS_1971)))
    assert round(result.value, 3) == 0.210
    assert result.observed_agreement == pytest.approx(0.378, abs=5e-4)
    assert result.expected_agreement == pytest.approx(0.213, abs=5e-4)
    assert (result.units, result.raters_per_unit, result.categories, result.units_excluded) == (10, 14, 5, 0)
    assert result.percent_agreement == result.observed_agreement


def test_fleiss_uses_units_with_the_modal_number_of_values(con):
    frame = counts_to_rows(FLEISS_1971)
    extra = pd.DataFrame({"unit": [100, 100, 101], "coder": ["x", "y", "x"], "value": [1, 2, 3]})
    result = fleiss_kappa(con, table(con, "fleiss", pd.concat([frame, extra])))
    assert round(result.value, 3) == 0.210
    assert result.units_excluded == 1  # unit 100 has two values; unit 101 one, so never pairable


def test_fleiss_modal_tie_goes_to_more_raters(con):
    frame = pd.DataFrame(
        {"unit": [1, 1, 2, 2, 2], "coder": ["a", "b", "a", "b", "c"], "value": ["x", "y", "x", "x", "y"]}
    )
    result = fleiss_kappa(con, table(con, "tie", frame))
    assert (result.raters_per_unit, result.units, result.units_excluded) == (3, 1, 1)


def test_fleiss_undefined_with_one_category(con):
    frame = pd.DataFrame({"unit": [1, 1, 2, 2], "coder": list("abab"), "value": ["x"] * 4})
    result = fleiss_kappa(con, table(con, "one", frame))
    assert result.value is None and "expected agreement is one" in result.undefined_reason


def test_cohen_two_coders_by_hand(con):
    # A: yes yes no no yes, B: yes no no no yes -> p_o = 4/5; p_e = (3/5)(2/5) + (2/5)(3/5) = 12/25
    frame = pd.DataFrame(
        {
            "unit": [1, 2, 3, 4, 5] * 2,
            "coder": ["A"] * 5 + ["B"] * 5,
            "value": ["yes", "yes", "no", "no", "yes", "yes", "no", "no", "no", "yes"],
        }
    )
    result = cohen_kappa(con, table(con, "two", frame))
    assert result.value == pytest.approx((0.8 - 0.48) / (1 - 0.48))
    assert len(result.pairs) == 1 and result.pairs[0].agreement == pytest.approx(0.8)
    assert result.percent_agreement == pytest.approx(0.8)


def test_weighted_cohen_uses_declared_order(con):
    # With order low < mid < high, "low" vs "high" is two steps apart.
    frame = pd.DataFrame(
        {"unit": [1, 2, 3, 1, 2, 3], "coder": list("AAABBB"), "value": ["low", "mid", "high", "high", "mid", "low"]}
    )
    name = table(con, "ordered", frame)
    linear = cohen_kappa(con, name, weights="linear", order=["low", "mid", "high"])
    # observed weighted disagreement 4/3; margins uniform -> expected (2*1 + 2*2 + 2*1)/9 = 8/9 (x3 cells)
    assert linear.value == pytest.approx(1 - (4 / 3) / (8 / 9))
    # without the order, text would sort high < low < mid: refused rather than guessed
    with pytest.raises(ChoiceNeeded, match=r"linear-weighted kappa needs the categories in order, and 3 value\(s\)"):
        cohen_kappa(con, name, weights="linear")


def test_cohen_pair_with_one_category_is_undefined(con):
    frame = pd.DataFrame({"unit": [1, 2, 1, 2], "coder": list("AABB"), "value": ["x", "x", "x", "x"]})
    result = cohen_kappa(con, table(con, "flat", frame))
    assert result.value is None and result.undefined_pairs == 1
    assert "chance disagreement" in result.undefined_reason


def test_cohen_without_shared_units(con):
    frame = pd.DataFrame({"unit": [1, 2], "coder": list("AB"), "value": ["x", "y"]})
    result = cohen_kappa(con, table(con, "apart", frame))
    assert result.value is None and result.pairs == ()
    assert "no two coders" in result.undefined_reason


def test_unknown_weights(con):
    frame = pd.DataFrame({"unit": [1], "coder": ["A"], "value": ["x"]})
    with pytest.raises(MetricError, match="unknown weights"):
        cohen_kappa(con, table(con, "w", frame), weights="cubic")


def test_percent_agreement_by_hand(con):
    # unit 1: a a b -> 2 of 6 ordered pairs agree; unit 2: x x -> 1; unit 3 single value: not pairable
    frame = pd.DataFrame(
        {"unit": [1, 1, 1, 2, 2, 3], "coder": list("ABCABA"), "value": ["a", "a", "b", "x", "x", "z"]}
    )
    result = percent_agreement(con, table(con, "percent", frame))
    assert result.value == pytest.approx((1 / 3 + 1) / 2)
    assert (result.units, result.coders, result.pairable_values) == (2, 3, 5)
