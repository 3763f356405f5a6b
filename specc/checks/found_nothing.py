"""Rows that say "annotated, found nothing" in the table of a spans task.

An annotator who read a document and marked no entity has annotated it, and span agreement
must count that silence against the other annotators' spans; leaving the document out would
hide the disagreement and raise the F1. The readers write such an annotation as one row with
the span and its label empty (a CSV delivery can do the same), so the checks that would call
those cells missing — `required`, also implied by a primary key, in SQL and in the JSON
Schema — leave the row alone. The task's unit and annotator columns, which say who
annotated what, stay required.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ast
from .base import Relation


@dataclass(frozen=True)
class FoundNothing:
    empty_columns: tuple[str, ...]  # the span start, end and label columns, all empty on such a row
    condition: str  # the same in SQL
    still_required: frozenset[str]  # columns a found-nothing row must fill all the same


def found_nothing(spec, table: ast.Table) -> FoundNothing | None:
    """How a found-nothing row of `table` looks, when a spans task reads the table."""
    name = table.name.text
    task = next((t for t in spec.tasks.values() if t.kind.text == "spans" and t.table.text == name), None)
    if task is None or task.role("span") is None:
        return None
    relation = Relation(name)
    empty = tuple(ref.column for role in ("span", "label") if task.role(role)
                  for ref in task.role(role).columns if ref.table in (None, name))
    condition = " AND ".join(f"{relation.column(column)} IS NULL" for column in empty)
    kept = frozenset(ref.column for role in ("unit", "annotator") if task.role(role) for ref in task.role(role).columns)
    return FoundNothing(empty, condition, kept)
