"""The seeded bootstrap: deterministic, consistent with the SQL alpha, honest about undefined draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from metric_tables import long_form, table

from specc.metrics import MetricError, bootstrap_alpha, krippendorff_alpha
from specc.metrics.alpha import level_ratings
from specc.metrics.bootstrap import fetch_patterns, level_statistic

LEVELS = ["nominal", "ordinal", "interval", "ratio"]


def random_table(con, seed):
    rng = np.random.default_rng(seed)
    coders, units = int(rng.integers(2, 12)), int(rng.integers(10, 300))
    truth = rng.integers(1, 7, units)
    matrix = np.where(rng.random((coders, units)) < 0.7, truth, rng.integers(1, 7, (coders, units))).astype(float)
    matrix[rng.random(matrix.shape) < 0.3] = np.nan
    frame = long_form(matrix)
    frame["value"] = frame["value"] * 1.5
    return table(con, "random", frame)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("level", LEVELS)
def test_patterns_reproduce_the_point_value(con, seed, level):
    name = random_table(con, seed)
    source = level_ratings(con, name, "unit", "coder", "value", level)
    patterns = fetch_patterns(con, source, level, None)
    taken_once = patterns.units  # every unit taken exactly once: the data itself
    expected = krippendorff_alpha(con, name, level=level).value
    assert level_statistic(patterns, level)(taken_once) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("level", LEVELS)
def test_same_seed_same_interval(con, reliability, level):
    first = bootstrap_alpha(con, reliability, level=level, iterations=300, seed=11)
    second = bootstrap_alpha(con, reliability, level=level, iterations=300, seed=11)
    other = bootstrap_alpha(con, reliability, level=level, iterations=300, seed=12)
    assert first.interval == second.interval
    assert first.interval != other.interval
    assert first.interval.low <= first.value <= first.interval.high
    # parallel float sums may differ in the last bits between two queries
    assert first.value == pytest.approx(krippendorff_alpha(con, reliability, level=level).value, rel=1e-12)


def test_interval_narrows_with_more_units(con):
    rng = np.random.default_rng(3)
    widths = []
    for units in (50, 2000):
        truth = rng.integers(0, 4, units)
        matrix = np.array([np.where(rng.random(units) < 0.8, truth, rng.integers(0, 4, units)) for _ in range(3)])
        result = bootstrap_alpha(con, table(con, f"n{units}", long_form(matrix.astype(float))), iterations=200, seed=0)
        widths.append(result.interval.high - result.interval.low)
    assert widths[1] < widths[0] / 3


def test_undefined_draws_are_counted_and_left_out(con):
    # Two of three units agree on x: resamples without the third unit have no disagreement to expect.
    frame = pd.DataFrame({"unit": [1, 1, 2, 2, 3, 3], "coder": list("ABABAB"), "value": ["x", "x", "x", "x", "x", "y"]})
    result = bootstrap_alpha(con, table(con, "sparse", frame), iterations=500, seed=0)
    assert 0 < result.interval.undefined_draws < 500
    assert result.to_dict()["interval"]["undefined_draws"] == result.interval.undefined_draws


def test_all_draws_undefined(con):
    frame = pd.DataFrame({"unit": [1, 1], "coder": list("AB"), "value": ["x", "x"]})
    result = bootstrap_alpha(con, table(con, "flat", frame), iterations=20, seed=0)
    assert result.value is None
    assert (result.interval.low, result.interval.high, result.interval.undefined_draws) == (None, None, 20)


def test_bad_iterations(con, reliability):
    with pytest.raises(MetricError, match="at least one iteration"):
        bootstrap_alpha(con, reliability, iterations=0)
