"""Writing the consensus to Parquet: DuckDB writes the file itself, never Python rows.

`COPY (query) TO` goes to a temporary file in the target's folder (so the rename is atomic)
which is renamed over the target; on any error the temporary file is removed and the target
is left as it was (as the runner's quarantine does).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..sqlsafe import literal
from .engine import Engine

# One row per unit. `contested`: the label has no more than half the support (every tie is
# contested); `dissenters`: the annotators who gave another label, sorted.
LABELS_SQL = """SELECT u.unit AS unit, l.label AS label,
       count(*) FILTER (WHERE v.label_id = d.label_id) AS votes,
       count(*) AS annotators,
       d.support AS support,
       (d.support IS NULL OR d.support <= 0.5) AS contested,
       d.tied AS tied,
       coalesce(array_agg(CAST(a.annotator AS VARCHAR) ORDER BY a.annotator_id)
                FILTER (WHERE v.label_id <> d.label_id), CAST([] AS VARCHAR[])) AS dissenters
FROM {decisions} AS d
JOIN {units} AS u ON u.unit_id = d.unit_id
JOIN {labels} AS l ON l.label_id = d.label_id
JOIN {votes} AS v ON v.unit_id = d.unit_id
JOIN {annotators} AS a ON a.annotator_id = v.annotator_id
GROUP BY d.unit_id, u.unit, l.label, d.support, d.tied
ORDER BY d.unit_id"""


def labels_query(engine: Engine) -> str:
    stems = ("decisions", "units", "labels", "votes", "annotators")
    return LABELS_SQL.format(**{stem: engine.table(stem) for stem in stems})


def copy_atomically(engine: Engine, query: str, target: Path) -> Path:
    """Write `query`'s rows to `target` as Parquet, through a temporary file and a rename."""
    target = Path(target)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        engine.execute(f"COPY ({query}) TO {literal(str(Path(temporary).resolve()))} (FORMAT parquet)")
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target
