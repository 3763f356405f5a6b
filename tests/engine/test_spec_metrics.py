"""Every metric a spec can declare, computed through `specc check` on small tables whose
values are known by hand (and, where a library function exists, equal to calling it)."""

from __future__ import annotations

import json

import pytest

from tests.engine.conftest import run_spec

LABELS = """
spec m
taxonomy Mood { happy sad angry }
table labels { item string  annotator string  mood Mood  seconds float }
table gold { item string  mood Mood }
task mood: classification on labels { unit item  annotator annotator  label mood  seconds seconds }
metric m: {body}
"""

ROWS = """
item,annotator,mood,seconds
i1,a,happy,10
i1,b,happy,20
i1,c,happy,30
i2,a,sad,5
i2,b,sad,5
i2,c,angry,5
i3,a,angry,40
i3,b,sad,40
i3,c,angry,40
i4,a,happy,1
i4,b,happy,2
i4,c,sad,3
"""

GOLD = "item,mood\ni1,happy\ni2,sad\ni3,angry\ni4,happy\n"


def _metric(project, body):
    spec_path, data = project(LABELS.replace("{body}", body), {"labels.csv": ROWS, "gold.csv": GOLD})
    result, state = run_spec(spec_path, data)
    return next(c for c in result.checks if c.id == "m"), state


def test_percent_agreement(project):
    # pairs agreeing per item: i1 3/3, i2 1/3, i3 1/3, i4 1/3 -> 6/12
    metric, _ = _metric(project, "percent_agreement")
    assert metric.value == pytest.approx(0.5)


def test_fleiss_kappa_matches_the_library_function(project):
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    table = [["happy"] * 3, ["sad", "sad", "angry"], ["angry", "sad", "angry"], ["happy", "happy", "sad"]]
    expected = fleiss_kappa(aggregate_raters(table)[0])
    metric, _ = _metric(project, "fleiss_kappa")
    assert metric.value == pytest.approx(expected, abs=1e-9)


def test_cohen_kappa_mean_over_pairs(project):
    from sklearn.metrics import cohen_kappa_score

    by_coder = {"a": ["happy", "sad", "angry", "happy"], "b": ["happy", "sad", "sad", "happy"],
                "c": ["happy", "angry", "angry", "sad"]}
    pairs = [("a", "b"), ("a", "c"), ("b", "c")]
    expected = [cohen_kappa_score(by_coder[x], by_coder[y]) for x, y in pairs]
    metric, _ = _metric(project, "cohen_kappa")
    assert [pair["value"] for pair in metric.details["pairs"]] == pytest.approx(expected, abs=1e-9)
    # each pair shares 4 units, under the default minimum of 20 for a mean over pairs
    # (tests/metrics/test_item7_kappa_support.py shows the weighted mean)
    assert metric.value is None and metric.details["pairs_below_min_units"] == 3
    assert "shares 20 units or more" in metric.details["undefined_reason"]


def test_alpha_matches_the_krippendorff_package(project):
    import krippendorff

    codes = {"happy": 0, "sad": 1, "angry": 2}
    matrix = [[codes[v] for v in coder] for coder in (
        ["happy", "sad", "angry", "happy"], ["happy", "sad", "sad", "happy"], ["happy", "angry", "angry", "sad"])]
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    metric, _ = _metric(project, "alpha nominal  fail below 0.9")
    assert metric.value == pytest.approx(expected, abs=1e-9)
    assert metric.status == "failed"


def test_gold_accuracy_per_annotator(project):
    # a: 4/4, b: i3 wrong -> 3/4, c: i2 and i4 wrong -> 2/4; overall 9/12
    metric, _ = _metric(project, "gold_accuracy against gold.mood per annotator  warn below 0.8")
    assert metric.value == pytest.approx(0.75)
    assert metric.status == "warned"
    assert {a["coder"]: a["accuracy"] for a in metric.details["per_annotator"]} == {"a": 1.0, "b": 0.75, "c": 0.5}


def test_mean_and_median_time(project):
    metric, _ = _metric(project, "mean of seconds per annotator  warn above 20")
    assert metric.value == pytest.approx(201 / 12)
    assert {a["coder"]: a["value"] for a in metric.details["per_annotator"]} == {
        "a": 14.0, "b": pytest.approx(67 / 4), "c": 19.5}
    metric, _ = _metric(project, "median of seconds")
    assert metric.value == pytest.approx(7.5)


RANKING = """
spec r
table rankings { prompt_id string  annotator string  responses list of string  ranking list of string }
task rank: ranking on rankings { unit prompt_id  annotator annotator  responses responses  ranking ranking }
metric m: {body}
"""


def _ranking_metric(project, body, rows):
    text = "\n".join(json.dumps(r) for r in rows) + "\n"
    spec_path, data = project(RANKING.replace("{body}", body), {"rankings.jsonl": text})
    result, _ = run_spec(spec_path, data)
    return next(c for c in result.checks if c.id == "m")


def test_kendall_tau_and_w_through_a_spec(project):
    shown = ["a", "b", "c", "d"]
    rows = [
        {"prompt_id": "p1", "annotator": "x", "responses": shown, "ranking": ["a", "b", "c", "d"]},
        {"prompt_id": "p1", "annotator": "y", "responses": shown, "ranking": ["a", "b", "d", "c"]},
        {"prompt_id": "p2", "annotator": "x", "responses": shown, "ranking": ["d", "c", "b", "a"]},
        {"prompt_id": "p2", "annotator": "y", "responses": shown, "ranking": ["d", "c", "b", "a"]},
    ]
    # p1: one discordant pair of six -> tau = (5 - 1) / 6; p2: identical -> 1
    tau = _ranking_metric(project, "kendall_tau", rows)
    assert tau.value == pytest.approx(((4 / 6) + 1) / 2)
    # W for two raters is (1 + rho) / 2 with Spearman's rho: p1 rho = 0.8 -> 0.9; p2 -> 1
    w = _ranking_metric(project, "kendall_w", rows)
    assert w.value == pytest.approx((0.9 + 1.0) / 2)
    pairs = _ranking_metric(project, "preference_agreement percent", rows)
    assert pairs.value == pytest.approx(11 / 12)  # 12 response pairs judged twice, 11 agree
