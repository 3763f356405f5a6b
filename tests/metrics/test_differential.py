"""Differential tests: our SQL metrics against krippendorff, statsmodels and scikit-learn.

Each case is a seeded random table: 2-30 coders, 5-5,000 units (mostly small, a few large),
2-12 categories, 0-40% missing values, values correlated through a hidden true category so
that agreement varies. Every statistic must match the reference to 1e-9.
"""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest
from metric_tables import long_form, table
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from specc.metrics import cohen_kappa, fleiss_kappa, krippendorff_alpha

TOLERANCE = 1e-9
CASES = 240


def shape(rng) -> tuple[int, int]:
    """(coders, units): most tables small, some medium, a few large."""
    kind = rng.choice(3, p=[0.8, 0.17, 0.03])
    units = int([rng.integers(5, 60), rng.integers(60, 600), rng.integers(2000, 5001)][kind])
    return int(rng.integers(2, 31)), units


def categories_matrix(rng, coders: int, units: int, categories: int, missing: float):
    """Category indexes 0..k-1 (float, NaN missing); each coder right with their own skill."""
    truth = rng.integers(0, categories, units)
    skill = rng.uniform(0.0, 0.95, coders)[:, None]
    noise = rng.integers(0, categories, (coders, units))
    matrix = np.where(rng.random((coders, units)) < skill, truth[None, :], noise).astype(float)
    matrix[rng.random((coders, units)) < missing] = np.nan
    return matrix


def numeric_scale(rng, categories: int):
    """Numeric values for the categories: 1..k, or k sorted positive reals."""
    if rng.random() < 0.5:
        return np.arange(1, categories + 1, dtype=float)
    return np.sort(rng.uniform(0.1, 10.0, categories)).round(3)


def reference_alpha(matrix, level):
    """The package's alpha, or None where it refuses (nothing pairable, one value) or is NaN."""
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            value = krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
    except ValueError:
        return None
    return None if np.isnan(value) else float(value)


def reference_percent(matrix):
    shares = []
    for column in matrix.T:
        present = column[~np.isnan(column)]
        m = present.size
        if m >= 2:
            _, counts = np.unique(present, return_counts=True)
            shares.append((counts * (counts - 1)).sum() / (m * (m - 1)))
    return float(np.mean(shares)) if shares else None


def assert_close(ours, reference):
    if reference is None:
        assert ours is None
    else:
        assert ours == pytest.approx(reference, abs=TOLERANCE)


@pytest.mark.parametrize("seed", range(CASES))
def test_alpha_matches_krippendorff(con, seed):
    rng = np.random.default_rng(seed)
    coders, units = shape(rng)
    categories = int(rng.integers(2, 13))
    matrix = categories_matrix(rng, coders, units, categories, rng.uniform(0, 0.4))
    scale = numeric_scale(rng, categories)
    numeric = np.where(np.isnan(matrix), np.nan, scale[np.nan_to_num(matrix).astype(int)])
    if coders * units <= 120 and rng.random() < 0.5:  # continuous ratings, few distinct values
        numeric = np.where(np.isnan(numeric), np.nan, rng.normal(5.0, 2.0, numeric.shape).round(2) + 5)
    frame = long_form(numeric)
    frame["value"] = frame["value"].astype(float)
    name = table(con, "ratings", frame)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        result = krippendorff_alpha(con, name, level=level)
        assert_close(result.value, reference_alpha(numeric, level))
    assert_close(result.percent_agreement, reference_percent(numeric))


@pytest.mark.parametrize("seed", range(40))
def test_nominal_alpha_with_text_labels(con, seed):
    rng = np.random.default_rng(10_000 + seed)
    coders, units = shape(rng)
    matrix = categories_matrix(rng, coders, units, int(rng.integers(2, 13)), rng.uniform(0, 0.4))
    frame = long_form(matrix)
    frame["value"] = frame["value"].map(lambda v: f"label {int(v)}")
    result = krippendorff_alpha(con, table(con, "labels", frame), level="nominal")
    assert_close(result.value, reference_alpha(matrix, "nominal"))


@pytest.mark.parametrize("seed", range(200))
def test_fleiss_matches_statsmodels(con, seed):
    rng = np.random.default_rng(20_000 + seed)
    pool, units = shape(rng)
    raters = int(rng.integers(2, pool + 1))
    categories = int(rng.integers(2, 13))
    truth = rng.integers(0, categories, units)
    skill = rng.uniform(0, 0.95)
    codes = np.where(rng.random((units, raters)) < skill, truth[:, None], rng.integers(0, categories, (units, raters)))
    coders = np.argsort(rng.random((units, pool)), axis=1)[:, :raters]
    rows = [(unit, int(coders[unit, k]), int(codes[unit, k])) for unit in range(units) for k in range(raters)]
    if raters > 2 and seed % 3 == 0:  # a minority of units with one rating fewer: left out
        rows += [(units + unit, int(coders[unit, k]), int(codes[unit, k])) for unit in range(units // 3) for k in range(raters - 1)]
    import pandas as pd

    frame = pd.DataFrame(rows, columns=["unit", "coder", "value"])
    result = fleiss_kappa(con, table(con, "fleiss", frame))
    with np.errstate(divide="ignore", invalid="ignore"):
        reference = statsmodels_fleiss(aggregate_raters(codes)[0])
    assert_close(result.value, None if np.isnan(reference) else float(reference))
    assert result.units == units and result.raters_per_unit == raters
    assert result.units_excluded == (units // 3 if raters > 2 and seed % 3 == 0 else 0)


WEIGHT_NAMES = ("none", "linear", "quadratic")


def reference_cohen(first, second, labels, weights, use_statsmodels: bool):
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        if use_statsmodels:
            contingency = np.zeros((len(labels), len(labels)))
            np.add.at(contingency, (np.searchsorted(labels, first), np.searchsorted(labels, second)), 1)
            wt = None if weights == "none" else weights
            value = cohens_kappa(contingency, wt=wt, return_results=False)
        else:
            value = cohen_kappa_score(first, second, labels=labels, weights=None if weights == "none" else weights)
    return None if np.isnan(value) else float(value)


@pytest.mark.parametrize("seed", range(200))
def test_cohen_matches_sklearn_and_statsmodels(con, seed):
    rng = np.random.default_rng(30_000 + seed)
    _, units = shape(rng)
    coders = int(rng.integers(2, 7))
    matrix = categories_matrix(rng, coders, units, int(rng.integers(2, 13)), rng.uniform(0, 0.4))
    weights = WEIGHT_NAMES[seed % 3]
    result = cohen_kappa(con, table(con, "pairs", long_form(matrix)), weights=weights)
    labels = np.unique(matrix[~np.isnan(matrix)])
    by_pair = {(pair.coder_a, pair.coder_b): pair for pair in result.pairs}
    expected_values = []  # (kappa, shared units) of each pair where kappa is defined
    for a in range(coders):
        for b in range(a + 1, coders):
            shared = ~np.isnan(matrix[a]) & ~np.isnan(matrix[b])
            if not shared.any():
                assert (f"c{a:02d}", f"c{b:02d}") not in by_pair
                continue
            reference = reference_cohen(matrix[a, shared], matrix[b, shared], labels, weights, seed % 2 == 0)
            pair = by_pair[(f"c{a:02d}", f"c{b:02d}")]
            assert pair.units == shared.sum()
            assert_close(pair.value, reference)
            if reference is not None:
                expected_values.append((reference, int(shared.sum())))
    # the mean over pairs weights each by its shared units, counting pairs of 20 units or more
    # (every pair when there is only one)
    counted = [(k, n) for k, n in expected_values if len(by_pair) == 1 or n >= 20]
    weight = sum(n for _, n in counted)
    assert_close(result.value, sum(k * n for k, n in counted) / weight if weight else None)
    assert result.pairs_below_min_units == len(expected_values) - len(counted)
