"""The contract: whatever lints clean runs (issue 8, item 3).

Rules are generated over every column type with every operator, function and aggregate the
grammar allows — exhaustively for one operator at a time, and by hypothesis for nested
expressions — and metrics on every task kind with every option; each candidate that lints
clean is run on a small delivery (nulls, negative and edge values included), and no check
may end in status `error`. A candidate that lint refuses is fine: that is lint knowing.
"""

from __future__ import annotations

import itertools
import json
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specc.inputs import parse_data_arguments
from specc.metric_kinds import METRIC_KINDS
from specc.resolve import resolve_file
from specc.runner import RunOptions, run

TABLES = """
taxonomy Tax { A { A1 A2 } B C }
table t {
  id     string     key
  who    string     required
  vendor string
  s      string
  s2     string     pattern "[a-z]+"
  i      int        between -5 and 5
  j      int
  f      float
  b      bool
  ts     timestamp
  ts2    timestamp
  lab    Tax
  ls     list of string
}
table other {
  id  string  key
  s   string
  i   int
}
"""

ROWS = [
    {"id": "r1", "who": "ann", "vendor": "v1", "s": "hello world", "s2": "abc", "i": 1, "j": 0, "f": 0.5, "b": True,
     "ts": "2026-03-02T08:00:00Z", "ts2": "2026-03-02T09:30:00+01:00", "lab": "A1", "ls": ["x", "y"]},
    {"id": "r2", "who": "ann", "vendor": "v1", "s": "", "s2": "ABC", "i": -5, "j": -3, "f": -2.25, "b": False,
     "ts": "2026-03-02T08:00:00", "ts2": "2026-03-01T08:00:00", "lab": "B", "ls": []},
    {"id": "r3", "who": "bo", "vendor": None, "s": None, "s2": None, "i": None, "j": None, "f": None, "b": None,
     "ts": None, "ts2": None, "lab": None, "ls": None},
    {"id": "r4", "who": "bo", "vendor": "v2", "s": "x", "s2": "x", "i": 5, "j": 7, "f": 1e6, "b": True,
     "ts": "2026-03-03T00:00:00Z", "ts2": "2026-03-03T00:00:00Z", "lab": "ZZ", "ls": ["x"]},
    {"id": "r5", "who": "cy", "vendor": "v2", "s": "one two three", "s2": "q", "i": 0, "j": 2, "f": 0.0, "b": False,
     "ts": "2026-03-02T23:59:59Z", "ts2": "2026-03-04T00:00:00Z", "lab": "A", "ls": ["a", "b", "c"]},
]
OTHER = [{"id": "r1", "s": "hello world", "i": 1}, {"id": "r9", "s": None, "i": None}]

# operands of each type (their text, their type)
OPERANDS = {
    "string": ["s", "s2", "who", "\"x\"", "lower(s)", "upper(s2)", "trim(s)", "coalesce(s, \"\")", "other.s"],
    "int": ["i", "j", "length(s)", "words(s)", "length(ls)", "abs(i)", "round(i)", "i + j", "i - 1", "i * j",
            "coalesce(i, 0)", "2", "-1"],
    "float": ["f", "f / 2", "i / j", "abs(f)", "round(f)", "f * i", "0.5", "40%"],
    "bool": ["b", "true", "false"],
    "timestamp": ["ts", "ts2", "ts + 30m", "ts2 - 1h"],
    "duration": ["ts2 - ts", "48h", "30m", "(ts2 - ts) * 2", "(ts2 - ts) / 2", "(ts2 - ts) + 5s"],
    "label": ["lab", "\"A1\"", "\"B\""],
}
COMPARE = ["=", "!=", "<", "<=", ">", ">="]
AGGREGATES = ["count", "count distinct s", "count distinct lab", "sum(i)", "avg(f)", "min(ts)", "max(ts2)",
              "sum(ts2 - ts)", "avg(ts2 - ts)", "max(ts2 - ts)", "min(s)", "max(lab)"]


def _row_conditions() -> list[str]:
    found = []
    for kind, operands in OPERANDS.items():  # every operand on each side of every comparison
        pairs = {(left, operands[0]) for left in operands} | {(operands[1], right) for right in operands}
        for left, right in sorted(pairs):
            found += [f"{left} {op} {right}" for op in COMPARE]
    for kind in ("string", "int", "float", "timestamp", "duration"):
        for left, right in itertools.product(OPERANDS[kind][:3], OPERANDS["int"][:3] + OPERANDS["duration"][:2]):
            found.append(f"{left} < {right}")  # mixed kinds: lint decides
    for column in ("s", "i", "f", "b", "ts", "lab", "ls", "other.s"):
        found += [f"{column} is null", f"{column} is not null", f"{column} is valid", f"{column} is not valid"]
    found += ["s in [\"x\", \"hello world\"]", "i not in [1, 2]", "lab in [\"A1\", \"B\"]", "lab in subtree \"A\"",
              "lab in leaves", "lab not in leaves", "s in other.s", "i not in other.i", "id in other.id",
              "i between -1 and 3", "ts between ts2 - 1d and ts2", "f between i and j", "s matches \"^h\"",
              "s2 not matches \"[0-9]\"", "not b", "b and i > 0", "b or s is null", "not (i > 0 and f < 1)",
              "length(ls) > 1", "words(s) >= 2 or s is null", "ts2 - ts > 0s"]
    return found


def _group_conditions() -> list[str]:
    found = []
    for aggregate in AGGREGATES:
        for bound in ("2", "0.5", "1h", "ts", "\"x\"", "lab"):
            found += [f"{aggregate} per who >= {bound}", f"{aggregate} <= {bound}"]
    found += ["share of lab <= 40%", "share of s where (s is valid) <= 60%", "share of lab where (lab is valid) < 0.5",
              "share where (i > 0) <= 50%", "share where (b) >= 10%", "count per who, vendor <= 2",
              "count distinct vendor per who <= 1", "sum(i) per who <= 3 and count per who >= 1",
              "unique (who, vendor)", "unique s"]
    return found


def _lint(directory: Path, text: str):
    path = directory / "spec.aspec"
    path.write_text(text, encoding="utf-8")
    checked, diagnostics, _ = resolve_file(path)
    return checked, [d for d in diagnostics if d.is_error]


def _rules_spec(conditions: list[str], joined: bool) -> str:
    head = "rules for t with other on id {" if joined else "rules for t {"
    body = "\n".join(f"  error c{n}: {c}" for n, c in enumerate(conditions))
    return f"spec generated\n{TABLES}\n{head}\n{body}\n}}\n"


def _delivery(directory: Path) -> Path:
    data = directory / "data"
    data.mkdir(exist_ok=True)
    (data / "t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    (data / "other.jsonl").write_text("".join(json.dumps(r) + "\n" for r in OTHER), encoding="utf-8")
    return data


def _errors_of(checked, directory: Path) -> list[tuple[str, str]]:
    bindings = parse_data_arguments((str(_delivery(directory)),), checked)
    result, _ = run(checked, bindings, RunOptions(samples=2))
    return [(c.id, c.details.get("error")) for c in result.checks if c.status == "error"]


def _clean_candidates(directory: Path, conditions: list[str], joined: bool) -> list[str]:
    """The conditions lint accepts: linted together (each rule on its own line, so a
    diagnostic's line names its rule), halving a batch only when a syntax error stops the parse."""
    if not conditions:
        return []
    text = _rules_spec(conditions, joined)
    _, errors = _lint(directory, text)
    if any(e.code < "E100" for e in errors):
        if len(conditions) == 1:
            return []
        middle = len(conditions) // 2
        return (_clean_candidates(directory, conditions[:middle], joined)
                + _clean_candidates(directory, conditions[middle:], joined))
    first_rule_line = text.splitlines().index(next(line for line in text.splitlines() if line.startswith("  error c0:"))) + 1
    refused = {e.span.line - first_rule_line for e in errors}
    return [c for n, c in enumerate(conditions) if n not in refused]


def test_every_single_operator_rule_that_lints_runs(tmp_path):
    conditions = _row_conditions() + _group_conditions()
    for joined in (False, True):
        clean = _clean_candidates(tmp_path, conditions if joined else [c for c in conditions if "other." not in c],
                                  joined)
        assert len(clean) > 300  # the generator reaches far into the language
        checked, errors = _lint(tmp_path, _rules_spec(clean, joined))
        assert errors == []
        failing = _errors_of(checked, tmp_path)
        assert failing == [], [(clean[int(i[1:])] if i[1:].isdigit() else i, e) for i, e in failing]


# ---- nested expressions --------------------------------------------------------------------

def _typed(kind: str, depth: int):
    leaves = st.sampled_from(OPERANDS[kind])
    if depth == 0:
        return leaves
    smaller = st.deferred(lambda: _typed(kind, depth - 1))
    if kind == "bool":
        comparison = st.builds(lambda k, op, a, b: f"{a} {op} {b}", st.just(None), st.sampled_from(COMPARE),
                               st.deferred(lambda: _typed("int", depth - 1)), st.deferred(lambda: _typed("float", depth - 1)))
        durations = st.builds(lambda a, op, b: f"{a} {op} {b}", st.deferred(lambda: _typed("duration", depth - 1)),
                              st.sampled_from(COMPARE), st.deferred(lambda: _typed("duration", depth - 1)))
        combined = st.builds(lambda a, op, b: f"({a}) {op} ({b})", smaller, st.sampled_from(["and", "or"]), smaller)
        return st.one_of(leaves, comparison, durations, combined, st.builds(lambda a: f"not ({a})", smaller))
    if kind in ("int", "float"):
        return st.one_of(leaves, st.builds(lambda a, op, b: f"({a}) {op} ({b})", smaller, st.sampled_from("+-*/"),
                                           st.deferred(lambda: _typed("int", depth - 1))),
                         st.builds(lambda a: f"abs({a})", smaller), st.builds(lambda a: f"coalesce({a}, 1)", smaller))
    if kind == "duration":
        return st.one_of(leaves, st.builds(lambda a, op, b: f"({a}) {op} ({b})", smaller, st.sampled_from("+-"), smaller),
                         st.builds(lambda a: f"({a}) * 3", smaller))
    return leaves


AGGREGATE_WRAP = st.sampled_from(["{x}", "count per who >= 1 and ({x}) is null", "share where ({x}) <= 50%"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_typed("bool", 3), min_size=5, max_size=12))
def test_nested_rules_that_lint_run(tmp_path_factory, conditions):
    directory = tmp_path_factory.mktemp("nested")
    clean = [c for c in conditions if not _lint(directory, _rules_spec([c], False))[1]]
    if not clean:
        return
    checked, errors = _lint(directory, _rules_spec(clean, False))
    assert errors == []
    assert _errors_of(checked, directory) == []


# ---- metrics on every task kind --------------------------------------------------------------

TASKS = {
    "classification": "unit item  annotator who  vendor vendor  label lab",
    "multilabel": "unit item  annotator who  label labs",
    "rating": "unit item  annotator who  rating stars  scale 1..5",
    "spans": "unit item  annotator who  span start..end  label lab  text txt",
    "tokens": "unit item  annotator who  token tok  tag tag  position pos",
    "text": "unit item  annotator who  prompt txt  response tok",
    "ranking": "unit item  annotator who  responses shown  ranking ranked",
    "preference": "unit item  annotator who  chosen tok  rejected txt  responses shown",
}
TASK_TABLE = """
taxonomy Tax { A B C }
table m {
  item    string  required
  who     string  required
  vendor  string
  lab     Tax
  labs    list of string
  stars   int
  start   int
  end     int
  txt     string
  tok     string
  tag     string
  pos     int
  shown   list of string
  ranked  list of string
  secs    float
  at      timestamp
  done    timestamp
}
table gold { item string key  lab Tax }
"""


def _task_rows() -> list[dict]:
    rows = []
    for n, (item, who) in enumerate(itertools.product(["i1", "i2", "i3"], ["ann", "bo", "cy"])):
        rows.append({"item": item, "who": who, "vendor": "v1" if who != "cy" else "v2", "lab": "ABC"[n % 3],
                     "labs": ["A", "B"][: 1 + n % 2], "stars": 1 + n % 5, "start": n % 3, "end": 3 + n % 2,
                     "txt": "the cat sat", "tok": ["cat", "dog"][n % 2], "tag": ["O", "B-X", "I-X"][n % 3],
                     "pos": 1 + n % 3, "shown": ["cat", "dog", "the cat sat"], "ranked": ["dog", "cat", "the cat sat"],
                     "secs": 10.0 + n, "at": "2026-03-02T08:00:00Z", "done": f"2026-03-02T08:{10 + n}:00Z"})
    return rows


def _metric_lines(kind: str) -> list[str]:
    lines = []
    for name, metric in METRIC_KINDS.items():
        if metric.task_kinds and kind not in metric.task_kinds:
            continue
        choices = [()] + [(word,) for group in metric.option_groups for word in group]
        for options in choices:
            words = " ".join((name,) + options)
            of = " of secs" if metric.needs_of else ""
            against = " against gold.lab" if metric.needs_against else ""
            for extra in ("", " per who", " per vendor", " where secs > 11", " per who min 2 units"):
                lines.append(f"{words}{of} on x{against}{extra}  warn below 0.5")
    lines += ["p90 of (done - at) on x per who  warn above 10m", "median of (secs * 2) on x  fail above 100"]
    return lines


def test_metrics_on_every_task_kind_that_lint_run(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "m.jsonl").write_text("".join(json.dumps(r) + "\n" for r in _task_rows()), encoding="utf-8")
    (data / "gold.jsonl").write_text('{"item": "i1", "lab": "A"}\n{"item": "i2", "lab": "B"}\n', encoding="utf-8")
    ran = 0
    for kind, roles in TASKS.items():
        lines = _metric_lines(kind)
        head = f"spec metrics\n{TASK_TABLE}\ntask x: {kind} on m {{ {roles} }}\n"
        text = head + "\n".join(f"metric q{n}: {line}" for n, line in enumerate(lines)) + "\n"
        errors = _lint(tmp_path, text)[1]
        assert not any(e.code < "E100" for e in errors), errors  # the generated metrics all parse
        refused = {e.span.line - len(head.splitlines()) - 1 for e in errors}
        clean = [line for n, line in enumerate(lines) if n not in refused]
        body = "\n".join(f"metric q{n}: {line}" for n, line in enumerate(clean))
        checked, errors = _lint(tmp_path, f"spec metrics\n{TASK_TABLE}\ntask x: {kind} on m {{ {roles} }}\n{body}\n")
        assert errors == [], (kind, errors)
        bindings = parse_data_arguments((str(data),), checked)
        result, _ = run(checked, bindings, RunOptions(samples=1))
        failing = [(c.id, c.details.get("error")) for c in result.checks if c.status == "error"]
        assert failing == [], (kind, [(clean[int(i[1:])], e) for i, e in failing if i[1:].isdigit()] or failing)
        ran += len(clean)
    assert ran > 100
