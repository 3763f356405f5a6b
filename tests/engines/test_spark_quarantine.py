"""Quarantine on Spark: files in, the same `TABLE.clean.parquet` and `TABLE.violating.parquet`
DuckDB writes (every row, every value, in order); a table in, `…_clean` and `…_violating`
tables written back beside it, as on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from specc.cli import cli

pytestmark = pytest.mark.engines

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "specs" / "support_intents"


def _quarantine(folder: Path, *engine: str, delivery: str = "dirty") -> int:
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE / "support_intents.aspec"), "--data", str(EXAMPLE / delivery),
                                      "--quarantine", str(folder), "--format", "json", *engine])
    assert "Traceback" not in result.output, result.output
    return result.exit_code


def _read(path: Path) -> tuple[list, list]:
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        relation = con.sql(f"SELECT * FROM read_parquet('{path}')")
        return [(name, str(kind)) for name, kind in zip(relation.columns, relation.types)], relation.fetchall()


def test_quarantine_files_on_spark_equal_duckdbs(tmp_path, spark):
    assert _quarantine(tmp_path / "duckdb") == 1
    assert _quarantine(tmp_path / "spark", "--engine", "spark") == 1
    names = sorted(p.name for p in (tmp_path / "spark").glob("*.parquet"))
    assert names == sorted(p.name for p in (tmp_path / "duckdb").glob("*.parquet"))
    assert "tickets.violating.parquet" in names
    for name in names:
        assert _read(tmp_path / "spark" / name) == _read(tmp_path / "duckdb" / name), name
    columns, violating = _read(tmp_path / "spark" / "tickets.violating.parquet")
    assert columns[-2:] == [("created_at", "TIMESTAMP"), ("specc_violations", "VARCHAR[]")]
    assert [(row[0], row[1], row[-1]) for row in violating] == [
        (5, "T-1005", ["tickets.channel.enum"]), (11, "T-1011", ["tickets.language.pattern"])]
    _, annotations = _read(tmp_path / "spark" / "annotations.clean.parquet")
    assert [row[0] for row in annotations] == sorted(row[0] for row in annotations)  # in row order
    assert sorted(p.name for p in (tmp_path / "spark").iterdir()) == [".specc.lock", *names]  # no staging left


def test_a_clean_delivery_gets_empty_violating_files_on_spark_too(tmp_path, spark):
    assert _quarantine(tmp_path / "duckdb", delivery="clean") == 0
    assert _quarantine(tmp_path / "spark", "--engine", "spark", delivery="clean") == 0
    for name in ("tickets.violating.parquet", "annotations.violating.parquet", "tickets.clean.parquet"):
        assert _read(tmp_path / "spark" / name) == _read(tmp_path / "duckdb" / name), name
    columns, rows = _read(tmp_path / "spark" / "tickets.violating.parquet")
    assert rows == [] and columns[-1] == ("specc_violations", "VARCHAR[]")


def test_quarantine_of_a_bound_spark_table_is_written_back_beside_it(tmp_path, spark):
    spark.sql("CREATE DATABASE IF NOT EXISTS lake")
    spark.sql("DROP TABLE IF EXISTS lake.q")
    spark.sql("CREATE TABLE lake.q USING parquet AS SELECT * FROM VALUES ('c'), ('a'), ('b') AS v(id)")
    spec = tmp_path / "q.aspec"
    spec.write_text('spec q\ntable t {\n  id string\n}\nrules for t {\n  error no_b "no b": id != "b"\n}\n')
    result = CliRunner().invoke(cli, ["check", str(spec), "--data", "t=table:lake.q", "--engine", "spark",
                                      "--quarantine", str(tmp_path / "q")])
    assert result.exit_code == 1, result.output
    clean = [tuple(r) for r in spark.sql("SELECT specc_row, id FROM lake.q_clean ORDER BY 1").collect()]
    violating = [tuple(r) for r in spark.sql("SELECT specc_row, id, specc_violations FROM lake.q_violating").collect()]
    assert clean == [(1, "a"), (3, "c")]  # numbered in the order of the declared columns
    assert violating == [(2, "b", ["no_b"])]
