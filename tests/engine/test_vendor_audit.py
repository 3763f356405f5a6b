"""specs/vendor_audit: specc's report agrees with the independent count (count.py: pandas and
krippendorff) on every count and figure, and the committed files are what the seeded
generator and the counter write."""

from __future__ import annotations

import filecmp
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from specc.cli import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "specs" / "vendor_audit"
EXPECTED = json.loads((EXAMPLE / "expected.json").read_text(encoding="utf-8"))
# how each committed delivery was generated (the README of specs/vendor_audit says the same)
GENERATED = {"dirty": ["--rows", "1200"], "clean": ["--rows", "900", "--seed", "3", "--clean"]}


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"vendor_audit_{name}", EXAMPLE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("delivery", ["dirty", "clean"])
def test_specc_agrees_with_the_independent_count(delivery):
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE / "vendor_audit.aspec"), "--data", str(EXAMPLE / delivery),
                                      "--format", "json"])
    assert "Traceback" not in result.output
    found = _module("figures").from_report(json.loads(result.stdout), result.exit_code)
    assert _module("figures").differences(EXPECTED[delivery]["figures"], found) == []


def test_the_dirty_delivery_holds_each_fault():
    """Every check the audit is about finds something in the dirty delivery, so agreement
    above is not agreement on zeros."""
    figures = EXPECTED["dirty"]["figures"]
    for check in ("annotations.label.enum", "annotations.label.required", "annotations.primary_key",
                  "annotations.latest_tie", "coverage", "too_fast", "mentions.span_bounds", "mentions.span_overlap"):
        assert figures["checks"][check]["violations"] > 0, check
    assert figures["inputs"]["annotations"]["resubmissions"]["superseded_rows"] > 0
    assert figures["metrics"]["gold_accuracy"]["failing_annotators"] == ["a000", "a003", "a006"]
    assert figures["metrics"]["agreement"]["population_rows"] < figures["inputs"]["annotations"]["rows"]


def test_expected_json_is_what_the_counter_writes(tmp_path):
    copy = tmp_path / "vendor_audit"
    for delivery in ("clean", "dirty"):
        (copy / delivery).mkdir(parents=True)
        for path in (EXAMPLE / delivery).iterdir():
            (copy / delivery / path.name).write_bytes(path.read_bytes())
    _module("count").write_expected(copy)
    assert json.loads((copy / "expected.json").read_text(encoding="utf-8")) == EXPECTED


@pytest.mark.parametrize("delivery", ["dirty", "clean"])
def test_the_deliveries_are_what_the_seeded_generator_writes(delivery, tmp_path):
    subprocess.run([sys.executable, str(EXAMPLE / "generate.py"), *GENERATED[delivery], "--format", "csv",
                    "--out", str(tmp_path)], check=True)
    names = sorted(p.name for p in (EXAMPLE / delivery).iterdir())
    assert names == ["annotations.csv", "gold.csv", "items.csv", "spans.csv"]
    match, mismatch, errors = filecmp.cmpfiles(EXAMPLE / delivery, tmp_path, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_the_benchmark_routes_agree_on_a_small_parquet_delivery(tmp_path):
    """bench/run.py times three routes only once they agree: the hand-written SQL and the
    pandas count give the same figures as specc on the generator's Parquet output."""
    subprocess.run([sys.executable, str(EXAMPLE / "generate.py"), "--rows", "1500", "--out", str(tmp_path)], check=True)
    spec = importlib.util.spec_from_file_location("bench_handwritten", EXAMPLE.parents[1] / "bench" / "handwritten.py")
    handwritten = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(handwritten)
    expected = _module("count").audit(tmp_path)
    assert _module("figures").differences(expected, handwritten.figures(handwritten.run(duckdb.connect(), tmp_path))) == []
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE / "vendor_audit.aspec"), "--data", str(tmp_path),
                                      "--format", "json"])
    assert _module("figures").differences(expected, _module("figures").from_report(json.loads(result.stdout),
                                                                                  result.exit_code)) == []


def test_a_duplicated_item_row_still_gives_a_report(tmp_path):
    """Found by `make fuzz`: with `items.item_id` no longer unique, the spans' join to the text
    length is judged in a step of its own, and the overlap sample's window column (computed in
    the table's scan only) must be left out of the samples, not crash the run."""
    import shutil

    from click.testing import CliRunner

    from specc.cli import cli

    example = Path(__file__).resolve().parents[2] / "specs" / "vendor_audit"
    delivery = tmp_path / "delivery"
    shutil.copytree(example / "dirty", delivery)
    items = delivery / "items.csv"
    lines = items.read_text(encoding="utf-8").splitlines(keepends=True)
    items.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    outcome = CliRunner().invoke(cli, ["check", str(example / "vendor_audit.aspec"), "--data", str(delivery),
                                       "--format", "json"])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.exception
    assert outcome.exit_code == 1
    checks = {c["id"]: c for c in json.loads(outcome.output)["checks"]}
    assert checks["items.item_id.unique"]["violations"] == 2
    assert checks["mentions.span_overlap"]["status"] == "failed"


def test_a_joined_tables_key_check_answers_whether_the_join_is_unique():
    """`items.item_id` is a key, checked before `spans` joins it: the spans' plan reads that
    check's result rather than aggregating items a second time."""
    example = Path(__file__).resolve().parents[2] / "specs" / "vendor_audit"
    outcome = CliRunner().invoke(cli, ["check", str(example / "vendor_audit.aspec"), "--data", str(example / "dirty"),
                                       "--format", "json", "--profile"])
    statements = [s["statement"] for s in json.loads(outcome.stdout)["timings"]["statements"]]
    assert [s for s in statements if "items per (item_id)" in s] == ["one aggregation of items per (item_id) for: items.item_id.unique"]
    assert not [s for s in statements if s.startswith("are the keys")]
    assert "one scan of spans for: spans.item_id.required" in " ".join(statements)  # the join stayed in the scan
