"""Reports: every format rendered from hand-built RunResults, checked against golden files.

`SPECC_UPDATE_GOLDEN=1 pytest tests/test_reports.py` rewrites the golden files after a
deliberate change; read the diff before committing it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import click
import jsonschema
import pytest

import specc
from specc.report import FORMATS, common, markdown, render
from specc.report.github import escape_data, escape_property
from specc.report.json_report import json_safe
from specc.report.output import write_atomically
from specc.results import (
    Breakdown,
    CheckResult,
    InputResult,
    RunResult,
    SpecInfo,
    TableCompliance,
    Threshold,
)
from specc.source import Span

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "reports"
SCHEMA = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
SPEC_PATH = "specs/news_ner.aspec"
SUFFIXES = {"text": "txt", "json": "json", "junit": "junit.xml", "markdown": "md", "github": "github.txt",
            "html": "html"}
TRICKY_MESSAGE = 'Turnaround <48h & "on time" isn\'t optional: 100% of rows\nsee guideline §4'
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def fixed_tool_version(monkeypatch):
    """Golden files must not change with every release."""
    monkeypatch.setattr(specc, "__version__", "0.0.0-test")


def span(line: int, column: int, end_line: int, end_column: int, file: str = SPEC_PATH) -> Span:
    return Span(file, line, column, end_line, end_column)


def sha(seed: str) -> str:
    import hashlib

    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


def failed_result(timings: dict | None = None) -> RunResult:
    """A delivery with something of everything: passed, warned, failed and errored checks."""
    checks = (
        CheckResult(
            id="documents.doc_id.key", kind="column", table="documents", scope="unique", severity="error",
            status="passed", message="doc_id is a key of documents", violations=0, checked=1200, value=0.0,
            sql='SELECT count(*) - count(DISTINCT "doc_id") FROM "documents"', source=span(30, 14, 30, 17),
        ),
        CheckResult(
            id="spans.doc_id.references", kind="reference", table="spans", scope="reference", severity="error",
            status="passed", message="doc_id refers to documents.doc_id", violations=0, checked=48310, value=0.0,
            sql='SELECT count(*) FROM "spans" ANTI JOIN "documents" USING ("doc_id")', source=span(36, 32, 36, 66),
        ),
        CheckResult(
            id="order", kind="rule", table="spans", scope="row", severity="error", status="failed",
            message="A span must end after it starts", violations=3, checked=48310, value=3 / 48310,
            samples=(
                {"row": 12, "doc_id": "d3", "start": 10, "end": 4, "seconds": Decimal("2.50"),
                 "submitted_at": dt.datetime(2024, 3, 1, 9, 30)},
                {"row": 907, "doc_id": "d41", "start": 88, "end": 88, "seconds": Decimal("0.75"),
                 "submitted_at": dt.datetime(2024, 3, 2, 17, 5, 12, 250000)},
                {"row": 31044, "doc_id": "d977", "start": 5, "end": None, "seconds": None,
                 "submitted_at": None},
            ),
            sql='SELECT count(*) FILTER (WHERE NOT ("end" > "start")) FROM "spans"', source=span(64, 3, 64, 66),
        ),
        CheckResult(
            id="coverage", kind="rule", table="spans", scope="group", severity="error", status="failed",
            message="Each document needs two annotators", violations=2, checked=1200, value=2 / 1200,
            samples=({"doc_id": "d17", "annotators": 1}, {"doc_id": "d530", "annotators": 1}),
            sql='SELECT count(*) FROM (SELECT "doc_id" FROM "spans" GROUP BY "doc_id" '
                'HAVING count(DISTINCT "annotator") < 2)',
            source=span(65, 3, 65, 76),
        ),
        CheckResult(
            id="balance", kind="rule", table="spans", scope="group", severity="warn", status="passed",
            message="No entity type above 40% of spans", violations=0, checked=5, value=0.0,
            sql="SELECT ...", source=span(66, 3, 66, 78),
        ),
        CheckResult(
            id="too_fast", kind="rule", table="spans", scope="row", severity="warn", status="warned",
            message="Under 2 seconds a span is suspicious", violations=1210, checked=48310, value=1210 / 48310,
            threshold=Threshold(tolerance=0.01, tolerance_is_share=True),
            samples=tuple({"row": row, "annotator": "bob", "seconds": seconds}
                          for row, seconds in ((40, 0.8), (41, 1.25), (77, 0.0), (301, 1.9), (302, 1.5),
                                               (980, float("nan")))),
            sql="SELECT ...", source=span(67, 3, 67, 80),
        ),
        CheckResult(
            id="tat", kind="rule", table="spans", scope="row", severity="error", status="failed",
            message=TRICKY_MESSAGE, violations=412, checked=48310, value=412 / 48310,
            threshold=Threshold(tolerance=0.005, tolerance_is_share=True),
            samples=({"row": 7, "doc_id": "d1",
                      "submitted_at": dt.datetime(2024, 3, 4, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
                      "assigned_at": dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.timezone.utc),
                      "turnaround": dt.timedelta(days=3, hours=2),
                      "note": 'two\nlines <b>&amp;</b> | `x` \x1b[31mred\x1b[0m \u202eevil'},),
            sql="SELECT ...", source=span(68, 3, 69, 40),
        ),
        CheckResult(
            id="graded", kind="rule", table="spans", scope="row", severity="error", status="passed",
            message="graded", violations=193, checked=48310, value=193 / 48310,
            threshold=Threshold(warn_side="above", warn_value=0.01, fail_side="above", fail_value=0.05),
            sql="SELECT ...", source=span(70, 3, 70, 62),
        ),
        CheckResult(
            id="orphans", kind="rule", table="spans", scope="sql", severity="error", status="error",
            message="No span without its document",
            sql="select * from spanz where doc_id not in (select doc_id from documents)",
            source=span(73, 3, 73, 80),
            details={"error": "Catalog Error: Table with name spanz does not exist!\nDid you mean \"spans\"?"},
        ),
        CheckResult(
            id="span_agreement", kind="metric", table="spans", scope="metric", severity="error", status="warned",
            message="span_f1 partial per annotator", checked=120, value=0.812,
            threshold=Threshold(warn_side="below", warn_value=0.85, fail_side="below", fail_value=0.7),
            sql="WITH ...", source=span(76, 1, 76, 82),
            details={"mode": "partial", "micro": {"precision": 0.83, "recall": 0.795, "f1": 0.812},
                     "macro": {"precision": 0.82, "recall": 0.79, "f1": 0.804}, "units": 120, "annotators": 3,
                     "average": "micro",
                     "per_annotator": [
                         {"annotator_a": "ann_a", "annotator_b": "ann_b", "units": 40, "matched": 151.5,
                          "spans_a": 170, "spans_b": 181, "scores": {"precision": 0.837, "recall": 0.891, "f1": 0.863}},
                         {"annotator_a": "ann_a", "annotator_b": "ann_c", "units": 40, "matched": 120.0,
                          "spans_a": 168, "spans_b": 190, "scores": {"precision": 0.632, "recall": 0.714, "f1": 0.67}},
                     ]},
        ),
        CheckResult(
            id="alpha_label", kind="metric", table="spans", scope="metric", severity="error", status="failed",
            message="Alpha", checked=1200, value=0.612,
            threshold=Threshold(fail_side="below", fail_value=0.67),
            sql="WITH ...", source=span(77, 1, 77, 95),
            details={
                "value": 0.612, "level": "nominal", "units": 1200, "coders": 3, "pairable_values": 3600,
                "observed_disagreement": 0.291, "expected_disagreement": 0.75, "percent_agreement": 0.71,
                "undefined_reason": None, "interval": None,
                "per_annotator": [
                    {"coder": coder, "ratings": 1200, "agreement_with_others": agree, "kappa_with_others": kappa,
                     "majority_units": 1180, "agreement_with_majority": agree + 0.05,
                     "kappa_with_majority": kappa + 0.04, "alpha_without": 0.612 - change, "alpha_change": change}
                    for coder, agree, kappa, change in (("ann_a", 0.81, 0.702, 0.012), ("ann_b", 0.79, 0.66, 0.014),
                                                        ("ann_c", 0.55, 0.31, -0.128))
                ],
                "per": {"vendor": [{"value": "acme", "metric": 0.702, "units": 600},
                                   {"value": None, "metric": None, "units": 0}]},
            },
        ),
        CheckResult(
            id="speed", kind="metric", table="spans", scope="metric", severity="warn", status="passed",
            message="mean of seconds", checked=48310, value=412.3871,
            threshold=Threshold(warn_side="above", warn_value=600), sql="SELECT avg(...)",
            source=span(78, 1, 78, 46),
        ),
    )
    return RunResult(
        spec=SpecInfo("news_ner", "News NER", "1.2.0", SPEC_PATH, sha("spec")),
        inputs=(
            InputResult("documents", "data/documents.csv", "csv", 1200, sha("documents")),
            InputResult("spans", "data/spans.parquet", "parquet", 48310, sha("spans")),
        ),
        verdict="failed",
        fail_on="error",
        compliance=(TableCompliance("documents", 1200, 1200), TableCompliance("spans", 48310, 47895)),
        checks=checks,
        breakdowns=(Breakdown("spans", "annotator", "annotator", (
            {"value": "ann_a", "rows": 16100, "violating_rows": 40, "compliance": 1 - 40 / 16100},
            {"value": "ann_b", "rows": 16110, "violating_rows": 75, "compliance": 1 - 75 / 16110},
            {"value": "ann_c", "rows": 16100, "violating_rows": 300, "compliance": 1 - 300 / 16100},
        )),),
        timings=timings if timings is not None else
        {"load_seconds": 0.31, "check_seconds": 1.53, "total_seconds": 1.84},
    )


def passed_result() -> RunResult:
    return RunResult(
        spec=SpecInfo("reviews", None, None, "specs/reviews.aspec", sha("reviews")),
        inputs=(InputResult("ratings", "data/ratings.jsonl", "jsonl", 500, sha("ratings")),),
        verdict="passed",
        fail_on="error",
        compliance=(TableCompliance("ratings", 500, 500),),
        checks=(
            CheckResult(id="ratings.score.range", kind="column", table="ratings", scope="row", severity="error",
                        status="passed", message="score is between 1 and 5", violations=0, checked=500,
                        value=0.0, source=span(9, 20, 9, 33, "specs/reviews.aspec")),
            CheckResult(id="short", kind="rule", table="ratings", scope="row", severity="warn", status="warned",
                        message="Comments under 10 characters", violations=4, checked=500, value=0.008,
                        threshold=Threshold(tolerance=3), samples=({"row": 3, "comment": "ok"},),
                        source=span(14, 3, 14, 60, "specs/reviews.aspec")),
            CheckResult(id="agreement", kind="metric", table="ratings", scope="metric", severity="error",
                        status="passed", message="alpha ordinal", checked=100, value=0.8123,
                        threshold=Threshold(fail_side="below", fail_value=0.667),
                        source=span(17, 1, 17, 50, "specs/reviews.aspec")),
        ),
        timings={"load_seconds": 0.05, "check_seconds": 0.15, "total_seconds": 0.2},
    )


def big_result() -> RunResult:
    """Hundreds of failing checks over many tables: the Markdown summary must stay short."""
    tables = [f"table_{n:02d}" for n in range(20)]
    rules = tuple(
        CheckResult(id=f"rule_{n:03d}", kind="rule", table=tables[n % 20], scope="row", severity="error",
                    status="failed" if n % 3 else "warned", message=f"Rule number {n}", violations=n + 1,
                    checked=1000, value=(n + 1) / 1000,
                    samples=tuple({"row": r, "value": r * n} for r in range(1, 6)), source=span(n + 1, 1, n + 1, 20))
        for n in range(200)
    )
    metrics = tuple(
        CheckResult(id=f"metric_{n:02d}", kind="metric", table=tables[0], scope="metric", severity="error",
                    status="failed", message="alpha", value=0.5, checked=100,
                    threshold=Threshold(fail_side="below", fail_value=0.667))
        for n in range(30)
    )
    return RunResult(
        spec=SpecInfo("big", None, "3.0.0", "specs/big.aspec", sha("big")),
        inputs=tuple(InputResult(t, f"data/{t}.csv", "csv", 1000, sha(t)) for t in tables),
        verdict="failed", fail_on="error",
        compliance=tuple(TableCompliance(t, 1000, 900) for t in tables),
        checks=rules + metrics,
    )


RESULTS = {"failed": failed_result, "passed": passed_result}


# golden files --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", sorted(RESULTS))
def test_golden(case: str, fmt: str):
    rendered = render(RESULTS[case](), fmt, max_samples=5)
    path = GOLDEN / f"{case}.{SUFFIXES[fmt]}"
    if os.environ.get("SPECC_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rendered.encode("utf-8"))
    assert path.exists(), f"no golden file {path}; run with SPECC_UPDATE_GOLDEN=1"
    assert rendered == path.read_bytes().decode("utf-8")


def test_how_latest_by_resolved_resubmissions_is_shown_under_the_table():
    resolved = InputResult("answers", "data/answers.csv", "csv", 1233, sha("answers"), current_rows=1194, tied_rows=6)
    plain = InputResult("gold", "data/gold.csv", "csv", 200, sha("gold"))
    result = dataclasses.replace(passed_result(), inputs=(resolved, plain))
    text = render(result, "text").splitlines()
    at = text.index("inputs  answers  1,233 rows  data/answers.csv (csv)")
    assert text[at + 1] == "                 latest by: 1,194 current, 33 superseded, 6 tied for the latest (none taken)"
    assert text[at + 2] == "        gold       200 rows  data/gold.csv (csv)"
    html = render(result, "html")
    assert "<th>latest by</th>" in html and "<td>1,194 current, 33 superseded, 6 tied for the latest (none taken)</td>" in html
    assert common.resubmissions(plain) == ""
    untied = dataclasses.replace(resolved, tied_rows=0)
    assert common.resubmissions(untied) == "1,194 current, 39 superseded"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_rendering_is_deterministic(fmt: str):
    first = render(failed_result(), fmt)
    assert render(failed_result(), fmt) == first
    assert render(failed_result(), fmt) == render(failed_result(), fmt, color=False)


def test_unknown_format_names_the_known_ones():
    with pytest.raises(ValueError, match="text, json, junit, markdown, github, html"):
        render(failed_result(), "pdf")


def test_formats_load_lazily():
    code = "import sys, specc.report; print(any(m.startswith('specc.report.junit') for m in sys.modules))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert output.stdout.strip() == "False"


# json ----------------------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("result", [failed_result(), passed_result(), big_result()], ids=["failed", "passed", "big"])
@pytest.mark.parametrize("with_timings", [True, False])
def test_json_report_validates_against_schema(result: RunResult, with_timings: bool):
    report = json.loads(render(result, "json", with_timings=with_timings))
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert ("timings" in report) is with_timings


@pytest.mark.parametrize("breakage", [
    lambda r: r.update(verdict="maybe"),
    lambda r: r.pop("checks"),
    lambda r: r["checks"][0].update(status="skipped"),
    lambda r: r["checks"][0].update(scope="metric"),
    lambda r: r["checks"][0].pop("sql"),
    lambda r: r["checks"][2]["threshold"].update(tolerance={"value": 1, "unit": "rows"}),
    lambda r: r["spec"].update(sha256="not-a-hash"),
    lambda r: r.update(report_version="2.0"),
    lambda r: r["summary"].update(failed=-1),
])
def test_schema_rejects_broken_reports(breakage):
    report = json.loads(render(failed_result(), "json"))
    breakage(report)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(SCHEMA).validate(report)


def test_json_report_converts_data_values_deterministically():
    report = json.loads(render(failed_result(), "json"))
    checks = {c["id"]: c for c in report["checks"]}
    first = checks["order"]["samples"][0]
    assert first["seconds"] == "2.50"
    assert first["submitted_at"] == "2024-03-01T09:30:00"
    tat = checks["tat"]["samples"][0]
    assert tat["submitted_at"] == "2024-03-04T10:00:00+00:00"  # moved to UTC
    assert tat["turnaround"] == "PT266400S"
    assert checks["too_fast"]["samples"][-1]["seconds"] == "NaN"
    assert checks["tat"]["message"] == TRICKY_MESSAGE


def test_json_timings_are_the_only_difference_between_runs():
    slow, fast = failed_result({"total_seconds": 9.5}), failed_result({"total_seconds": 0.1})
    assert render(slow, "json") != render(fast, "json")
    assert render(slow, "json", with_timings=False) == render(fast, "json", with_timings=False)
    assert json_safe(slow.to_dict(with_timings=False)) == json_safe(fast.to_dict(with_timings=False))  # NaN != NaN


@pytest.mark.parametrize("value, expected", [
    (Decimal("1.50"), "1.50"),
    (Decimal("-0.000"), "-0.000"),
    (dt.date(2024, 2, 29), "2024-02-29"),
    (dt.time(23, 59, 1), "23:59:01"),
    (dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=-5))), "2024-01-01T05:00:00+00:00"),
    (dt.timedelta(seconds=1, microseconds=500000), "PT1.5S"),
    (dt.timedelta(minutes=-2), "-PT120S"),
    (dt.timedelta(0), "PT0S"),
    (float("inf"), "Infinity"),
    (float("-inf"), "-Infinity"),
    (b"\x00\xff", "00ff"),
    (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    ({3, 1, 2}, [1, 2, 3]),
    ({1: "a", None: "b", "k": Decimal("2")}, {"1": "a", "null": "b", "k": "2"}),
    ((1, [Decimal("0.1")]), [1, ["0.1"]]),
    (2.5, 2.5),
    (True, True),
])
def test_json_safe(value, expected):
    assert json_safe(value) == expected
    json.dumps(json_safe(value), allow_nan=False)


# junit ---------------------------------------------------------------------------------


def test_junit_structure_and_counts():
    result = failed_result()
    root = ET.fromstring(render(result, "junit").encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["specc:news_ner.documents", "specc:news_ner.spans",
                                               "specc:news_ner.metrics"]
    cases = root.findall("testsuite/testcase")
    assert len(cases) == len(result.checks) == int(root.get("tests"))
    assert len(root.findall(".//failure")) == int(root.get("failures")) == 4
    assert len(root.findall(".//error")) == int(root.get("errors")) == 1
    assert sum(int(s.get("tests")) for s in suites) == len(cases)
    assert {c.get("classname") for c in suites[2]} == {"metrics"}
    assert root.get("time") == "1.840"


def test_junit_carries_message_counts_threshold_and_samples():
    root = ET.fromstring(render(failed_result(), "junit").encode("utf-8"))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    tat = cases["tat"].find("failure")
    assert tat.get("message") == TRICKY_MESSAGE  # <&>"' and the line break survive the round trip
    assert tat.get("type") == "error"
    assert "412 violations of 48,310 rows; tolerance 0.5%" in tat.text
    assert "spec specs/news_ner.aspec:68:3" in tat.text
    assert "\\x1b[31mred" in tat.text and "\x1b" not in tat.text
    order = cases["order"].find("failure").text
    assert "row 12: doc_id=d3 start=10 end=4 seconds=2.50 submitted_at=2024-03-01T09:30:00" in order
    error = cases["orphans"].find("error")
    assert error.get("message").startswith("Catalog Error")
    warned = cases["too_fast"]
    assert warned.find("failure") is None and warned.find("system-out").text.startswith("warning: ")
    assert list(cases["balance"]) == []


def test_junit_survives_characters_xml_cannot_hold():
    result = failed_result()
    bad = CheckResult(id="nul", kind="rule", table="spans", scope="row", severity="error", status="failed",
                      message="bell \x07 and nul \x00", violations=1, checked=1, value=1.0,
                      samples=({"text": "\x00\x0b\ud800"},))
    result = RunResult(result.spec, result.inputs, "failed", "error", result.compliance, (bad,))
    root = ET.fromstring(render(result, "junit").encode("utf-8"))
    assert root.find(".//failure").get("message") == "bell \\x07 and nul \\x00"


# github --------------------------------------------------------------------------------


def github_lines(result: RunResult = None, **options) -> dict[str, str]:
    text = render(result or failed_result(), "github", **options)
    return {re.search(r"title=specc ([^:,]+)", line).group(1): line for line in text.splitlines()}


def test_github_one_annotation_per_check_that_needs_a_look():
    lines = github_lines()
    assert sorted(lines) == ["alpha_label", "coverage", "order", "orphans", "span_agreement", "tat", "too_fast"]
    assert lines["order"] == (
        "::error file=specs/news_ner.aspec,line=64,col=3,endLine=64,endColumn=65,title=specc order"
        "::A span must end after it starts (3 violations of 48,310 rows; no violations allowed)"
    )
    assert lines["too_fast"] == (
        "::warning file=specs/news_ner.aspec,line=67,col=3,endLine=67,endColumn=79,title=specc too_fast"
        "::Under 2 seconds a span is suspicious (1,210 violations of 48,310 rows; tolerance 1%25)"
    )
    assert lines["alpha_label"].endswith("::Alpha (value 0.612 over 1,200 units; fail below 0.67)")


def test_github_escapes_data_and_properties():
    lines = github_lines()
    # a span over two lines: no columns, as GitHub requires
    assert lines["tat"] == (
        "::error file=specs/news_ner.aspec,line=68,endLine=69,title=specc tat::Turnaround <48h & \"on time\" "
        "isn't optional: 100%25 of rows%0Asee guideline §4 (412 violations of 48,310 rows; tolerance 0.5%25)"
    )
    # the error may quote the data: its line break is shown escaped, on the command's line
    assert lines["orphans"].endswith("(could not run: Catalog Error: Table with name spanz does not exist!"
                                     "\\nDid you mean \"spans\"?)")
    assert escape_property("a:b,c%d\r\ne") == "a%3Ab%2Cc%25d%0D%0Ae"
    assert escape_data("a:b,c%d\r\ne") == "a:b,c%25d%0D%0Ae"


def test_github_file_mapping_and_checks_without_source():
    result = failed_result()
    unplaced = CheckResult(id="builtin", kind="builtin", table="spans", scope="row", severity="warn",
                           status="warned", message="m", violations=1, checked=2, value=0.5)
    imported = CheckResult(id="shared", kind="rule", table="spans", scope="row", severity="error",
                           status="failed", message="m", violations=1, checked=2, value=0.5,
                           source=span(3, 1, 3, 2, "specs/common.aspec"))
    result = RunResult(result.spec, result.inputs, "failed", "error", result.compliance,
                       result.checks + (unplaced, imported))
    lines = github_lines(result, spec_path_for_annotations="repo/specs/news_ner.aspec")
    assert lines["builtin"].startswith("::warning title=specc builtin::m (1 violation of 2 rows;")
    assert "file=specs/common.aspec," in lines["shared"]  # only the main spec's path is mapped
    assert "file=repo/specs/news_ner.aspec," in lines["order"]


def test_github_prints_nothing_when_all_passed():
    result = passed_result()
    assert [line.split(" ")[0] for line in render(result, "github").splitlines()] == ["::warning"]


# markdown ------------------------------------------------------------------------------


def test_markdown_stays_short_on_a_big_report():
    text = render(big_result(), "markdown")
    lines = text.splitlines()
    assert len(lines) <= 60, len(lines)
    assert "… and 185 more failed or warned checks" in text
    assert "… and 22 more metrics" in text
    assert "and 14 more)" in text  # tables in the compliance line
    assert "more with samples" in text
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(render(big_result(), "json")))


def test_markdown_escapes_cells_and_fences_data():
    text = render(failed_result(), "markdown")
    assert "\\<48h \\& \"on time\" isn't optional: 100% of rows<br>see guideline §4" in text
    assert "<b>" not in text.split("<details>")[0]
    fence = re.search(r"^(`{3,})text$", text, re.M).group(1)
    body = text.split(fence + "text\n", 1)[1].split("\n" + fence + "\n", 1)[0]
    assert "note=\"two\\nlines <b>&amp;</b> | `x` \\x1b[31mred\\x1b[0m \\u202eevil\"" in body
    assert "\x1b" not in text and "\u202e" not in text


def test_markdown_keeps_the_authors_code_spans_but_no_html():
    assert markdown.message("`a|b` must be <b>bold</b> & *kept*") == "`a\\|b` must be \\<b\\>bold\\</b\\> \\& *kept*"
    assert markdown.message("one\ntwo | three") == "one<br>two \\| three"
    assert markdown.escape("[x](http://e.x) ![i](http://e.x/i.png)") == "\\[x\\](http://e.x) \\!\\[i\\](http://e.x/i.png)"


def test_markdown_failed_checks_come_first():
    rows = [line for line in render(failed_result(), "markdown").splitlines() if line.startswith("| ")][1:]
    statuses = [row.split(" | ")[0][2:] for row in rows[:5]]
    assert statuses == ["❌", "❌", "❌", "💥", "⚠️"]


# text ----------------------------------------------------------------------------------


def test_samples_shown_are_all_the_engine_fetched_unless_limited():
    assert "row 980: annotator=bob seconds=NaN" in render(failed_result(), "text")
    limited = render(failed_result(), "text", max_samples=2)
    assert "row 77:" not in limited and "… and 4 more samples" in limited


def test_rule_levels_read_as_shares_or_counts():
    def described(value):
        check = CheckResult(id="r", kind="rule", table="t", scope="group", severity="error", status="passed",
                            message="", threshold=Threshold(warn_side="above", warn_value=value))
        return common.describe_threshold(check)

    assert described(0.015) == "warn above 1.5%"
    assert described(10) == "warn above 10 groups"
    assert described(1) == "warn above 1 group"


def test_text_has_colour_only_when_asked():
    plain = render(failed_result(), "text", color=False)
    coloured = render(failed_result(), "text", color=True)
    assert not ANSI.search(plain)
    assert ANSI.search(coloured)
    assert click.unstyle(coloured) == plain


def test_text_never_passes_escape_sequences_from_the_data():
    plain = render(failed_result(), "text")
    assert "\x1b" not in plain and "\u202e" not in plain
    assert "\\x1b[31mred" in plain


def test_text_lines():
    text = render(failed_result(), "text")
    assert "      row 12: doc_id=d3 start=10 end=4 seconds=2.50 submitted_at=2024-03-01T09:30:00" in text
    assert "… and 1 more sample" in render(failed_result(), "text", max_samples=5)
    assert text.endswith("FAILED (4 failed, 1 error, 2 warnings, 5 passed)\n"
                         "exit code 2: a check could not run, so the gate cannot vouch for the data\n")
    assert render(passed_result(), "text").endswith("PASSED (1 warning, 2 passed)\nexit code 0: the gate passed\n")


# output --------------------------------------------------------------------------------


def test_write_atomically_replaces_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "reports" / "out.json"
    write_atomically(target, "first ✓\n")
    write_atomically(target, "second\n")
    assert target.read_bytes() == b"second\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.json"]


def test_write_atomically_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "out.xml"
    target.write_text("old")

    def broken_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xml"]


# the engine's own results ------------------------------------------------------------------

EXAMPLES = sorted(path for path in (ROOT / "specs").glob("*/*.aspec"))


@pytest.mark.parametrize("variant", ["clean", "dirty"])
@pytest.mark.parametrize("spec_path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_engine_results_fit_the_contract(spec_path: Path, variant: str):
    """The example deliveries, run for real: the schema must describe what the engine writes."""
    from specc.inputs import parse_data_arguments
    from specc.resolve import load_checked
    from specc.runner import run

    spec = load_checked(spec_path)
    result, _ = run(spec, parse_data_arguments((str(spec_path.parent / variant),), spec))
    jsonschema.Draft202012Validator(SCHEMA).validate(json.loads(render(result, "json")))
    root = ET.fromstring(render(result, "junit").encode("utf-8"))
    assert int(root.get("tests")) == len(result.checks)
    assert len(render(result, "markdown").splitlines()) <= 60
    github = render(result, "github").splitlines()
    assert len(github) == sum(c.status != "passed" for c in result.checks)
    assert not ANSI.search(render(result, "text"))
