"""Issue 8, item 7: ordinal alpha and weighted kappa never order text alphabetically on their own.

Labels low < mid < high sort alphabetically as high < low < mid, which makes "low" and
"mid" neighbours and "high" the lowest. Without an explicit order such text is refused
(`specc agree` exits 2); with `--order` the figure equals the `krippendorff` package (and
scikit-learn's weighted kappa) given the same order. In a spec, a taxonomy's declaration
order is the order; a text column with no taxonomy leaves the metric undefined, with why.
"""

from __future__ import annotations

import json

import krippendorff
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from metric_tables import table
from sklearn.metrics import cohen_kappa_score

from specc.cli import cli
from specc.metrics import ChoiceNeeded, cohen_kappa, krippendorff_alpha, per_annotator_agreement
from tests.engine.conftest import run_spec

ORDER = ["low", "mid", "high"]
CODERS = {  # units 0..7
    "A": ["low", "mid", "high", "high", "low", "mid", "mid", "low"],
    "B": ["low", "high", "high", "mid", "low", "mid", "low", "low"],
}
REFUSED = ("ordinal alpha needs the categories in order, and 3 value(s) are text with no order of their own"
           " ('high', 'low', 'mid')")


def frame() -> pd.DataFrame:
    return pd.DataFrame([(unit, coder, value) for coder, values in CODERS.items() for unit, value in enumerate(values)],
                        columns=["item", "annotator", "label"])


def reference_alpha(order: list[str]) -> float:
    matrix = np.array([[order.index(v) for v in values] for values in CODERS.values()], dtype=float)
    return krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal")


def reference_kappa(weights: str) -> float:
    return cohen_kappa_score(CODERS["A"], CODERS["B"], labels=ORDER, weights=weights)


@pytest.fixture
def labels(con):
    return table(con, "labels", frame())


def test_the_two_orders_really_differ():
    assert reference_alpha(ORDER) != pytest.approx(reference_alpha(sorted(ORDER)), abs=1e-3)


def test_library_refuses_text_without_an_order(con, labels):
    columns = dict(unit="item", coder="annotator", value="label")
    with pytest.raises(ChoiceNeeded) as refused:
        krippendorff_alpha(con, labels, level="ordinal", **columns)
    assert str(refused.value) == REFUSED and refused.value.needs == "order"
    with pytest.raises(ChoiceNeeded, match="quadratic-weighted kappa needs the categories in order"):
        cohen_kappa(con, labels, weights="quadratic", **columns)
    with pytest.raises(ChoiceNeeded, match="ordinal alpha needs the categories in order"):
        per_annotator_agreement(con, labels, level="ordinal", **columns)
    assert krippendorff_alpha(con, labels, level="nominal", **columns).value is not None  # nominal needs no order


def test_library_with_the_order_equals_the_reference(con, labels):
    columns = dict(unit="item", coder="annotator", value="label", order=ORDER)
    assert krippendorff_alpha(con, labels, level="ordinal", **columns).value == pytest.approx(reference_alpha(ORDER),
                                                                                              abs=1e-12)
    for weights in ("linear", "quadratic"):
        assert cohen_kappa(con, labels, weights=weights, **columns).value == pytest.approx(reference_kappa(weights),
                                                                                           abs=1e-12)


def test_text_that_reads_as_numbers_keeps_its_numeric_order(con):
    values = {"A": ["1", "2", "10", "10", "2"], "B": ["1", "10", "10", "2", "2"]}
    rows = [(unit, coder, v) for coder, vs in values.items() for unit, v in enumerate(vs)]
    name = table(con, "numbers", pd.DataFrame(rows, columns=["unit", "coder", "value"]))
    matrix = np.array([[float(v) for v in vs] for vs in values.values()])
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal")
    assert krippendorff_alpha(con, name, level="ordinal").value == pytest.approx(expected, abs=1e-12)


# ---- `specc agree` ---------------------------------------------------------------------------


def agree(*arguments):
    result = CliRunner().invoke(cli, ["agree", *map(str, arguments)])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def csv_columns(tmp_path):
    path = tmp_path / "labels.csv"
    frame().to_csv(path, index=False)
    return ["--data", path, "--unit", "item", "--coder", "annotator", "--value", "label"]


@pytest.mark.parametrize("options", [
    ("--level", "ordinal"),
    ("--level", "ordinal", "--bootstrap", "20"),
    ("--level", "ordinal", "--per-annotator"),
    ("--metric", "cohen", "--weights", "linear"),
])
def test_agree_refuses_text_without_order(csv_columns, options):
    result = agree(*csv_columns, *options)
    assert result.exit_code == 2
    assert "needs the categories in order, and 3 value(s) are text with no order of their own" in result.output
    assert "give the order, lowest first, with --order LOWEST,...,HIGHEST" in result.output
    assert str(csv_columns[1]) in result.output


def test_agree_with_order_equals_the_reference(csv_columns):
    report = json.loads(agree(*csv_columns, "--level", "ordinal", "--order", "low,mid,high", "--format", "json").output)
    assert report["value"] == pytest.approx(reference_alpha(ORDER), abs=1e-12)
    report = json.loads(agree(*csv_columns, "--metric", "cohen", "--weights", "quadratic", "--order", "low,mid,high",
                              "--format", "json").output)
    assert report["value"] == pytest.approx(reference_kappa("quadratic"), abs=1e-12)


def test_agree_order_must_list_every_value(csv_columns):
    result = agree(*csv_columns, "--level", "ordinal", "--order", "low,mid")
    assert result.exit_code == 2
    assert "1 value(s) are not in the category order, e.g. 'high'; list every category in --order" in result.output


# ---- in a spec: the taxonomy's order ----------------------------------------------------------

SPEC = """
spec ordered
taxonomy Level {{ low "Low"  mid "Middle"  high "High" }}
table labels {{ item int  annotator string  label {label_type} }}
task grade: classification on labels {{ unit item  annotator annotator  label label }}
metric ordinal: alpha ordinal
metric weighted: cohen_kappa quadratic
"""


def spec_metrics(tmp_path, label_type: str, rows: pd.DataFrame | None = None):
    spec = tmp_path / "spec.aspec"
    spec.write_text(SPEC.format(label_type=label_type), encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (frame() if rows is None else rows).to_csv(data / "labels.csv", index=False)
    result, _ = run_spec(spec, data)
    return result, {c.id: c for c in result.checks if c.kind == "metric"}


def test_spec_orders_a_taxonomy_column_by_declaration(tmp_path):
    result, metrics = spec_metrics(tmp_path, "Level")
    assert metrics["ordinal"].value == pytest.approx(reference_alpha(ORDER), abs=1e-9)
    assert metrics["weighted"].value == pytest.approx(reference_kappa("quadratic"), abs=1e-9)
    assert not [c.id for c in result.checks if c.status == "error"]


def test_spec_text_column_without_taxonomy_is_undefined_with_the_reason(tmp_path):
    _, metrics = spec_metrics(tmp_path, "string")
    assert metrics["ordinal"].value is None and metrics["ordinal"].status != "error"
    assert metrics["ordinal"].details["undefined_reason"] == (
        REFUSED + "; type the answer column with a taxonomy: its labels in declaration order are the order")
    assert metrics["weighted"].value is None
    assert metrics["weighted"].details["undefined_reason"].startswith("quadratic-weighted kappa needs the categories")


def test_spec_value_outside_the_taxonomy_is_undefined_not_an_error(tmp_path):
    rows = frame()
    rows.loc[0, "label"] = "huge"
    result, metrics = spec_metrics(tmp_path, "Level", rows)
    assert metrics["ordinal"].value is None and metrics["ordinal"].status != "error"
    assert metrics["ordinal"].details["undefined_reason"] == (
        "1 value(s) are not in the category order, e.g. 'huge';"
        " they are not labels of the column's taxonomy (its enum check counts them)")
    assert {c.id: c.violations for c in result.checks if c.kind != "metric" and c.violations} == {
        "labels.label.enum": 1}
