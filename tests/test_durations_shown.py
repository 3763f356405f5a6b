"""Durations are computed in seconds and shown as the spec writes them (`10m 24s`), in every
text report; the JSON report keeps measured and sampled durations as ISO 8601 (`PT624S`)
and a duration metric's value as seconds with `details.unit = "seconds"`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from specc.cli import cli
from specc.report.common import duration

CASE = Path(__file__).parent / "verdicts" / "durations_keep_their_type"


@pytest.mark.parametrize("seconds, text", [
    (624, "10m 24s"), (540, "9m"), (0.25, "0.25s"), (0, "0s"), (93784.5, "1d 2h 3m 4.5s"),
    (-90, "-1m 30s"), (266400, "3d 2h"), (1e-4, "0s"),
])
def test_duration_text(seconds, text):
    assert duration(seconds) == text


def _run(*arguments):
    return CliRunner().invoke(cli, ["check", str(CASE / "spec.aspec"), "--data", str(CASE), *arguments])


def test_text_report_shows_durations():
    output = _run().output
    assert "10m 24s measured for avg(submitted_at - assigned_at) <= 10m" in output
    assert 'annotator=ana rows=3 "sum(submitted_at - assigned_at)"=40m' in output
    assert '"max(submitted_at - assigned_at)"=25m' in output
    assert "value 9m over 5" in output and "warn above 8m, fail above 15m" in output


def test_json_report_keeps_durations_exact():
    checks = {c["id"]: c for c in json.loads(_run("--format", "json").output)["checks"]}
    assert checks["mean_time"]["details"]["measured"] == {"avg(submitted_at - assigned_at) <= 10m": "PT624S"}
    assert checks["shift"]["samples"][0]["sum(submitted_at - assigned_at)"] == "PT2400S"
    assert checks["handling"]["value"] == 540.0 and checks["handling"]["details"]["unit"] == "seconds"
