"""Issue 8, item 7: kappas over more than two coders are weighted by shared units, with a minimum.

Three coders: A and B share 30 units, B and C share 25, A and C only 3 (on which they
disagree: kappa -0.5 by hand). A plain mean of pairwise kappas lets those 3 units weigh as
much as the 30; the weighted mean with the default minimum of 20 shared units leaves the
(A, C) pair out, and reports it. Each pair's kappa is checked against scikit-learn.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from metric_tables import table
from sklearn.metrics import cohen_kappa_score

from specc.cli import cli
from specc.metrics import cohen_kappa, per_annotator_agreement
from tests.engine.conftest import run_spec


def delivery() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    labels = np.array(["x", "y", "z"])
    rows = []
    for unit in range(30):  # A and B: B agrees with A on about 80% of units
        a = labels[rng.integers(3)]
        rows += [(unit, "A", a), (unit, "B", a if rng.random() < 0.8 else labels[rng.integers(3)])]
    for unit in range(30, 55):  # B and C
        b = labels[rng.integers(3)]
        rows += [(unit, "B", b), (unit, "C", b if rng.random() < 0.6 else labels[rng.integers(3)])]
    rows += [(55, "A", "x"), (55, "C", "y"), (56, "A", "y"), (56, "C", "x"), (57, "A", "x"), (57, "C", "x")]
    return pd.DataFrame(rows, columns=["unit", "coder", "value"])


def pair_kappa(frame: pd.DataFrame, a: str, b: str) -> tuple[float, int]:
    wide = frame.pivot(index="unit", columns="coder", values="value")[[a, b]].dropna()
    return cohen_kappa_score(wide[a], wide[b]), len(wide)


@pytest.fixture
def frame():
    return delivery()


def test_pairs_match_scikit_learn_and_the_small_pair_by_hand(con, frame):
    result = cohen_kappa(con, table(con, "ratings", frame))
    by_pair = {(p.coder_a, p.coder_b): (p.value, p.units) for p in result.pairs}
    for a, b in (("A", "B"), ("A", "C"), ("B", "C")):
        assert by_pair[(a, b)] == pytest.approx(pair_kappa(frame, a, b))
    # A, C: agree on 1 of 3; both give x 2 of 3 times -> p_e = 4/9 + 1/9 = 5/9
    assert by_pair[("A", "C")] == pytest.approx(((1 / 3 - 5 / 9) / (4 / 9), 3))
    assert by_pair[("A", "C")][0] == pytest.approx(-0.5)


def test_mean_over_pairs_is_weighted_by_shared_units_above_the_minimum(con, frame):
    (ab, n_ab), (bc, n_bc), (ac, n_ac) = (pair_kappa(frame, *pair) for pair in (("A", "B"), ("B", "C"), ("A", "C")))
    result = cohen_kappa(con, table(con, "ratings", frame))
    assert (result.min_units, result.pairs_below_min_units) == (20, 1)
    assert result.value == pytest.approx((n_ab * ab + n_bc * bc) / (n_ab + n_bc))
    everything = cohen_kappa(con, "ratings", min_units=1)
    assert everything.pairs_below_min_units == 0
    assert everything.value == pytest.approx((n_ab * ab + n_bc * bc + n_ac * ac) / (n_ab + n_bc + n_ac))
    plain_mean = (ab + bc + ac) / 3  # what was reported before: the 3-unit pair counted as much as the others
    assert abs(result.value - plain_mean) > 0.1


def test_no_pair_at_the_minimum_is_undefined_with_the_reason(con, frame):
    result = cohen_kappa(con, table(con, "ratings", frame), min_units=31)
    assert result.value is None and result.pairs_below_min_units == 3
    assert result.undefined_reason == ("no pair of coders with a defined kappa shares 31 units or more"
                                       " (3 pair(s) share fewer; lower the minimum to count them)")


def test_a_single_pair_is_cohens_kappa_whatever_its_size(con, frame):
    only = frame[frame.unit >= 55]
    result = cohen_kappa(con, table(con, "small", only))
    assert result.value == pytest.approx(-0.5) and result.pairs_below_min_units == 0


def test_kappa_with_others_per_annotator(con, frame):
    (ab, n_ab), (bc, n_bc), (ac, n_ac) = (pair_kappa(frame, *pair) for pair in (("A", "B"), ("B", "C"), ("A", "C")))
    rows = {a.coder: a for a in per_annotator_agreement(con, table(con, "ratings", frame)).annotators}
    assert rows["A"].kappa_with_others == pytest.approx(ab)  # the 3 units with C are left out
    assert (rows["A"].kappa_pairs, rows["A"].kappa_units, rows["A"].pairs_below_min_units) == (1, 30, 1)
    assert rows["B"].kappa_with_others == pytest.approx((n_ab * ab + n_bc * bc) / (n_ab + n_bc))
    assert (rows["B"].kappa_pairs, rows["B"].kappa_units, rows["B"].pairs_below_min_units) == (2, 55, 0)
    assert rows["C"].kappa_with_others == pytest.approx(bc)
    low = {a.coder: a for a in per_annotator_agreement(con, "ratings", min_units=1).annotators}
    assert low["A"].kappa_with_others == pytest.approx((n_ab * ab + n_ac * ac) / (n_ab + n_ac))
    assert low["C"].kappa_with_others == pytest.approx((n_bc * bc + n_ac * ac) / (n_bc + n_ac))


def test_an_annotator_with_only_small_pairs_has_no_kappa(con):
    frame = pd.DataFrame([(1, "A", "x"), (1, "B", "y"), (2, "A", "y"), (2, "B", "y")], columns=["unit", "coder", "value"])
    rows = per_annotator_agreement(con, table(con, "tiny", frame)).annotators
    assert [(a.coder, a.kappa_with_others, a.kappa_pairs, a.pairs_below_min_units) for a in rows] == [
        ("A", None, 0, 1), ("B", None, 0, 1)]


# ---- `specc agree --metric cohen` and a spec ---------------------------------------------------


def agree(*arguments):
    result = CliRunner().invoke(cli, ["agree", *map(str, arguments)])
    assert "Traceback" not in result.output
    return result


def test_agree_cohen_over_three_coders(tmp_path, frame):
    path = tmp_path / "ratings.csv"
    frame.to_csv(path, index=False)
    (ab, n_ab), (bc, n_bc), (ac, n_ac) = (pair_kappa(frame, *pair) for pair in (("A", "B"), ("B", "C"), ("A", "C")))
    common = ["--data", path, "--unit", "unit", "--coder", "coder", "--value", "value", "--metric", "cohen"]
    result = agree(*common)
    assert result.exit_code == 0
    assert f"Cohen's kappa (mean over pairs, weighted by shared units): {(n_ab * ab + n_bc * bc) / (n_ab + n_bc):.3f}" \
        in result.output
    assert "pairs of coders: 3 (0 undefined, 1 sharing fewer than 20 units (listed, not in the mean))" in result.output
    report = json.loads(agree(*common, "--min-units", 1, "--format", "json").output)
    assert report["value"] == pytest.approx((n_ab * ab + n_bc * bc + n_ac * ac) / (n_ab + n_bc + n_ac))
    assert report["min_units"] == 1
    text = agree(*common, "--per-annotator").output
    assert "1 pairs, 30 units (+1 under 20 units)" in text
    assert agree(*common, "--min-units", 0).exit_code == 2


SPEC = """
spec kappas
table ratings { unit int  coder string  value string }
task labels: classification on ratings { unit unit  annotator coder  label value }
metric kappa: cohen_kappa per coder
"""


def test_spec_cohen_kappa_is_weighted_too(tmp_path, frame):
    (ab, n_ab), (bc, n_bc), _ = (pair_kappa(frame, *pair) for pair in (("A", "B"), ("B", "C"), ("A", "C")))
    spec = tmp_path / "spec.aspec"
    spec.write_text(SPEC, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    frame.to_csv(data / "ratings.csv", index=False)
    result, _ = run_spec(spec, data)
    metric = next(c for c in result.checks if c.id == "kappa")
    assert metric.value == pytest.approx((n_ab * ab + n_bc * bc) / (n_ab + n_bc))
    per = {row["coder"]: row for row in metric.details["per_annotator"]}
    assert per["A"]["kappa_with_others"] == pytest.approx(ab) and per["A"]["pairs_below_min_units"] == 1


def test_spec_min_units_lowers_the_minimum(tmp_path, frame):
    (ab, n_ab), (bc, n_bc), (ac, n_ac) = (pair_kappa(frame, *pair) for pair in (("A", "B"), ("B", "C"), ("A", "C")))
    spec = tmp_path / "spec.aspec"
    spec.write_text(SPEC.replace("per coder", "per coder min 3 units"), encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    frame.to_csv(data / "ratings.csv", index=False)
    result, _ = run_spec(spec, data)
    metric = next(c for c in result.checks if c.id == "kappa")
    assert metric.value == pytest.approx((n_ab * ab + n_bc * bc + n_ac * ac) / (n_ab + n_bc + n_ac))
    assert metric.details["pairs_below_min_units"] == 0
