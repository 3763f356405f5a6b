"""Kendall's tau-b and W on rankings, by hand and against scipy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from metric_tables import table
from scipy.stats import kendalltau

from specc.metrics import kendall_tau, kendalls_w

RANKINGS = [
    # u1: B swaps r2 and r3; C ties r1 and r2.
    ("u1", "A", "r1", 1), ("u1", "A", "r2", 2), ("u1", "A", "r3", 3), ("u1", "A", "r4", 4),
    ("u1", "B", "r1", 1), ("u1", "B", "r2", 3), ("u1", "B", "r3", 2), ("u1", "B", "r4", 4),
    ("u1", "C", "r1", 1), ("u1", "C", "r2", 1), ("u1", "C", "r3", 2), ("u1", "C", "r4", 3),
    # u2: A and B disagree completely; C ranked one response only.
    ("u2", "A", "x", 1), ("u2", "A", "y", 2), ("u2", "B", "x", 2), ("u2", "B", "y", 1), ("u2", "C", "x", 1),
    # u3: A ties everything: tau-b undefined, W defined.
    ("u3", "A", "p", 1), ("u3", "A", "q", 1), ("u3", "B", "p", 1), ("u3", "B", "q", 2),
    # u4: a single annotator: nothing to compare.
    ("u4", "A", "s", 1), ("u4", "A", "t", 2),
]  # fmt: skip


@pytest.fixture
def rankings(con):
    return table(con, "rankings", pd.DataFrame(RANKINGS, columns=["unit", "annotator", "response", "rank"]))


def test_tau_b_by_hand(con, rankings):
    result = kendall_tau(con, rankings)
    by_pair = {(p.annotator_a, p.annotator_b): p for p in result.pairs}
    assert by_pair[("A", "B")].value == pytest.approx((4 / 6 - 1) / 2)  # u1 and u2; u3 undefined
    assert by_pair[("A", "B")].units == 3
    assert by_pair[("A", "C")].value == pytest.approx(5 / math.sqrt(30))  # C's tie: n0 - n2 = 5
    assert by_pair[("B", "C")].value == pytest.approx(3 / math.sqrt(30))
    assert (result.comparisons, result.undefined_comparisons) == (5, 1)
    assert result.value == pytest.approx((4 / 6 + 5 / math.sqrt(30) + 3 / math.sqrt(30) - 1) / 4)


def test_tau_b_matches_scipy(con):
    rng = np.random.default_rng(5)
    rows = []
    for unit in range(30):
        for annotator in range(4):
            for response, rank in enumerate(rng.integers(1, 5, 6)):
                rows.append((unit, annotator, response, int(rank)))
    result = kendall_tau(con, table(con, "random", pd.DataFrame(rows, columns=["unit", "annotator", "response", "rank"])))
    ranks = np.array(rows)[:, 3].reshape(30, 4, 6)
    taus = [kendalltau(ranks[u, a], ranks[u, b]).statistic for u in range(30) for a in range(4) for b in range(a + 1, 4)]
    taus = [t for t in taus if not np.isnan(t)]
    assert result.value == pytest.approx(np.mean(taus), abs=1e-12)


def test_w_by_hand(con, rankings):
    result = kendalls_w(con, rankings)
    items = {item.unit: item for item in result.items}
    # u1: mid-ranks sum to 3.5, 6.5, 8, 12; S = 37.5; W = 12 S / (9 * 60 - 3 * 6)
    assert items["u1"].value == pytest.approx(450 / 522)
    assert (items["u1"].raters, items["u1"].responses) == (3, 4)
    assert items["u2"].value == 0 and items["u2"].raters == 2  # C ranked one of two: left out
    assert items["u3"].value == pytest.approx(0.5)  # tie correction: 12 * 0.5 / (4 * 6 - 2 * 6)
    assert items["u4"].value is None and result.undefined_items == 1
    assert result.value == pytest.approx((450 / 522 + 0 + 0.5) / 3)


def test_w_perfect_agreement(con):
    rows = [(1, a, r, r) for a in range(5) for r in range(1, 5)]
    result = kendalls_w(con, table(con, "same", pd.DataFrame(rows, columns=["unit", "annotator", "response", "rank"])))
    assert result.value == pytest.approx(1.0)
