"""Span consensus: per unit, the spans that at least k annotators give, under a matching mode.

Rows are (unit, annotator, start, end, label) with half-open offsets, as for span agreement
(specc/metrics/spans.py); a row with a NULL start or end says "annotated, no spans". The
annotators' spans are grouped into *mentions* by the mode's notion of "the same span":

| mode    | one mention is                                                     |
|---------|--------------------------------------------------------------------|
| strict  | identical boundaries and label                                     |
| exact   | identical boundaries, whatever the label                           |
| type    | a run of overlapping spans with the same label                     |
| partial | as type, but an annotator whose span differs from the mention's    |
|         | boundaries supports it by one half                                 |

A run is maximal: spans of one label, in order of start, chained by overlaps (sharing a
character, or identical boundaries), so it is computed with window functions. A mention's
boundaries are those given by the most annotators (ties: earlier start, then earlier end);
its label, in exact mode, the one given by the most of its annotators (ties: the first in
text order). Its *support* is the number of its annotators (partial: 1 each for the
mention's boundaries, 1/2 for other boundaries). It is kept when the support is at least
`min_annotators`, or by default when it is more than half the unit's annotators.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sqlsafe import identifier
from .crowd import require_columns
from .engine import Engine
from .errors import ConsensusError
from .results import SpanConsensus, SpanSkill

SPAN_MODES = ("strict", "exact", "type", "partial")


@dataclass(frozen=True)
class SpanColumns:
    relation: str
    unit: str
    annotator: str
    start: str
    end: str
    label: str


MENTION_KEYS = {  # mode -> how spans are numbered into mentions
    "strict": "dense_rank() OVER (ORDER BY unit_id, start, stop, label)",
    "exact": "dense_rank() OVER (ORDER BY unit_id, start, stop)",
    "type": "dense_rank() OVER (ORDER BY unit_id, label, run)",
    "partial": "dense_rank() OVER (ORDER BY unit_id, label, run)",
}

# Runs of overlapping spans per (unit, label): a span opens a new run unless it starts
# before the furthest end so far, or repeats the previous span's boundaries.
RUNS_SQL = """WITH ordered AS (
  SELECT s.*,
         max(stop) OVER (PARTITION BY unit_id, label ORDER BY start, stop, span_id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach,
         lag(start) OVER (PARTITION BY unit_id, label ORDER BY start, stop, span_id) AS previous_start,
         lag(stop) OVER (PARTITION BY unit_id, label ORDER BY start, stop, span_id) AS previous_stop
  FROM {sp_spans} AS s
),
flagged AS (
  SELECT *, CASE WHEN reach IS NULL THEN 1
                 WHEN start >= reach AND NOT (start = previous_start AND stop = previous_stop) THEN 1
                 ELSE 0 END AS opens
  FROM ordered
),
runs AS (
  SELECT *, sum(opens) OVER (PARTITION BY unit_id, label ORDER BY start, stop, span_id ROWS UNBOUNDED PRECEDING) AS run
  FROM flagged
)
SELECT span_id, {key} AS mention_id FROM runs"""

TABLES_SQL = {
    "sp_units": "SELECT row_number() OVER (ORDER BY unit) - 1 AS unit_id, unit FROM (SELECT DISTINCT unit FROM {sp_rows}) AS seen",
    "sp_annotators": ("SELECT row_number() OVER (ORDER BY annotator) - 1 AS annotator_id, annotator"
                      " FROM (SELECT DISTINCT annotator FROM {sp_rows}) AS seen"),
    "sp_members": ("SELECT DISTINCT u.unit_id, a.annotator_id FROM {sp_rows} AS r JOIN {sp_units} AS u ON u.unit = r.unit"
                   " JOIN {sp_annotators} AS a ON a.annotator = r.annotator"),
    "sp_spans": ("SELECT row_number() OVER (ORDER BY u.unit_id, a.annotator_id, r.start, r.stop, r.label) AS span_id,"
                 " u.unit_id, a.annotator_id, r.start, r.stop, r.label"
                 " FROM {sp_rows} AS r JOIN {sp_units} AS u ON u.unit = r.unit"
                 " JOIN {sp_annotators} AS a ON a.annotator = r.annotator"
                 " WHERE r.start IS NOT NULL AND r.stop IS NOT NULL"),
    "sp_sizes": ("SELECT m.unit_id, count(*) AS annotators, count(*) FILTER (WHERE g.annotator_id IS NOT NULL) AS with_spans"
                 " FROM {sp_members} AS m LEFT JOIN (SELECT DISTINCT unit_id, annotator_id FROM {sp_spans}) AS g"
                 " ON g.unit_id = m.unit_id AND g.annotator_id = m.annotator_id GROUP BY m.unit_id"),
}

BOUNDS_SQL = """WITH members AS (
  SELECT m.mention_id, s.unit_id, s.annotator_id, s.start, s.stop, s.label
  FROM {sp_spans} AS s JOIN {sp_mention_of} AS m ON m.span_id = s.span_id
),
bounds AS (
  SELECT mention_id, unit_id, start, stop, count(DISTINCT annotator_id) AS givers FROM members
  GROUP BY mention_id, unit_id, start, stop
),
labels AS (
  SELECT mention_id, label, count(DISTINCT annotator_id) AS givers FROM members GROUP BY mention_id, label
),
chosen_bounds AS (
  SELECT mention_id, unit_id, start, stop,
         row_number() OVER (PARTITION BY mention_id ORDER BY givers DESC, start, stop) AS place
  FROM bounds
),
chosen_labels AS (
  SELECT mention_id, label, givers,
         row_number() OVER (PARTITION BY mention_id ORDER BY givers DESC, CAST(label AS VARCHAR) NULLS LAST) AS place
  FROM labels
)
SELECT b.mention_id, b.unit_id, b.start, b.stop, l.label, l.givers AS label_givers
FROM chosen_bounds AS b JOIN chosen_labels AS l ON l.mention_id = b.mention_id AND l.place = 1
WHERE b.place = 1"""

CREDIT_SQL = """SELECT m.mention_id, s.annotator_id,
       CAST(max(CASE WHEN {partial} AND NOT (s.start = b.start AND s.stop = b.stop) THEN 0.5 ELSE 1.0 END) AS DOUBLE) AS credit
FROM {sp_spans} AS s JOIN {sp_mention_of} AS m ON m.span_id = s.span_id
JOIN {sp_bounds} AS b ON b.mention_id = m.mention_id
GROUP BY m.mention_id, s.annotator_id"""

MENTIONS_SQL = """SELECT b.mention_id, b.unit_id, b.start, b.stop, b.label, b.label_givers,
       c.supporters, c.support, z.annotators,
       {kept} AS kept
FROM {sp_bounds} AS b
JOIN (SELECT mention_id, count(*) AS supporters, sum(credit) AS support FROM {sp_credit} GROUP BY mention_id) AS c
  ON c.mention_id = b.mention_id
JOIN {sp_sizes} AS z ON z.unit_id = b.unit_id"""

# One row per kept span; a unit where no span was kept gets one row with NULL start, end
# and label ("no spans here"), as in the span convention of the input.
OUTPUT_SQL = """SELECT unit, start, "end", label, support, annotators, contested, dissenters FROM (
  SELECT mn.unit_id, u.unit, mn.start, mn.stop AS "end", mn.label, mn.support, mn.annotators,
         (mn.support * 2 <= mn.annotators OR mn.label_givers * 2 <= mn.supporters) AS contested,
         coalesce(array_agg(CAST(a.annotator AS VARCHAR) ORDER BY a.annotator_id) FILTER (WHERE c.annotator_id IS NULL),
                  CAST([] AS VARCHAR[])) AS dissenters
  FROM {sp_mentions} AS mn
  JOIN {sp_units} AS u ON u.unit_id = mn.unit_id
  JOIN {sp_members} AS mb ON mb.unit_id = mn.unit_id
  JOIN {sp_annotators} AS a ON a.annotator_id = mb.annotator_id
  LEFT JOIN {sp_credit} AS c ON c.mention_id = mn.mention_id AND c.annotator_id = mb.annotator_id
  WHERE mn.kept
  GROUP BY mn.mention_id, mn.unit_id, u.unit, mn.start, mn.stop, mn.label, mn.support, mn.annotators,
           mn.label_givers, mn.supporters
  UNION ALL
  SELECT u.unit_id, u.unit, NULL, NULL, NULL, NULL, z.annotators, z.with_spans * 2 >= z.annotators,
         coalesce(array_agg(CAST(a.annotator AS VARCHAR) ORDER BY a.annotator_id)
                  FILTER (WHERE g.annotator_id IS NOT NULL), CAST([] AS VARCHAR[]))
  FROM {sp_units} AS u
  JOIN {sp_sizes} AS z ON z.unit_id = u.unit_id
  JOIN {sp_members} AS mb ON mb.unit_id = u.unit_id
  JOIN {sp_annotators} AS a ON a.annotator_id = mb.annotator_id
  LEFT JOIN (SELECT DISTINCT unit_id, annotator_id FROM {sp_spans}) AS g
    ON g.unit_id = mb.unit_id AND g.annotator_id = mb.annotator_id
  WHERE NOT EXISTS (SELECT 1 FROM {sp_mentions} AS k WHERE k.unit_id = u.unit_id AND k.kept)
  GROUP BY u.unit_id, u.unit, z.annotators, z.with_spans
) AS consensus
ORDER BY unit_id, start NULLS FIRST, "end", label"""

SKILL_SQL = """WITH units_of AS (SELECT annotator_id, count(*) AS units FROM {sp_members} GROUP BY annotator_id),
spans_of AS (SELECT annotator_id, count(*) AS spans FROM {sp_spans} GROUP BY annotator_id),
kept_in AS (
  SELECT mb.annotator_id, count(*) AS kept FROM {sp_members} AS mb
  JOIN {sp_mentions} AS mn ON mn.unit_id = mb.unit_id AND mn.kept GROUP BY mb.annotator_id
),
matched AS (
  SELECT c.annotator_id, sum(c.credit) AS matched FROM {sp_credit} AS c
  JOIN {sp_mentions} AS mn ON mn.mention_id = c.mention_id AND mn.kept GROUP BY c.annotator_id
)
SELECT CAST(a.annotator AS VARCHAR), coalesce(u.units, 0), coalesce(s.spans, 0), coalesce(k.kept, 0),
       coalesce(m.matched, 0)
FROM {sp_annotators} AS a
LEFT JOIN units_of AS u ON u.annotator_id = a.annotator_id
LEFT JOIN spans_of AS s ON s.annotator_id = a.annotator_id
LEFT JOIN kept_in AS k ON k.annotator_id = a.annotator_id
LEFT JOIN matched AS m ON m.annotator_id = a.annotator_id
ORDER BY a.annotator_id"""

COUNTS_SQL = """SELECT (SELECT count(*) FROM {sp_units}), (SELECT count(*) FROM {sp_annotators}),
       (SELECT count(*) FROM {sp_spans}), (SELECT count(*) FROM {sp_mentions}),
       (SELECT count(*) FROM {sp_mentions} WHERE kept),
       (SELECT count(*) FROM {sp_mentions} WHERE kept AND (support * 2 <= annotators OR label_givers * 2 <= supporters)),
       (SELECT count(*) FROM {sp_units} AS u WHERE NOT EXISTS (
          SELECT 1 FROM {sp_mentions} AS k WHERE k.unit_id = u.unit_id AND k.kept))"""


def _names(engine: Engine) -> dict[str, str]:
    stems = ("sp_rows", "sp_units", "sp_annotators", "sp_members", "sp_spans", "sp_sizes", "sp_mention_of",
             "sp_bounds", "sp_credit", "sp_mentions")
    return {stem: engine.table(stem) for stem in stems}


def _rows_sql(columns: SpanColumns) -> str:
    unit, annotator, start, end, label = (identifier(getattr(columns, f)) for f in ("unit", "annotator", "start", "end", "label"))
    return (f"SELECT {unit} AS unit, {annotator} AS annotator, {start} AS start, {end} AS stop, {label} AS label"
            f" FROM {identifier(columns.relation)} WHERE {unit} IS NOT NULL AND {annotator} IS NOT NULL")


def _kept_condition(min_annotators: int | None) -> tuple[str, list]:
    if min_annotators is None:
        return "c.support * 2 > z.annotators", []
    return "c.support >= ?", [float(min_annotators)]


def build(engine: Engine, columns: SpanColumns, mode: str, min_annotators: int | None) -> None:
    if mode not in SPAN_MODES:
        raise ConsensusError(f"unknown span mode `{mode}`; modes: {', '.join(SPAN_MODES)}")
    if min_annotators is not None and min_annotators < 1:
        raise ConsensusError(f"the minimum number of annotators must be 1 or more, not {min_annotators}")
    fields = (columns.unit, columns.annotator, columns.start, columns.end, columns.label)
    require_columns(engine, columns.relation, *fields)
    engine.create("sp_rows", _rows_sql(columns))
    for stem, sql in TABLES_SQL.items():
        engine.create(stem, sql.format(**_names(engine)))
    if not engine.fetch(f"SELECT count(*) FROM {engine.table('sp_units')}")[0][0]:
        raise ConsensusError("no annotated units: every row misses its unit or annotator")
    engine.create("sp_mention_of", RUNS_SQL.format(key=MENTION_KEYS[mode], **_names(engine)))
    engine.create("sp_bounds", BOUNDS_SQL.format(**_names(engine)))
    engine.create("sp_credit", CREDIT_SQL.format(partial="TRUE" if mode == "partial" else "FALSE", **_names(engine)))
    kept, parameters = _kept_condition(min_annotators)
    engine.create("sp_mentions", MENTIONS_SQL.format(kept=kept, **_names(engine)), parameters)


def output_query(engine: Engine) -> str:
    return OUTPUT_SQL.format(**_names(engine))


def span_skills(engine: Engine) -> tuple[SpanSkill, ...]:
    result = []
    for name, units, spans, kept, matched in engine.fetch(SKILL_SQL.format(**_names(engine))):
        matched = float(matched)
        result.append(SpanSkill(name, units, spans, kept, matched, matched / spans if spans else None,
                                matched / kept if kept else None))
    return tuple(result)


def span_consensus(engine: Engine, columns: SpanColumns, mode: str = "strict",
                   min_annotators: int | None = None) -> SpanConsensus:  # fmt: skip
    build(engine, columns, mode, min_annotators)
    units, annotators, spans, mentions, kept, contested, empty = engine.fetch(COUNTS_SQL.format(**_names(engine)))[0]
    return SpanConsensus("spans", mode, min_annotators, units, annotators, spans, mentions, kept, contested, empty,
                         span_skills(engine))
