"""Every shipped example, clean and dirty, checked on DuckDB, PostgreSQL and Spark: the three
JSON reports are equal apart from timings — every verdict, count, sample and metric value (to
1e-9) — and the counts are the example's expected ones."""

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


def report(example: Path, delivery: str, *engine: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["check", str(example / f"{example.name}.aspec"), "--data",
                                      str(example / delivery), "--format", "json", "--samples", "3", *engine])
    assert "Traceback" not in result.output, result.output
    found = json.loads(result.stdout)
    found.pop("timings")
    return result.exit_code, found


def assert_equal(found, expected, where="report"):
    if isinstance(expected, float) and isinstance(found, float):
        assert math.isclose(found, expected, rel_tol=0, abs_tol=1e-9), where
    elif isinstance(expected, dict):
        assert isinstance(found, dict) and set(found) == set(expected), where
        for key in expected:
            assert_equal(found[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(found, list) and len(found) == len(expected), where
        for index, (a, b) in enumerate(zip(found, expected)):
            assert_equal(a, b, f"{where}[{index}]")
    else:
        assert found == expected, where


def test_every_example_with_expected_counts_is_run():
    assert len(EXAMPLES) == 13


@pytest.mark.parametrize("delivery", ["clean", "dirty"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_the_three_reports_are_equal(example, delivery, postgres_url, spark):
    duckdb_exit, on_duckdb = report(example, delivery)
    engines = {"postgres": ("--engine", "postgres", "--connect", postgres_url), "spark": ("--engine", "spark")}
    expected = json.loads((example / "expected.json").read_text()).get(delivery, {}).get("violations", {})
    for name, arguments in engines.items():
        exit_code, on_engine = report(example, delivery, *arguments)
        errors = [(c["id"], c["details"].get("error")) for c in on_engine["checks"] if c["status"] == "error"]
        assert not errors, name
        assert exit_code == duckdb_exit, name
        assert_equal(on_engine, on_duckdb, name)
        counts = {c["id"]: c["violations"] for c in on_engine["checks"] if c["kind"] != "metric" and c["violations"]}
        assert counts == expected, name
