"""Reports lead with what is wrong and say what they counted (issue 11, item 3).

- every breakdown is sorted worst first by the figure it is judged by, and a cut after the
  worst N hides the best groups, never alphabetical ones;
- whole-table and `share where` rules print the measured figure, not only "1 of 1 table";
- span samples show both ends and the text they cover;
- gold accuracy counts ratings and units apart; a raw SQL rule counts the rows it returned.
"""

from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

from specc.inputs import parse_data_arguments
from specc.report import render
from specc.resolve import load_checked
from specc.results import Breakdown, CheckResult, InputResult, RunResult, SpecInfo, TableCompliance, Threshold
from specc.runner import RunOptions, run


def result_with(checks=(), breakdowns=()) -> RunResult:
    spec = SpecInfo("s", None, None, "s.aspec", "sha256:" + "0" * 64)
    return RunResult(spec, (InputResult("t", "t.csv", "csv", 10, "sha256:" + "1" * 64),), "failed", "error",
                     (TableCompliance("t", 10, 5),), tuple(checks), tuple(breakdowns))


def run_project(tmp_path: Path, spec_text: str, files: dict[str, str], samples: int = 5) -> RunResult:
    spec_path = tmp_path / "spec.aspec"
    spec_path.write_text(textwrap.dedent(spec_text), encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    for name, content in files.items():
        (data / name).write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    spec = load_checked(spec_path)
    result, _ = run(spec, parse_data_arguments((str(data),), spec), RunOptions(samples=samples))
    return result


def check_by_id(result: RunResult, check_id: str) -> CheckResult:
    return next(c for c in result.checks if c.id == check_id)


# ---- worst first ------------------------------------------------------------------------------

# Thirteen annotators; alphabetically the two at 0% come last, so an alphabetical cut after
# ten hid exactly them.
GROUPS = tuple({"value": name, "rows": 10, "violating_rows": bad, "compliance": (10 - bad) / 10}
               for name, bad in zip("abcdefghijklm", (0, 1, 0, 2, 0, 0, 1, 0, 3, 0, 0, 10, 10)))


def breakdown_lines(text: str) -> list[str]:
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Compliance by annotator"))
    return lines[start:lines.index("", start)]


def test_text_breakdown_is_worst_first_and_the_cut_hides_the_best():
    text = render(result_with(breakdowns=[Breakdown("t", "annotator", "annotator", GROUPS)]), "text")
    assert breakdown_lines(text) == [
        "Compliance by annotator (t.annotator), worst first",
        "  annotator  rows  violating rows  compliance",
        "  l            10              10          0%",
        "  m            10              10          0%",
        "  i            10               3         70%",
        "  d            10               2         80%",
        "  b            10               1         90%",
        "  g            10               1         90%",
        "  a            10               0        100%",
        "  c            10               0        100%",
        "  e            10               0        100%",
        "  f            10               0        100%",
        "  … and 3 more, all at least 100% compliant",
    ]


class Bars(HTMLParser):
    """The label of every bar, per SVG chart, in drawing order."""

    def __init__(self):
        super().__init__()
        self.charts: list[list[str]] = []
        self._label = False

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.charts.append([])
        self._label = tag == "text" and ("class", "label") in attrs

    def handle_data(self, data):
        if self._label:
            self.charts[-1].append(data)
            self._label = False


def test_html_breakdown_chart_is_worst_first():
    bars = Bars()
    bars.feed(render(result_with(breakdowns=[Breakdown("t", "annotator", "annotator", GROUPS)]), "html"))
    assert bars.charts[-1] == list("lmidbgacefhjk")


def metric(threshold: Threshold, per_annotator: list[dict], status: str = "failed") -> CheckResult:
    return CheckResult(id="m", kind="metric", table="t", scope="metric", severity="error", status=status,
                       message="m", value=0.5, checked=100, threshold=threshold,
                       details={"units": 100, "per_annotator": per_annotator})


def annotator_rows(text: str) -> list[str]:
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if "per annotator" in line)
    rows = [line.split()[0] for line in lines[start + 2:] if line.startswith("        ")]
    return [row for row in rows if row != "…"]


def test_per_annotator_tables_lead_with_the_lowest_agreement():
    coders = [{"coder": f"c{n:02}", "ratings": 10, "kappa_with_others": k}
              for n, k in enumerate((0.9, 0.2, None, 0.95, 0.5, 0.1, 0.8, 0.85, 0.7, 0.99, 0.6, 0.3))]
    text = render(result_with([metric(Threshold(fail_side="below", fail_value=0.7), coders)]), "text")
    assert "per annotator, worst kappa_with_others first:" in text
    # lowest first; the cut after ten leaves out the best (0.99) and the undefined one
    assert annotator_rows(text) == ["c05", "c01", "c11", "c04", "c10", "c08", "c06", "c07", "c00", "c03"]
    assert "  … and 2 more" in text


def test_a_metric_that_fails_above_leads_with_the_highest_value():
    coders = [{"coder": name, "value": value, "rows": 5} for name, value in (("fast", 12.0), ("slow", 95.0), ("mid", 40.0))]
    text = render(result_with([metric(Threshold(warn_side="above", warn_value=30), coders, "warned")]), "text")
    assert annotator_rows(text) == ["slow", "mid", "fast"]
    markdown = render(result_with([metric(Threshold(warn_side="above", warn_value=30), coders, "warned")]), "markdown")
    assert re.search(r"per annotator, worst value first:\n.*\n\s+slow .*\n\s+mid .*\n\s+fast ", markdown)


# ---- measured figures -----------------------------------------------------------------------------

SHARE_SPEC = """
spec shares
table labels { item string  confidence float }
rules for labels {
  warn  unsure  "At most 10% of labels under 0.5":  share where (confidence < 0.5) <= 10%
  error enough  "At least 100 labels":              count >= 100
  error spread  "Mean confidence in range":         avg(confidence) between 0.6 and 0.9
}
"""
# 3 of 8 labels under 0.5: 37.5%; mean (0.1+0.2+0.3+0.8+0.9+0.9+1+1)/8 = 0.65
SHARE_ROWS = """
item,confidence
a,0.1
b,0.2
c,0.3
d,0.8
e,0.9
f,0.9
g,1.0
h,1.0
"""


def test_whole_table_rules_record_and_print_what_they_measured(tmp_path):
    result = run_project(tmp_path, SHARE_SPEC, {"labels.csv": SHARE_ROWS})
    unsure, enough, spread = (check_by_id(result, i) for i in ("unsure", "enough", "spread"))
    assert unsure.details["measured"] == {"share where (confidence < 0.5) <= 10%": 0.375}
    assert enough.details["measured"] == {"count >= 100": 8}
    assert spread.details["measured"] == {"avg(confidence) between 0.6 and 0.9": 0.65}
    assert (unsure.status, enough.status, spread.status) == ("warned", "failed", "passed")
    text = render(result, "text")
    assert re.search(r"! warned  unsure +labels +37\.5% measured for share where \(confidence < 0\.5\) <= 10% +must hold",
                     text)
    assert "8 measured for count >= 100" in text
    assert "0.65 measured for avg(confidence) between 0.6 and 0.9" in text
    assert "1 of 1 table" not in text
    assert "37.5% measured for share where (confidence &lt; 0.5) &lt;= 10%" in render(result, "html")
    assert "(37.5%25 measured for share where (confidence < 0.5) <= 10%25; must hold)" in render(result, "github")
    assert "8 measured for count &gt;= 100; must hold" in render(result, "junit")


# ---- span samples ---------------------------------------------------------------------------------

SPANS_SPEC = """
spec s
taxonomy Entity { PER ORG }
table documents { doc_id string key  text string }
table spans { doc_id string  annotator string  start int  end int  label Entity }
task ner: spans on spans { unit doc_id  annotator annotator  span start..end  label label  text documents.text }
"""
DOCUMENTS = "doc_id,text\nd1,Ada Lovelace met Babbage.\n"
SPANS = """
doc_id,annotator,start,end,label
d1,x,0,12,PER
d1,x,4,20,PER
d1,x,17,30,PER
d1,y,9,3,ORG
"""


def test_span_samples_show_both_ends_and_the_text_covered(tmp_path):
    result = run_project(tmp_path, SPANS_SPEC, {"documents.csv": DOCUMENTS, "spans.csv": SPANS})
    bounds, overlap = check_by_id(result, "ner.span_bounds"), check_by_id(result, "ner.span_overlap")
    assert [dict(s) for s in bounds.samples] == [
        {"row": 3, "doc_id": "d1", "annotator": "x", "start": 17, "end": 30, "covered": "Babbage.", "label": "PER"},
        {"row": 4, "doc_id": "d1", "annotator": "y", "start": 9, "end": 3, "covered": None, "label": "ORG"},
    ]
    assert [dict(s) for s in overlap.samples] == [
        {"row": 2, "doc_id": "d1", "annotator": "x", "start": 4, "end": 20, "covered": "Lovelace met Bab",
         "label": "PER", "earlier_end": 12},
    ]
    # row 3 also starts before 20 but ends beyond the text: span_bounds reports it, overlap does
    # not compare it; the join to the text counts each span once
    assert overlap.violations == 1 and overlap.checked == 4
    text = render(result, "text")
    assert 'row 2: doc_id=d1 annotator=x start=4 end=20 covered="Lovelace met Bab" label=PER earlier_end=12' in text


# ---- what was counted -----------------------------------------------------------------------------

GOLD_SPEC = """
spec g
taxonomy Mood { happy sad angry }
table labels { item string  annotator string  mood Mood }
table gold { item string  mood Mood }
task mood: classification on labels { unit item  annotator annotator  label mood }
metric accuracy: gold_accuracy against gold.mood  fail below 0.9
rules for labels {
  error no_sad "No sad label": sql \"\"\"SELECT * FROM labels WHERE mood = 'sad'\"\"\"
}
"""
LABELS = """
item,annotator,mood
i1,a,happy
i1,b,happy
i1,c,happy
i2,a,sad
i2,b,sad
i2,c,angry
i3,a,angry
i3,b,sad
i3,c,angry
i4,a,happy
i4,b,happy
i4,c,sad
i5,a,happy
"""
GOLD = "item,mood\ni1,happy\ni2,sad\ni3,angry\ni4,happy\n"


def test_gold_accuracy_counts_ratings_of_units(tmp_path):
    result = run_project(tmp_path, GOLD_SPEC, {"labels.csv": LABELS, "gold.csv": GOLD})
    accuracy = check_by_id(result, "accuracy")
    # 12 ratings of the 4 units with gold (i5 has none): 9 right
    assert (accuracy.value, accuracy.checked, accuracy.details["ratings"]) == (0.75, 4, 12)
    assert accuracy.details["ratings_without_gold"] == 1
    for fmt in ("text", "html", "junit"):
        assert "value 0.750 over 4 units (12 ratings)" in render(result, fmt), fmt
    assert "| ❌ | `accuracy` | 0.750 | 4 units (12 ratings) | fail below 0.9 |" in render(result, "markdown")


def test_a_raw_sql_rule_counts_the_rows_it_returned(tmp_path):
    result = run_project(tmp_path, GOLD_SPEC, {"labels.csv": LABELS, "gold.csv": GOLD})
    text = render(result, "text")
    assert re.search(r"✗ failed  no_sad +labels +4 rows returned ", text)
    assert "4 violations (rows returned by the query)" in render(result, "junit")
