"""All row rules of a table run in one query; group rules share one aggregation per key."""

from __future__ import annotations

import duckdb

from tests.engine.conftest import run_spec, violations

SPEC = """
spec scan
table items {
  id       string  key
  score    int     required  between 0 and 100
  label    string  one of ["a", "b", "c"]
  note     string  length <= 20
  seconds  float   >= 0
  annotator string required pattern "[a-z]+"
}
rules for items {
  error r1: score >= 10
  error r2: score <= 90
  error r3: label != "c"
  error r4: note is not null
  error r5: length(note) > 2
  error r6: seconds < 100
  error r7: lower(annotator) = annotator
  error r8: score + seconds < 150
  error r9: not (label = "b" and score > 50)
  error r10: annotator in ["ann", "bob", "cy"]
  warn  r11: seconds between 1 and 60 tolerate 50%
  error g1: count per annotator <= 3
  error g2: count distinct label per annotator >= 1
  error g3: max(score) per annotator < 95
}
"""

ROWS = """
id,score,label,note,seconds,annotator
i1,5,a,hello,10,ann
i2,95,b,hi,5,ann
i3,50,c,,200,bob
i4,60,b,x,1.5,cy
i5,20,a,ok there,30,bob
"""


def _reads(statement: str, table: str) -> bool:
    return f'FROM "{table}"' in statement


def test_ten_row_rules_one_scan(project):
    spec_path, data = project(SPEC, {"items.csv": ROWS})
    result, state = run_spec(spec_path, data, samples=0)
    reading = [s for s in state.statements_run if _reads(s, "items")]
    scans = [s for s in reading if s.startswith("-- one scan of items")]
    groups = [s for s in reading if s.startswith("-- one aggregation of items per (annotator)")]
    assert len(scans) == 1
    assert all(f"r{i}" in scans[0].splitlines()[0] for i in range(1, 12))
    assert len(groups) == 1 and all(g in groups[0].splitlines()[0] for g in ("g1", "g2", "g3"))
    # id uniqueness is its own grouping key; compliance and breakdown queries come after
    counted = violations(result)
    assert counted["r1"] == 1  # i1 score 5
    assert counted["r2"] == 1  # i2 score 95
    assert counted["r3"] == 1  # i3 label c
    assert counted["r4"] == 1  # i3 note empty -> null
    assert counted["r5"] == 2  # i2 "hi", i4 "x"; i3 null passes
    assert counted["r6"] == 1  # i3 200 seconds
    assert counted["r8"] == 1  # i3 50 + 200
    assert counted["r9"] == 2  # i2 (b, 95) and i4 (b, 60)
    assert counted["r10"] == 0
    assert counted["r11"] == 1  # i3 200 outside 1..60
    assert counted["g1"] == 0 and counted["g2"] == 0
    assert counted["g3"] == 1  # ann's max is 95
    assert counted["items.score.range"] == 0


def test_single_scan_seen_by_duckdb_profiler(project, tmp_path):
    """DuckDB's own profile of the scan statement shows one table scan of items."""
    import duckdb

    spec_path, data = project(SPEC, {"items.csv": ROWS})
    result, state = run_spec(spec_path, data, samples=0)
    scan = next(s for s in state.statements_run if s.startswith("-- one scan of items"))
    con = state.con
    select = scan.split(" AS\n", 1)[1]  # the scan creates the table of flagged rows from one SELECT
    plan = con.execute("EXPLAIN " + select).fetchall()
    text = "\n".join(row[1] for row in plan)
    assert text.count("items") >= 1
    scans = [line for line in text.splitlines() if "Seq Scan" in line or "SEQ_SCAN" in line]
    # the reference subqueries are absent here, so the scan is the only table read
    assert len(scans) == 1, text


JOINED = """
spec joined_reference
table items {
  item_id   string  key
  text_len  int     required
}
table spans {
  item_id    string  required  references items.item_id
  annotator  string  required
  start      int     required
  end        int     required
  entity     string  required
}
task mentions: spans on spans {
  unit         item_id
  annotator    annotator
  span         start..end
  label        entity
  text_length  items.text_len
}
"""


def test_a_reference_the_scans_join_already_looks_up_counts_the_same(project):
    """spans joins items for the span bound; its `references` reads that join's misses instead
    of a second lookup, and the overlap window reads the bound through the join: the figures
    are the lookup's, also when the join is not unique and both are judged apart."""
    spans = ("item_id,annotator,start,end,entity\ni1,a,0,3,X\nnope,a,0,3,X\n,a,0,3,X\ni2,b,0,50,X\n"
             "i1,a,2,5,X\ni2,b,1,4,X\ni2,b,12,25,X\n")
    for items in ("item_id,text_len\ni1,10\ni2,20\n", "item_id,text_len\ni1,10\ni2,20\ni2,30\n"):
        spec_path, data = project(JOINED, {"items.csv": items, "spans.csv": spans})
        result, _ = run_spec(spec_path, data)
        counts = violations(result)
        assert counts["spans.item_id.references"] == 1  # `nope`; the null item is `required`'s
        assert counts["spans.item_id.required"] == 1
        assert counts["mentions.span_bounds"] == 2  # i2's ends 50 and 25 beyond 20 (the shorter match)
        # i1/a 2..5 starts inside 0..3; i2/b 1..4 follows 0..50, which is out of bounds: no overlap
        assert counts["mentions.span_overlap"] == 1


RESUBMITTED = """
spec resubmitted
table answers {
  primary key item, annotator
  LATEST
  item       string
  annotator  string
  label      string  required
  created    int
}
"""

ANSWERS = ("item,annotator,label,created\ni1,a,x,1\ni1,a,y,2\ni1,b,x,1\ni2,a,x,1\ni2,a,x,1\ni2,a,z,3\n"
           ",a,x,1\n,a,y,1\ni3,,x,1\ni3,,x,2\ni4,c,x,\ni4,c,y,\ni5,d,x,4\n")


def test_primary_key_on_the_latest_by_keys_reads_the_loads_count(project, tmp_path):
    """With `latest by`, the load has counted each (item, annotator)'s rows: the primary key
    reads that count instead of aggregating the table again, and finds what the aggregation
    finds — the same violations, checked rows, failing groups shown and rows set aside; keys
    with a null part are not checked, as without `latest by`."""
    found = {}
    for latest in ("", "latest by created"):
        spec_path, data = project(RESUBMITTED.replace("LATEST", latest), {"answers.csv": ANSWERS})
        result, state = run_spec(spec_path, data, samples=10, quarantine=tmp_path / f"q{bool(latest)}")
        check = next(c for c in result.checks if c.id == "answers.primary_key")
        grouped = [s for s in state.statements_run if s.startswith("-- one aggregation of answers per (item, annotator)")]
        counted = [s for s in state.statements_run if s.startswith("-- the repeated keys of answers")]
        assert (len(grouped), len(counted)) == ((0, 1) if latest else (1, 0))
        samples = [(s["row"], s["item"], s["annotator"]) for s in check.samples]
        set_aside = duckdb.sql(
            f"SELECT list(specc_row ORDER BY specc_row) FROM read_parquet('{tmp_path}/q{bool(latest)}/answers.violating.parquet') "
            "WHERE list_contains(specc_violations, 'answers.primary_key')").fetchall()[0][0]
        found[latest] = (check.violations, check.checked, samples, set_aside)
    # i1/a twice, i2/a three times, i4/c twice; (null, a) and (i3, null) are not checked
    rows = [1, 2, 4, 5, 6, 11, 12]
    assert found[""] == (7, 9, [(1, "i1", "a"), (2, "i1", "a"), (4, "i2", "a"), (5, "i2", "a"), (6, "i2", "a"),
                                (11, "i4", "c"), (12, "i4", "c")], rows)
    assert found["latest by created"] == found[""]


def test_count_distinct_on_the_latest_by_keys_reads_the_loads_pairs(project):
    """`count distinct annotator per item` where (item, annotator) are the `latest by` keys:
    the (item, annotator) pairs come from the load's count instead of a grouping of every row,
    with the figures, failing groups and rows set aside of the grouping (nulls as there)."""
    rules = ("rules for answers {\n  error coverage: count distinct annotator per item >= 2\n"
             "  error busy: count per item <= 2\n}\n")
    found = {}
    for latest in ("", "latest by created"):
        spec_path, data = project(RESUBMITTED.replace("LATEST", latest) + rules, {"answers.csv": ANSWERS})
        result, state = run_spec(spec_path, data, samples=10)
        grouping = next(s for s in state.statements_run if "for: coverage, busy" in s.splitlines()[0])
        assert ("__specc_copies" in grouping) == bool(latest)
        checks = {c.id: c for c in result.checks}
        found[latest] = {name: (checks[name].violations, checks[name].checked,
                                [tuple(s.items()) for s in checks[name].samples]) for name in ("coverage", "busy")}
    # i2 (a only), (null item: a only), i3 (a null annotator only), i4 (c), i5 (d) have one annotator or none
    assert found[""]["coverage"][:2] == (5, 6)
    assert found[""]["busy"][:2] == (2, 6)  # i1 and i2 hold three rows each
    assert found["latest by created"] == found[""]
