"""Drift against a baseline report: the figures against scipy (a test-only oracle), the shipped
two-round example end to end, and the refusals of a baseline that cannot be compared."""

from __future__ import annotations

import json
import random
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from specc.cli import cli
from specc.drift.stats import chi_square, chi_square_survival, js_distance

scipy_stats = pytest.importorskip("scipy.stats")
scipy_distance = pytest.importorskip("scipy.spatial.distance")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "specs" / "intent_drift"
SPEC = EXAMPLE / "intent_drift.aspec"


def _counts(rng: random.Random, labels: int, zeros: bool) -> dict:
    return {f"l{i}": (0 if zeros and rng.random() < 0.2 else rng.randint(0, 500)) for i in range(labels)}


@pytest.mark.parametrize("seed", range(40))
def test_figures_equal_scipy_on_generated_counts(seed):
    rng = random.Random(seed)
    labels = rng.randint(2, 12)
    before, after = _counts(rng, labels, seed % 2 == 0), _counts(rng, labels, seed % 3 == 0)
    kept = [k for k in before if before[k] + after[k] > 0]
    table = [[before[k] for k in kept], [after[k] for k in kept]]
    test = chi_square(before, after)
    if len(kept) < 2 or not sum(table[0]) or not sum(table[1]):
        assert test is None
        return
    statistic, p_value, df, _ = scipy_stats.chi2_contingency(table, correction=False)
    assert test.df == df
    assert test.statistic == pytest.approx(statistic, rel=1e-12)
    assert test.p_value == pytest.approx(p_value, rel=1e-9, abs=1e-300)
    p = [before[k] / sum(table[0]) for k in kept]
    q = [after[k] / sum(table[1]) for k in kept]
    assert js_distance(before, after) == pytest.approx(scipy_distance.jensenshannon(p, q, base=2), abs=1e-12)


@pytest.mark.parametrize("statistic,df", [(0.01, 1), (0.5, 1), (3.0, 2), (10.0, 4), (50.0, 3), (7.9, 7),
                                          (200.0, 10), (1500.0, 40), (30.0, 60)])
def test_chi_square_p_value_equals_scipy(statistic, df):
    assert chi_square_survival(statistic, df) == pytest.approx(scipy_stats.chi2.sf(statistic, df), rel=1e-9)


def test_identical_shares_are_no_drift():
    assert js_distance({"a": 10, "b": 30}, {"a": 20, "b": 60}) == 0.0
    assert chi_square({"a": 10, "b": 30}, {"a": 20, "b": 60}).p_value == 1.0
    assert js_distance({"a": 5}, {"b": 5}) == 1.0  # disjoint labels: the largest distance


# ---- the shipped example, end to end --------------------------------------------------------


def _check(*arguments) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", str(SPEC), *arguments])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def baseline_report(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("drift") / "round1.json"
    code, _ = _check("--data", str(EXAMPLE / "baseline"), "--format", "json", "--out", str(path))
    assert code == 0
    return path


def _counted(folder: str) -> dict:
    lines = (EXAMPLE / folder / "annotations.csv").read_text().splitlines()[1:]
    counts: dict = {}
    for line in lines:
        intent = line.split(",")[2]
        counts[intent] = counts.get(intent, 0) + 1
    return counts


def test_without_a_baseline_drift_metrics_are_not_evaluated(baseline_report):
    report = json.loads(baseline_report.read_text())
    drift = {c["id"]: c for c in report["checks"] if c["id"] in ("intent_shift", "agreement_change")}
    assert {c["status"] for c in drift.values()} == {"warned"}
    assert all(c["value"] is None and "no `--baseline REPORT` given" in c["details"]["not_evaluated"]
               for c in drift.values())
    assert report["verdict"] == "passed" and report["report_version"] == "1.2"
    counts = {c["label"]: c["count"] for c in report["distributions"][0]["counts"]}
    assert counts == _counted("baseline") and sum(counts.values()) == 1000
    assert "drift" not in report


def test_the_planted_shift_is_reported_and_fails_the_bound(baseline_report, tmp_path):
    out = tmp_path / "round2.json"
    code, _ = _check("--data", str(EXAMPLE / "dirty"), "--baseline", str(baseline_report),
                     "--format", "json", "--out", str(out))
    assert code == 1
    report = json.loads(out.read_text())
    jsonschema.validate(report, json.loads((ROOT / "docs" / "report.schema.json").read_text()))
    before, after = _counted("baseline"), _counted("dirty")
    labels = report["drift"]["labels"][0]
    assert (labels["before"], labels["after"]) == (before, after)
    expected_distance = js_distance(before, after)
    assert labels["js_distance"] == pytest.approx(expected_distance) and expected_distance > 0.2
    table = [[before.get(k, 0) for k in sorted(before)], [after.get(k, 0) for k in sorted(before)]]
    statistic, p_value, df, _ = scipy_stats.chi2_contingency(table, correction=False)
    assert labels["chi_square"]["statistic"] == pytest.approx(statistic) and labels["chi_square"]["df"] == df == 4
    assert labels["chi_square"]["p_value"] == pytest.approx(p_value, rel=1e-6, abs=1e-300) and p_value < 1e-20
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["intent_shift"]["status"] == "failed"
    assert checks["intent_shift"]["value"] == pytest.approx(expected_distance)
    assert checks["agreement_change"]["status"] == "passed"
    metric = next(m for m in report["drift"]["metrics"] if m["id"] == "agreement")
    assert metric["change"] == pytest.approx(checks["agreement"]["value"] - metric["before"])
    assert checks["agreement_change"]["value"] == pytest.approx(metric["change"])
    annotators = report["drift"]["annotators"][0]
    assert (annotators["new"], annotators["departed"], annotators["kept"]) == (["ines", "jon"], ["hugo"], 5)
    rates = {c["id"]: c for c in report["drift"]["checks"]}
    assert rates["two_labels"] == {"id": "two_labels", "before": 0.0, "after": 0.0, "change": 0.0,
                                   "violations_before": 0, "violations_after": 0}


def test_a_round_without_the_shift_passes(baseline_report):
    code, output = _check("--data", str(EXAMPLE / "clean"), "--baseline", str(baseline_report))
    assert code == 0, output
    assert "intent_shift" in output


# ---- baselines refused --------------------------------------------------------------------------


def _refused(tmp_path, report) -> str:
    path = tmp_path / "old.json"
    path.write_text(report if isinstance(report, str) else json.dumps(report))
    code, output = _check("--data", str(EXAMPLE / "clean"), "--baseline", str(path))
    assert code == 2
    assert "Traceback" not in output
    return output


def test_a_report_of_another_spec_is_refused(tmp_path, baseline_report):
    report = json.loads(baseline_report.read_text())
    report["spec"]["name"] = "support_intents"
    assert "the baseline is a report of spec `support_intents`, not `intent_drift`" in _refused(tmp_path, report)


def test_a_report_of_another_major_version_is_refused(tmp_path, baseline_report):
    report = json.loads(baseline_report.read_text())
    report["report_version"] = "2.0"
    assert "the baseline is a report of version 2.0; this specc reads reports of version 1.x" in _refused(tmp_path, report)


def test_a_file_that_is_not_a_report_is_refused(tmp_path):
    assert "the baseline is not JSON (line 1, column 1" in _refused(tmp_path, "not json")
    assert "the baseline is not a specc JSON report" in _refused(tmp_path, {"checks": []})


def test_an_older_report_without_label_counts_leaves_the_shift_undefined(tmp_path, baseline_report):
    report = json.loads(baseline_report.read_text())
    report["report_version"] = "1.1"
    del report["distributions"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(report))
    out = tmp_path / "new.json"
    code, _ = _check("--data", str(EXAMPLE / "clean"), "--baseline", str(path), "--format", "json", "--out", str(out))
    assert code == 1  # undefined under a fail bound fails, as every undefined metric does
    shift = next(c for c in json.loads(out.read_text())["checks"] if c["id"] == "intent_shift")
    assert shift["status"] == "failed" and shift["value"] is None
    assert "the baseline report (version 1.1) has no label counts" in shift["details"]["undefined_reason"]


# ---- the drift section of the text, Markdown and HTML reports ---------------------------------


def test_reports_show_the_drift_section(baseline_report, tmp_path):
    arguments = ("--data", str(EXAMPLE / "dirty"), "--baseline", str(baseline_report))
    _, text = _check(*arguments)
    assert "Jensen–Shannon distance 0.252; chi-square 170.82 on 4 df, p = 6.96e-36" in text
    assert "annotations.annotator: new annotators: ines, jon; departed: hugo; 5 in both" in text
    assert "    agreement   0.760  0.752  -0.008" in text
    _check(*arguments, "--format", "markdown", "--out", str(tmp_path / "r.md"),
           "--report", f"html={tmp_path / 'r.html'}")
    markdown = (tmp_path / "r.md").read_text()
    assert "| card\\_lost | 180 | 18% | 408 | 40.8% |" in markdown
    html = (tmp_path / "r.html").read_text()
    assert "<h2>Drift</h2>" in html and "share of each label, before and now" in html
    assert html.count(">card_lost · before<") == 1 and html.count(">card_lost · now<") == 1


def test_label_text_is_neutralised_in_the_drift_section(tmp_path):
    spec = tmp_path / "s.aspec"
    spec.write_text('spec hostile\ntable a { item string  rater string  tag string }\n'
                    'task t: classification on a { unit item  annotator rater  label tag }\n'
                    'metric shift: label_drift on t fail above 0.5\n')
    for folder, tags in (("one", ["ok", "ok"]), ("two", ["<script>x</script>", "ok"])):
        (tmp_path / folder).mkdir()
        rows = "".join(f"i{n},r{n},{tag}\n" for n, tag in enumerate(tags))
        (tmp_path / folder / "a.csv").write_text("item,rater,tag\n" + rows)
    runner = CliRunner()
    base = tmp_path / "one.json"
    runner.invoke(cli, ["check", str(spec), "--data", str(tmp_path / "one"), "--format", "json", "--out", str(base)])
    result = runner.invoke(cli, ["check", str(spec), "--data", str(tmp_path / "two"), "--baseline", str(base),
                                 "--format", "html", "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 1  # half the labels are new: distance 0.56 > 0.5
    html = (tmp_path / "r.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt; · now" in html


def test_without_a_baseline_the_text_report_says_not_evaluated():
    code, text = _check("--data", str(EXAMPLE / "baseline"))
    assert code == 0
    shift = next(line for line in text.splitlines() if "intent_shift" in line and "warned" in line)
    assert "value not evaluated (no --baseline)" in shift
    assert "Drift" not in text


def test_a_report_may_not_overwrite_its_baseline(baseline_report, tmp_path):
    copy = tmp_path / "round1.json"
    copy.write_text(baseline_report.read_text())
    code, output = _check("--data", str(EXAMPLE / "clean"), "--baseline", str(copy), "--format", "json",
                          "--out", str(copy))
    assert code == 2 and "would overwrite an input of this run" in output
    assert copy.read_text() == baseline_report.read_text()


def test_metric_change_is_given_per_group_and_gates_each_group():
    from specc.checks.base import Bound, MetricCheck
    from specc.drift.baseline import Baseline
    from specc.drift.compare import apply_baseline, not_evaluated
    from specc.results import CheckResult

    groups_then = [{"by": "annotator", "value": "ada", "metric": 0.9, "units": 40},
                   {"by": "annotator", "value": "ben", "metric": 0.8, "units": 40}]
    baseline = Baseline("old.json", {"report_version": "1.2", "spec": {"name": "s"}, "distributions": [],
                                     "checks": [{"id": "acc", "value": 0.85, "details": {"groups": groups_then}}]})
    groups_now = [{"by": "annotator", "value": "ada", "metric": 0.95, "units": 40},
                  {"by": "annotator", "value": "ben", "metric": 0.6, "units": 40},
                  {"by": "annotator", "value": "cleo", "metric": 0.7, "units": 40}]
    accuracy = CheckResult("acc", "metric", "t", "metric", "warn", "passed", "", value=0.75,
                           details={"groups": groups_now})
    change = MetricCheck("acc_change", "metric_change", (), "t", follows="acc",
                         bounds=(Bound("fail", "below", -0.15, False),))
    placeholder = not_evaluated(dict(id="acc_change", kind="metric", table="t", scope="metric", severity="error",
                                     message=""))
    checks, section = apply_baseline(baseline, (change,), [accuracy, placeholder], (), ())
    row = section["metrics"][0]
    assert row["change"] == pytest.approx(-0.10)
    assert [(g["value"], g["before"], g["change"]) for g in row["groups"]] == [
        ("ada", 0.9, pytest.approx(0.05)), ("ben", 0.8, pytest.approx(-0.2)), ("cleo", None, None)]
    judged = checks[1]
    assert judged.value == pytest.approx(-0.10)
    assert judged.status == "failed"  # the pooled change passes; ben's −0.20 fails the bound
    assert [g["value"] for g in judged.details["failing_groups"]] == ["ben"]


def test_label_counts_are_of_current_rows_when_resubmissions_are_resolved(tmp_path):
    spec = tmp_path / "s.aspec"
    spec.write_text("spec resubmitted\ntable a {\n  latest by at per item, rater\n  item string  rater string  tag string"
                    "  at int\n}\ntask t: classification on a { unit item  annotator rater  label tag }\n")
    (tmp_path / "a.csv").write_text("item,rater,tag,at\ni1,r1,a,1\ni1,r1,b,2\ni2,r1,a,1\ni3,r1,,1\n")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(cli, ["check", str(spec), "--data", f"a={tmp_path / 'a.csv'}", "--format", "json",
                                      "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    counts = json.loads(out.read_text())["distributions"]
    assert counts == [{"task": "t", "table": "a", "column": "tag",
                       "counts": [{"label": "a", "count": 1}, {"label": "b", "count": 1}]}]
