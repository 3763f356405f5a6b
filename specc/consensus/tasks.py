"""From a spec's task to the columns and settings a consensus method needs.

A task names which columns hold the unit, the annotator and the answer; the method follows
from the task kind unless one is asked for. Shared by `specc consensus` and by reports that
show annotator skill.
"""

from __future__ import annotations

from .. import ast
from ..resolve import CheckedSpec
from .bradley_terry import PreferenceColumns, RankingColumns
from .crowd import LabelColumns
from .errors import ConsensusError
from .gold_weighted import GoldColumns
from .spans import SpanColumns

LABEL_KINDS = ("classification", "rating")

METHOD_TASK_KINDS = {
    "majority": LABEL_KINDS,
    "gold_weighted": LABEL_KINDS,
    "dawid_skene": LABEL_KINDS,
    "bradley_terry": ("preference", "ranking"),
    "spans": ("spans",),
}

DEFAULT_METHOD = {"classification": "majority", "rating": "majority", "preference": "bradley_terry",
                  "ranking": "bradley_terry", "spans": "spans"}  # fmt: skip


def choose_task(spec: CheckedSpec, name: str | None, method: str | None) -> ast.Task:
    """The task named, or the only task the method (or any method) applies to."""
    if name is not None:
        if name not in spec.tasks:
            raise ConsensusError(f"the spec has no task `{name}`; tasks: {', '.join(spec.tasks) or 'none'}")
        return spec.tasks[name]
    kinds = METHOD_TASK_KINDS[method] if method else tuple(DEFAULT_METHOD)
    fitting = [task for task in spec.tasks.values() if task.kind.text in kinds]
    if len(fitting) != 1:
        found = ", ".join(f"`{t.name.text}` ({t.kind.text})" for t in spec.tasks.values()) or "none"
        what = "no task" if not fitting else "several tasks"
        raise ConsensusError(f"{what} to take a consensus of{f' with {method}' if method else ''}; name one with"
                             f" --task (tasks: {found})")
    return fitting[0]


def method_for(task: ast.Task, method: str | None) -> str:
    kind = task.kind.text
    if method is None:
        if kind not in DEFAULT_METHOD:
            raise ConsensusError(f"task `{task.name.text}` is a {kind} task: consensus covers"
                                 f" {', '.join(DEFAULT_METHOD)} tasks")
        return DEFAULT_METHOD[kind]
    if kind not in METHOD_TASK_KINDS[method]:
        raise ConsensusError(f"{method} applies to {' and '.join(METHOD_TASK_KINDS[method])} tasks;"
                             f" task `{task.name.text}` is a {kind} task")
    return method


def role(task: ast.Task, name: str) -> str | None:
    bound = task.role(name)
    return bound.columns[0].parts[-1] if bound else None


def columns_for(task: ast.Task):
    """The method's column set for `task` (LabelColumns, PreferenceColumns, RankingColumns, SpanColumns)."""
    table, unit, annotator = task.table.text, role(task, "unit"), role(task, "annotator")
    kind = task.kind.text
    if kind in LABEL_KINDS:
        return LabelColumns(table, unit, annotator, role(task, "label") or role(task, "rating"))
    if kind == "preference":
        return PreferenceColumns(table, unit, annotator, role(task, "chosen"), role(task, "rejected"), role(task, "tie"))
    if kind == "ranking":
        return RankingColumns(table, unit, annotator, role(task, "ranking"))
    start, end = (column.parts[-1] for column in task.role("span").columns)
    return SpanColumns(table, unit, annotator, start, end, role(task, "label"))


def label_order(spec: CheckedSpec, task: ast.Task) -> tuple | None:
    """A taxonomy's labels in declaration order, when the task's labels are bound to one: ties
    go to the label declared first."""
    label = role(task, "label")
    value_type = spec.column_type(task.table.text, label) if label else None
    if value_type is None or not value_type.taxonomy:
        return None
    return tuple(spec.taxonomies[value_type.taxonomy].codes())


def gold_for(spec: CheckedSpec, task: ast.Task, gold: str | None) -> GoldColumns | None:
    """`TABLE.COLUMN` given, else the `against` of a gold_accuracy metric on the task."""
    unit = role(task, "unit")
    if gold is not None:
        table, dot, column = gold.partition(".")
        if not dot or table not in spec.tables or spec.tables[table].column(column) is None:
            raise ConsensusError(f"--gold {gold}: expected TABLE.COLUMN of a table the spec declares")
        return GoldColumns(table, unit, column)
    for metric in spec.metrics:
        on_task = metric.task is None or metric.task.text == task.name.text
        if metric.kind.text == "gold_accuracy" and metric.against and on_task:
            return GoldColumns(metric.against.table, unit, metric.against.column)
    return None
