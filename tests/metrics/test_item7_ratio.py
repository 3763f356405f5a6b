"""Issue 8, item 7: ratio-level alpha over negative values is undefined, with the reason.

Ratio data has a true zero; with values of both signs, ((c - k) / (c + k))^2 is no distance
(at c = -k it divides by zero). The `krippendorff` package computes a number anyway (0.990
here); specc reports None and says why, in Python, through `specc agree` and in a spec.
"""

from __future__ import annotations

import json

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner
from metric_tables import long_form, table

from specc.cli import cli
from specc.metrics import bootstrap_alpha, krippendorff_alpha, per_annotator_agreement
from tests.engine.conftest import run_spec

MATRIX = [[-2, 1, 3, 4, 6], [-1, 1, 3, 5, 6]]  # two coders, five units; two values are negative
REASON = ("ratio level needs values of zero or more (ratio data has a true zero), and 2 value(s) are"
          " negative, e.g. -2; interval level fits such data")


@pytest.fixture
def ratings(con):
    frame = long_form(MATRIX, ["A", "B"])
    frame["value"] = frame["value"].astype(float)
    return table(con, "ratings", frame)


def test_the_reference_package_computes_a_number_where_none_exists():
    assert krippendorff.alpha(reliability_data=np.array(MATRIX, float), level_of_measurement="ratio") == \
        pytest.approx(0.990156, abs=1e-6)


def test_ratio_alpha_over_negative_values_is_undefined(con, ratings):
    result = krippendorff_alpha(con, ratings, level="ratio")
    assert result.value is None and result.undefined_reason == REASON
    assert (result.units, result.coders, result.pairable_values) == (5, 2, 10)
    assert result.percent_agreement == pytest.approx(3 / 5)  # still meaningful: units 2, 3 and 5 agree
    assert (result.observed_disagreement, result.expected_disagreement) == (None, None)


def test_interval_alpha_on_the_same_data_is_defined_and_matches_the_package(con, ratings):
    expected = krippendorff.alpha(reliability_data=np.array(MATRIX, float), level_of_measurement="interval")
    assert krippendorff_alpha(con, ratings, level="interval").value == pytest.approx(expected, abs=1e-12)


def test_zero_is_a_ratio_value(con):
    frame = long_form([[0, 1, 3, 4], [0, 1, 3, 5]], ["A", "B"])
    frame["value"] = frame["value"].astype(float)
    expected = krippendorff.alpha(reliability_data=np.array([[0, 1, 3, 4], [0, 1, 3, 5]], float),
                                  level_of_measurement="ratio")
    assert krippendorff_alpha(con, table(con, "zeros", frame), level="ratio").value == pytest.approx(expected, abs=1e-12)


def test_bootstrap_and_leave_one_out_are_undefined_too(con, ratings):
    result = bootstrap_alpha(con, ratings, level="ratio", iterations=50, seed=1)
    assert result.value is None and result.undefined_reason == REASON
    assert (result.interval.low, result.interval.high, result.interval.undefined_draws) == (None, None, 50)
    rows = per_annotator_agreement(con, ratings, level="ratio").annotators
    assert [(a.coder, a.alpha_without) for a in rows] == [("A", None), ("B", None)]


def test_agree_prints_the_reason(tmp_path):
    path = tmp_path / "ratings.csv"
    long_form(MATRIX, ["A", "B"]).to_csv(path, index=False)
    common = ["agree", "--data", str(path), "--unit", "unit", "--coder", "coder", "--value", "value", "--level", "ratio"]
    result = CliRunner().invoke(cli, common)
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert f"Krippendorff's alpha (ratio): undefined ({REASON})" in result.output
    report = json.loads(CliRunner().invoke(cli, common + ["--format", "json"]).output)
    assert report["value"] is None and report["undefined_reason"] == REASON


def test_a_spec_metric_is_undefined_with_the_reason(tmp_path):
    spec = tmp_path / "spec.aspec"
    spec.write_text("spec s\ntable scores { unit int  coder string  value float }\n"
                    "task score: rating on scores { unit unit  annotator coder  rating value }\n"
                    "metric alpha_ratio: alpha ratio  warn below 0.8\n", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    long_form(MATRIX, ["A", "B"]).to_csv(data / "scores.csv", index=False)
    result, _ = run_spec(spec, data)
    metric = next(c for c in result.checks if c.id == "alpha_ratio")
    assert metric.value is None and metric.details["undefined_reason"] == REASON
