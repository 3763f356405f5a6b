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
