"""Krippendorff's alpha: the published example, its conventions and its errors."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from metric_tables import KRIPPENDORFF_2011, long_form, table

from specc.metrics import MetricError, krippendorff_alpha

PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


@pytest.mark.parametrize("level", list(PUBLISHED))
def test_published_example(con, reliability, level):
    result = krippendorff_alpha(con, reliability, level=level)
    assert round(result.value, 3) == PUBLISHED[level]
    expected = krippendorff.alpha(reliability_data=KRIPPENDORFF_2011, level_of_measurement=level)
    assert result.value == pytest.approx(expected, abs=1e-9)


def test_published_example_counts(con, reliability):
    result = krippendorff_alpha(con, reliability)
    # Unit 12 has a single value: not pairable. 40 values remain in 11 units.
    assert (result.units, result.coders, result.pairable_values) == (11, 4, 40)
    assert result.observed_disagreement == pytest.approx(4 / 20)
    assert result.undefined_reason is None
    assert result.to_dict()["level"] == "nominal"


def test_string_labels_with_declared_order(con):
    words = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    frame = long_form(KRIPPENDORFF_2011, list("ABCD"))
    frame["value"] = frame["value"].map(lambda v: words[int(v)])
    name = table(con, "words", frame)
    nominal = krippendorff_alpha(con, name, level="nominal")
    ordinal = krippendorff_alpha(con, name, level="ordinal", order=list(words.values()))
    assert round(nominal.value, 3) == 0.743
    assert round(ordinal.value, 3) == 0.815


def test_numbers_as_text_sort_numerically(con):
    # "10" after "9": the natural order reads numbers as numbers, not as text.
    frame = pd.DataFrame(
        {"unit": [1, 1, 2, 2, 3, 3], "coder": list("ABABAB"), "value": ["9", "10", "1", "2", "10", "10"]}
    )
    text = krippendorff_alpha(con, table(con, "text", frame), level="ordinal")
    data = [[9, 1, 10], [10, 2, 10]]
    assert text.value == pytest.approx(krippendorff.alpha(data, level_of_measurement="ordinal"), abs=1e-12)


def test_value_missing_from_declared_order(con, reliability):
    with pytest.raises(MetricError, match="not in the category order"):
        krippendorff_alpha(con, reliability, level="ordinal", order=[1, 2, 3, 4])


def test_nan_and_null_are_missing(con):
    frame = pd.DataFrame({"unit": [1, 1, 1, 2, 2, 2], "coder": list("ABCABC"), "value": [1.0, 1.0, np.nan, 2.0, 1.0, None]})
    result = krippendorff_alpha(con, table(con, "gaps", frame))
    assert result.pairable_values == 4
    assert result.value == pytest.approx(krippendorff.alpha([[1, 2], [1, 1]], level_of_measurement="nominal"))


def test_undefined_when_every_value_is_the_same(con):
    frame = pd.DataFrame({"unit": [1, 1, 2, 2], "coder": list("ABAB"), "value": ["x"] * 4})
    result = krippendorff_alpha(con, table(con, "same", frame))
    assert result.value is None
    assert "expected disagreement is zero" in result.undefined_reason
    assert result.to_dict()["value"] is None


def test_undefined_without_pairable_units(con):
    frame = pd.DataFrame({"unit": [1, 2, 3], "coder": list("ABC"), "value": [1, 2, 3]})
    for level in ("nominal", "ordinal", "interval", "ratio"):
        result = krippendorff_alpha(con, table(con, "single", frame), level=level)
        assert (result.value, result.units, result.pairable_values) == (None, 0, 0)
        assert "two or more coders" in result.undefined_reason


def test_empty_relation(con):
    frame = pd.DataFrame({"unit": pd.Series([], dtype="int64"), "coder": pd.Series([], dtype="str"), "value": pd.Series([], dtype="float")})
    result = krippendorff_alpha(con, table(con, "empty", frame), level="interval")
    assert result.value is None and result.coders == 0


def test_unknown_column_names_the_columns(con, reliability):
    with pytest.raises(MetricError, match=r"no column `label`.*columns: unit, coder, value"):
        krippendorff_alpha(con, reliability, value="label")


def test_unknown_relation(con):
    with pytest.raises(MetricError, match="no table or view named `nowhere`"):
        krippendorff_alpha(con, "nowhere")


def test_interval_needs_numbers(con):
    frame = pd.DataFrame({"unit": [1, 1], "coder": list("AB"), "value": ["3", "three"]})
    with pytest.raises(MetricError, match="non-numeric"):
        krippendorff_alpha(con, table(con, "words", frame), level="interval")


def test_numeric_text_is_accepted_at_interval_level(con):
    frame = pd.DataFrame({"unit": [1, 1, 2, 2], "coder": list("ABAB"), "value": ["1", "2", "3", "3.5"]})
    result = krippendorff_alpha(con, table(con, "numeric_text", frame), level="interval")
    assert result.value == pytest.approx(krippendorff.alpha([[1, 3], [2, 3.5]], level_of_measurement="interval"))


def test_unknown_level(con, reliability):
    with pytest.raises(MetricError, match="unknown level"):
        krippendorff_alpha(con, reliability, level="cardinal")


def test_quoted_names(con):
    frame = pd.DataFrame({'item "id"': [1, 1, 2, 2], "who's": list("ABAB"), "select": [1, 1, 2, 1]})
    result = krippendorff_alpha(con, table(con, 'odd "table"', frame), 'item "id"', "who's", "select")
    assert result.value == pytest.approx(krippendorff.alpha([[1, 2], [1, 1]], level_of_measurement="nominal"))
