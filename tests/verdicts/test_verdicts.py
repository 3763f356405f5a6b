"""Verdicts a gate can trust (issue 8): one case a folder — a spec, its delivery and the
report excerpt a careful auditor expects, counted by hand or by `make_data.py` (never by
specc). Each case runs `specc check --format json` and compares the excerpt; cases with a
`quarantine` excerpt also read back the quarantine files."""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from specc.cli import cli

HERE = Path(__file__).resolve().parent
CASES = sorted(p.parent.name for p in HERE.glob("*/expected.json"))


def _run(case: str, tmp_path: Path) -> tuple[int, dict, Path]:
    folder = HERE / case
    quarantine = tmp_path / "quarantine"
    result = CliRunner().invoke(cli, ["check", str(folder / "spec.aspec"), "--data", str(folder), "--format", "json",
                                      "--quarantine", str(quarantine)])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout), quarantine


def _close(expected, found) -> bool:
    if isinstance(expected, float) and isinstance(found, (int, float)):
        return math.isclose(expected, found, rel_tol=1e-9, abs_tol=1e-9)
    return expected == found


@pytest.mark.parametrize("case", CASES)
def test_verdict(case, tmp_path):
    expected = json.loads((HERE / case / "expected.json").read_text(encoding="utf-8"))
    exit_code, report, quarantine = _run(case, tmp_path)
    assert exit_code == expected["exit"], json.dumps(report["checks"], indent=1)[:3000]
    checks = {c["id"]: c for c in report["checks"]}
    for check_id, want in expected.get("checks", {}).items():
        _compare_check(checks[check_id], want)
    for check_id in expected.get("absent_checks", []):
        assert check_id not in checks
    for check_id, want in expected.get("samples", {}).items():
        assert [_shown(s, w) for s, w in zip(checks[check_id]["samples"], want)] == want
    for metric_id, want in expected.get("metrics", {}).items():
        _compare_metric(checks[metric_id], want)
    _compare_compliance(report["scores"]["compliance"], expected.get("compliance", {}))
    for table, want in expected.get("quarantine", {}).items():
        _compare_quarantine(quarantine, table, want)


def _compare_check(found: dict, want: dict) -> None:
    assert found["status"] == want["status"], found
    for key in ("violations", "checked"):
        if key in want:
            assert found[key] == want[key], (key, found)
    for key in ("rows_set_aside", "sets_aside", "measured"):
        if key in want:
            assert found["details"][key] == want[key], (key, found["details"])
    if "error_contains" in want:
        assert want["error_contains"] in found["details"]["error"]


def _shown(sample: dict, want: dict) -> dict:
    return {key: (str(sample[key]) if isinstance(want[key], str) else sample[key]) for key in want}


def _compare_metric(found: dict, want: dict) -> None:
    assert found["status"] == want["status"], found
    assert _close(want["value"], found["value"]), found["value"]
    details = found["details"]
    if "undefined_reason_contains" in want:
        assert want["undefined_reason_contains"] in details["undefined_reason"]
    if "failing_groups" in want:
        assert len(details["failing_groups"]) == len(want["failing_groups"])
        for got, wanted in zip(details["failing_groups"], want["failing_groups"]):
            assert all(_close(v, got[k]) for k, v in wanted.items()), got
    groups = {g["value"]: g for g in details.get("groups", [])}
    for value, wanted in want.get("groups", {}).items():
        assert all(_close(v, groups[value][k]) for k, v in wanted.items()), groups[value]


def _compare_compliance(found: dict, want: dict) -> None:
    if "overall" in want:
        assert found["overall"] == want["overall"]
    for table, wanted in ((k, v) for k, v in want.items() if k != "overall"):
        for key, value in wanted.items():
            assert found["tables"][table][key] == value, (table, key, found["tables"][table])


def _compare_quarantine(directory: Path, table: str, want: dict) -> None:
    con = duckdb.connect()
    clean = str(directory / f"{table}.clean.parquet")
    violating = str(directory / f"{table}.violating.parquet")
    if "clean_rows" in want:
        assert [r[0] for r in con.execute("SELECT specc_row FROM read_parquet(?) ORDER BY 1", [clean]).fetchall()] \
            == want["clean_rows"]
    if "violating_ids" in want:
        ids = con.execute("SELECT id FROM read_parquet(?) ORDER BY specc_row", [violating]).fetchall()
        assert [r[0] for r in ids] == want["violating_ids"]
    for row, values in want.get("violating", {}).items():
        cursor = con.execute("SELECT * FROM read_parquet(?) WHERE specc_row = ?", [violating, int(row)])
        names = [d[0] for d in cursor.description]
        found = dict(zip(names, cursor.fetchone()))
        assert {k: found[k] for k in values} == values, found
