"""Quotes, semicolons and `--` in spec identifiers, spec literals, data column names and data
values: everything is quoted or escaped, nothing is executed, and the counts are right."""

from __future__ import annotations

import json

from click.testing import CliRunner

from specc.cli import cli
from tests.engine.conftest import run_spec, violations

SPEC = '''
spec hostile
table `t;--"x` {
  `we"ird;--col`  string  required  one of ["a'b", "c;--d", "plain"]
  `n'; DROP`      int     between 0 and 10
  note            string
}
rules for `t;--"x` {
  error `quote"rule`  "it's \\"quoted\\"; -- not a comment":  `we"ird;--col` != "c;--d"
  error semi          "semi; colon":                          note not matches "'; DROP"
  error sum_rule      "group":                                count per `we"ird;--col` <= 2
}
'''

ROWS = '''\
"we""ird;--col","n'; DROP",note
a'b,1,fine
c;--d,2,"'; DROP TABLE x; --"
plain,11,"it's"
"'; DROP TABLE t; --",3,ok
a'b,4,
a'b,5,x
'''


def test_hostile_identifiers_and_values(project):
    spec_path, data = project(SPEC, {'t;--"x.csv': ROWS})
    result, state = run_spec(spec_path, data, samples=5)
    counted = violations(result)
    assert counted['t;--"x.we"ird;--col.enum'] == 1  # the DROP TABLE value is not an allowed value
    assert counted['t;--"x.n\'; DROP.range'] == 1  # 11
    assert counted['quote"rule'] == 1  # c;--d
    assert counted["semi"] == 1  # the note holding '; DROP
    assert counted["sum_rule"] == 1  # a'b appears 3 times
    enum = next(c for c in result.checks if c.id.endswith(".enum"))
    assert enum.samples[0]['we"ird;--col'] == "'; DROP TABLE t; --"
    tables = {row[0] for row in state.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert 't;--"x' in tables  # nothing was dropped


def test_hostile_report_is_valid_json(project):
    spec_path, data = project(SPEC, {'t;--"x.csv': ROWS})
    result = CliRunner().invoke(cli, ["check", str(spec_path), "--data", str(data), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["verdict"] == "failed"
    message = next(c["message"] for c in report["checks"] if c["id"] == 'quote"rule')
    assert message == 'it\'s "quoted"; -- not a comment'
