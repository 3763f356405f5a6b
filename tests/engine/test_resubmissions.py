"""Resubmissions (`latest by`): a task's one-label-per-answer check reads the answers, i.e.
the rows the latest-by rule left current; a tie is reported once, by `TABLE.latest_tie`."""

from __future__ import annotations

from tests.engine.conftest import run_spec, violations

SPEC = """
spec resubmitted
table answers {
  latest by created_at per item, annotator
  item        string     required
  annotator   string     required
  label       string     required
  created_at  timestamp  required
}
task topic: classification on answers { unit item  annotator annotator  label label }
"""

ROWS = """\
item,annotator,label,created_at
i1,ann,pos,2026-03-02 10:00:00
i1,ann,neg,2026-03-02 11:00:00
i1,bo,pos,2026-03-02 10:00:00
i2,ann,pos,2026-03-02 10:00:00
i2,bo,neg,2026-03-02 10:00:00
i2,bo,pos,2026-03-02 10:00:00
"""


def test_a_resubmission_is_not_a_second_label(project):
    spec_path, data = project(SPEC, {"answers.csv": ROWS})
    result, _ = run_spec(spec_path, data)
    counts = violations(result)
    assert counts["topic.single_label"] == 0  # i1/ann answered twice: the later answer is the one
    assert counts["answers.latest_tie"] == 2  # i2/bo: two rows at the same instant, neither chosen
    resubmissions = result.inputs[0]
    assert (resubmissions.current_rows, resubmissions.tied_rows) == (3, 2)


# ---- the resolution against its definition, on generated groups -----------------------------

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import duckdb  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from specc.inputs import bind_path  # noqa: E402
from specc.load import load_table  # noqa: E402
from specc.resolve import load_checked  # noqa: E402

ORDERED = """
spec ordered
table answers {
  latest by version per item, annotator
  item       string
  annotator  string
  version    int
}
"""


def _by_definition(rows: list[tuple]) -> list[tuple[bool, bool]]:
    """Current and tied per row, from the rule as the language states it: in each group (null
    keys make a group too) the rows with the largest non-null ordering value are the latest; one
    such row is current, several are tied; a group whose values are all null is tied if it has
    more than one row."""
    groups: dict[tuple, list] = {}
    for item, annotator, version in rows:
        groups.setdefault((item, annotator), []).append(version)
    verdicts = []
    for item, annotator, version in rows:
        versions = groups[(item, annotator)]
        present = [v for v in versions if v is not None]
        latest = max(present) if present else None
        if latest is None:
            at_latest = len(versions)
            is_latest = True
        else:
            at_latest = versions.count(latest)
            is_latest = version == latest
        verdicts.append((is_latest and at_latest == 1, is_latest and at_latest > 1))
    return verdicts


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["i1", "i2", None]), st.sampled_from(["a", "b", None]),
                          st.one_of(st.none(), st.integers(0, 3))), min_size=1, max_size=12))
def test_current_and_tied_rows_follow_the_definition(rows):
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        (data / "ordered.aspec").write_text(ORDERED, encoding="utf-8")
        lines = ["item,annotator,version"] + [",".join("" if v is None else str(v) for v in row) for row in rows]
        (data / "answers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        spec = load_checked(data / "ordered.aspec")
        con = duckdb.connect()
        load_table(con, spec, bind_path("answers", str(data / "answers.csv")))
        found = con.execute('SELECT "__specc_current", "__specc_tied" FROM answers ORDER BY "__specc_row"').fetchall()
        # a Parquet file is read again rather than held: the same answer
        parquet = str(data / "answers.parquet")
        con.execute(f"COPY (SELECT item, annotator, version FROM answers ORDER BY \"__specc_row\") TO '{parquet}' (FORMAT parquet)")
        con.execute("DROP TABLE answers")
        load_table(con, spec, bind_path("answers", parquet))
        from_parquet = con.execute('SELECT "__specc_current", "__specc_tied" FROM answers ORDER BY "__specc_row"').fetchall()
    assert found == _by_definition(rows)
    assert from_parquet == found
