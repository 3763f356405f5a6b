"""Every shipped example: the clean delivery passes, the dirty one fails with exactly the
violation counts its expected.json lists (counted by hand, not by specc)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from specc.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "specs").iterdir() if (p / "expected.json").is_file())


def _spec(example: Path) -> Path:
    return example / f"{example.name}.aspec"


def _check(example: Path, delivery: str):
    runner = CliRunner()
    result = runner.invoke(cli, ["check", str(_spec(example)), "--data", str(example / delivery),
                                 "--format", "json", "--samples", "2"])
    assert "Traceback" not in result.output
    return result, json.loads(result.stdout) if result.stdout.strip().startswith("{") else None


def test_there_are_at_least_five_examples():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_clean_delivery_passes(example):
    expected = json.loads((example / "expected.json").read_text())
    result, report = _check(example, "clean")
    assert result.exit_code == expected.get("clean_exit", 0), result.output
    counts = {c["id"]: c["violations"] for c in report["checks"] if c["kind"] != "metric"}
    wanted = expected.get("clean", {}).get("violations", {})
    assert {k: v for k, v in counts.items() if v} == wanted


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_dirty_delivery_fails_with_hand_counted_violations(example):
    expected = json.loads((example / "expected.json").read_text())
    result, report = _check(example, "dirty")
    assert result.exit_code == expected.get("dirty_exit", 1), result.output
    counts = {c["id"]: c["violations"] for c in report["checks"] if c["kind"] != "metric"}
    assert {k: v for k, v in counts.items() if v} == expected["dirty"]["violations"]
    assert not [c["id"] for c in report["checks"] if c["status"] == "error"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_lints_clean(example):
    result = CliRunner().invoke(cli, ["lint", str(_spec(example))])
    assert result.exit_code == 0, result.output
