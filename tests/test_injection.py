"""A hostile delivery cannot write into the media specc's output reaches (issue 13).

The delivery's column names, values, annotator names and file names carry the strings that
act on each medium: a line break followed by a GitHub workflow command, the legacy `##[`
command, ANSI colour and OSC 8 hyperlink escapes, NUL, BEL and VT, `<script>`, `]]>`,
Markdown pipes and backticks, and a percent-encoded line break. They go through a real
`specc check` in every report format and through the error message of a file that does not
match the spec; each output is then read as its medium reads it (an XML parser for JUnit,
html.parser for HTML, GitHub's command rule for logs), and none of the strings is found raw.
"""

from __future__ import annotations

import json
import re
import textwrap
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from specc.cli import cli
from specc.report import FORMATS

FORGED = "::error file=README.md,line=1::specc says this delivery PASSED"
HOSTILE = {
    "workflow": "x\n" + FORGED,
    "legacy": "y ##[error]specc says PASSED",
    "ansi": "\x1b[31mred\x1b[0m",
    "link": "\x1b]8;;https://evil.example/\x07click me\x1b]8;;\x07",
    "controls": "nul\x00bel\x07vt\x0bcr\rend",
    "script": "<script>alert(1)</script>",
    "cdata": "]]><x/>",
    "markdown": "| pipe | `tick` # head > quote",
    "percent": "%0A::warning::encoded",
    "bidi": "abc\u202edcba",
    "lead": "::notice::leads_a_line",
}
RAW_FORBIDDEN = ("\x1b", "\x00", "\x07", "\x0b", "\r", "\u202e", "##[")

SPEC = """\
spec hostile "Hostile delivery" version 1.0.0
taxonomy Mood { happy sad }
table labels {
  item       string  required
  annotator  string  required
  mood       Mood
  note       string
  code       string
}
task mood: classification on labels { unit item  annotator annotator  label mood }
rules for labels {
  error plain_note "Notes are plain words": note matches "^[a-z ]*$"
  error small      "At most one row":       count <= 1
  error numbers    "Codes are numbers":     sql \"\"\"SELECT code FROM labels WHERE CAST(code AS INTEGER) < 0\"\"\"
}
metric agreement "Agreement": percent_agreement on mood per annotator  warn below 0.99
"""


def _rows() -> list[dict]:
    """Every hostile string as an item, an annotator, a mood (not in the taxonomy) and a note;
    plus agreeing and disagreeing pairs so the metric has a per-annotator table."""
    rows = []
    for n, text in enumerate(HOSTILE.values()):
        rows.append({"item": text, "annotator": text, "mood": text, "note": text, "code": "1"})
        rows.append({"item": f"i{n}", "annotator": text, "mood": "happy", "note": "ok", "code": "2"})
        rows.append({"item": f"i{n}", "annotator": "plain", "mood": "sad" if n % 2 else "happy", "note": "ok",
                     "code": "3"})
    rows[-1]["code"] = HOSTILE["ansi"] + HOSTILE["legacy"] + HOSTILE["script"]  # quoted by DuckDB's cast error
    return rows


@pytest.fixture(scope="module")
def delivery(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    spec = folder / "hostile.aspec"
    spec.write_text(SPEC, encoding="utf-8")
    # the file name is hostile too: it is shown in the reports' list of inputs (no `[`:
    # a path with glob characters is read as a glob)
    data = folder / "labels \x1bM\x07<b>&amp;::error::x.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in _rows()), encoding="utf-8")
    return spec, data


@pytest.fixture(scope="module")
def reports(delivery, tmp_path_factory) -> dict[str, str]:
    """The one run's report in every format, written with --report; the text one from stdout."""
    spec, data = delivery
    out = tmp_path_factory.mktemp("reports")
    arguments = ["check", str(spec), "--data", f"labels={data}", "--samples", "50"]
    for fmt in FORMATS:
        if fmt != "text":
            arguments += ["--report", f"{fmt}={out / fmt}"]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 2, result.output  # the raw SQL rule could not run
    assert "Traceback" not in result.output
    rendered = {fmt: (out / fmt).read_text(encoding="utf-8") for fmt in FORMATS if fmt != "text"}
    rendered["text"] = result.stdout
    rendered["stderr"] = result.stderr
    return rendered


def _command_lines(text: str) -> list[str]:
    """Lines GitHub's runner would read as a workflow command (leading white space trimmed)."""
    return [line for line in text.split("\n") if line.lstrip().startswith("::")]


def _no_raw_hostile_text(text: str) -> None:
    for forbidden in RAW_FORBIDDEN:
        assert forbidden not in text, f"{forbidden!r} reached the output raw"
    assert not any(line.lstrip().startswith(FORGED) for line in text.split("\n"))


def test_the_delivery_really_is_hostile(reports):
    """The strings reached the result: the JSON report holds them exactly (it is the lossless one)."""
    report = json.loads(reports["json"])
    samples = [s for c in report["checks"] for s in c["samples"]]
    notes = {s.get("note") for s in samples}
    assert set(HOSTILE.values()) <= notes
    groups = {g["value"] for b in report["breakdowns"] for g in b["groups"]}
    assert set(HOSTILE.values()) <= groups
    errors = [c["details"]["error"] for c in report["checks"] if c["status"] == "error"]
    assert len(errors) == 1 and "\x1b[31m" in errors[0] and "<script>" in errors[0]


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "markdown", "html", "stderr"])
def test_no_output_starts_a_workflow_command(reports, fmt: str):
    assert _command_lines(reports[fmt]) == []
    _no_raw_hostile_text(reports[fmt])


def test_text_report_has_no_escape_byte_and_shows_the_values_escaped(reports):
    text = reports["text"]
    assert "\x1b" not in text
    assert 'mood="x\\n::error file=README.md,line=1::specc says this delivery P…"' in text  # cut at 60
    assert "\\x1b[31mred\\x1b[0m" in text
    assert "\\x1b]8;;https://evil.example/\\x07click me" in text
    assert "nul\\x00bel\\x07vt\\x0bcr\\rend" in text
    # a hostile annotator name leads a line of the breakdown table: its `::` is escaped
    assert "\n  \\x3a:notice::leads_a_line  " in text


def test_stderr_names_the_unrunnable_check_with_its_error_escaped(reports):
    stderr = reports["stderr"]
    line = next(line for line in stderr.splitlines() if line.startswith("error: check `numbers`"))
    assert "\\x1b[31m" in line and "##\\x5berror]" in line


def test_github_annotations_are_only_the_ones_specc_writes(reports):
    lines = reports["github"].splitlines()
    report = json.loads(reports["json"])
    needing_a_look = [c for c in report["checks"] if c["status"] != "passed"]
    assert len(lines) == len(needing_a_look)  # no line was split off by the data
    assert all(re.match(r"::(error|warning) file=[^:]*,line=\d+", line) for line in lines)
    # every `::` after the command's own two is percent-encoded or inside an escape
    for line in lines:
        message = line.split("::", 2)[2]
        assert "\n" not in message and "\x1b" not in message
        assert "##[" not in message
    error = next(line for line in lines if "title=specc numbers" in line)
    assert "\\x1b[31m" in error and "##\\x5berror]" in error


def test_junit_parses_and_carries_no_illegal_character(reports):
    root = ET.fromstring(reports["junit"].encode("utf-8"))
    texts = [root.text or ""] + [node.text or "" for node in root.iter()] + [
        value for node in root.iter() for value in node.attrib.values()]
    joined = "\n".join(texts)
    for forbidden in ("\x1b", "\x00", "\x07", "\x0b", "\u202e"):
        assert forbidden not in joined
    assert _command_lines(joined) == []  # even as the parser reads it: `&#58;` stands for the colon
    failure = next(case for case in root.iter("testcase") if case.get("name") == "plain_note").find("failure")
    assert 'note="\\x1b[31mred\\x1b[0m"' in failure.text
    assert "<script>" not in reports["junit"]  # escaped as XML, of course


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data):
        self.text.append(data)


SPECC_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "div", "b", "h1", "h2", "h3", "dl", "dt",
              "dd", "code", "table", "thead", "tbody", "tr", "th", "td", "p", "figure", "figcaption", "svg", "g",
              "text", "rect", "line", "details", "summary", "pre", "a", "i", "span", "br", "footer"}


def test_html_has_only_the_elements_specc_writes(reports):
    parser = _Elements()
    parser.feed(reports["html"])
    assert parser.tags <= SPECC_TAGS, parser.tags - SPECC_TAGS
    assert "script" not in parser.tags and "x" not in parser.tags
    assert not any(name.startswith("on") for name in parser.attributes)
    text = "".join(parser.text)
    assert "<script>alert(1)</script>" in text  # shown as text, escaped in the source
    assert "\x1b" not in text and "\x00" not in text


def _unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row))


def test_markdown_keeps_its_tables_and_fences_whole(reports):
    lines = reports["markdown"].splitlines()
    assert "<script>" not in reports["markdown"]
    start = lines.index("| | check | table | violations | threshold | message |")
    table = lines[start:lines.index("", start)]
    assert len(table) == 2 + 4  # header, rule, the 3 failed checks and the one that could not run
    assert {_unescaped_pipes(row) for row in table} == {7}  # no data value ended a cell
    numbers = next(row for row in table if "`numbers`" in row)
    assert "\\<script\\>" in numbers and "\\x1b\\[31m" in numbers
    fences = [line for line in lines if re.fullmatch(r"`{3,}(text)?", line)]
    assert len(fences) == 2 and fences[0].removesuffix("text") == fences[1]


def test_json_is_safe_to_print_and_lossless(reports):
    text = reports["json"]
    for forbidden in RAW_FORBIDDEN:
        assert forbidden not in text
    assert "\\u001b[31m" in text and "##\\u005berror]" in text
    assert json.loads(text)["spec"]["name"] == "hostile"


COLUMNS_SPEC = """\
spec strictly
table labels {
  item string
  mood string
  strict
}
"""


def test_a_hostile_column_name_in_a_mismatch_error_is_escaped(tmp_path):
    spec = tmp_path / "strictly.aspec"
    spec.write_text(COLUMNS_SPEC, encoding="utf-8")
    hostile_column = "x\n" + FORGED + " \x1b[31m##[error]boom"
    header = '"item","mood","' + hostile_column.replace('"', '""') + '"'
    (tmp_path / "labels.csv").write_text(header + "\ni1,happy,z\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(spec), "--data", f"labels={tmp_path / 'labels.csv'}"])
    assert result.exit_code == 2
    stderr = result.stderr
    assert "does not match the spec" in stderr
    assert _command_lines(stderr) == []
    _no_raw_hostile_text(stderr)
    assert "`x\\n::error file=README.md,line=1::specc says this delivery PASSED \\x1b[31m##\\x5berror]boom`" in stderr
    # specc's own detail lines are still lines
    assert re.search(r"\n  expected: item string, mood string\n  found: ", stderr)


def test_usage_error_keeps_only_specc_line_breaks():
    from specc.diagnostics import UsageError

    rendered = UsageError(textwrap.dedent("""\
        bad: `a
        ::error::forged`
          found: x"""), where="d/\x1bfile\n::warning::x.csv").render()
    assert rendered.split("\n") == [
        "d/\\x1bfile\\n::warning::x.csv: error: bad: `a\\n::error::forged`",
        "  found: x",
    ]
