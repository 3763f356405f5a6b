"""`specc check --report FORMAT=PATH`: several reports from one run, and the paths they go to.

The acceptance test of issue 11: one run writes the text report to the console and JUnit,
Markdown and HTML files, and the four agree on the verdict, each check's status and the
counts. Then the targets: checked before the run (an unwritable path, an input, the same
file twice are exit 2 with the path named, and the run never starts), written together and
atomically, and a console summary whenever the main report goes to a file.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from specc import files
from specc.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "support_intents" / "support_intents.aspec"
DIRTY = ROOT / "specs" / "support_intents" / "dirty"
# Hand-counted in specs/support_intents/expected.json: 14 checks fail, `unsure` warns; 24 pass
# (22 rules and built-ins, and `TABLE.not_empty` for both tables).
COUNTS = {"failed": 14, "warned": 1, "error": 0, "passed": 24}
MARKS = {"✓ passed": "passed", "! warned": "warned", "✗ failed": "failed", "E error": "error"}
EMOJI = {"✅": "passed", "⚠️": "warned", "❌": "failed", "💥": "error"}


def check(*arguments: str):
    return CliRunner().invoke(cli, ["check", str(SPEC), "--data", str(DIRTY), *arguments])


# ---- reading each format back ---------------------------------------------------------------


def text_statuses(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        match = re.match(r"  (✓ passed|! warned|✗ failed|E error)\s+(\S+)", line)
        if match:
            found[match.group(2)] = MARKS[match.group(1)]
    return found


def summary_counts(line: str) -> dict[str, int]:
    """`14 failed, 1 warning, 22 passed` -> counts per status (zero counts are left out)."""
    counts = dict.fromkeys(COUNTS, 0)
    for amount, word in re.findall(r"([\d,]+) (failed|errors?|warnings?|passed)", line):
        counts[{"warning": "warned", "warnings": "warned", "errors": "error"}.get(word, word)] = int(amount.replace(",", ""))
    return counts


def junit_statuses(xml: str) -> tuple[dict[str, str], dict[str, int]]:
    root = ET.fromstring(xml.encode("utf-8"))
    statuses = {}
    for case in root.iter("testcase"):
        if case.find("failure") is not None:
            statuses[case.get("name")] = "failed"
        elif case.find("error") is not None:
            statuses[case.get("name")] = "error"
        elif (case.findtext("system-out") or "").startswith("warning:"):
            statuses[case.get("name")] = "warned"
        else:
            statuses[case.get("name")] = "passed"
    totals = {key: int(root.get(key)) for key in ("tests", "failures", "errors")}
    return statuses, totals


def markdown_statuses(markdown: str) -> dict[str, str]:
    """The failed, unrunnable and warned checks, and every metric: what the summary lists."""
    found = {}
    for line in markdown.splitlines():
        match = re.match(r"\| (✅|⚠️|❌|💥) \| `([^`]+)` \|", line)
        if match:
            found[match.group(2).replace("\\|", "|")] = EMOJI[match.group(1)]
    return found


class ChecksTable(HTMLParser):
    """The HTML report's table of every check: each row's class is its status, its first
    `<code>` the check's id; and the summary tiles' counts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.statuses: dict[str, str] = {}
        self.tiles: dict[str, int] = {}
        self._row: str | None = None
        self._in_code = False
        self._tile: str | None = None
        self._in_number = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "tr" and classes:
            self._row = classes[0]
        elif tag == "code" and self._row is not None:
            self._in_code = True
        elif tag == "div" and "tile" in classes and len(classes) == 2:
            self._tile = classes[1]
        elif tag == "span" and "n" in classes and self._tile:
            self._in_number = True

    def handle_data(self, data):
        if self._in_code:
            self.statuses[data] = self._row
            self._row, self._in_code = None, False
        elif self._in_number:
            self.tiles[self._tile] = int(data.replace(",", ""))
            self._tile, self._in_number = None, False


def html_read(html: str) -> ChecksTable:
    parser = ChecksTable()
    parser.feed(html)
    return parser


# ---- the acceptance test ----------------------------------------------------------------------


def test_one_run_writes_four_reports_that_agree(tmp_path):
    result = check("--report", f"junit={tmp_path / 'junit.xml'}", "--report", f"markdown={tmp_path / 'summary.md'}",
                   "--report", f"html={tmp_path / 'audit.html'}", "--report", f"json={tmp_path / 'report.json'}")
    assert result.exit_code == 1
    truth = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    statuses = {c["id"]: c["status"] for c in truth["checks"]}
    assert truth["summary"] == COUNTS and truth["verdict"] == "failed"

    text = result.stdout
    assert text_statuses(text) == statuses
    verdict_line = next(line for line in text.splitlines() if line.startswith(("PASSED", "FAILED")))
    assert verdict_line.startswith("FAILED") and summary_counts(verdict_line) == COUNTS

    junit, totals = junit_statuses((tmp_path / "junit.xml").read_text(encoding="utf-8"))
    assert junit == statuses
    assert totals == {"tests": 39, "failures": COUNTS["failed"], "errors": COUNTS["error"]}

    markdown = (tmp_path / "summary.md").read_text(encoding="utf-8")
    listed = {i: s for i, s in statuses.items() if s != "passed" or i == "intent_alpha"}  # and every metric
    assert markdown_statuses(markdown) == listed
    assert "### ❌ specc failed" in markdown
    assert summary_counts(re.search(r"\*\*(.*?)\*\*", markdown).group(1)) == COUNTS

    page = html_read((tmp_path / "audit.html").read_text(encoding="utf-8"))
    assert page.statuses == statuses
    assert page.tiles == COUNTS
    assert "✗ FAILED" in (tmp_path / "audit.html").read_text(encoding="utf-8")

    # the console named where each file went, on stderr: stdout is the text report alone
    assert result.stderr.splitlines() == [
        f"specc: {fmt} report written to {tmp_path / name}"
        for fmt, name in (("junit", "junit.xml"), ("markdown", "summary.md"), ("html", "audit.html"),
                          ("json", "report.json"))]


def test_a_summary_when_the_main_report_goes_to_a_file(tmp_path):
    result = check("--format", "json", "--out", str(tmp_path / "r.json"), "--report", f"junit={tmp_path / 'j.xml'}")
    assert result.exit_code == 1
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"] == COUNTS
    assert result.stdout.splitlines() == [
        'specc check: support_intents "Support ticket intents" version 2.0.1',
        "FAILED (14 failed, 1 warning, 24 passed); compliance 68.89%",
        "  failed         tickets.channel.enum, tickets.language.pattern, annotations.annotation_id.unique,",
        "                 annotations.ticket_id.references, annotations.vendor.enum, annotations.intent.enum,",
        "                 annotations.confidence.type, annotations.confidence.range,",
        "                 annotations.submitted_at.required, coverage, turnaround, causality, … and 2 more",
        "  warned         unsure",
        "exit code 1: the gate failed",
        f"reports  json   {tmp_path / 'r.json'}",
        f"         junit  {tmp_path / 'j.xml'}",
    ]


def test_out_alone_still_writes_the_text_report_and_says_so(tmp_path):
    result = check("--out", str(tmp_path / "deep" / "er" / "report.txt"))
    assert result.exit_code == 1
    written = (tmp_path / "deep" / "er" / "report.txt").read_text(encoding="utf-8")
    assert written.startswith("specc check: support_intents") and "\x1b" not in written
    assert result.stdout.splitlines()[1] == "FAILED (14 failed, 1 warning, 24 passed); compliance 68.89%"
    assert result.stdout.splitlines()[-1] == f"reports  text  {tmp_path / 'deep' / 'er' / 'report.txt'}"


# ---- targets refused before the run -------------------------------------------------------------


@pytest.fixture
def no_run(monkeypatch):
    """The run must not start: a refused target is found before any data is read."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("the run started")

    monkeypatch.setattr("specc.commands.check.run", refuse)


def assert_refused(result, *excerpts: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    for excerpt in excerpts:
        assert excerpt in result.stderr, result.stderr


@pytest.mark.parametrize("options", [
    ["--format", "junit", "--out", "a.xml", "--format", "html", "--out", "b.html"],
    ["--format", "junit", "--format", "html"],
    ["--out", "a.txt", "--out", "b.txt"],
])
def test_repeated_format_or_out_is_an_error_pointing_to_report(options, no_run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = check(*options)
    assert_refused(result, "given 2 times", "--report FORMAT=PATH")
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_path_is_named_before_the_run(no_run, tmp_path):
    assert_refused(check("--out", "/proc/nope/x.json"),
                   "/proc/nope/x.json: error: cannot write the text report here: cannot create the folder /proc/nope")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert_refused(check("--report", f"html={blocker / 'r.html'}"),
                   f"{blocker / 'r.html'}: error: cannot write the html report here: {blocker} is not a folder")
    assert_refused(check("--report", f"junit={tmp_path}"), f"{tmp_path}: error: cannot write the junit report here: "
                                                            "it is a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # nothing was left behind


def test_a_later_bad_target_stops_the_run_before_the_first_is_written(no_run, tmp_path):
    assert_refused(check("--out", str(tmp_path / "fine.txt"), "--report", "json=/proc/nope/x.json"), "/proc/nope/x.json")
    assert not (tmp_path / "fine.txt").exists()


@pytest.mark.parametrize("report", ["markdown=REPORT", "md=x", "markdown", "junit=-", "=x.xml"])
def test_bad_report_arguments(report, no_run, tmp_path):
    assert_refused(check("--report", report.replace("REPORT", "")), "--report")


def test_two_reports_to_one_file_are_refused(no_run, tmp_path):
    first, same = tmp_path / "r", tmp_path / "sub" / ".." / "r"
    assert_refused(check("--report", f"html={first}", "--report", f"junit={same}"), "name the same file")


def _input_copies(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    for path in DIRTY.iterdir():
        (data / path.name).write_bytes(path.read_bytes())
    return data


@pytest.mark.parametrize("how", ["direct", "dotdot", "symlink", "hardlink", "spec"])
def test_an_input_is_never_overwritten(how, no_run, tmp_path):
    data = _input_copies(tmp_path)
    annotations = data / "annotations.csv"
    before = annotations.read_bytes()
    target = {"direct": annotations, "dotdot": data / ".." / "data" / "annotations.csv", "spec": SPEC}.get(how)
    if how == "symlink":
        target = tmp_path / "link.csv"
        target.symlink_to(annotations)
    elif how == "hardlink":
        target = tmp_path / "hard.csv"
        os.link(annotations, target)
    result = CliRunner().invoke(cli, ["check", str(SPEC), "--data", str(data), "--report", f"json={target}"])
    assert_refused(result, "would overwrite an input of this run")
    assert annotations.read_bytes() == before


def test_a_report_cannot_take_a_quarantine_file(no_run, tmp_path):
    quarantine = tmp_path / "q"
    assert_refused(check("--quarantine", str(quarantine), "--out", str(quarantine / "annotations.clean.parquet")),
                   "a file `--quarantine` writes")


# ---- writing --------------------------------------------------------------------------------------


def test_reports_are_written_together_or_not_at_all(tmp_path, monkeypatch):
    old = tmp_path / "old.txt"
    old.write_text("the previous report", encoding="utf-8")
    staged = []
    real_stage = files._stage

    def failing_second(target, text):
        if staged:
            raise OSError(28, "No space left on device", str(target))
        staged.append(target)
        return real_stage(target, text)

    monkeypatch.setattr(files, "_stage", failing_second)
    with pytest.raises(OSError):
        files.write_all_atomically([(old, "new"), (tmp_path / "second.txt", "x")])
    assert old.read_text(encoding="utf-8") == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.txt"]  # no temporary file left


def test_a_failed_write_after_the_run_is_exit_2_naming_the_path(tmp_path, monkeypatch):
    def full_disk(items):
        raise OSError(28, "No space left on device", str(items[0][0]))

    monkeypatch.setattr(files, "write_all_atomically", full_disk)
    result = check("--out", str(tmp_path / "r.txt"))
    assert_refused(result, f"{tmp_path / 'r.txt'}: error: cannot write the reports: No space left on device")
