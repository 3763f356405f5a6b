"""Accuracy against gold answers, per annotator and overall, with confusion matrices.

The gold relation maps each unit to one correct label; a unit listed twice in it is an
error, since its answer would be ambiguous. Ratings of units without gold are left out and
counted. DuckDB reduces the data to counts per (annotator, gold label, given label), a table
no larger than annotators x labels^2, from which Python lays out the matrices.
"""

from __future__ import annotations

import duckdb

from ..sqlsafe import identifier
from .errors import MetricError
from .relation import one_row, require_columns
from .results import AnnotatorGold, ConfusionMatrix, GoldResult

# One pass over the ratings: each beside its unit's gold answer (materialised once), counted
# per (annotator, gold label, given label), and — on the last row — how many distinct units
# the ratings with gold cover (a reader asks: 1,199 ratings of 400 units). The rows come in no
# particular order: the units row is picked by its flag, so no engine's ORDER BY is relied on.
GOLD_SQL = """
WITH "__specc_rated" AS MATERIALIZED (
    SELECT ratings.unit, ratings.coder, ratings.value, gold.answer
    FROM (  -- subqueries: a relation the caller named like the CTE is still the caller's
        SELECT {unit} AS unit, {coder} AS coder, {value} AS value FROM {relation}
        WHERE {unit} IS NOT NULL AND {coder} IS NOT NULL AND {value} IS NOT NULL
    ) AS ratings
    LEFT JOIN (
        SELECT {gold_unit} AS unit, {gold_value} AS answer FROM {gold}
        WHERE {gold_unit} IS NOT NULL AND {gold_value} IS NOT NULL
    ) AS gold USING (unit)
)
SELECT FALSE AS units_row, coder, {answer} AS answer, {given} AS given, count(*) AS n
FROM "__specc_rated" GROUP BY coder, {answer}, {given}
UNION ALL
SELECT TRUE, NULL, NULL, NULL, count(DISTINCT unit) FROM "__specc_rated" WHERE answer IS NOT NULL"""

DUPLICATE_GOLD_SQL = """
SELECT count(*), min(CAST(unit AS VARCHAR)) FROM (
    SELECT {gold_unit} AS unit FROM {gold} WHERE {gold_unit} IS NOT NULL
    GROUP BY {gold_unit} HAVING count(*) > 1
)"""


def gold_accuracy(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    gold: str,
    unit: str = "unit",
    coder: str = "coder",
    value: str = "value",
    gold_unit: str | None = None,
    gold_value: str | None = None,
    missing: str = "skip",
) -> GoldResult:
    """Accuracy of each annotator against `gold` (columns default to `unit` and `value`'s names).

    `missing="wrong"` counts a rating with no value (an annotator's row left empty) as a wrong
    answer, shown in the confusion matrices under the label None; `"skip"` leaves it out."""
    gold_unit, gold_value = gold_unit or unit, gold_value or value
    types = require_columns(con, relation, unit, coder, value)
    gold_types = require_columns(con, gold, gold_unit, gold_value)
    check_unique_gold(con, gold, gold_unit)
    same_type = types[value] == gold_types[gold_value]
    names = dict(gold_unit=identifier(gold_unit), gold_value=identifier(gold_value), gold=identifier(gold),
                 unit=identifier(unit), coder=identifier(coder), value=identifier(value),
                 relation=identifier(relation))
    template = GOLD_SQL if missing == "skip" else GOLD_SQL.replace(" AND {value} IS NOT NULL", "", 1)
    sql = template.format(
        **names,
        # Labels of different types are compared as text, so 1 and '1' agree.
        answer="answer" if same_type else "CAST(answer AS VARCHAR)",
        given="value" if same_type else "CAST(value AS VARCHAR)",
    )
    rows = con.execute(sql).fetchall()
    units = next(row[4] for row in rows if row[0])
    return gold_result([row[1:] for row in rows if not row[0]], units=int(units or 0))


def check_unique_gold(con, gold: str, gold_unit: str) -> None:
    sql = DUPLICATE_GOLD_SQL.format(gold_unit=identifier(gold_unit), gold=identifier(gold))
    duplicates, example = one_row(con, sql)
    if duplicates:
        raise MetricError(
            f"{duplicates} unit(s) have more than one gold answer in `{gold}`, e.g. {example!r}"
        )


def gold_result(rows: list, units: int = 0) -> GoldResult:
    """Assemble matrices from (coder, gold answer or None, given label, count) rows;
    `units` is how many distinct units the compared ratings cover."""
    compared = [row for row in rows if row[1] is not None]
    labels = sort_labels({row[1] for row in compared} | {row[2] for row in compared})
    by_coder: dict = {row[0]: [] for row in rows}
    for row in compared:
        by_coder[row[0]].append(row)
    annotators = tuple(annotator_gold(coder, by_coder[coder], labels) for coder in sorted(by_coder, key=sort_key))
    correct = sum(row[3] for row in compared if row[1] == row[2])
    total = sum(row[3] for row in compared)
    return GoldResult(
        accuracy=correct / total if total else None,
        compared=total,
        correct=correct,
        ratings_without_gold=sum(row[3] for row in rows if row[1] is None),
        confusion=confusion(compared, labels),
        annotators=annotators,
        units=units,
    )


def annotator_gold(coder, rows: list, labels: tuple) -> AnnotatorGold:
    total = sum(row[3] for row in rows)
    correct = sum(row[3] for row in rows if row[1] == row[2])
    return AnnotatorGold(coder, total, correct, correct / total if total else None, confusion(rows, labels))


def confusion(rows: list, labels: tuple) -> ConfusionMatrix:
    position = {label: index for index, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for _, answer, given, n in rows:
        counts[position[answer]][position[given]] += n
    return ConfusionMatrix(labels, tuple(tuple(row) for row in counts))


def sort_key(label):
    """Numbers before text, each in its natural order, so mixed label sets still sort."""
    return (0, label, "") if isinstance(label, (int, float)) else (1, 0, str(label))


def sort_labels(labels: set) -> tuple:
    return tuple(sorted(labels, key=sort_key))
