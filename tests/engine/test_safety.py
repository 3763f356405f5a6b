"""Inputs are never changed, a split loses no row, and raw SQL cannot leave the delivery."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from specc.cli import cli
from tests.engine.conftest import run_spec

ROOT = Path(__file__).resolve().parents[2]


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("example", ["news_ner", "support_intents"])
def test_inputs_unchanged_and_quarantine_split_is_lossless(example, tmp_path):
    source = ROOT / "specs" / example
    work = tmp_path / example
    shutil.copytree(source, work)
    before = _hashes(work)
    quarantine = tmp_path / "quarantine"
    result = CliRunner().invoke(cli, ["check", str(work / f"{example}.aspec"), "--data", str(work / "dirty"),
                                      "--quarantine", str(quarantine), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert _hashes(work) == before
    con = duckdb.connect()
    for table_file in sorted((work / "dirty").iterdir()):
        table = table_file.stem
        clean = quarantine / f"{table}.clean.parquet"
        violating = quarantine / f"{table}.violating.parquet"
        rows_in = con.execute("SELECT count(*) FROM read_csv(?, header=true, all_varchar=true)"
                              if table_file.suffix == ".csv" else
                              "SELECT count(*) FROM read_json_auto(?)", [str(table_file)]).fetchone()[0]
        numbers = con.execute(
            "SELECT specc_row FROM read_parquet(?) UNION ALL SELECT specc_row FROM read_parquet(?) ORDER BY 1",
            [str(clean), str(violating)]).fetchall()
        assert [n for (n,) in numbers] == list(range(1, rows_in + 1))
    assert not [p for p in quarantine.iterdir() if p.name.endswith(".tmp")]


def test_quarantine_lists_the_rules_each_row_broke_and_keeps_unreadable_text(tmp_path):
    example = ROOT / "specs" / "news_ner"
    quarantine = tmp_path / "q"
    CliRunner().invoke(cli, ["check", str(example / "news_ner.aspec"), "--data", str(example / "dirty"),
                             "--quarantine", str(quarantine)])
    con = duckdb.connect()
    rows = dict(con.execute("SELECT specc_row, specc_violations FROM read_parquet(?)",
                            [str(quarantine / "spans.violating.parquet")]).fetchall())
    # expected.json: line 8 (row 7) has end == start, which breaks `order` and `text_length`
    assert {"order", "text_length"} <= set(rows[7])
    # line 4 (row 3): seconds `12s` could not be read; the text is kept beside the null
    delivered = con.execute("SELECT seconds, seconds_as_delivered FROM read_parquet(?) WHERE specc_row = 3",
                            [str(quarantine / "spans.violating.parquet")]).fetchone()
    assert delivered == (None, "12s")


RAW_SPEC = """
spec raw
table t {{
  id string
}}
rules for t {{
  error escape "raw": sql \"\"\"{query}\"\"\"
}}
"""


@pytest.mark.parametrize("query", [
    "select * from read_csv('/etc/passwd')",
    "copy t to '/tmp/specc_leak.csv'",
    "attach '/tmp/specc_other.db' as other",
    "install httpfs",
    "set threads = 1",
    "select 1; select 2",
])
def test_raw_sql_cannot_reach_outside(project, query):
    spec_path, data = project(RAW_SPEC.format(query=query), {"t.csv": "id\na\n"})
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(spec_path), "--data", str(data)])
    assert result.exit_code == 2, result.output
    # statements that are not queries are refused when the spec is read (E311), the rest
    # when they run against the locked-down database: either way the rule is named
    assert "`escape`" in result.stderr
    assert "Traceback" not in result.output
    assert not Path("/tmp/specc_leak.csv").exists()


def test_raw_sql_select_over_declared_tables_counts_rows(project):
    spec_path, data = project(RAW_SPEC.format(query="select * from t where id <> 'a'"),
                              {"t.csv": "id\na\nb\nc\n"})
    result, _ = run_spec(spec_path, data)
    raw = next(c for c in result.checks if c.id == "escape")
    assert (raw.violations, raw.status) == (2, "failed")
