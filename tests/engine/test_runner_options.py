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
