"""Every mistake a spec author can make gets a stable code, the right place and a useful hint.

Three layers:

* error files — `tests/errors/CASE.aspec` beside `CASE.expected`, the exact text `specc lint`
  prints for it when run from the repository root. Files starting with `_` are imported or
  read by a case and are not cases themselves. `SPECC_UPDATE_GOLDEN=1 pytest
  tests/test_diagnostics.py` rewrites the expected files (and the rendered examples in
  docs/errors.md) after a deliberate change; review the diff before committing.
* explicit mistakes — one small spec per mistake with the exact diagnostics it must give
  (code, file, line, column), checked in-process through `resolve_file`.
* known bugs — `xfail(strict=True)` tests that say what is wrong today and start failing,
  loudly, the day it is fixed, so the marker gets removed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from specc.cli import cli
from specc.resolve import resolve_file

REPO = Path(__file__).resolve().parent.parent
ERRORS = REPO / "tests" / "errors"
DOCS = REPO / "docs" / "errors.md"
UPDATE = os.environ.get("SPECC_UPDATE_GOLDEN") == "1"

# Only the stages `specc lint` runs: backends may re-use a code for a problem they find later.
LINT_MODULES = ("parse.py", "build_ast.py", "resolve.py", "expr_types.py", "table_settings.py", "taxonomy.py")
CODE_IN_SOURCE = re.compile(r'"([EW]\d{3})"')  # error("E104", …), self.report("E104", …)


def run_lint(*args: str, cwd: Path) -> tuple[int, str]:
    """`specc lint ARGS` in `cwd`, as a person sees it: stdout and stderr in one text."""
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, ["lint", *args], catch_exceptions=False)
    finally:
        os.chdir(previous)
    return result.exit_code, result.output


def codes_in_source() -> set[str]:
    found: set[str] = set()
    for name in LINT_MODULES:
        found |= set(CODE_IN_SOURCE.findall((REPO / "specc" / name).read_text(encoding="utf-8")))
    return found


# ---- error files --------------------------------------------------------------------------

CASES = sorted(p for p in ERRORS.glob("*.aspec") if not p.name.startswith("_"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_error_file(case: Path) -> None:
    exit_code, output = run_lint(case.relative_to(REPO).as_posix(), cwd=REPO)
    expected = case.with_suffix(".expected")
    if UPDATE:
        expected.write_text(output, encoding="utf-8")
    assert expected.exists(), f"no {expected.name}: run with SPECC_UPDATE_GOLDEN=1 and review it"
    assert output == expected.read_text(encoding="utf-8")
    code = case.stem.split("_")[0]
    assert f"[{code}]" in output, f"the case is named for {code} but does not show it"
    assert exit_code == (2 if "error[" in output else 0)
    assert "Traceback" not in output


def test_every_code_has_an_error_file() -> None:
    covered = {case.stem.split("_")[0] for case in CASES}
    assert codes_in_source() - covered == set()


def test_no_stale_expected_files() -> None:
    orphans = [p.name for p in ERRORS.glob("*.expected") if not p.with_suffix(".aspec").exists()]
    assert orphans == []


# ---- docs/errors.md -----------------------------------------------------------------------
#
# Each code has a `### CODE` section with fenced blocks tagged `aspec wrong`, `yaml wrong`,
# `text output` and `aspec right` (extra files start with a `# file: NAME` line). The test
# lints every example in a scratch directory, so the page cannot drift from the linter.

FENCE = re.compile(r"^```(\w+) (wrong|right|output)\n(.*?)^```$", re.M | re.S)
SECTION = re.compile(r"^### ([EW]\d{3})\b", re.M)


def doc_sections() -> dict[str, str]:
    text = DOCS.read_text(encoding="utf-8")
    starts = [(m.group(1), m.start()) for m in SECTION.finditer(text)]
    ends = [start for _, start in starts[1:]] + [len(text)]
    return {code: text[start:end] for (code, start), end in zip(starts, ends)}


def write_example(section: str, role: str, directory: Path) -> None:
    directory.mkdir()
    for _language, kind, body in FENCE.findall(section):
        if kind != role:
            continue
        first = body.split("\n", 1)[0]
        name = first[len("# file: "):].strip() if first.startswith("# file: ") else "spec.aspec"
        (directory / name).write_text(body, encoding="utf-8")


def test_docs_cover_every_code() -> None:
    assert codes_in_source() - set(doc_sections()) == set()


@pytest.mark.parametrize("code", sorted(doc_sections()) if DOCS.exists() else [])
def test_docs_example(code: str, tmp_path: Path) -> None:
    section = doc_sections()[code]
    outputs = [body for _, kind, body in FENCE.findall(section) if kind == "output"]
    assert len(outputs) == 1, f"{code}: one ```text output block expected"
    write_example(section, "wrong", tmp_path / "wrong")
    exit_code, output = run_lint("spec.aspec", cwd=tmp_path / "wrong")
    if UPDATE:
        page = DOCS.read_text(encoding="utf-8")
        fence = "```text output\n{}```"
        updated = section.replace(fence.format(outputs[0]), fence.format(output))
        DOCS.write_text(page.replace(section, updated), encoding="utf-8")
        outputs = [output]
    assert output == outputs[0]
    assert f"[{code}]" in output
    assert exit_code == (2 if "error[" in output else 0)
    write_example(section, "right", tmp_path / "right")
    exit_code, output = run_lint("spec.aspec", cwd=tmp_path / "right")
    assert exit_code == 0, output
    assert f"[{code}]" not in output


# ---- explicit mistakes --------------------------------------------------------------------


@dataclass(frozen=True)
class Mistake:
    """A spec with one mistake and every diagnostic it must give: (code, file, line, col)."""

    name: str
    text: str
    expected: tuple[tuple[str, str, int, int], ...]
    hint: str | None = None  # a piece of the first diagnostic's hint
    message: str | None = None  # a piece of the first diagnostic's message
    files: dict[str, str] = field(default_factory=dict)


def at(code: str, line: int, column: int, file: str = "spec.aspec") -> tuple[str, str, int, int]:
    return (code, file, line, column)


TAGS = """table answers {
  item  string
  rater string
  tag   string
}
task tagging: classification on answers {
  unit item  annotator rater  label tag
}
"""  # lines 2-9 of a spec that starts with `spec s`

ANSWERS = "table answers { item string  rater string  tag string  seconds float }\n"

MISTAKES = [
    # ---- syntax ---------------------------------------------------------------------------
    Mistake("missing closing brace", "spec s\ntable t {\n  x int\n  y string\n",
            (at("E004", 4, 11),), hint="`}`", message="unexpected end of file"),
    Mistake("garbage line", "spec s\ntable t { x int }\nthis is garbage\n",
            (at("E001", 3, 1),), message="unexpected name `this`"),
    Mistake("garbage after a rule", "spec s\ntable t { x int }\nrules for t {\n  error e: x > 0 ;;\n}\n",
            (at("E002", 4, 18),), message="unexpected character `;`"),
    Mistake("unterminated string", 'spec s\ntable t {\n  x string pattern "abc\n}\n',
            (at("E003", 3, 20),), hint="text block"),
    Mistake("bad character", "spec s\ntable t { x int @ }\n", (at("E002", 2, 17),), message="`@`"),
    Mistake("unexpected end of file in a rule", "spec s\ntable t { x int }\nrules for t {\n  error e: x >",
            (at("E004", 4, 15),), message="unexpected end of file"),
    Mistake("keyword used as a label name",
            'spec s\ntaxonomy Part {\n  guideline "g"\n  alias\n}\n',
            (at("E001", 4, 3),), hint="backticks", message="unexpected `alias`"),
    Mistake("keyword used as a column name after another column",
            'spec s\ntable t {\n  guideline "one row per item"\n  a string\n  source string\n}\n',
            (at("E001", 5, 10),), hint="`` `source` ``"),
    Mistake("rule without a colon", "spec s\ntable t { x int }\nrules for t {\n  error e x > 0\n}\n",
            (at("E001", 4, 11),), message="expected `:`"),
    Mistake("fractional length", "spec s\ntable t { x string length 1..2.5 }\n", (at("E010", 2, 30),)),
    Mistake("fractional item count", "spec s\ntable t { x list of string items <= 1.5 }\n",
            (at("E010", 2, 37),)),
    Mistake("not-equal length bound", "spec s\ntable t { x string length != 3 }\n", (at("E011", 2, 27),),
            hint="length(x) != 5"),
    Mistake("misspelt keyword", "spec s\ntabel t { x int }\n", (at("E001", 2, 1),), message="`tabel`"),
    # ---- names and imports ----------------------------------------------------------------
    Mistake("built-in type as taxonomy name", "spec s\ntaxonomy int { a }\n", (at("E101", 2, 10),)),
    Mistake("duplicate table", "spec s\ntable t { x int }\ntable t { y int }\n",
            (at("E101", 3, 7),), hint="first declared at spec.aspec:2:7"),
    Mistake("record and taxonomy share a name", "spec s\ntaxonomy T { a }\nrecord T { x int }\ntable u { v T }\n",
            (at("E101", 3, 8),)),
    Mistake("table and record share a name", "spec s\nrecord t { x int }\ntable t { y int }\n",
            (at("E101", 2, 8),), message="names both a table and a record"),
    Mistake("unknown table in rules", "spec s\ntable items { x int }\nrules for item {\n  error e: x > 0\n}\n",
            (at("E102", 3, 11),), hint="did you mean `items`?"),
    Mistake("unknown table of a task", "spec s\n" + ANSWERS +
            "task k: classification on answer {\n  unit item annotator rater label tag\n}\n",
            (at("E102", 3, 27),), hint="did you mean `answers`?"),
    Mistake("table not joined", "spec s\ntable t { id string }\ntable u { id string  y int }\n"
            "rules for t {\n  error e: u.y > 0\n}\n", (at("E102", 5, 12),), hint="join it first"),
    Mistake("unknown type", "spec s\ntable t { x integer }\n", (at("E103", 2, 13),), hint="types: string, int"),
    Mistake("type typo", "spec s\ntable t { x strng }\n", (at("E103", 2, 13),), hint="did you mean `string`?"),
    Mistake("unknown taxonomy", "spec s\ntaxonomy Tone { a }\ntable t { x Tones leaves }\n",
            (at("W101", 2, 10), at("E103", 3, 13))),
    Mistake("unknown column", "spec s\ntable t { score int }\nrules for t {\n  error e: scor > 0\n}\n",
            (at("E104", 4, 12),), hint="did you mean `score`?"),
    Mistake("unknown column in unique", "spec s\ntable t { a int  b int }\nrules for t {\n  error e: unique (a, c)\n}\n",
            (at("E104", 4, 23),)),
    Mistake("unknown column of a role", "spec s\n" + ANSWERS +
            "task k: classification on answers {\n  unit item annotator rater label tags\n}\n",
            (at("E104", 4, 35),), hint="did you mean `tag`?"),
    Mistake("unknown column of a joined table", "spec s\ntable t { id string }\ntable u { id string  y int }\n"
            "rules for t with u on id {\n  error e: u.z > 0\n}\n", (at("E104", 5, 12),)),
    Mistake("three-part column name", "spec s\ntable t { x int }\nrules for t {\n  error e: t.x.y > 0\n}\n",
            (at("E104", 4, 12),)),
    Mistake("label typo", 'spec s\ntaxonomy Tone { positive negative }\ntable t { tone Tone }\n'
            'rules for t {\n  error e: tone != "postive"\n}\n',
            (at("E105", 5, 20),), hint="did you mean `positive`?"),
    Mistake("label typo in a list", 'spec s\ntaxonomy Tone { positive negative }\ntable t { tone Tone }\n'
            'rules for t {\n  error e: tone in ["positive", "negatve"]\n}\n',
            (at("E105", 5, 33),), hint="did you mean `negative`?"),
    Mistake("unknown subtree label", 'spec s\ntaxonomy E { LOC { GPE } }\ntable t { e E under "GEO" }\n',
            (at("E105", 3, 13),)),
    Mistake("duplicate label", "spec s\ntaxonomy Tone { a b a }\ntable t { x Tone }\n",
            (at("E106", 2, 21),), hint="first declared at spec.aspec:2:17"),
    Mistake("duplicate nested label", "spec s\ntaxonomy E { LOC { GPE } ORG { GPE } }\ntable t { x E }\n",
            (at("E106", 2, 32),)),
    Mistake("duplicate column", "spec s\ntable t {\n  x int\n  x string\n}\n",
            (at("E107", 4, 3),), hint="first declared at spec.aspec:3:3"),
    Mistake("duplicate rule id", "spec s\ntable t { x int }\nrules for t {\n  error a: x > 0\n  warn a: x < 9\n}\n",
            (at("E108", 5, 8),), hint="first used at spec.aspec:4:9"),
    Mistake("metric id equal to a rule id", "spec s\n" + TAGS + "rules for answers {\n  error agreement: tag is not null\n}\n"
            "metric agreement: alpha nominal\n", (at("E108", 13, 8),)),
    Mistake("missing import", 'spec s\nimport "nowhere.aspec"\n', (at("E109", 2, 1),), message="nowhere.aspec"),
    Mistake("missing taxonomy file", 'spec s\nimport taxonomy T from "nowhere.yaml"\n', (at("E109", 2, 17),)),
    Mistake("import cycle", 'spec s\nimport "b.aspec"\n', (at("E110", 2, 1, "b.aspec"),),
            message="import cycle: spec.aspec -> b.aspec -> spec.aspec",
            files={"b.aspec": 'spec b\nimport "spec.aspec"\n'}),
    Mistake("self import", 'spec s\n\nimport "spec.aspec"\n', (at("E110", 3, 1),)),
    Mistake("bad YAML syntax", 'spec s\nimport taxonomy T from "t.yaml"\n', (at("E111", 3, 12, "t.yaml"),),
            message="invalid YAML", files={"t.yaml": "labels:\n  - code: a\n    name: A: B\n"}),
    Mistake("YAML tab indentation", 'spec s\nimport taxonomy T from "t.yaml"\n', (at("E111", 2, 1, "t.yaml"),),
            files={"t.yaml": "labels:\n\t- code: a\n"}),
    Mistake("YAML label without code", 'spec s\nimport taxonomy T from "t.yaml"\n', (at("E111", 3, 5, "t.yaml"),),
            message="needs a `code`", files={"t.yaml": "labels:\n  - code: a\n  - name: B\n"}),
    Mistake("YAML unknown label field", 'spec s\nimport taxonomy T from "t.yaml"\n', (at("E111", 3, 5, "t.yaml"),),
            message="`colour`", files={"t.yaml": "labels:\n  - code: a\n    colour: red\n"}),
    Mistake("YAML duplicate label", 'spec s\nimport taxonomy T from "t.yaml"\ntable u { v T }\n',
            (at("E106", 3, 11, "t.yaml"),), files={"t.yaml": "labels:\n  - code: a\n  - code: a\n"}),
    Mistake("spec line twice", "spec s\nspec t\n", (at("E112", 2, 1),)),
    Mistake("version twice", "spec s\nversion 1.0.0\nversion 1.1.0\n", (at("E112", 3, 1),)),
    Mistake("unknown primary key column", "spec s\ntable t {\n  primary key id\n  x int\n}\n",
            (at("E113", 3, 15),)),
    Mistake("unknown join key", "spec s\ntable t { id string }\ntable u { id string }\n"
            "rules for t with u on key {\n  error e: id is not null\n}\n", (at("E113", 4, 23),)),
    Mistake("reference without table", "spec s\ntable t { id string key }\ntable u { t_id string references id }\n",
            (at("E114", 3, 34),)),
    Mistake("reference to unknown column", "spec s\ntable t { id string key }\n"
            "table u { t_id string references t.ident }\n", (at("E104", 3, 34),)),
    Mistake("no spec line", "table t { x int }\n", (at("E115", 1, 1),), hint="spec my_project"),
    # ---- types ----------------------------------------------------------------------------
    Mistake("string compared with a number", "spec s\ntable t { name string }\nrules for t {\n  error e: name > 5\n}\n",
            (at("E201", 4, 12),), message="cannot compare string with int"),
    Mistake("duration compared with a number", "spec s\ntable t { a timestamp  b timestamp }\n"
            "rules for t {\n  error e: b - a <= 48\n}\n", (at("E201", 4, 12),), hint="48h"),
    Mistake("comparison with null", "spec s\ntable t { x int }\nrules for t {\n  error e: x = null\n}\n",
            (at("E201", 4, 12),), hint="is null"),
    Mistake("list of mixed types", 'spec s\ntable t { x int }\nrules for t {\n  error e: x in [1, "2"]\n}\n',
            (at("E201", 4, 21),)),
    Mistake("between with a string bound", 'spec s\ntable t { x int }\nrules for t {\n  error e: x between "a" and 3\n}\n',
            (at("E201", 4, 22),)),
    Mistake("in a column of another type", "spec s\ntable t { id int }\ntable u { id string }\n"
            "rules for t {\n  error e: id in u.id\n}\n", (at("E201", 5, 12),)),
    Mistake("arithmetic on strings", "spec s\ntable t { a string  b string }\nrules for t {\n  error e: a + b = \"ab\"\n}\n",
            (at("E202", 4, 12),), message="cannot apply `+` to string and string"),
    Mistake("string function on a number", 'spec s\ntable t { x int }\nrules for t {\n  error e: lower(x) = "a"\n}\n',
            (at("E202", 4, 18),)),
    Mistake("matches on a number", 'spec s\ntable t { x int }\nrules for t {\n  error e: x matches "^1"\n}\n',
            (at("E202", 4, 12),)),
    Mistake("non-boolean condition", "spec s\ntable t { x int }\nrules for t {\n  error e: x + 1\n}\n",
            (at("E203", 4, 12),), hint="compare it"),
    Mistake("non-boolean operand of and", "spec s\ntable t { x int }\nrules for t {\n  error e: x > 0 and x\n}\n",
            (at("E203", 4, 22),)),
    Mistake("unknown function", "spec s\ntable t { s string }\nrules for t {\n  error e: lenght(s) > 0\n}\n",
            (at("E204", 4, 12),), hint="did you mean `length`?"),
    Mistake("function with two arguments", "spec s\ntable t { s string }\nrules for t {\n  error e: length(s, s) > 0\n}\n",
            (at("E204", 4, 12),)),
    Mistake("bad regex in a pattern", 'spec s\ntable t { s string pattern "(a" }\n', (at("E205", 2, 20),)),
    Mistake("back-reference in matches", 'spec s\ntable t { s string }\nrules for t {\n  error e: s matches "(a)\\\\1"\n}\n',
            (at("E205", 4, 12),), message="back-references"),
    Mistake("pattern on an int column", 'spec s\ntable t { n int pattern "^[0-9]+$" }\n', (at("E206", 2, 17),)),
    Mistake("numeric bound on a string", "spec s\ntable t { s string > 3 }\n", (at("E206", 2, 20),)),
    Mistake("length on a list", "spec s\ntable t { s list of int length 1..3 }\n", (at("E206", 2, 25),)),
    Mistake("between upside down", "spec s\ntable t { n int between 9 and 1 }\n", (at("E207", 2, 17),)),
    Mistake("empty scale", "spec s\ntable t { item string rater string r int }\n"
            "task k: rating on t {\n  unit item annotator rater rating r\n  scale 5..1\n}\n", (at("E207", 5, 3),)),
    Mistake("subtree test on a plain column", 'spec s\ntable t { s string }\nrules for t {\n  error e: s in subtree "A"\n}\n',
            (at("E208", 4, 12),)),
    Mistake("aggregate mixed with a row value", "spec s\ntable t { who string  secs float }\n"
            "rules for t {\n  error e: avg(secs) per who < secs\n}\n", (at("E209", 4, 32),), hint="max(secs)"),
    Mistake("two groupings", "spec s\ntable t { a string  b string  n int }\n"
            "rules for t {\n  error e: sum(n) per a < sum(n) per b\n}\n", (at("E209", 4, 12),)),
    Mistake("one of with a wrong literal", 'spec s\ntable t { n int one of [1, "2"] }\n', (at("E211", 2, 28),)),
    Mistake("share of a joined column", "spec s\ntable t { id string  x int }\ntable u { id string  y int }\n"
            "rules for t with u on id {\n  error e: share of u.y <= 50%\n}\n", (at("E212", 5, 21),)),
    # ---- tasks, rules, metrics ------------------------------------------------------------
    Mistake("unknown task kind", "spec s\n" + TAGS.replace("classification on", "clasification on"),
            (at("E301", 7, 15),), hint="did you mean `classification`?"),
    Mistake("unknown role", "spec s\n" + TAGS.replace("label tag", "label tag  labeler rater"),
            (at("E302", 8, 42),), hint="did you mean `label`?"),
    Mistake("missing required role", "spec s\n" + TAGS.replace("  label tag", ""),
            (at("E303", 7, 6),), hint="label COLUMN"),
    Mistake("unknown metric", "spec s\n" + TAGS + "metric m: krippendorff\n", (at("E304", 10, 11),)),
    Mistake("metric typo", "spec s\n" + TAGS + "metric m: alpah nominal\n", (at("E304", 10, 11),),
            hint="did you mean `alpha`?"),
    Mistake("unknown metric option", "spec s\n" + TAGS + "metric m: alpha nominl\n", (at("E305", 10, 17),),
            hint="did you mean `nominal`?"),
    Mistake("two options of one group", "spec s\n" + TAGS + "metric m: alpha nominal ordinal\n",
            (at("E305", 10, 25),)),
    Mistake("gold metric without against", "spec s\n" + TAGS + "metric m: gold_accuracy\n", (at("E305", 10, 1),)),
    Mistake("warn bound after the fail bound", "spec s\ntable t { x int }\nrules for t {\n"
            "  rule r: x > 0 warn above 5% fail above 1%\n}\n", (at("E306", 4, 17),)),
    Mistake("metric bounds in the wrong order", "spec s\n" + TAGS + "metric m: alpha nominal warn below 0.6 fail below 0.8\n",
            (at("E306", 10, 25),)),
    Mistake("metric bounds on opposite sides", "spec s\n" + TAGS + "metric m: alpha nominal warn below 0.6 fail above 0.9\n",
            (at("E306", 10, 40),)),
    Mistake("tolerance over 100%", "spec s\ntable t { x int }\nrules for t {\n  warn e: x > 0 tolerate 101%\n}\n",
            (at("E307", 4, 26),)),
    Mistake("at most over 100%", "spec s\ntable t { x int }\nrules for t {\n  warn e: x > 0 at most 200% of rows\n}\n",
            (at("E307", 4, 25),)),
    Mistake("negative tolerance", "spec s\ntable t { x int }\nrules for t {\n  warn e: x > 0 tolerate -2\n}\n",
            (at("E307", 4, 26),)),
    Mistake("unknown built-in check", "spec s\n" + TAGS.replace("label tag\n", "label tag\n  check single_lable off\n"),
            (at("E308", 9, 9),), hint="did you mean `single_label`?"),
    Mistake("rule bound below", "spec s\ntable t { x int }\nrules for t {\n  rule r: x > 0 warn below 1%\n}\n",
            (at("E309", 4, 17),)),
    Mistake("bound given twice", "spec s\ntable t { x int }\nrules for t {\n  rule r: x > 0 fail above 1% fail above 2%\n}\n",
            (at("E309", 4, 31),)),
    Mistake("metric on an unknown task", "spec s\n" + TAGS + "metric m: alpha on taging\n", (at("E310", 10, 20),),
            hint="did you mean `tagging`?"),
    Mistake("metric without a task", "spec s\ntable t { x int }\nmetric m: alpha\n", (at("E310", 3, 11),)),
    Mistake("metric for another task kind", "spec s\n" + TAGS + "metric m: kendall_w on tagging\n",
            (at("E310", 10, 24),), hint="ranking"),
    Mistake("raw SQL that is not a query", 'spec s\ntable t { x int }\nrules for t {\n  error e: sql "drop table t"\n}\n',
            (at("E311", 4, 12),)),
    Mistake("unknown allow option", "spec s\n" + TAGS.replace("label tag\n", "label tag\n  allow ties\n"),
            (at("E312", 9, 9),)),
    # ---- warnings -------------------------------------------------------------------------
    Mistake("unused taxonomy", "spec s\ntaxonomy Tone { a b }\ntable t { x int }\n", (at("W101", 2, 10),)),
    Mistake("deprecated label", 'spec s\ntaxonomy Tone { a b deprecated }\ntable t { x Tone }\n'
            'rules for t {\n  warn e: x in ["a", "b"]\n}\n', (at("W102", 5, 22),)),
    Mistake("deprecated YAML label", 'spec s\nimport taxonomy T from "t.yaml"\ntable u { v T }\n'
            'rules for u {\n  warn e: v in subtree "old"\n}\n', (at("W102", 5, 24),),
            files={"t.yaml": "labels:\n  - code: old\n    deprecated: true\n"}),
]


def diagnostics_of(mistake: Mistake, directory: Path, monkeypatch):
    """Resolved from inside `directory`, so spans and hints carry short relative paths."""
    monkeypatch.chdir(directory)
    for name, text in mistake.files.items():
        Path(name).write_text(text, encoding="utf-8")
    Path("spec.aspec").write_text(mistake.text, encoding="utf-8")
    _, diagnostics, _ = resolve_file("spec.aspec")
    return diagnostics


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name.replace(" ", "_"))
def test_mistake(mistake: Mistake, tmp_path: Path, monkeypatch) -> None:
    diagnostics = diagnostics_of(mistake, tmp_path, monkeypatch)
    found = tuple((d.code, d.span.file, d.span.line, d.span.column) for d in diagnostics)
    assert found == mistake.expected, [d.message for d in diagnostics]
    first = diagnostics[0]
    if mistake.hint is not None:
        assert mistake.hint in (first.hint or ""), first.hint
    if mistake.message is not None:
        assert mistake.message in first.message, first.message


def test_enough_distinct_mistakes() -> None:
    assert len({m.name for m in MISTAKES}) == len(MISTAKES) >= 35


def test_warnings_do_not_fail_lint(tmp_path: Path) -> None:
    (tmp_path / "spec.aspec").write_text(
        'spec s\ntaxonomy Unused { a }\ntaxonomy Tone { a b deprecated }\ntable t { x Tone }\n'
        'rules for t {\n  warn e: x = "b"\n}\n', encoding="utf-8")
    exit_code, output = run_lint("spec.aspec", cwd=tmp_path)
    assert exit_code == 0
    assert "warning[W101]" in output and "warning[W102]" in output
    assert "0 errors, 2 warnings" in output


def test_lint_keeps_going_after_the_first_mistake(tmp_path: Path) -> None:
    (tmp_path / "spec.aspec").write_text(
        "spec s\ntable t { x integer  x int }\nrules for t {\n  error e: y > 0\n  error e: x > 0\n}\n",
        encoding="utf-8")
    _, diagnostics, _ = resolve_file(tmp_path / "spec.aspec")
    assert [d.code for d in diagnostics] == ["E103", "E107", "E104", "E108"]


# ---- known bugs: wrong places, cascades, missing checks, unhelpful messages ----------------
#
# Each test states the behaviour we want; `strict=True` turns a fix into a failure that asks
# for the marker to be removed.

known_bug = lambda reason: pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)  # noqa: E731


def lint_in(tmp_path: Path, files: dict[str, str | bytes]) -> tuple[int, str]:
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (tmp_path / name).write_bytes(data)
    return run_lint("spec.aspec", cwd=tmp_path)


def test_snippet_after_a_form_feed(tmp_path: Path) -> None:
    _, output = lint_in(tmp_path, {"spec.aspec": "# part one \f part two\nspec s\ntable t { x integer }\n"})
    assert "spec.aspec:3:13: error[E103]" in output  # lark's position is right…
    assert "   3 | table t { x integer }" in output  # …the quoted line is not


def test_end_of_file_line_after_a_line_separator(tmp_path: Path) -> None:
    _, output = lint_in(tmp_path, {"spec.aspec": "# a\u2028b\nspec s\ntable t {\n  x int\n"})
    assert "spec.aspec:4:8: error[E004]" in output


def test_sum_of_strings_is_one_error(tmp_path: Path) -> None:
    _, diagnostics, _ = resolve_file(ERRORS / "E202_sum_of_strings.aspec")
    assert [d.code for d in diagnostics] == ["E202"]


def test_share_mixed_with_a_row_value(tmp_path: Path) -> None:
    _, output = lint_in(tmp_path, {"spec.aspec": "spec s\ntable t { x int }\nrules for t {\n"
                                                 "  error e: share where (x > 0) >= 50% and x > 1\n}\n"})
    assert "spec.aspec:4:43: error[E209]" in output


def test_three_part_names_outside_rules(tmp_path: Path) -> None:
    _, output = lint_in(tmp_path, {"spec.aspec": "spec s\ntable t { x int }\ntable u { a int references t.q.x }\n"
                                                 "table w { item string  rater string  tag string }\n"
                                                 "task k: classification on w {\n  unit w.q.item  annotator rater  label tag\n}\n"})
    assert "spec.aspec:3:28: error[E114]" in output
    assert "spec.aspec:6:8: error[E104]" in output


def test_bad_yaml_taxonomy_is_one_error(tmp_path: Path) -> None:
    _, diagnostics, _ = resolve_file(ERRORS / "E109_missing_taxonomy_file.aspec")
    assert [d.code for d in diagnostics] == ["E109"]


def test_yaml_unclosed_quote_points_at_the_quote(tmp_path: Path) -> None:
    _, output = lint_in(tmp_path, {"spec.aspec": 'spec s\nimport taxonomy T from "t.yaml"\n',
                                   "t.yaml": "labels:\n  - code: a\n    name: 'open\n"})
    assert "t.yaml:3:11: error[E111]" in output


def test_source_as_a_column_name_gets_the_backtick_hint(tmp_path: Path) -> None:
    _, output = lint_in(tmp_path, {"spec.aspec": "spec s\ntable t {\n  x int\n  source string\n}\n"})
    assert "spec.aspec:4:" in output
    assert "`source`" in output and "backticks" in output


def test_key_as_first_column_after_a_guideline(tmp_path: Path) -> None:
    exit_code, output = lint_in(tmp_path, {"spec.aspec": 'spec s\ntable t {\n  guideline "g"\n  key string\n}\n'})
    assert exit_code == 0, output


def test_transposed_short_label_gets_a_suggestion(tmp_path: Path) -> None:
    _, output = lint_in(tmp_path, {"spec.aspec": 'spec s\ntaxonomy E { PER ORG LOC }\ntable t { e E }\n'
                                                 'rules for t {\n  error x: e != "LCO"\n}\n'})
    assert "did you mean `LOC`?" in output


def test_no_python_warning_for_a_nested_set(tmp_path: Path) -> None:
    (tmp_path / "spec.aspec").write_text('spec s\ntable t { x string pattern "[[a-z]]" }\n', encoding="utf-8")
    import warnings

    re.purge()  # a pattern compiled earlier in the session would not warn again
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resolve_file(tmp_path / "spec.aspec")
    assert [str(w.message) for w in caught] == []


def test_empty_cardinality_and_bad_step(tmp_path: Path) -> None:
    _, output = lint_in(tmp_path, {"spec.aspec": "spec s\ntable t { item string  rater string  tag list of string  r int }\n"
                                                 "task k: multilabel on t {\n  unit item  annotator rater  label tag\n"
                                                 "  cardinality 5..2\n}\n"
                                                 "task q: rating on t {\n  unit item  annotator rater  rating r\n"
                                                 "  scale 1..5 step -1\n}\n"})
    assert "spec.aspec:5:3: error[E207]" in output
    assert "spec.aspec:9:3: error" in output


def test_top_level_expectations_name_table(tmp_path: Path) -> None:
    _, output = lint_in(tmp_path, {"spec.aspec": "spec s\ntable t { x int }\nnonsense here\n"})
    assert "`table`" in output.splitlines()[0]


# ---- fixed during this work: keep them fixed -------------------------------------------------


def test_top_level_expectations_name_version_not_dots(tmp_path: Path) -> None:
    # parse._TERMINAL_WORDS once mapped `__ANON_0` (the `version` keyword) to "`..`".
    _, output = lint_in(tmp_path, {"spec.aspec": "spec s\ntable t { x int }\nnonsense here\n"})
    assert "spec.aspec:3:1: error[E001]" in output
    assert "`..`" not in output


def test_excluding_a_deprecated_label_does_not_warn(tmp_path: Path) -> None:
    exit_code, output = lint_in(tmp_path, {"spec.aspec": 'spec s\ntaxonomy T { a old deprecated }\ntable t { x T }\n'
                                                         'rules for t {\n  error e1: x != "old"\n'
                                                         '  error e2: x not in ["old"]\n}\n'})
    assert (exit_code, "W102" in output) == (0, False)
