"""Issue 8, item 7: one policy for several answers of one coder to one unit.

`specc agree` refuses them (exit 2) unless `--latest-by COLUMN` keeps each pair's latest
row; ties in COLUMN are an error naming a pair. A spec's single-answer metric on a
single-answer task is undefined with the reason; multilabel and span tasks, which have
several rows per unit and annotator by design, are not refused.
"""

from __future__ import annotations

import json

import krippendorff
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from metric_tables import table

from specc.metrics import (
    ChoiceNeeded,
    MetricError,
    check_latest_by,
    check_one_value_per_coder,
    krippendorff_alpha,
    latest_rows_sql,
    latest_ties,
    repeated_answers,
)
from specc.cli import cli
from tests.engine.conftest import run_spec

# i3/b answered twice: first `sad` (revision 1), then `angry` (revision 2), which counts.
ROWS = [
    ("i1", "a", "happy", 1), ("i1", "b", "happy", 1), ("i1", "c", "happy", 1),
    ("i2", "a", "sad", 1), ("i2", "b", "sad", 1), ("i2", "c", "angry", 1),
    ("i3", "a", "angry", 1), ("i3", "b", "sad", 1), ("i3", "b", "angry", 2), ("i3", "c", "angry", 1),
    ("i4", "a", "happy", 1), ("i4", "b", "happy", 1), ("i4", "c", "sad", 1),
]
COLUMNS = ["item", "annotator", "mood", "revision"]
CODES = {"happy": 0, "sad": 1, "angry": 2}


def latest_alpha() -> float:
    """Nominal alpha by the `krippendorff` package on the rows that remain: i3/b is `angry`."""
    matrix = {"a": ["happy", "sad", "angry", "happy"], "b": ["happy", "sad", "angry", "happy"],
              "c": ["happy", "angry", "angry", "sad"]}
    return krippendorff.alpha(reliability_data=np.array([[CODES[v] for v in m] for m in matrix.values()], float),
                              level_of_measurement="nominal")


@pytest.fixture
def moods(con):
    return table(con, "moods", pd.DataFrame(ROWS, columns=COLUMNS))


def test_repeated_answers_are_counted_with_an_example(con, moods):
    repeated = repeated_answers(con, moods, "item", "annotator", "mood")
    assert (repeated.pairs, repeated.unit, repeated.coder) == (1, "i3", "b")
    assert repeated.describe("annotator") == "1 (unit, annotator) pair(s) have more than one answer, e.g. unit 'i3' and annotator 'b'"
    with pytest.raises(ChoiceNeeded) as refused:
        check_one_value_per_coder(con, moods, "item", "annotator", "mood")
    assert refused.value.needs == "one answer"


def test_a_missing_answer_is_not_a_second_answer(con):
    rows = [("i1", "a", "happy", 1), ("i1", "a", None, 2), ("i1", "b", "sad", 1)]
    name = table(con, "gaps", pd.DataFrame(rows, columns=COLUMNS))
    assert repeated_answers(con, name, "item", "annotator", "mood") is None
    assert repeated_answers(con, name, "item", "annotator").pairs == 1  # counting rows, not answers


def test_latest_rows_keep_each_pairs_greatest_column(con, moods):
    assert latest_ties(con, moods, "item", "annotator", "revision") is None
    check_latest_by(con, moods, "item", "annotator", "revision")
    con.execute(f"CREATE VIEW latest AS {latest_rows_sql(moods, 'item', 'annotator', 'revision')}")
    kept = con.execute("SELECT mood FROM latest WHERE item = 'i3' AND annotator = 'b'").fetchall()
    assert kept == [("angry",)] and con.execute("SELECT count(*) FROM latest").fetchall() == [(12,)]
    alpha = krippendorff_alpha(con, "latest", unit="item", coder="annotator", value="mood").value
    assert alpha == pytest.approx(latest_alpha(), abs=1e-12)


def test_latest_rows_keep_rows_without_unit_or_coder(con):
    rows = [(None, "a", "happy", 1), (None, "a", "sad", 2), ("i1", None, "sad", 1), ("i1", None, "sad", 1)]
    name = table(con, "loose", pd.DataFrame(rows, columns=COLUMNS))
    con.execute(f"CREATE VIEW loose_latest AS {latest_rows_sql(name, 'item', 'annotator', 'revision')}")
    assert con.execute("SELECT count(*) FROM loose_latest").fetchall() == [(4,)]
    assert latest_ties(con, name, "item", "annotator", "revision") is None


@pytest.mark.parametrize("second", [1, None], ids=["same revision", "no revision"])
def test_no_single_latest_row_is_an_error(con, second):
    rows = [("i1", "a", "happy", 1), ("i1", "a", "sad", second), ("i1", "b", "sad", None)]  # b: one row, fine
    name = table(con, "tied", pd.DataFrame(rows, columns=COLUMNS))
    ties = latest_ties(con, name, "item", "annotator", "revision")
    assert (ties.pairs, ties.unit, ties.coder) == (1, "i1", "a")
    with pytest.raises(MetricError, match=r"1 \(unit, coder\) pair\(s\) have no single latest row by `revision`"):
        check_latest_by(con, name, "item", "annotator", "revision")


# ---- `specc agree` ---------------------------------------------------------------------------


def agree(*arguments):
    result = CliRunner().invoke(cli, ["agree", *map(str, arguments)])
    assert "Traceback" not in result.output
    return result


def csv(tmp_path, rows) -> list:
    path = tmp_path / "moods.csv"
    pd.DataFrame(rows, columns=COLUMNS).to_csv(path, index=False)
    return ["--data", path, "--unit", "item", "--coder", "annotator", "--value", "mood"]


@pytest.mark.parametrize("metric", ["alpha", "fleiss", "cohen", "percent"])
def test_agree_refuses_repeated_answers(tmp_path, metric):
    result = agree(*csv(tmp_path, ROWS), "--metric", metric)
    assert result.exit_code == 2
    assert ("1 (unit, coder) pair(s) have more than one answer, e.g. unit 'i3' and coder 'b'; agreement needs one"
            " answer per unit and coder; keep each pair's latest row with --latest-by COLUMN") in result.output


def test_agree_latest_by_resolves_them(tmp_path):
    columns = csv(tmp_path, ROWS)
    report = json.loads(agree(*columns, "--latest-by", "revision", "--format", "json").output)
    assert report["value"] == pytest.approx(latest_alpha(), abs=1e-12)
    assert (report["latest_by"], report["earlier_rows_left_out"]) == ("revision", 1)
    text = agree(*columns, "--latest-by", "revision", "--per-annotator")
    assert text.exit_code == 0
    assert "latest row per (unit, coder) by `revision`: 1 earlier row(s) left out" in text.output


def test_agree_latest_by_refuses_ties(tmp_path):
    rows = ROWS[:8] + [("i3", "b", "angry", 1)] + ROWS[9:]  # both i3/b rows now at revision 1
    result = agree(*csv(tmp_path, rows), "--latest-by", "revision")
    assert result.exit_code == 2
    assert ("1 (unit, coder) pair(s) have no single latest row by `revision` (two rows share the greatest"
            " `revision`, or a row has none), e.g. unit 'i3' and coder 'b'") in result.output


def test_agree_latest_by_an_unknown_column(tmp_path):
    result = agree(*csv(tmp_path, ROWS), "--latest-by", "revison")
    assert result.exit_code == 2
    assert "no column `revison` in the data" in result.output and "did you mean `revision`?" in result.output


# ---- in a spec --------------------------------------------------------------------------------

SPEC = """
spec repeated
taxonomy Mood {{ happy sad angry }}
table moods {{ item string  annotator string  mood Mood  revision int }}
table gold {{ item string  mood Mood }}
task mood: {kind} on moods {{ unit item  annotator annotator  label mood }}
metric m: {metric}
"""
REASON = ("1 (unit, annotator) pair(s) have more than one answer, e.g. unit 'i3' and annotator 'b';"
          " keep one answer per unit and annotator, or resolve resubmissions with `latest by COLUMN`")


def spec_metric(tmp_path, kind: str, metric: str):
    spec = tmp_path / "spec.aspec"
    spec.write_text(SPEC.format(kind=kind, metric=metric), encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    pd.DataFrame(ROWS, columns=COLUMNS).to_csv(data / "moods.csv", index=False)
    (data / "gold.csv").write_text("item,mood\ni1,happy\ni2,sad\ni3,angry\ni4,happy\n", encoding="utf-8")
    result, _ = run_spec(spec, data)
    return next(c for c in result.checks if c.id == "m")


@pytest.mark.parametrize("metric", ["alpha nominal", "fleiss_kappa", "cohen_kappa", "percent_agreement",
                                    "gold_accuracy against gold.mood"])
def test_spec_single_answer_metric_is_undefined(tmp_path, metric):
    found = spec_metric(tmp_path, "classification", metric + " per annotator  warn below 0.5")
    assert found.value is None and found.status != "error"
    assert found.details["undefined_reason"] == REASON
    assert found.details.get("per_annotator", []) == []


def test_spec_breakdowns_are_undefined_where_the_repeat_is(tmp_path):
    found = spec_metric(tmp_path, "classification", "percent_agreement per revision")
    per = {row["value"]: row["metric"] for row in found.details["per"]["revision"]}
    assert per["1"] is not None and per["2"] is None  # revision 2 holds one row: nothing pairable


def test_spec_multilabel_keeps_several_rows_per_unit_and_annotator(tmp_path, con, moods):
    # as before: each label is one value of its unit, so i3 holds 4 values
    found = spec_metric(tmp_path, "multilabel", "alpha nominal")
    expected = krippendorff_alpha(con, moods, unit="item", coder="annotator", value="mood")
    assert found.details["undefined_reason"] is None and found.details["pairable_values"] == 13
    assert found.value == pytest.approx(expected.value, abs=1e-9)
