"""The HTML audit page: well-formed, inert (no script, no handler, no external URL), escaped,
deterministic, with one chart bar per annotator; checked on hand-built results and a real run.

`SPECC_UPDATE_GOLDEN=1 pytest tests/test_report_html.py` rewrites the golden pages after a
deliberate change; open the diff (and the page) before committing it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import specc
from specc.cli import cli
from specc.report import FORMATS, render
from specc.results import Breakdown, CheckResult, RunResult
from test_reports import TRICKY_MESSAGE, big_result, failed_result, passed_result

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "reports"
HOSTILE = "<img src=x onerror=alert(1)>"
QUOTES = "<&>\"'"
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source", "area", "base", "embed", "track"}
ATTENTION = {"failed": 0, "error": 1, "warned": 2, "passed": 3}


@pytest.fixture(autouse=True)
def fixed_tool_version(monkeypatch):
    """The footer names the tool's version; golden pages must not change with every release."""
    monkeypatch.setattr(specc, "__version__", "0.0.0-test")


class Page(HTMLParser):
    """A strict reading of the page: balanced tags, every attribute and text kept for assertions."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str]]] = []
        self.problems: list[str] = []
        self.elements: list[tuple[str, dict, tuple[set[str], ...]]] = []  # tag, attributes, classes of ancestors
        self.text: list[str] = []
        self.source = text
        self.feed(text)
        self.close()
        if self.stack:
            self.problems.append(f"unclosed: {[tag for tag, _ in self.stack]}")

    def handle_starttag(self, tag, attrs):
        self._element(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, set((dict(attrs).get("class") or "").split())))

    def handle_startendtag(self, tag, attrs):
        self._element(tag, attrs)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    def _element(self, tag, attrs):
        ancestors = tuple(classes for _, classes in self.stack)
        self.elements.append((tag, dict(attrs), ancestors))

    def tags(self, tag: str) -> list[dict]:
        return [attrs for name, attrs, _ in self.elements if name == tag]

    def bars_inside(self, css_class: str) -> int:
        return sum(1 for tag, attrs, ancestors in self.elements
                   if tag == "rect" and attrs.get("class") == "bar" and any(css_class in c for c in ancestors))

    @property
    def visible_text(self) -> str:
        return "".join(self.text)


def html_of(result: RunResult, **options) -> str:
    return render(result, "html", **options)


def assert_inert(text: str) -> Page:
    """Parses cleanly; no script, no event handler, nothing fetched from elsewhere."""
    page = Page(text)
    assert page.problems == []
    assert text.startswith("<!DOCTYPE html>\n")
    assert "<script" not in text.lower()
    for tag, attrs, _ in page.elements:
        assert tag not in {"script", "iframe", "object", "embed", "img", "link", "base", "form"}, tag
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (tag, name)
            assert name not in {"src", "srcset", "action", "formaction", "style"}, (tag, name)
            if name == "href":
                assert value.startswith("#"), value
            if value and "//" in value:
                assert name == "xmlns" and value == "http://www.w3.org/2000/svg", (tag, name, value)
    policy = [m for m in page.tags("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert policy and "default-src 'none'" in policy[0]["content"]
    return page


def hostile_result() -> RunResult:
    """Untrusted values wherever the delivery reaches the page: samples, their columns, annotators."""
    base = failed_result()
    check = CheckResult(id="hostile", kind="rule", table="spans", scope="row", severity="error", status="failed",
                        message=QUOTES, violations=2, checked=10, value=0.2,
                        samples=({"row": 1, "text": HOSTILE, HOSTILE: "key"},
                                 {"row": 2, "text": '"><svg onload=alert(1)>', "note": "\u202eevil\x00"}),
                        sql="SELECT '</pre><script>alert(1)</script>'")
    breakdown = Breakdown("spans", "annotator", "annotator", (
        {"value": HOSTILE, "rows": 4, "violating_rows": 1, "compliance": 0.75},
        {"value": '" onmouseover="alert(1)', "rows": 4, "violating_rows": 0, "compliance": 1.0},
    ))
    return replace(base, checks=base.checks + (check,), breakdowns=base.breakdowns + (breakdown,))


# structure and safety ---------------------------------------------------------------------


def test_html_is_registered():
    assert FORMATS["html"] == "specc.report.html"


@pytest.mark.parametrize("make", [failed_result, passed_result, big_result, hostile_result],
                         ids=["failed", "passed", "big", "hostile"])
def test_page_parses_and_is_inert(make):
    page = assert_inert(html_of(make()))
    assert len(page.tags("svg")) >= 1
    assert all(svg.get("role") == "img" for svg in page.tags("svg"))


def test_untrusted_values_are_escaped():
    text = html_of(hostile_result())
    page = assert_inert(text)
    assert "<img" not in text and "<svg onload" not in text and "<script>alert" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert HOSTILE in page.visible_text  # shown to the reader as text, in a cell, a column name and a label
    assert text.count("&lt;img src=x onerror=alert(1)&gt;") >= 4
    assert "&lt;&amp;&gt;&quot;&#x27;" in text  # the message
    assert 'onmouseover=\\&quot;alert(1)' in text  # quoted as the text report quotes it
    assert not any("onmouseover" in name for _, attrs, _ in page.elements for name in attrs)


def test_control_and_bidi_characters_stay_visible_as_escapes():
    text = html_of(hostile_result())
    assert "\x1b" not in text and "\u202e" not in text and "\x00" not in text
    assert "\\x1b[31mred\\x1b[0m \\u202eevil" in text
    assert "\\u202eevil\\x00" in text


def test_messages_keep_their_code_spans_and_line_breaks():
    text = html_of(failed_result())
    assert TRICKY_MESSAGE.replace("\n", "") in Page(text).visible_text  # the <br> is the only change
    assert "Turnaround &lt;48h &amp; &quot;on time&quot; isn&#x27;t optional: 100% of rows<br>see guideline §4" in text
    base = failed_result()
    coded = replace(base.checks[0], message="`doc_id` must be <b>unique</b>")
    text = html_of(replace(base, checks=(coded,) + base.checks[1:]))
    assert "<code>doc_id</code> must be &lt;b&gt;unique&lt;/b&gt;" in text


# content ---------------------------------------------------------------------------------


def test_header_summary_and_verdict():
    page = Page(html_of(failed_result()))
    text = page.visible_text
    for expected in ("specc check: news_ner", "News NER", "version 1.2.0", "FAILED",
                     "4 failed, 1 error, 2 warnings, 5 passed",
                     "exit code 2: a check could not run, so the gate cannot vouch for the data",
                     "data/spans.parquet", "48,310", "99.14%", "99.16%"):
        assert expected in text, expected
    for seed in ("spec", "documents", "spans"):
        assert hashlib.sha256(seed.encode()).hexdigest() in text
    assert "PASSED" in Page(html_of(passed_result())).visible_text
    assert 'class="banner passed"' in html_of(passed_result())


@pytest.mark.parametrize("make", [failed_result, passed_result, big_result], ids=["failed", "passed", "big"])
def test_every_check_id_appears_in_the_checks_table(make):
    result = make()
    rows = re.findall(r'<tr class="[a-z]+"><td>.*?</td><td><code>(.*?)</code>', _section(html_of(result), "Checks"))
    assert sorted(rows) == sorted(c.id for c in result.checks)


def _section(text: str, heading: str) -> str:
    """From the `<h2>` named `heading` to the next one."""
    start = text.index(f"<h2>{heading}</h2>")
    end = text.find("<h2>", start + 1)
    return text[start:end if end != -1 else len(text)]


def test_checks_table_lists_failed_first():
    text = html_of(failed_result())
    statuses = re.findall(r'<tr class="([a-z]+)">', _section(text, "Checks"))
    assert len(statuses) == len(failed_result().checks)
    assert statuses == sorted(statuses, key=ATTENTION.get)
    assert statuses[:5] == ["failed", "failed", "failed", "failed", "error"]


def test_one_bar_per_annotator_worst_first():
    result = failed_result()
    page = Page(html_of(result))
    assert page.bars_inside("breakdown") == len(result.breakdowns[0].groups) == 3
    labels = re.findall(r'<text class="label"[^>]*>([^<]*)</text>', _section(html_of(result), "Compliance by annotator"))
    assert labels == ["ann_c", "ann_b", "ann_a"]


def test_breakdowns_are_cut_at_forty_bars():
    base = failed_result()
    groups = tuple({"value": f"annotator_{n:03d}", "rows": 100, "violating_rows": n, "compliance": 1 - n / 100}
                   for n in range(95))
    result = replace(base, breakdowns=(Breakdown("spans", "vendor", "vendor", groups),))
    text = html_of(result)
    assert Page(text).bars_inside("breakdown") == 40
    assert "… and 55 more vendors" in text
    assert "annotator_094" in text and "annotator_054" not in text  # worst first: most violations shown


def test_violations_chart_has_a_bar_per_failed_or_warned_rule():
    text = html_of(failed_result())
    chart = _section(text, "Violations")
    assert re.findall(r'<g class="row ([a-z]+)">', chart) == ["failed", "failed", "failed", "warned"]
    assert "3 of 48,310 rows (&lt;0.01%)" in chart
    assert chart.count('<rect class="bar"') == 4


def test_metrics_show_values_against_thresholds_and_per_annotator_details():
    text = html_of(failed_result())
    metrics = _section(text, "Metrics")
    assert 'class="tick warn"' in metrics and 'class="tick fail"' in metrics
    assert "warn below 0.85" in metrics and "fail below 0.67" in metrics
    assert "span_agreement per annotator" in metrics and "alpha_label per annotator" in metrics
    assert "<code>scores.f1</code> per annotator" in metrics  # the pairs' F1
    assert "ann_a – ann_c" in metrics and "kappa_with_others" in metrics
    assert "alpha_label per vendor" in metrics and "0.702 ✓" in metrics  # a vendor above the fail level


def test_samples_are_folded_and_limited():
    text = html_of(failed_result(), max_samples=2)
    samples = _section(text, "Samples of violating rows")
    assert samples.count("<details ") == 5  # order, coverage, tat, orphans, too_fast
    assert "… and 4 more samples" in samples
    assert "Catalog Error: Table with name spanz does not exist!" in samples
    assert '<td>31044</td><td>d977</td><td>5</td><td><i class="muted">NULL</i></td>' in html_of(failed_result())


def test_sql_is_folded_once_per_statement():
    text = html_of(failed_result())
    sql = _section(text, "SQL")
    assert sql.count("<details id=\"query-") == len({c.sql for c in failed_result().checks if c.sql})
    assert "<details open" not in sql
    assert "Query 5: <code>balance</code>, <code>too_fast</code>, <code>tat</code>, <code>graded</code>" in sql


# determinism ------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [failed_result, passed_result, big_result, hostile_result],
                         ids=["failed", "passed", "big", "hostile"])
def test_rendering_is_deterministic(make):
    assert html_of(make()) == html_of(make())


def test_timings_are_the_only_difference_between_runs():
    slow, fast = failed_result({"total_seconds": 9.5}), failed_result({"total_seconds": 0.1})
    assert html_of(slow) != html_of(fast)
    assert html_of(slow, with_timings=False) == html_of(fast, with_timings=False)
    assert "Timings" not in html_of(slow, with_timings=False)
    assert "9.500 s" in html_of(slow)


@pytest.mark.parametrize("case, make", [("failed", failed_result), ("passed", passed_result)], ids=["failed", "passed"])
def test_golden(case, make):
    """The same rendering `tests/test_reports.py::test_golden` uses for every format (max_samples=5)."""
    rendered = render(make(), "html", max_samples=5)
    path = GOLDEN / f"{case}.html"
    if os.environ.get("SPECC_UPDATE_GOLDEN"):
        path.write_bytes(rendered.encode("utf-8"))
    assert path.exists(), f"no golden file {path}; run with SPECC_UPDATE_GOLDEN=1"
    assert rendered == path.read_bytes().decode("utf-8")


# a real run -------------------------------------------------------------------------------


def run_cli(monkeypatch, fmt: str) -> tuple[int, str]:
    monkeypatch.chdir(ROOT)
    outcome = CliRunner().invoke(cli, ["check", "specs/news_ner/news_ner.aspec", "--data", "specs/news_ner/dirty",
                                       "--format", fmt])
    assert "Traceback" not in outcome.output
    return outcome.exit_code, outcome.output


def test_real_run(monkeypatch):
    code, text = run_cli(monkeypatch, "html")
    _, report = run_cli(monkeypatch, "json")
    report = json.loads(report)
    assert code == 1
    page = assert_inert(text)
    assert page.bars_inside("breakdown") == sum(len(b["groups"]) for b in report["breakdowns"]) > 0
    for check in report["checks"]:
        assert f"<code>{check['id']}</code>" in text, check["id"]
    assert len(re.findall(r'<tr class="[a-z]+">', _section(text, "Checks"))) == len(report["checks"])
    assert "specc check: news_ner" in page.visible_text and "exit code 1: the gate failed" in page.visible_text
    assert _without_timings(text) == _without_timings(run_cli(monkeypatch, "html")[1])


def _without_timings(text: str) -> str:
    return re.sub(r"<h2>Timings</h2>\n<dl.*?</dl>\n", "", text)

