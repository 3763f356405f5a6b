"""DuckDB settings from the command line, and spec metrics broken down per annotator and vendor."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from specc.cli import cli
from tests.engine.conftest import run_spec

SPEC = """
spec m
taxonomy Mood { happy sad }
table labels {
  item string  annotator string  vendor string  mood Mood
}
task mood: classification on labels { unit item  annotator annotator  vendor vendor  label mood }
metric agreement "Mood agreement": percent_agreement per annotator, vendor  fail below 0.5
"""

ROWS = """
item,annotator,vendor,mood
i1,a,acme,happy
i1,b,acme,happy
i2,a,acme,sad
i2,b,acme,happy
i3,c,zeta,sad
i3,d,zeta,sad
i4,c,zeta,happy
i4,d,zeta,happy
"""


def test_metric_breakdown_per_annotator_and_vendor(project):
    spec_path, data = project(SPEC, {"labels.csv": ROWS})
    result, _ = run_spec(spec_path, data)
    metric = next(c for c in result.checks if c.id == "agreement")
    assert metric.value == pytest.approx(3 / 4)  # i1, i3, i4 agree; i2 does not
    per_vendor = {row["value"]: row["metric"] for row in metric.details["per"]["vendor"]}
    assert per_vendor == {"acme": 0.5, "zeta": 1.0}
    per_annotator = {row["coder"]: row["agreement_with_others"] for row in metric.details["per_annotator"]}
    assert per_annotator == {"a": 0.5, "b": 0.5, "c": 1.0, "d": 1.0}
    vendors = next(b for b in result.breakdowns if b.role == "vendor")
    assert [(g["value"], g["rows"]) for g in vendors.groups] == [("acme", 4), ("zeta", 4)]


def test_threads_and_memory_limit(project):
    spec_path, data = project(SPEC, {"labels.csv": ROWS})
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(spec_path), "--data", str(data), "--threads", "1",
                                 "--memory-limit", "256MB", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["verdict"] == "passed"
    result = runner.invoke(cli, ["check", str(spec_path), "--data", str(data), "--memory-limit", "lots"])
    assert result.exit_code == 2
    assert "cannot start DuckDB with these settings" in result.stderr and "Traceback" not in result.output


def test_any_column_a_metric_breaks_down_by_gets_a_compliance_breakdown(project):
    spec = SPEC.replace("vendor string  mood Mood", "vendor string  batch string  mood Mood").replace(
        "per annotator, vendor", "per annotator, batch") + "rules for labels { error happy: mood = \"happy\" }\n"
    rows = "item,annotator,vendor,batch,mood\ni1,a,acme,b1,happy\ni1,b,acme,b1,sad\ni2,a,acme,b2,happy\ni2,b,acme,b2,happy\n"
    spec_path, data = project(spec, {"labels.csv": rows})
    result, _ = run_spec(spec_path, data)
    batches = next(b for b in result.breakdowns if b.column == "batch")
    assert [(g["value"], g["rows"], g["violating_rows"]) for g in batches.groups] == [("b1", 2, 1), ("b2", 2, 0)]


def test_a_join_counts_each_row_once(project):
    spec = """
        spec j
        table answers { item string  label string }
        table gold { item string  label string }
        rules for answers with gold on item { error matches_gold: label = gold.label }
        """
    answers = "item,label\ni1,a\ni2,b\ni3,c\n"
    gold = "item,label\ni1,a\ni1,z\ni2,a\n"  # i1 twice in gold: one matching, one not
    spec_path, data = project(spec, {"answers.csv": answers, "gold.csv": gold})
    result, _ = run_spec(spec_path, data)
    check = next(c for c in result.checks if c.id == "matches_gold")
    # i1 meets a gold row that differs, i2 differs, i3 has no gold (null: not a violation)
    assert (check.violations, check.checked) == (2, 3)


def test_breakdowns_count_failing_rows_from_the_scan_alone(project):
    """Each value's rows from the table, its failing rows from the scan's own flagged rows (which
    carry the column): a null value is a group of its own, listed first; a warning is not a
    failure; a value whose every row fails, and one with none, are both listed."""
    spec = SPEC.replace("vendor string  mood Mood", "vendor string  batch string  mood Mood").replace(
        "per annotator, vendor", "per annotator, batch") + (
        "rules for labels {\n  error happy: mood = \"happy\"\n  warn short: length(batch) < 2\n}\n")
    rows = ("item,annotator,vendor,batch,mood\ni1,a,acme,b1,happy\ni1,b,acme,b1,sad\ni2,a,acme,b2,happy\n"
            "i2,b,acme,,sad\ni3,a,acme,,happy\ni3,b,acme,b3,sad\n")
    spec_path, data = project(spec, {"labels.csv": rows})
    result, state = run_spec(spec_path, data)
    batches = next(b for b in result.breakdowns if b.column == "batch")
    assert [(g["value"], g["rows"], g["violating_rows"]) for g in batches.groups] == [
        (None, 2, 1), ("b1", 2, 1), ("b2", 1, 0), ("b3", 1, 1)]
    statement = next(s for s in state.statements_run if "GROUP BY \"batch\"" in s)
    assert "JOIN \"labels\"" not in statement and "FROM \"__specc_rows_labels\"" in statement
