"""Preference agreement over A/B/tie outcomes, and rankings split into preferences."""

from __future__ import annotations

import krippendorff
import pandas as pd
import pytest
from metric_tables import table

from specc.metrics import MetricError, preference_agreement, ranking_preference_agreement


def test_outcomes_by_hand(con):
    frame = pd.DataFrame(
        {
            "pair": ["p1", "p1", "p1", "p2", "p2", "p3"],
            "rater": ["A", "B", "C", "A", "B", "A"],
            "choice": ["A", "a", "tie", "B", "B", "A"],
        }
    )
    result = preference_agreement(con, table(con, "prefs", frame), unit="pair", annotator="rater", outcome="choice")
    assert result.percent_agreement == pytest.approx((2 / 6 + 1) / 2)
    assert result.outcomes == {"A": 3, "B": 2, "tie": 1}
    assert (result.units, result.annotators) == (2, 3)
    codes = {"A": 0, "B": 1, "tie": 2}
    nan = float("nan")
    data = [[codes["A"], codes["B"], codes["A"]], [codes["A"], codes["B"], nan], [codes["tie"], nan, nan]]
    assert result.alpha.value == pytest.approx(krippendorff.alpha(data, level_of_measurement="nominal"))


def test_unknown_outcome(con):
    frame = pd.DataFrame({"unit": [1], "annotator": ["A"], "outcome": ["left"]})
    with pytest.raises(MetricError, match="not A, B or tie"):
        preference_agreement(con, table(con, "bad", frame))


def test_rankings_as_preferences(con):
    rows = [("u", "A", "x", 1), ("u", "A", "y", 2), ("u", "A", "z", 3), ("u", "B", "x", 1), ("u", "B", "y", 3), ("u", "B", "z", 2)]
    frame = pd.DataFrame(rows, columns=["unit", "annotator", "response", "rank"])
    result = ranking_preference_agreement(con, table(con, "ranked", frame))
    # (x,y): A A; (x,z): A A; (y,z): A B -> two of three pairs agree; alpha is exactly 0 here
    assert result.percent_agreement == pytest.approx(2 / 3)
    assert result.outcomes == {"A": 5, "B": 1}
    assert result.alpha.value == pytest.approx(0.0)
    assert result.units == 3


def test_ranking_ties_become_tie_outcomes(con):
    rows = [("u", "A", "x", 1), ("u", "A", "y", 1), ("u", "B", "x", 1), ("u", "B", "y", 1)]
    frame = pd.DataFrame(rows, columns=["unit", "annotator", "response", "rank"])
    result = ranking_preference_agreement(con, table(con, "tied", frame))
    assert result.outcomes == {"tie": 2} and result.percent_agreement == 1.0
    assert result.alpha.value is None
