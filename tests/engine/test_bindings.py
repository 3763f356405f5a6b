"""Binding files to tables: formats, folders, explicit bindings, and every way it can go
wrong said clearly (what and where), with exit code 2 and no traceback."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner

from specc.cli import cli
from tests.engine.conftest import run_spec, violations

SPEC = """
spec bind
table labels {
  strict
  item       string  required
  annotator  string  required
  score      int     between 1 and 5
  at         timestamp
}
rules for labels {
  error low: score >= 2
}
"""

CSV = """
item,annotator,score,at
i1,a,1,2026-01-01T10:00:00
i1,b,5,2026-01-01T11:00:00
i2,a,x,2026-01-02T10:00:00
"""


def _invoke(*arguments):
    result = CliRunner().invoke(cli, list(arguments))
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("name, content", [
    ("labels.csv", CSV),
    ("labels.tsv", CSV.replace(",", "\t")),
    ("labels.jsonl", '{"item":"i1","annotator":"a","score":1,"at":"2026-01-01T10:00:00"}\n'
                     '{"item":"i1","annotator":"b","score":5,"at":"2026-01-01T11:00:00"}\n'
                     '{"item":"i2","annotator":"a","score":"x","at":"2026-01-02T10:00:00"}\n'),
    ("labels.json", '[{"item":"i1","annotator":"a","score":1,"at":"2026-01-01T10:00:00"},'
                    '{"item":"i1","annotator":"b","score":5,"at":"2026-01-01T11:00:00"},'
                    '{"item":"i2","annotator":"a","score":"x","at":"2026-01-02T10:00:00"}]'),
])
def test_text_formats_give_the_same_counts(project, name, content):
    spec_path, data = project(SPEC, {name: content})
    result, _ = run_spec(spec_path, data)
    counted = violations(result)
    assert counted["low"] == 1
    assert counted["labels.score.type"] == 1  # "x"
    assert counted["labels.score.range"] == 0


def test_parquet_folder_and_explicit_binding(project, tmp_path):
    spec_path, data = project(SPEC, {})
    folder = tmp_path / "parts" / "labels"
    folder.mkdir(parents=True)
    con = duckdb.connect()
    for index, score in enumerate((1, 4, 5)):
        con.execute(f"COPY (SELECT 'i{index}' AS item, 'a' AS annotator, {score}::BIGINT AS score, "
                    f"TIMESTAMP '2026-01-01' AS at) TO '{folder}/part{index}.parquet' (FORMAT parquet)")
    result = _invoke("check", str(spec_path), "--data", f"labels={folder}", "--format", "json")
    assert result.exit_code == 1
    assert '"rows": 3' in result.stdout and '"violations": 1' in result.stdout


def test_missing_and_extra_columns_are_one_clear_error(project):
    spec_path, data = project(SPEC, {"labels.csv": "item,annotator,scores,at,extra\ni1,a,1,2026-01-01,z\n"})
    result = _invoke("check", str(spec_path), "--data", str(data))
    assert result.exit_code == 2
    assert "labels.csv: error: table `labels` does not match the spec" in result.stderr
    assert "missing column `score`" in result.stderr
    assert "unexpected columns `scores`, `extra` (the table is `strict`)" in result.stderr
    assert "expected: item string, annotator string, score int, at timestamp" in result.stderr


def test_mistyped_parquet_column(project, tmp_path):
    spec_path, data = project(SPEC, {})
    path = data / "labels.parquet"
    duckdb.connect().execute(f"COPY (SELECT 'i1' AS item, 'a' AS annotator, 'five' AS score, "
                             f"TIMESTAMP '2026-01-01' AS at) TO '{path}' (FORMAT parquet)")
    result = _invoke("check", str(spec_path), "--data", str(data))
    assert result.exit_code == 2
    assert "`score`: expected int, found VARCHAR" in result.stderr


@pytest.mark.parametrize("arguments, message", [
    (["--data", "nowhere"], "nowhere: error: no such data directory"),
    (["--data", "labels=nowhere.csv"], "nowhere.csv: error: no such file or directory"),
    (["--data", "votes=x.csv"], "the spec has no table `votes`; tables: labels"),
    (["--data", "labels=data.xlsx"], "cannot tell the format"),
])
def test_bad_data_arguments(project, tmp_path, monkeypatch, arguments, message):
    spec_path, data = project(SPEC, {})
    (tmp_path / "data.xlsx").write_text("x")
    monkeypatch.chdir(tmp_path)
    result = _invoke("check", str(spec_path), *arguments)
    assert result.exit_code == 2
    assert message in result.stderr


def test_unbound_table_and_unreadable_file(project):
    spec_path, data = project(SPEC, {})
    result = _invoke("check", str(spec_path), "--data", str(data))
    assert result.exit_code == 2
    assert "no data for table `labels`" in result.stderr
    (data / "labels.json").write_text("{not json")
    result = _invoke("check", str(spec_path), "--data", str(data))
    assert result.exit_code == 2
    assert "labels.json: error: cannot read table `labels`" in result.stderr


def test_bad_spec_and_bad_options(project):
    spec_path, data = project("spec broken\ntable t { a strin }\n", {})
    result = _invoke("check", str(spec_path), "--data", str(data))
    assert result.exit_code == 2
    assert "spec.aspec:2:13: error[E103]: unknown type or taxonomy `strin`" in result.stderr
    result = _invoke("check", "missing.aspec")
    assert result.exit_code == 2 and "missing.aspec: error: no such spec file" in result.stderr
    result = _invoke("check", str(spec_path), "--samples", "-1")
    assert result.exit_code == 2


def test_spec_source_and_specc_yaml_defaults(project, tmp_path):
    spec_path, data = project(SPEC, {"labels.csv": CSV})
    (spec_path.parent / "specc.yaml").write_text("sources:\n  labels: data/labels.csv\n")
    result = _invoke("check", str(spec_path), "--format", "json")
    assert result.exit_code == 1
    assert '"path": "' in result.stdout and "labels.csv" in result.stdout


def test_an_empty_file_says_so(project):
    spec_path, data = project(SPEC, {"labels.csv": ""})
    result = _invoke("check", str(spec_path), "--data", str(data))
    assert result.exit_code == 2
    assert "labels.csv: error: the file for table `labels` is empty (not even a header)" in result.stderr


def test_a_parquet_files_rows_are_numbered_by_their_place_in_it(tmp_path):
    """One Parquet file is numbered by DuckDB's `file_row_number` (read in parallel), several by
    the window over the scan: either way the numbers are the rows' places, as for the CSV."""
    import json

    import duckdb
    from click.testing import CliRunner

    from specc.cli import cli

    spec = tmp_path / "numbered.aspec"
    spec.write_text("spec numbered\n\ntable answers {\n  id     string  required\n  score  int     >= 0\n}\n",
                    encoding="utf-8")
    rows = [("a", 1), ("b", -1), ("c", 2), ("d", -5), ("e", 3)]
    csv_folder, one, two = tmp_path / "csv", tmp_path / "one", tmp_path / "two"
    for folder in (csv_folder, one, two):
        folder.mkdir()
    (csv_folder / "answers.csv").write_text("id,score\n" + "".join(f"{i},{s}\n" for i, s in rows), encoding="utf-8")
    con = duckdb.connect()
    values = ", ".join(f"('{i}', {s})" for i, s in rows)
    con.execute(f"COPY (SELECT * FROM (VALUES {values}) AS t(id, score)) TO '{one / 'answers.parquet'}' (FORMAT parquet)")
    for part, chosen in (("1", rows[:3]), ("2", rows[3:])):
        part_values = ", ".join(f"('{i}', {s})" for i, s in chosen)
        con.execute(f"COPY (SELECT * FROM (VALUES {part_values}) AS t(id, score)) TO "
                    f"'{two / f'answers-{part}.parquet'}' (FORMAT parquet)")
    sampled = []
    for data in (str(csv_folder), str(one), f"answers={two}/answers-*.parquet"):
        result = CliRunner().invoke(cli, ["check", str(spec), "--data", data, "--format", "json"])
        check = next(c for c in json.loads(result.stdout)["checks"] if c["id"] == "answers.score.range")
        sampled.append([sample["row"] for sample in check["samples"]])
    assert sampled == [[2, 4], [2, 4], [2, 4]]
