"""The guideline document (`specc compile --target docs`) and the plain words behind it.

Golden files for the shipped specs live in tests/golden/docs/ (rewrite them after a deliberate
change with SPECC_UPDATE_GOLDEN=1, then read the diff: they are documents people read). The
plain-words tests pin the exact sentence for each shape of rule, check and metric.
"""

from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from specc import ast
from specc.backends import backend_names, get_backend
from specc.backends.docs import DocsBackend, inline_to_html, markdown_for_markdown, markdown_to_html
from specc.cli import cli
from specc.describe import (
    MARKDOWN, PLAIN, Describer, column_statements, describe_condition, describe_expression, describe_metric,
    describe_rule, describe_spec, describe_thresholds, markdown_code, markdown_escape, task_statements,
)
from specc.parse import parse_text
from specc.resolve import load_checked

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "docs"
GOLDEN_SPECS = ["news_ner", "support_intents"]
ALL_SPECS = sorted((ROOT / "specs").glob("*/*.aspec"))
UPDATE_GOLDEN = os.environ.get("SPECC_UPDATE_GOLDEN") == "1"


# ---- helpers ------------------------------------------------------------------------------


def rule(line: str) -> ast.Rule:
    """The one rule of `rules for t { LINE }`, parsed (names are not resolved)."""
    result = parse_text(f"spec t\nrules for t {{\n  {line}\n}}\n")
    assert result.spec is not None and not result.diagnostics, result.diagnostics
    return result.spec.of_type(ast.RuleBlock)[0].rules[0]


def metric(line: str) -> ast.Metric:
    result = parse_text(f"spec t\n{line}\n")
    assert result.spec is not None and not result.diagnostics, result.diagnostics
    return result.spec.of_type(ast.Metric)[0]


def write_spec(tmp_path: Path, text: str, name: str = "case.aspec") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def render(path: Path) -> dict[str, str]:
    return DocsBackend().render(load_checked(path))


class TagBalance(HTMLParser):
    """Parses a page and records tags that do not nest properly."""

    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse_html(page: str) -> TagBalance:
    parser = TagBalance()
    parser.feed(page)
    parser.close()
    assert not parser.problems, parser.problems[:5]
    assert not parser.stack, f"unclosed tags: {parser.stack}"
    return parser


# ---- golden documents ---------------------------------------------------------------------


@pytest.mark.parametrize("name", GOLDEN_SPECS)
def test_golden_documents(name):
    rendered = render(ROOT / "specs" / name / f"{name}.aspec")
    assert sorted(rendered) == [f"{name}.html", f"{name}.md"]
    for file_name, content in rendered.items():
        golden = GOLDEN / file_name
        if UPDATE_GOLDEN:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(content, encoding="utf-8", newline="\n")
        assert golden.exists(), f"no golden file {golden}; run with SPECC_UPDATE_GOLDEN=1"
        assert content == golden.read_text(encoding="utf-8"), f"{file_name} differs from its golden file"


@pytest.mark.parametrize("path", ALL_SPECS, ids=lambda p: p.stem)
def test_every_example_spec_renders_deterministically(path):
    first, second = render(path), render(path)
    assert first == second
    page = first[f"{path.stem}.html"]
    parsed = parse_html(page)
    assert "<script" not in page.lower()
    assert "guideline" in page.lower()
    assert parsed.tags.count("h1") == 1
    # every check the planner makes appears with its id
    checked = load_checked(path)
    for statement in describe_spec(checked):
        assert f"<code>{statement.id}</code>" in page
        assert f"`{statement.id}`" in first[f"{path.stem}.md"]


def test_document_lists_every_planned_check():
    from specc.plan import build_plan

    for path in ALL_SPECS:
        checked = load_checked(path)
        plan = build_plan(checked)
        planned = [c.id for c in plan.checks if not c.id.endswith(".type")] + [m.id for m in plan.metrics]
        described = [s.id for s in describe_spec(checked)]
        assert described == planned, path.name
        severities = {c.id: c.severity for c in list(plan.checks) + list(plan.metrics)}
        for statement in describe_spec(checked):
            assert statement.severity == severities[statement.id], statement.id


def test_backend_is_registered():
    assert "docs" in backend_names()
    assert isinstance(get_backend("docs"), DocsBackend)


# ---- plain words: rules -------------------------------------------------------------------


@pytest.mark.parametrize("line, expected", [
    ("error r: end > start", "end must be greater than start"),
    ("error r: count distinct annotator per doc_id >= 2", "each doc_id must have at least 2 different annotator values"),
    ("error r: share of label <= 25%", "no single label may make up more than 25% of the rows"),
    ("warn r: share of label <= 25%", "no single label should make up more than 25% of the rows"),
    ("error r: share of label >= 0.1", "each label must make up at least 10% of the rows"),
    ("error r: seconds >= 2 tolerate 5%", "seconds must be at least 2 (up to 5% of rows may break this)"),
    ("warn r: seconds >= 2 tolerate 5%", "seconds should be at least 2 (up to 5% of rows may break this)"),
    ("error r: seconds <= 600 at most 3", "seconds must be at most 600 (up to 3 rows may break this)"),
    ("error r: seconds <= 600 tolerate 1", "seconds must be at most 600 (up to 1 row may break this)"),
    ("error r: submitted_at - assigned_at <= 48h", "submitted_at \u2212 assigned_at must be at most 48 hours"),
    ("error r: submitted_at - assigned_at < 1h", "submitted_at \u2212 assigned_at must be less than 1 hour"),
    ('error r: label in subtree "LOC"', "label must be LOC or one of its sub-labels"),
    ('error r: label not in subtree "LOC"', "label must not be LOC or one of its sub-labels"),
    ('error r: x matches "re"', "x must match the pattern re"),
    ('error r: response not matches "@"', "response must not match the pattern @"),
    ("error r: unique (a, b)", "each combination of a and b must appear only once"),
    ("error r: unique doc_id", "each doc_id must appear only once"),
    ('error r "Pairs agree with rankings": sql """select 1"""', "custom SQL check: Pairs agree with rankings"),
    ('error r: sql """select 1"""', "custom SQL check: r"),
    ("rule r: words(response) <= 150  warn above 2%  fail above 10%",
     "the number of words in response must be at most 150 "
     "(warns if more than 2% of rows break this, fails if more than 10% do)"),
    ("rule r: seconds >= 2  warn above 3", "seconds should be at least 2 (warns if more than 3 rows break this)"),
    ("error r: count per annotator <= 10", "each annotator must have at most 10 rows"),
    ("error r: count per prompt_id, annotator <= 3",
     "each combination of prompt_id and annotator must have at most 3 rows"),
    ("error r: count distinct annotator per doc_id = 1", "each doc_id must have exactly 1 different annotator value"),
    ("error r: count distinct annotator per doc_id >= 2 tolerate 10%",
     "each doc_id must have at least 2 different annotator values (up to 10% of groups may break this)"),
    ("error r: sum(seconds) per annotator <= 1800", "for each annotator, the total of seconds must be at most 1800"),
    ("error r: max(seconds) per annotator < 600", "for each annotator, the largest seconds must be less than 600"),
    ("error r: count >= 10", "the table must have at least 10 rows"),
    ("error r: avg(seconds) <= 60", "the average of seconds must be at most 60"),
    ("warn r: share where (confidence < 0.5) <= 5%",
     "the share of rows where confidence is less than 0.5 should be at most 5%"),
    ('error r: intent not in subtree "security" or confidence >= 0.7',
     "if intent is security or one of its sub-labels, confidence must be at least 0.7"),
    ('error r: confidence >= 0.7 or intent not in subtree "security"',
     "if intent is security or one of its sub-labels, confidence must be at least 0.7"),
    ('error r: not (sentiment = "positive" and stars <= 2) and not (sentiment = "negative" and stars >= 4)',
     "if sentiment is positive, stars must be greater than 2; and if sentiment is negative, stars must be less than 4"),
    ("error r: x is null or x > 0", "if x is not empty, x must be greater than 0"),
    ("error r: a = 1 and (b = 2 or c = 3)", "a must be 1 and (b must be 2 or c must be 3)"),
    ("error r: a = 1 and b = 2 or c = 3", "(a must be 1 and b must be 2) or c must be 3"),
    ("error r: not (a = 1 or b = 2)", "a must not be 1 and b must not be 2"),
    ("error r: a = 1 or not (b = 2 or c = 3)", "if b is 2 or c is 3, a must be 1"),
    ("error r: a = 1 or b = 2 or not (c = 3 and d = 4)",
     "a must be 1 or b must be 2 or (if c is 3, d must not be 4)"),
    ("error r: a != 1 or not (b = 2 and c = 3) or d = 4", "if a is 1 and b is 2 and c is 3, d must be 4"),
    ("error r: (a = 1 or not (b = 2 and c = 3)) and d = 4", "if b is 2 and c is 3, a must be 1; and d must be 4"),
    ("error r: not (a > 3)", "a must be at most 3"),
    ("error r: not (a between 1 and 5)", "a must not be between 1 and 5"),
    ("error r: stars between 1 and 5", "stars must be between 1 and 5"),
    ("error r: x is null", "x must be empty"),
    ("error r: x is not null", "x must not be empty"),
    ('error r: label in ["PER", "ORG"]', "label must be PER or ORG"),
    ('error r: label not in ["A", "B", "C"]', "label must not be one of A, B, C"),
    ("error r: label in leaves", "label must be a leaf label (a label with no sub-labels)"),
    ("error r: doc_id in documents.doc_id", "doc_id must appear in documents.doc_id"),
    ("error r: doc_id not in documents.doc_id", "doc_id must not appear in documents.doc_id"),
    ("error r: lower(trim(response)) != lower(trim(prompt))",
     "response must not equal prompt (ignoring case and surrounding white space)"),
    ('error r: not (lower(response) matches "as an ai")', "response must not match the pattern as an ai (ignoring case)"),
    ("error r: length(span_text) = end - start", "the length of span_text must equal end \u2212 start"),
    ("error r: (a + b) * 2 >= c", "(a + b) \u00d7 2 must be at least c"),
    ("error r: a - (b - c) != 0", "a \u2212 (b \u2212 c) must not be 0"),
    ("error r: coalesce(a, b) > 0", "a (or b when a is empty) must be greater than 0"),
    ("error r: abs(round(x)) <= 3", "the absolute value of x rounded to a whole number must be at most 3"),
    ('error r: documents.status != "withdrawn"', "documents.status must not be withdrawn"),
    ('error r: note != ""', "note must not be empty text"),
    ("error r: flag", "flag must be true"),
    ("error r: not flag", "flag must be false"),
    ("error r: flag = true", "flag must be true"),
    ("error r: 2 < end", "end must be greater than 2"),
    ("error r: length(text) > 0 at most 0.5% of rows", "the length of text must be greater than 0 (up to 0.5% of rows may break this)"),
])
def test_rule_in_plain_words(line, expected):
    assert describe_rule(rule(line)) == expected


def test_times_read_as_before_and_after():
    kinds = {"judged_at": "timestamp", "posted_at": "timestamp", "assigned_at": "timestamp",
             "submitted_at": "timestamp", "reviews.posted_at": "timestamp"}
    describer = Describer(column_kind=lambda ref: kinds.get(str(ref)))
    cases = {
        "judged_at >= posted_at": "judged_at must not be before posted_at",
        "judged_at > reviews.posted_at": "judged_at must be after reviews.posted_at",
        "assigned_at + 30m <= submitted_at": "assigned_at + 30 minutes must not be after submitted_at",
        "submitted_at < assigned_at + 2d": "submitted_at must be before assigned_at + 2 days",
        "submitted_at - assigned_at <= 90s": "submitted_at \u2212 assigned_at must be at most 90 seconds",
    }
    for condition, expected in cases.items():
        assert describe_condition(rule(f"error r: {condition}").condition, describer=describer) == expected


def test_table_counts_name_the_table():
    describer = Describer(table="spans")
    assert describe_condition(rule("error r: count >= 10").condition, describer=describer) == \
        "spans must have at least 10 rows"


def test_markdown_style_puts_names_and_values_in_code():
    assert describe_rule(rule('error r: label != "MISC"'), style=MARKDOWN) == "`label` must not be `MISC`"
    assert describe_rule(rule("error r: end > start"), style=MARKDOWN) == "`end` must be greater than `start`"
    assert describe_rule(rule('error r: x matches "a`b"'), style=MARKDOWN) == "`x` must match the pattern ``a`b``"
    assert describe_rule(rule('error r "*loud* <b>": sql """select 1"""'), style=MARKDOWN) == \
        "custom SQL check: \\*loud\\* \\<b>"


def test_values_in_words():
    assert describe_expression(rule("error r: words(response) > 0").condition.left) == "the number of words in response"
    assert describe_expression(rule("error r: count distinct annotator per doc_id > 0").condition.left) == \
        "the number of different annotator values per doc_id"
    assert describe_expression(rule("error r: lower(trim(x)) = y").condition.left) == "x (lower-cased, trimmed)"
    assert describe_expression(rule("error r: share of label > 0").condition.left) == \
        "the share of the rows taken by each label"


# ---- plain words: metrics -------------------------------------------------------------------


def test_metric_thresholds():
    span = metric("metric m: span_f1 exact on ner  warn below 0.85  fail below 0.70")
    assert describe_thresholds(span.thresholds) == "warns below 0.85, fails below 0.70"
    assert describe_metric(span) == (
        "span F1 between annotators (exact: same boundaries, any label; micro-averaged) on task ner "
        "should be at least 0.85 and must be at least 0.70 (warns below 0.85, fails below 0.70)")


@pytest.mark.parametrize("line, expected", [
    ("metric m: alpha nominal on t per annotator, vendor fail below 0.667",
     "Krippendorff's alpha (nominal) between annotators on task t must be at least 0.667 (fails below 0.667); "
     "each annotator and vendor is held to the same bounds once it rests on at least 20 units"),
    ("metric m: mean of seconds on sft  warn above 900  fail above 1800",
     "the mean of seconds on task sft should be at most 900 and must be at most 1800 (warns above 900, fails above 1800)"),
    ("metric m: cohen_kappa quadratic on t warn below 80%",
     "Cohen's kappa between annotators (quadratic weights) on task t should be at least 80% (warns below 80%)"),
    ("metric m: gold_accuracy on t against gold.label",
     "accuracy against the gold answers in gold.label on task t is reported (no threshold)"),
])
def test_metric_in_plain_words(line, expected):
    assert describe_metric(metric(line)) == expected


# ---- plain words: column constraints and task built-ins -------------------------------------

CONSTRAINTS_SPEC = """spec c
taxonomy Entity { PER ORG LOC { GPE FAC } }
table other { k string key }
table t {
  primary key n, s
  n     int     required  >= 0  <= 600
  s     string  pattern "[a-z]+"  length 1..10
  c     string  one of ["a", "b", "c"]
  l     Entity under "LOC"
  leaf  Entity leaves
  any   Entity
  ref   string  references other.k
  u     string  unique
  xs    list of string  items 4..4
  short string  length <= 1
  b     float   between 0 and 1
}
"""


def test_column_constraints_in_plain_words(tmp_path):
    checked = load_checked(write_spec(tmp_path, CONSTRAINTS_SPEC))
    said = {s.id: s.text for s in column_statements(checked, checked.tables["t"])}
    assert said.pop("t.not_empty") == "t must hold at least one row"
    assert said == {
        "t.n.required": "n must not be empty",
        "t.n.range": "n must be at least 0 and at most 600",
        "t.s.pattern": "s must fully match the pattern [a-z]+",
        "t.s.length": "s must have 1 to 10 characters",
        "t.c.enum": "c must be one of a, b, c",
        "t.l.enum": "l must be LOC or one of its sub-labels in Entity",
        "t.leaf.enum": "leaf must be a leaf label of Entity (a label with no sub-labels)",
        "t.any.enum": "any must be a label of Entity",
        "t.ref.references": "ref must exist in other.k",
        "t.u.unique": "each u must appear only once",
        "t.xs.items": "xs must have exactly 4 items",
        "t.short.length": "short must have at most 1 character",
        "t.b.range": "b must be between 0 and 1",
        "t.primary_key": "each combination of n and s must appear only once",
    }
    keyed = {s.id: s.text for s in column_statements(checked, checked.tables["other"]) if s.id != "other.not_empty"}
    assert keyed == {"other.k.required": "k must not be empty", "other.k.unique": "each k must appear only once"}


TASKS_SPEC = """spec k
table j {
  item string  who string  stars int  label string  first string  second string  tie bool
  prompt string  response string  tag string
}
task rate: rating on j { unit item  annotator who  rating stars  scale 1..7 step 1 }
task pick: classification on j { unit item  annotator who  label label }
task pair: preference on j { unit item  annotator who  chosen first  rejected second  tie tie }
task write: text on j { prompt prompt  response response  check refusal_phrase error  check duplicate_prompt off }
"""


def test_task_built_ins_in_plain_words(tmp_path):
    checked = load_checked(write_spec(tmp_path, TASKS_SPEC))
    said = {s.id: (s.severity, s.text) for task in checked.tasks.values()
            for s in task_statements(checked, task)}
    assert said == {
        "rate.rating_scale": ("error", "stars must be between 1 and 7 in steps of 1"),
        "pick.single_label": ("error", "each who must give exactly one label per item"),
        "pair.chosen_differs": ("error", "first and second must be different responses"),
        "pair.tie_allowed": ("error", "tie must not be set: this task allows no ties"),
        "write.text_not_empty": ("error", "prompt and response must not be empty"),
        "write.response_not_prompt": ("error", "response must not repeat prompt (ignoring case, punctuation and spacing)"),
        "write.response_pii": ("error", "response must not contain an e-mail address or a phone number"),
        "write.refusal_phrase": ("error", "response must not be a canned refusal (such as \u201cas an AI language model\u201d)"),
        "write.duplicate_response": ("warn", "the same response should not appear more than once "
                                             "(ignoring case, punctuation and spacing)"),
    }
    pages = render(tmp_path / "case.aspec")
    assert "Built-in checks switched off for this task: `duplicate_prompt`." in pages["k.md"]


# ---- safety of the page -------------------------------------------------------------------

HOSTILE_SPEC = '''spec hostile "Tricky <b>title</b>"
owner "<img src=x onerror=alert(1)>"
guideline """
Intro <script>alert(1)</script> and <a href="javascript:alert(1)">a link</a>.

- **bold** item with `<code>` and *em*
- ![img](http://example.com/x.png)
"""
taxonomy T "<i>tax</i>" {
  guideline "<style>body{}</style>"
  A "<script>alert(2)</script>" "Desc <iframe src=x>"
    example "<script>alert(3)</script>"
    counterexample "not </li></ul> this"
    alias "<svg onload=alert(4)>"
    guideline "<script>alert(5)</script>"
}
table t "<t>" {
  guideline "<object data=x>"
  v string required pattern "<script>" description "<script>alert(6)</script>"
  l T
}
task k "<script>": classification on t { guideline "<script>alert(7)</script>" unit v annotator v label l }
rules for t {
  error r1 "<script>alert(8)</script>": v != "<script>"
  error r2 "a | b": sql """select * from t where v = '<script>'"""
}
'''


def test_html_escapes_everything_from_the_spec(tmp_path):
    pages = render(write_spec(tmp_path, HOSTILE_SPEC))
    page = pages["hostile.html"]
    parsed = parse_html(page)
    lowered = page.lower()
    for tag in ("<script", "<img", "<iframe", "<svg", "<object", "<i>", "<b>", "<t>"):
        assert tag not in lowered, tag
    assert lowered.count("<style") == 1  # the page's own stylesheet only
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert "<strong>bold</strong>" in page and "<code>&lt;code&gt;</code>" in page and "<em>em</em>" in page
    assert not [value for name, value in parsed.attributes if name in ("src", "onerror", "onload")]
    assert all(value.startswith("#") for name, value in parsed.attributes if name == "href")
    assert "url(" not in page and "@import" not in page and "<link" not in lowered


def test_markdown_does_not_pass_raw_html(tmp_path):
    document = render(write_spec(tmp_path, HOSTILE_SPEC))["hostile.md"]
    for line in document.split("\n"):
        stripped = line.replace("\\<", "")
        # any `<` left must be inside a code span
        if "<" in stripped:
            assert "`" in line, line
    assert "\\<script>alert(1)\\</script>" in document
    assert "| a \\| b" not in document  # the message of a sql rule is not in a table
    assert "Custom SQL check: a \\| b." in document


# ---- the small Markdown converter ---------------------------------------------------------


def test_markdown_to_html_blocks():
    source = (
        "Intro line\ncontinued.\n\n"
        "- one\n- two\n  still two\n  - nested\n\n"
        "3. third\n4. fourth\n\n"
        "# Heading\n\n"
        "```\n<raw> & code\n```\n"
    )
    assert markdown_to_html(source, 3) == (
        "<p>Intro line\ncontinued.</p>\n"
        "<ul>\n<li>one</li>\n<li>two\nstill two\n<ul>\n<li>nested</li>\n</ul></li>\n</ul>\n"
        '<ol start="3">\n<li>third</li>\n<li>fourth</li>\n</ol>\n'
        "<h3>Heading</h3>\n"
        "<pre><code>&lt;raw&gt; &amp; code</code></pre>\n"
    )


@pytest.mark.parametrize("source, expected", [
    ("**bold** and *em* and `code`", "<strong>bold</strong> and <em>em</em> and <code>code</code>"),
    ("snake_case_name stays", "snake_case_name stays"),
    ("\\*not em\\* and \\<b>", "*not em* and &lt;b&gt;"),
    ("``a ` b``", "<code>a ` b</code>"),
    ("unclosed `tick", "unclosed `tick"),
    ("<b onclick=x>hi</b>", "&lt;b onclick=x&gt;hi&lt;/b&gt;"),
    ("**a *b** c*", "<strong>a *b</strong> c*"),
    ("******", "<strong>*</strong>*"),
    ("[link](javascript:alert(1))", "[link](javascript:alert(1))"),
    ("a & b \"q\"", "a &amp; b &quot;q&quot;"),
])
def test_inline_markdown(source, expected):
    assert inline_to_html(source) == expected


def test_markdown_passthrough_moves_headings_and_escapes_html():
    lines = markdown_for_markdown("# Top\n\nText <b>x</b> and `<code>`\n\n```\n<raw>\n```\n```a`\n<b>", 3)
    assert lines == ["### Top", "", "Text \\<b>x\\</b> and `\\<code>`", "", "```", "<raw>", "```",
                     "```a`", "\\<b>"]  # a backtick fence's info string has no backtick: not a fence


# Property tests: the converter always nests its tags; against a reference CommonMark renderer
# (markdown-it-py, when installed), escaped text reads back unchanged and author Markdown
# yields no raw HTML.

_PIECES = st.sampled_from(list("ab *_`\\<>/&#-+1.)[]()!~|=:;\n") + [
    "script", "**", "__", "```", "&amp;", "&#60;", "<b>", "</b>", "<!--", "<?", "1. ", "  - ", "\n# ",
    "](x)", "snake_case"])
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)
_SAFE_TAGS = {"p", "ul", "ol", "li", "strong", "em", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
              "a", "img", "hr", "br", "blockquote"}


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_converter_output_always_nests(source):
    for page in (markdown_to_html(source, 3), inline_to_html(source)):
        parsed = parse_html(page)
        assert set(parsed.tags) <= {"p", "ul", "ol", "li", "strong", "em", "code", "pre", "h3", "h4", "h5", "h6"}


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_markdown_escape_reads_back_unchanged(source):
    markdown_it = pytest.importorskip("markdown_it")
    renderer = markdown_it.MarkdownIt("commonmark", {"html": True})
    one_line = source.replace("\n", " ")
    if one_line:
        inline = renderer.renderInline(markdown_code(one_line))
        assert html.unescape(inline[len("<code>"):-len("</code>")]) == one_line
    source = " ".join(source.split())
    assume(source)
    rendered = renderer.render(markdown_escape(source))
    assert set(re.findall(r"</?([a-z0-9]+)", rendered)) == {"p"}
    assert html.unescape(re.sub(r"</?p>", "", rendered)).strip() == source


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_author_markdown_yields_no_raw_html(source):
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark", {"html": True}).render("\n".join(markdown_for_markdown(source, 3)))
    assert set(re.findall(r"</?([a-z0-9]+)", rendered)) <= _SAFE_TAGS


def test_markdown_helpers():
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("`x") == "`` `x ``"
    assert markdown_code(" a ") == "`  a  `"
    assert markdown_escape("[Angela Merkel] met the press.") == "[Angela Merkel] met the press."
    assert markdown_escape("1. first") == "1\\. first"
    assert markdown_escape("1.2.0", line_start=False) == "1.2.0"
    assert markdown_escape("a *b* _c_ snake_case [x](y)") == "a \\*b\\* \\_c\\_ snake_case [x\\](y)"


def test_plain_style_is_the_default():
    assert describe_condition(rule("error r: end > start").condition) == "end must be greater than start"
    assert describe_condition(rule("error r: end > start").condition, style=PLAIN, modal="should") == \
        "end should be greater than start"


# ---- the command line -------------------------------------------------------------------------


def test_compile_docs_writes_both_files(tmp_path):
    out = tmp_path / "out"
    spec = ROOT / "specs" / "news_ner" / "news_ner.aspec"
    result = CliRunner().invoke(cli, ["compile", "--target", "docs", str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["news_ner.html", "news_ner.md"]
    assert str(out / "news_ner.md") in result.output and str(out / "news_ner.html") in result.output
    assert (out / "news_ner.md").read_text(encoding="utf-8").startswith("# News NER\n")
    assert "Traceback" not in result.output


def test_compile_docs_bad_spec_exits_2_with_a_location(tmp_path):
    bad = write_spec(tmp_path, "spec bad\ntable t { a int }\nrules for t {\n  error r: missing > 1\n}\n", "bad.aspec")
    result = CliRunner().invoke(cli, ["compile", "--target", "docs", str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"{bad}:4:" in result.output
    assert "missing" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
