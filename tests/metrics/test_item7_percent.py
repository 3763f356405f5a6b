"""Issue 8, item 7: percent agreement in its three standard forms, and issue 11's doubled line.

docs/metrics.md's example, by hand: u1 x, x, x (6 of 6 ordered pairs agree); u2 x, y (0 of
2); u3 x, x, y (2 of 6). pairs = (1 + 0 + 1/3) / 3 = 4/9; pooled = 8 / 14 = 4/7;
unanimous = 1/3. Random tables are checked against a plain Python count of pairs.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from metric_tables import table

from specc.cli import cli
from specc.metrics import MetricError, percent_agreement
from tests.engine.conftest import run_spec

ROWS = [("u1", "A", "x"), ("u1", "B", "x"), ("u1", "C", "x"), ("u2", "A", "x"), ("u2", "B", "y"),
        ("u3", "A", "x"), ("u3", "B", "x"), ("u3", "C", "y"), ("u4", "A", "z")]  # u4: one value, not pairable
BY_HAND = {"pairs": 4 / 9, "pooled": 4 / 7, "unanimous": 1 / 3}


def python_forms(rows) -> dict:
    """The three forms by counting ordered pairs of values unit by unit, in plain Python."""
    units = {}
    for unit, _, value in rows:
        units.setdefault(unit, []).append(value)
    pairable = [values for values in units.values() if len(values) >= 2]
    agreeing = [sum(a == b for a, b in itertools.permutations(values, 2)) for values in pairable]
    pairs = [len(values) * (len(values) - 1) for values in pairable]
    return {
        "pairs": sum(a / n for a, n in zip(agreeing, pairs)) / len(pairable),
        "pooled": sum(agreeing) / sum(pairs),
        "unanimous": sum(len(set(values)) == 1 for values in pairable) / len(pairable),
    }


@pytest.fixture
def small(con):
    return table(con, "small", pd.DataFrame(ROWS, columns=["unit", "coder", "value"]))


@pytest.mark.parametrize("form", list(BY_HAND))
def test_the_three_forms_by_hand(con, small, form):
    result = percent_agreement(con, small, form=form)
    assert result.value == pytest.approx(BY_HAND[form])
    assert result.form == form and result.forms == pytest.approx(BY_HAND)
    assert (result.units, result.coders, result.pairable_values) == (3, 3, 8)
    assert python_forms(ROWS) == pytest.approx(BY_HAND)


def test_default_form_is_the_mean_over_units_of_agreeing_pairs(con, small):
    assert percent_agreement(con, small).value == pytest.approx(4 / 9)


def test_two_values_per_unit_make_the_forms_coincide(con):
    rows = [("u1", "A", "x"), ("u1", "B", "x"), ("u2", "A", "x"), ("u2", "B", "y")]
    result = percent_agreement(con, table(con, "two", pd.DataFrame(rows, columns=["unit", "coder", "value"])))
    assert result.forms == {"pairs": 0.5, "pooled": 0.5, "unanimous": 0.5}


@pytest.mark.parametrize("seed", range(40))
def test_forms_match_a_plain_count_on_random_tables(con, seed):
    rng = np.random.default_rng(900 + seed)
    rows = [(f"u{unit}", f"c{coder}", f"v{rng.integers(int(rng.integers(1, 5)))}")
            for unit in range(int(rng.integers(1, 30))) for coder in range(int(rng.integers(1, 7)))
            if rng.random() < 0.8]
    result = percent_agreement(con, table(con, "random", pd.DataFrame(rows, columns=["unit", "coder", "value"])))
    if result.units == 0:
        assert result.value is None and result.undefined_reason
        return
    assert result.forms == pytest.approx(python_forms(rows), abs=1e-12)


def test_unknown_form(con, small):
    with pytest.raises(MetricError, match="unknown percent agreement form `mean`; forms: pairs, pooled, unanimous"):
        percent_agreement(con, small, form="mean")


# ---- `specc agree --metric percent --form` --------------------------------------------------


def agree(*arguments):
    result = CliRunner().invoke(cli, ["agree", *map(str, arguments)])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def csv_path(tmp_path):
    path = tmp_path / "ratings.csv"
    pd.DataFrame(ROWS, columns=["item", "annotator", "label"]).to_csv(path, index=False)
    return ["--data", path, "--unit", "item", "--coder", "annotator", "--value", "label", "--metric", "percent"]


def test_agree_percent_prints_its_value_once_and_the_other_forms(csv_path):
    result = agree(*csv_path)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Percent agreement, pairs (share of agreeing pairs per unit, averaged over units): 0.444"
    assert lines[1] == ("  pooled 0.571 (agreeing pairs over all pairs) · "
                        "unanimous 0.333 (share of units where every value agrees)")
    assert sum("0.444" in line for line in lines) == 1  # issue 11: the value was printed twice
    assert not any(line.strip().startswith("percent agreement:") for line in lines)


@pytest.mark.parametrize("form", list(BY_HAND))
def test_agree_form_option(csv_path, form):
    report = json.loads(agree(*csv_path, "--form", form, "--format", "json").output)
    assert report["value"] == pytest.approx(BY_HAND[form]) and report["form"] == form
    assert report["forms"] == pytest.approx(BY_HAND)


def test_form_belongs_to_percent(csv_path):
    result = agree(*csv_path[:-2], "--metric", "alpha", "--form", "pooled")
    assert result.exit_code == 2 and "--form applies to --metric percent" in result.output
    result = agree(*csv_path, "--form", "mean")
    assert result.exit_code == 2 and "'mean' is not one of 'pairs', 'pooled', 'unanimous'" in result.output


# ---- in a spec: `percent_agreement pooled` ----------------------------------------------------

SPEC = """
spec forms
table labels {{ item string  annotator string  label string }}
task tag: classification on labels {{ unit item  annotator annotator  label label }}
metric agreement: percent_agreement {options}
"""


def spec_value(tmp_path, options: str):
    spec = tmp_path / "spec.aspec"
    spec.write_text(SPEC.format(options=options), encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    pd.DataFrame(ROWS, columns=["item", "annotator", "label"]).to_csv(data / "labels.csv", index=False)
    result, _ = run_spec(spec, data)
    return next(c for c in result.checks if c.id == "agreement")


@pytest.mark.parametrize("options,form", [("", "pairs"), ("pairs", "pairs"), ("pooled", "pooled"),
                                          ("unanimous", "unanimous")])
def test_spec_options(tmp_path, options, form):
    metric = spec_value(tmp_path, options)
    assert metric.value == pytest.approx(BY_HAND[form]) and metric.details["form"] == form


def test_spec_rejects_two_forms_and_unknown_words(tmp_path):
    spec = tmp_path / "spec.aspec"
    for options, message in (("pooled unanimous", "takes only one of pairs, pooled, unanimous"),
                             ("pooledd", "did you mean `pooled`?")):
        spec.write_text(SPEC.format(options=options), encoding="utf-8")
        result = CliRunner().invoke(cli, ["lint", str(spec)])
        assert result.exit_code == 2 and "E305" in result.output and message in result.output, result.output
