"""`specc compile --target sql` prints exactly what `specc check` runs: the load of each table
(exact casts, `.type` flags), each grouping, the row scan, the whole-table aggregates, the
table's compliance and its breakdowns.

A golden file pins one spec's statements; every shipped example whose delivery is CSV shows
that each statement the run creates appears, character for character, in the compiled output.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from specc.backends import get_backend
from specc.inputs import parse_data_arguments
from specc.resolve import load_checked
from specc.runner import RunOptions, run

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "sql"
def _csv_deliveries():
    """(spec, delivery folder) of every shipped example and verdict case delivered as CSV only."""
    found = []
    for example in sorted((ROOT / "specs").iterdir()):
        dirty = example / "dirty"
        if dirty.is_dir() and {f.suffix for f in dirty.iterdir()} == {".csv"}:
            found.append((next(example.glob("*.aspec")), dirty))
    for case in sorted((ROOT / "tests" / "verdicts").iterdir()):
        if (case / "spec.aspec").is_file() and {f.suffix for f in case.iterdir()} <= {".csv", ".aspec", ".json"}:
            found.append((case / "spec.aspec", case))
    return found


CSV_DELIVERIES = _csv_deliveries()


def _compiled(spec_path: Path) -> str:
    rendered = get_backend("sql").render(load_checked(spec_path))
    return next(iter(rendered.values()))


def test_golden_support_intents():
    text = _compiled(ROOT / "specs" / "support_intents" / "support_intents.aspec")
    golden = GOLDEN / "support_intents.sql"
    if os.environ.get("SPECC_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_there_are_csv_deliveries():
    assert len(CSV_DELIVERIES) >= 10, CSV_DELIVERIES


@pytest.mark.parametrize("spec_path, delivery", CSV_DELIVERIES, ids=lambda p: p.parent.name if p.suffix else "")
def test_every_statement_the_run_creates_is_compiled(spec_path, delivery):
    spec = load_checked(spec_path)
    result, state = run(spec, parse_data_arguments((str(delivery),), spec), RunOptions(samples=0))
    compiled = _compiled(spec_path)
    steps = {part.split("\n", 1)[0]: part for part in compiled.split("\n\n")}
    created = [s for s in state.statements_run if s.startswith("-- ")]
    assert created, "the run created no step"
    assert any(s.startswith("-- compliance of ") for s in created), "compliance is a step"
    narrower = set()  # tables whose scan ran with fewer checks than planned
    for statement in created:
        header = statement.split("\n", 1)[0]
        if statement + ";" in compiled:
            continue
        if header.startswith(("-- compliance of ", "-- breakdown of ")):
            # they read the scan's flags, which are fewer when the scan was narrowed
            table = header.removeprefix("-- compliance of ").removeprefix("-- breakdown of ").split(" ")[0]
            assert table in narrower and header in steps, header
            continue
        # a grouping that found no failing group is left out of the table's scan at run time
        assert header.startswith("-- one scan of "), header
        table = header.removeprefix("-- one scan of ").split(" ")[0]
        planned = next(h for h in steps if h.startswith(f"-- one scan of {table} for: "))
        assert set(header.split(": ", 1)[1].split(", ")) < set(planned.split(": ", 1)[1].split(", "))
        narrower.add(table)
    # every `.type` check the run made is a flag the compiled load computes
    for check in (c for c in result.checks if c.id.endswith(".type")):
        table, column = check.id.split(".")[:2]
        assert f'AS "__specc_type__{column}"' in compiled.split(f"-- load {table}\n", 1)[1].split(";", 1)[0]
