"""On PostgreSQL a raw-SQL rule runs in a read-only transaction, as a role that can read the
bound tables only: reading another table, calling a server-file function or writing (even a
sequence the role may update) is refused, and the rule fails alone, named."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from specc.cli import cli

pytestmark = pytest.mark.engines

RAW_SPEC = '''
spec raw
table t {{
  id string
}}
rules for t {{
  error escape "raw": sql """{query}"""
}}
'''


def _check(tmp_path, query, url, *data):
    spec = tmp_path / "raw.aspec"
    spec.write_text(RAW_SPEC.format(query=query))
    if not data:
        (tmp_path / "t.csv").write_text("id\na\nb\nc\n")
        data = ("--data", str(tmp_path))
    return CliRunner().invoke(cli, ["check", str(spec), *data, "--engine", "postgres", "--connect", url,
                                    "--format", "json"])


@pytest.mark.parametrize("query, refusal", [
    ("select * from delivery.secrets", "permission denied for table secrets"),
    ("select pg_read_file('/etc/passwd')", "permission denied for function pg_read_file"),
    ("select nextval('delivery.counter')", "cannot execute nextval() in a read-only transaction"),
    ("select lo_import('/etc/passwd')", "permission denied for function lo_import"),
])
def test_raw_sql_outside_the_bound_tables_is_refused(tmp_path, postgres_url, query, refusal):
    result = _check(tmp_path, query, postgres_url)
    assert result.exit_code == 2, result.output
    escape = next(c for c in json.loads(result.stdout)["checks"] if c["id"] == "escape")
    assert escape["status"] == "error" and refusal in escape["details"]["error"]
    assert "error: check `escape` could not run" in result.stderr


def test_a_bound_table_of_the_server_is_read_where_it_is(tmp_path, postgres_url):
    result = _check(tmp_path, "select * from t where id <> 'a'", postgres_url, "--data", "t=table:delivery.t")
    report = json.loads(result.stdout)
    escape = next(c for c in report["checks"] if c["id"] == "escape")
    assert (escape["violations"], escape["status"], result.exit_code) == (2, "failed", 1)
    assert report["inputs"][0]["rows"] == 3


def test_a_table_the_role_may_not_read_cannot_be_bound(tmp_path, postgres_url):
    result = _check(tmp_path, "select 1 where false", postgres_url, "--data", "t=table:delivery.secrets")
    assert result.exit_code == 2
    assert "cannot read table `delivery.secrets`: permission denied for table secrets" in result.output


def test_duckdb_has_no_tables_to_bind(tmp_path):
    spec = tmp_path / "raw.aspec"
    spec.write_text(RAW_SPEC.format(query="select 1 where false"))
    result = CliRunner().invoke(cli, ["check", str(spec), "--data", "t=table:delivery.t"])
    assert result.exit_code == 2 and "DuckDB runs in memory and holds no tables of its own" in result.output


def test_the_quarantine_of_a_bound_table_is_written_back_beside_it(tmp_path, postgres, postgres_url):
    import psycopg

    spec = tmp_path / "q.aspec"
    spec.write_text('spec q\ntable t {\n  id string\n}\nrules for t {\n  error no_b "no b": id != \"b\"\n}\n')
    result = CliRunner().invoke(cli, ["check", str(spec), "--data", "t=table:delivery.t", "--engine", "postgres",
                                      "--connect", postgres_url, "--quarantine", str(tmp_path / "q")])
    assert result.exit_code == 1, result.output
    with psycopg.connect(postgres.url()) as admin:
        clean = admin.execute("SELECT specc_row, id FROM delivery.t_clean ORDER BY 1").fetchall()
        violating = admin.execute("SELECT specc_row, id, specc_violations FROM delivery.t_violating").fetchall()
    assert clean == [(1, "a"), (3, "c")]
    assert violating == [(2, "b", ["no_b"])]


def test_quarantine_files_are_refused_on_postgres_before_connecting(tmp_path):
    spec = tmp_path / "raw.aspec"
    spec.write_text(RAW_SPEC.format(query="select 1 where false"))
    (tmp_path / "t.csv").write_text("id\na\n")
    result = CliRunner().invoke(cli, ["check", str(spec), "--data", str(tmp_path), "--engine", "postgres", "--connect",
                                      "postgresql://nobody@127.0.0.1:1/none", "--quarantine", str(tmp_path / "q")])
    assert result.exit_code == 2
    assert "`t` came from files: check files on DuckDB or Spark to quarantine them" in result.output
