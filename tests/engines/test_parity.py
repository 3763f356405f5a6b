"""Every shipped example, clean and dirty, checked on DuckDB and on PostgreSQL: the JSON
reports are equal apart from timings — every verdict, count, sample and metric value."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from specc.cli import cli

pytestmark = pytest.mark.engines

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "specs").iterdir() if (p / "expected.json").is_file())


def _report(example: Path, delivery: str, *engine: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["check", str(example / f"{example.name}.aspec"), "--data",
                                      str(example / delivery), "--format", "json", "--samples", "3", *engine])
    assert "Traceback" not in result.output, result.output
    report = json.loads(result.stdout)
    report.pop("timings")
    return result.exit_code, report


def _assert_equal(found, expected, where="report"):
    if isinstance(expected, float) and isinstance(found, float):
        assert math.isclose(found, expected, rel_tol=0, abs_tol=1e-9), where
    elif isinstance(expected, dict):
        assert isinstance(found, dict) and set(found) == set(expected), where
        for key in expected:
            _assert_equal(found[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(found, list) and len(found) == len(expected), where
        for index, (a, b) in enumerate(zip(found, expected)):
            _assert_equal(a, b, f"{where}[{index}]")
    else:
        assert found == expected, where


@pytest.mark.parametrize("delivery", ["clean", "dirty"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_postgres_report_equals_duckdb_report(example, delivery, postgres_url):
    duckdb_exit, on_duckdb = _report(example, delivery)
    postgres_exit, on_postgres = _report(example, delivery, "--engine", "postgres", "--connect", postgres_url)
    assert postgres_exit == duckdb_exit
    assert not [c["id"] for c in on_postgres["checks"] if c["status"] == "error"]
    _assert_equal(on_postgres, on_duckdb)
    expected = json.loads((example / "expected.json").read_text())
    counts = {c["id"]: c["violations"] for c in on_postgres["checks"] if c["kind"] != "metric" and c["violations"]}
    assert counts == expected.get(delivery, {}).get("violations", {})
