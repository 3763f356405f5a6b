"""`timestamp("…")` names an instant in the spec: a rule or a metric population compares a
timestamp column with it, offsets converted to UTC as a delivery's are."""

from __future__ import annotations

import json

from click.testing import CliRunner

from specc.cli import cli
from specc.casts import instant_from_text

SPEC = """
spec dated

table answers {
  item        string
  annotator   string
  label       string
  created_at  timestamp
}

task topic: classification on answers {
  unit       item
  annotator  annotator
  label      label
}

rules for answers {
  error recent "Answers from March on": created_at >= timestamp("2026-03-01")
}

metric march: alpha nominal on topic where created_at >= timestamp("2026-03-01T00:00:00+01:00")  warn below 0.5
"""

ROWS = """item,annotator,label,created_at
i1,a,x,2026-02-28 23:30:00
i1,b,x,2026-03-01 00:00:00
i2,a,y,2026-02-28T23:30:00-01:00
i2,b,y,2026-02-28T22:59:00Z
"""


def test_a_rule_and_a_population_compare_with_an_instant(tmp_path):
    (tmp_path / "dated.aspec").write_text(SPEC, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "answers.csv").write_text(ROWS, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "dated.aspec"), "--data", str(tmp_path / "data"),
                                      "--format", "json"])
    checks = {c["id"]: c for c in json.loads(result.stdout)["checks"]}
    # before 2026-03-01 00:00 UTC: i1/a (23:30) and i2/b (22:59Z); i2/a is 00:30 UTC
    assert (checks["recent"]["violations"], checks["recent"]["checked"]) == (2, 4)
    # from 2026-02-28 23:00 UTC on: all but i2/b
    assert checks["march"]["details"]["population"]["rows"] == 3


def test_the_instant_is_read_as_utc_unless_it_has_an_offset():
    assert instant_from_text("2026-03-01") == "2026-03-01 00:00:00"
    assert instant_from_text("2026-03-01 14:05") == "2026-03-01 14:05:00"
    assert instant_from_text("2026-03-01T14:05:00.25+01:30") == "2026-03-01 12:35:00.250000"
    assert instant_from_text("2026-03-01T14:05:00z") == "2026-03-01 14:05:00"
    assert [instant_from_text(t) for t in ("March 1st", "2026-02-30", "2026-03-01T25:00", "1772323200")] == [None] * 4
