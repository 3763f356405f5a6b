"""Text files as users deliver them: delimiters, encodings, null markers, timestamp formats,
no header; malformed files reported with the file and the line; `--read` on the command line.

Each case states the exact outcome: the counts the checks find, or the message and exit code.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from specc.cli import cli
from tests.engine.conftest import run_spec, violations

SPEC = """
spec answers_spec
table answers {
  primary key id
  {settings}
  id          int        required
  label       string     required  one of ["pos", "neg"]
  created_at  timestamp
}
"""


def _spec(settings: str = "") -> str:
    return SPEC.replace("{settings}", settings)


def _check(project, files, settings="", *arguments):
    spec_path, data = project(_spec(settings), files)
    outcome = CliRunner().invoke(cli, ["check", str(spec_path), "--data", str(data), "--format", "json", *arguments])
    return outcome


def test_a_semicolon_file_gets_a_hint_then_reads_with_the_declared_delimiter(project):
    rows = "id;label;created_at\n1;pos;2026-03-02 10:00:00\n2;neg;2026-03-02 11:00:00\n"
    refused = _check(project, {"answers.csv": rows})
    assert refused.exit_code == 2
    assert "looks separated by `;`, not `,`" in refused.output
    assert "read delimiter \";\"" in refused.output and "--read answers.delimiter=;" in refused.output
    spec_path, data = project(_spec('read delimiter ";"'), {"answers.csv": rows})
    result, _ = run_spec(spec_path, data)
    assert result.inputs[0].rows == 2
    assert set(violations(result).values()) == {0}


def test_a_ragged_line_is_refused_with_its_line_number(project):
    rows = "id,label,created_at\n1,pos,2026-03-02 10:00:00\n2,neg,2026-03-02 11:00:00,extra\n3,pos,\n"
    outcome = _check(project, {"answers.csv": rows})
    assert outcome.exit_code == 2
    assert "line 3 has 4 fields where the header has 3" in outcome.output
    assert "answers.csv" in outcome.output and "Traceback" not in outcome.output


def test_an_unclosed_quote_is_refused_never_read_as_data(project):
    rows = 'id,label,created_at\n1,pos,2026-03-02 10:00:00\n2,"neg,2026-03-02 11:00:00\n3,pos,\n'
    outcome = _check(project, {"answers.csv": rows})
    assert outcome.exit_code == 2
    assert "a quoted value is never closed" in outcome.output
    assert "line 3" in outcome.output


def test_a_latin1_file_needs_its_encoding_and_then_keeps_every_character(project):
    spec_text = _spec('read encoding "latin-1"').replace('one of ["pos", "neg"]', 'one of ["café", "thé"]')
    rows = "id,label,created_at\n1,café,\n2,thé,\n3,cafe,\n".encode("latin-1")
    spec_path, data = project(_spec().replace('one of ["pos", "neg"]', 'one of ["café", "thé"]'),
                              {"answers.csv": rows})
    outcome = CliRunner().invoke(cli, ["check", str(spec_path), "--data", str(data)])
    assert outcome.exit_code == 2
    assert "line 2: bytes that are not valid UTF-8 (byte 6 of the line)" in outcome.output
    assert 'read encoding "latin-1"' in outcome.output
    spec_path.write_text(spec_text, encoding="utf-8")
    result, _ = run_spec(spec_path, data)
    assert violations(result)["answers.label.enum"] == 1  # only `cafe`: both accented labels read exactly


def test_null_markers_read_as_null(project):
    rows = "id,label,created_at\n1,pos,NA\n2,NA,-\n3,-,2026-03-02 10:00:00\n4,neg,\n"
    spec_path, data = project(_spec('read null "NA", "-"'), {"answers.csv": rows})
    result, _ = run_spec(spec_path, data)
    counts = violations(result)
    assert counts["answers.label.required"] == 2  # `NA` and `-`
    assert counts["answers.created_at.type"] == 0  # the markers are nulls, not bad timestamps
    assert counts["answers.label.enum"] == 0
    # without the declaration the markers are values: two labels outside the list, two bad timestamps
    spec_path.write_text(_spec(), encoding="utf-8")
    plain, _ = run_spec(spec_path, data)
    assert violations(plain)["answers.label.enum"] == 2
    assert violations(plain)["answers.created_at.type"] == 2


def test_a_declared_timestamp_format(project):
    rows = "id,label,created_at\n1,pos,03/02/2026 14:05\n2,neg,31/02/2026 10:00\n3,pos,2026-03-02 14:05\n"
    spec_path, data = project(_spec('read timestamp format "%d/%m/%Y %H:%M"'), {"answers.csv": rows})
    result, state = run_spec(spec_path, data, samples=5)
    assert violations(result)["answers.created_at.type"] == 2  # 31 February, and the ISO text
    first = state.con.execute("SELECT created_at FROM answers WHERE id = 1").fetchone()[0]
    assert first.isoformat() == "2026-02-03T14:05:00"


def test_a_file_without_a_header(project):
    rows = "1,pos,\n2,neg,\n3,bad,\n"
    spec_path, data = project(_spec("read header false"), {"answers.csv": rows})
    result, _ = run_spec(spec_path, data)
    assert result.inputs[0].rows == 3  # the first line is data, not a header
    assert violations(result)["answers.label.enum"] == 1


def test_read_on_the_command_line_overrides_the_spec(project):
    rows = "id|label|created_at\n1|pos|NA\n2|NA|\n"
    outcome = _check(project, {"answers.csv": rows}, "", "--read", "delimiter=|", "--read", "answers.null=NA")
    assert outcome.exit_code == 1, outcome.output
    report = json.loads(outcome.output)
    counts = {c["id"]: c["violations"] for c in report["checks"]}
    assert counts["answers.label.required"] == 1
    assert counts["answers.created_at.type"] == 0


@pytest.mark.parametrize("argument, message", [
    ("delimter=;", "`--read delimter=;`: unknown read setting `delimter`; did you mean `delimiter`?"),
    ("answer.delimiter=;", "`--read answer.delimiter=;`: the spec has no table `answer`; did you mean `answers`?"),
    ("delimiter=;;;;;", "a delimiter is 1 to 4 bytes"),
    ("encoding=klingon", "unknown encoding `klingon`"),
    ("timestamp_format=%Q", "`%Q` is not a date/time code"),
    ("delimiter", "write SETTING=VALUE or TABLE.SETTING=VALUE"),
])
def test_bad_read_arguments_are_refused(project, argument, message):
    outcome = _check(project, {"answers.csv": "id,label,created_at\n1,pos,\n"}, "", "--read", argument)
    assert outcome.exit_code == 2
    assert message in outcome.output
    assert "Traceback" not in outcome.output


def test_a_broken_json_line_is_named(project):
    lines = '{"id": 1, "label": "pos"}\n{"id": 2, "label": "neg"\n{"id": 3, "label": "pos"}\n'
    outcome = _check(project, {"answers.jsonl": lines})
    assert outcome.exit_code == 2
    assert "cannot read table `answers`: line 2 is not valid JSON" in outcome.output


def test_nested_json_where_a_flat_value_is_declared_is_a_type_violation(project):
    lines = ('{"id": 1, "label": "pos"}\n{"id": "x", "label": ["neg"]}\n'
             '{"id": 3, "label": {"k": 1}}\n{"id": 4, "label": null}\n')
    spec_path, data = project(_spec(), {"answers.jsonl": lines})
    result, _ = run_spec(spec_path, data, samples=5)
    counts = violations(result)
    assert counts["answers.label.type"] == 2
    assert counts["answers.id.type"] == 1
    assert counts["answers.label.required"] == 3  # the two that are not strings, and the null
    by_id = {c.id: c for c in result.checks}
    # a `.type` sample shows the value as delivered, a `.required` sample the value as read (null)
    assert [s["label"] for s in by_id["answers.label.type"].samples] == ['["neg"]', '{"k":1}']
    assert [s["label"] for s in by_id["answers.label.required"].samples] == [None, None, None]
