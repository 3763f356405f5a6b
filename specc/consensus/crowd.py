"""The count tables every label method starts from, built once inside the engine.

A delivery's rows become four scratch tables: `units`, `annotators` and `labels`, each
mapping a value to a dense integer id, and `votes` (unit_id, annotator_id, label_id, n).
The methods only ever read these, so their joins are on integers and no data value is
pasted into SQL. A row whose unit, annotator or label is missing (NULL, or NaN in a float
column) is left out, as in the agreement metrics.

Label order: the labels are numbered in a declared order when one is given (a taxonomy's
labels in declaration order), labels outside it after those; otherwise, and among those, in
natural order (numbers numerically, text that reads as a number too, then text). Ties are
broken by this order: the label with the smaller id wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..metrics.errors import MetricError
from ..metrics.relation import column_types, natural_order_key, present
from ..sqlsafe import identifier
from .engine import Engine
from .errors import ConsensusError


@dataclass(frozen=True)
class LabelColumns:
    """Which relation and columns hold the units, the annotators and their labels."""

    relation: str
    unit: str
    annotator: str
    label: str


@dataclass(frozen=True)
class Crowd:
    """What the count tables hold: sizes and the labels in label order (label_id = position)."""

    units: int
    annotators: int
    responses: int
    labels: tuple


def require_columns(engine: Engine, relation: str, *names: str) -> dict[str, str]:
    try:
        types = column_types(engine.con, relation)
    except MetricError as exc:  # no such relation
        raise ConsensusError(str(exc)) from None
    for name in names:
        if name not in types:
            raise ConsensusError(f"no column `{name}` in `{relation}`; columns: {', '.join(types)}")
    return types


def build_crowd(engine: Engine, columns: LabelColumns, order: tuple | None = None) -> Crowd:
    types = require_columns(engine, columns.relation, columns.unit, columns.annotator, columns.label)
    rows = _present_rows(columns, types)
    engine.create("rows", rows)
    engine.create("units", _numbered("unit", engine.table("rows"), "unit"))
    engine.create("annotators", _numbered("annotator", engine.table("rows"), "annotator"))
    _create_labels(engine, types[columns.label], order)
    engine.create("votes", VOTES_SQL.format(**_tables(engine)))
    engine.execute(f"DROP TABLE {engine.table('rows')}")
    engine.scratch.remove(engine.table("rows"))
    _check_one_label_each(engine)
    return _describe(engine)


def _present_rows(columns: LabelColumns, types: dict) -> str:
    unit, annotator, label = (identifier(c) for c in (columns.unit, columns.annotator, columns.label))
    return (f"SELECT {unit} AS unit, {annotator} AS annotator, {label} AS label FROM {identifier(columns.relation)}"
            f" WHERE {unit} IS NOT NULL AND {annotator} IS NOT NULL AND {present(label, types[columns.label])}")


def _numbered(column: str, source: str, order_by: str) -> str:
    return (f"SELECT row_number() OVER (ORDER BY {order_by}) - 1 AS {column}_id, {column}"
            f" FROM (SELECT DISTINCT {column} FROM {source}) AS seen")


def _create_labels(engine: Engine, label_type: str, order: tuple | None) -> None:
    natural = natural_order_key(label_type).replace("value", "seen.value")
    source = f"(SELECT DISTINCT label AS value FROM {engine.table('rows')}) AS seen"
    if not order:
        sql = f"SELECT row_number() OVER (ORDER BY {natural}) - 1 AS label_id, seen.value AS label FROM {source}"
        engine.create("labels", sql)
        return
    declared = ", ".join("(?, ?)" for _ in order)
    parameters = [item for position, label in enumerate(order) for item in (str(label), position)]
    sql = (f"SELECT row_number() OVER (ORDER BY declared.position NULLS LAST, {natural}) - 1 AS label_id,"
           f" seen.value AS label FROM {source}"
           f" LEFT JOIN (VALUES {declared}) AS declared(text, position) ON CAST(seen.value AS VARCHAR) = declared.text")
    engine.create("labels", sql, parameters)


VOTES_SQL = """SELECT CAST(u.unit_id AS INTEGER) AS unit_id, CAST(a.annotator_id AS INTEGER) AS annotator_id,
       CAST(l.label_id AS INTEGER) AS label_id, CAST(count(*) AS INTEGER) AS n
FROM {rows} AS r
JOIN {units} AS u ON u.unit = r.unit
JOIN {annotators} AS a ON a.annotator = r.annotator
JOIN {labels} AS l ON l.label = r.label
GROUP BY u.unit_id, a.annotator_id, l.label_id"""


def _tables(engine: Engine) -> dict[str, str]:
    return {stem: engine.table(stem) for stem in ("rows", "units", "annotators", "labels", "votes")}


DUPLICATES_SQL = """SELECT count(*), min(CAST(u.unit AS VARCHAR)), min(CAST(a.annotator AS VARCHAR))
FROM (SELECT unit_id, min(annotator_id) AS annotator_id FROM (
    SELECT unit_id, annotator_id FROM {votes} GROUP BY unit_id, annotator_id HAVING sum(n) > 1
  ) AS repeated GROUP BY unit_id) AS first
JOIN {units} AS u ON u.unit_id = first.unit_id
JOIN {annotators} AS a ON a.annotator_id = first.annotator_id"""


def _check_one_label_each(engine: Engine) -> None:
    """Consensus weighs each annotator once per unit: two labels from one annotator are ambiguous."""
    count, unit, annotator = engine.fetch(DUPLICATES_SQL.format(**_tables(engine)))[0]
    if count:
        raise ConsensusError(
            f"{count} unit(s) have more than one label from the same annotator, e.g. unit {unit!r}"
            f" and annotator {annotator!r}; consensus needs one label per annotator and unit"
        )


def _describe(engine: Engine) -> Crowd:
    tables = _tables(engine)
    units, annotators, responses = engine.fetch(
        f"SELECT (SELECT count(*) FROM {tables['units']}), (SELECT count(*) FROM {tables['annotators']}),"
        f" (SELECT coalesce(sum(n), 0) FROM {tables['votes']})"
    )[0]
    if not responses:
        raise ConsensusError("no labelled rows: every row misses its unit, annotator or label")
    labels = tuple(row[0] for row in engine.fetch(f"SELECT label FROM {tables['labels']} ORDER BY label_id"))
    return Crowd(units, annotators, int(responses), labels)
