"""`specc agree` through the real command group: exit codes, JSON keys, messages, no tracebacks."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from metric_tables import KRIPPENDORFF_2011, long_form

from specc.cli import cli


@pytest.fixture
def csv_path(tmp_path):
    frame = long_form(KRIPPENDORFF_2011, list("ABCD")).rename(columns={"unit": "item", "coder": "annotator", "value": "label"})
    frame["label"] = frame["label"].astype(int)
    path = tmp_path / "ratings.csv"
    frame.to_csv(path, index=False)
    return path


def agree(*arguments):
    result = CliRunner().invoke(cli, ["agree", *map(str, arguments)])
    assert "Traceback" not in result.output
    return result


def columns(path):
    return ["--data", path, "--unit", "item", "--coder", "annotator", "--value", "label"]


@pytest.mark.parametrize("level,expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_alpha_json(csv_path, level, expected):
    result = agree(*columns(csv_path), "--level", level, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {"metric", "level", "value", "units", "coders", "pairable_values", "percent_agreement"} <= report.keys()
    assert (report["metric"], report["level"], round(report["value"], 3)) == ("alpha", level, expected)
    assert (report["units"], report["coders"], report["pairable_values"]) == (11, 4, 40)


@pytest.mark.parametrize("metric", ["fleiss", "cohen", "percent"])
def test_other_metrics_json(csv_path, metric):
    result = agree(*columns(csv_path), "--metric", metric, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["metric"] == metric and report["level"] == "nominal"
    assert {"value", "units", "coders", "pairable_values", "percent_agreement"} <= report.keys()


def test_weighted_cohen_and_per_annotator(csv_path):
    result = agree(*columns(csv_path), "--metric", "cohen", "--weights", "quadratic", "--level", "ordinal",
                   "--per-annotator", "--format", "json")  # fmt: skip
    report = json.loads(result.output)
    assert report["weights"] == "quadratic" and len(report["pairs"]) == 6
    assert [row["coder"] for row in report["per_annotator"]] == list("ABCD")


def test_bootstrap_is_deterministic(csv_path):
    first = agree(*columns(csv_path), "--bootstrap", 200, "--seed", 3, "--format", "json")
    second = agree(*columns(csv_path), "--bootstrap", 200, "--seed", 3, "--format", "json")
    assert first.exit_code == 0
    assert json.loads(first.output)["interval"] == json.loads(second.output)["interval"]


def test_text_output(csv_path):
    result = agree(*columns(csv_path), "--level", "ordinal", "--bootstrap", 100, "--per-annotator")
    assert result.exit_code == 0
    assert "Krippendorff's alpha (ordinal): 0.815" in result.output
    assert "95% interval" in result.output and "percent agreement" in result.output
    assert "alpha without" in result.output


def test_undefined_alpha_says_why(tmp_path):
    path = tmp_path / "same.jsonl"
    path.write_text('{"u": 1, "c": "a", "v": "x"}\n{"u": 1, "c": "b", "v": "x"}\n')
    result = agree("--data", path, "--unit", "u", "--coder", "c", "--value", "v")
    assert result.exit_code == 0
    assert "undefined (expected disagreement is zero" in result.output
    report = json.loads(agree("--data", path, "--unit", "u", "--coder", "c", "--value", "v", "--format", "json").output)
    assert report["value"] is None and report["undefined_reason"]


def test_parquet_and_tsv(tmp_path, csv_path):
    import duckdb

    for suffix, options in ((".parquet", "(FORMAT parquet)"), (".tsv", "(FORMAT csv, DELIMITER '\t')")):
        path = tmp_path / f"ratings{suffix}"
        duckdb.sql(f"COPY (SELECT * FROM read_csv_auto('{csv_path}')) TO '{path}' {options}")
        result = agree(*columns(path), "--format", "json")
        assert result.exit_code == 0, result.output
        assert round(json.loads(result.output)["value"], 3) == 0.743


def test_missing_column_names_the_columns(csv_path):
    result = agree("--data", csv_path, "--unit", "item", "--coder", "annotatr", "--value", "label")
    assert result.exit_code == 2
    assert "no column `annotatr`" in result.output
    assert "item, annotator, label" in result.output and str(csv_path) in result.output


def test_missing_file(tmp_path):
    result = agree(*columns(tmp_path / "nowhere.csv"))
    assert result.exit_code == 2 and "no such file" in result.output


def test_unknown_file_kind(tmp_path):
    path = tmp_path / "ratings.xlsx"
    path.write_text("x")
    result = agree(*columns(path))
    assert result.exit_code == 2 and "cannot read this kind of file" in result.output


def test_unreadable_file(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_text("not parquet at all")
    result = agree(*columns(path))
    assert result.exit_code == 2 and "cannot read the file" in result.output


def test_text_at_interval_level(tmp_path):
    path = tmp_path / "words.csv"
    path.write_text("item,annotator,label\n1,A,low\n1,B,high\n")
    result = agree(*columns(path), "--level", "interval")
    assert result.exit_code == 2 and "non-numeric" in result.output


def test_duplicate_ratings(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("item,annotator,label\n1,A,x\n1,A,y\n1,B,x\n")
    result = agree(*columns(path))
    assert result.exit_code == 2
    assert "1 (unit, coder) pair(s) have more than one answer, e.g. unit '1' and coder 'A'" in result.output
    assert "--latest-by COLUMN" in result.output


def test_option_mistakes(csv_path):
    assert agree(*columns(csv_path), "--metric", "fleiss", "--level", "interval").exit_code == 2
    assert agree(*columns(csv_path), "--metric", "cohen", "--bootstrap", 10).exit_code == 2
    assert agree(*columns(csv_path), "--level", "cardinal").exit_code == 2
