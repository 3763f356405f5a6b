"""A checked spec becomes a plan: every check the run will evaluate, in a stable order.

Order: per table in declaration order, the column checks, then the task built-ins, then the
rules in spec order; metrics last. Reports list checks in this order, which keeps them
readable and byte-stable from run to run.
"""

from __future__ import annotations

from . import ast
from .checks.base import Bound, MetricCheck, Plan
from .checks.columns import column_checks
from .backends.sql_expr import ExpressionCompiler
from .checks.rules import rule_checks
from .fmt import format_expression
from .metric_kinds import metric_kind
from .resolve import CheckedSpec


def build_plan(spec: CheckedSpec, type_checked: dict[str, tuple[str, ...]] | None = None) -> Plan:
    type_checked = type_checked or {}
    checks = []
    for name, table in spec.tables.items():
        checks.extend(column_checks(spec, table, frozenset(type_checked.get(name, ()))))
    checks.extend(_task_checks(spec))
    for block in spec.rule_blocks:
        checks.extend(rule_checks(spec, block))
    metrics = tuple(metric_check(spec, metric) for metric in spec.metrics)
    breakdowns = tuple((name, role, column) for name in spec.tables for role, column in _breakdown_columns(spec, name))
    return Plan(spec.name, tuple(checks), metrics, breakdowns)


def _breakdown_columns(spec: CheckedSpec, table: str) -> list[tuple[str, str]]:
    """(role, column) pairs to break a table's compliance down by: the annotators and vendors
    its tasks name, then any other column a metric on it is broken down `per`."""
    found = []
    for task in spec.tasks.values():
        if task.table.text != table:
            continue
        for role in ("annotator", "vendor"):
            bound = task.role(role)
            if bound is not None and bound.columns[0].table in (None, table):
                found.append((role, bound.columns[0].column))
    named = {column for _, column in found}
    for metric in spec.metrics:
        if task_for_metric(spec, metric).table.text == table:
            found += [(key.text, key.text) for key in metric.per if key.text not in named]
    return list(dict.fromkeys(found))


def _task_checks(spec: CheckedSpec) -> list:
    """Built-in checks of each declared task kind (specc.checks.tasks), when available."""
    try:
        from .checks.tasks import task_checks
    except ImportError:  # the task-kind checks live in their own module; absent means none
        return []
    return [check for task in spec.tasks.values() for check in task_checks(spec, task)]


def task_for_metric(spec: CheckedSpec, metric: ast.Metric) -> ast.Task:
    if metric.task is not None:
        return spec.tasks[metric.task.text]
    kind = metric_kind(metric.kind.text)
    if kind.name == "metric_change":
        return task_for_metric(spec, next(m for m in spec.metrics if m.id.text == metric.of.column))
    return next(t for t in spec.tasks.values() if not kind.task_kinds or t.kind.text in kind.task_kinds)


def metric_check(spec: CheckedSpec, metric: ast.Metric) -> MetricCheck:
    task = task_for_metric(spec, metric)
    kind = metric_kind(metric.kind.text)
    roles = {role.role.text: tuple(str(c) for c in role.columns) for role in task.roles}
    against = (metric.against.table, metric.against.column) if metric.against else None
    return MetricCheck(
        id=metric.id.text,
        metric=metric.kind.text,
        options=tuple(o.text for o in metric.options),
        table=task.table.text,
        roles=roles,
        task_kind=task.kind.text,
        of=_row_sql(spec, task.table.text, metric.of) if metric.of is not None and not kind.needs_baseline else None,
        follows=metric.of.column if kind.name == "metric_change" else None,
        against=against,
        per=tuple(p.text for p in metric.per),
        bounds=tuple(Bound(t.level, t.side, t.amount.fraction, t.amount.percent) for t in metric.thresholds),
        message=metric.title or f"{metric.kind.text} {' '.join(o.text for o in metric.options)}".strip(),
        source=metric.span,
        higher_is_better=kind.higher_is_better,
        category_order=category_order(spec, task),
        min_units=metric.min_units,
        population=_row_sql(spec, task.table.text, metric.where) if metric.where is not None else None,
        population_text=format_expression(metric.where) if metric.where is not None else None,
        current_only=spec.tables[task.table.text].latest is not None,
        current_keys=tuple(k.text for k in spec.tables[task.table.text].latest_keys),
        unit="seconds" if _is_duration_metric(spec, task.table.text, metric) else None,
    )


def _is_duration_metric(spec: CheckedSpec, table: str, metric: ast.Metric) -> bool:
    """A summary of durations (`median of (submitted_at - assigned_at)`): its value, like its
    bounds, is seconds, shown as a duration."""
    if any(t.amount.duration for t in metric.thresholds):
        return True
    if metric.of is None:
        return False
    return ExpressionCompiler(spec, table).type_of(metric.of).kind == "duration"


def _row_sql(spec: CheckedSpec, table: str, expression) -> str:
    """A row expression over the table's own columns, unqualified: metrics read a view of it."""
    columns = frozenset(c.name.text for c in spec.tables[table].columns)
    return ExpressionCompiler(spec, table, unqualified=columns).compile(expression)


def category_order(spec: CheckedSpec, task: ast.Task) -> tuple[str, ...] | None:
    """The codes of the taxonomy typing the task's answer column, in declaration order."""
    role = next((task.role(name) for name in ("label", "rating", "tag") if task.role(name)), None)
    if role is None:
        return None
    ref = role.columns[0]
    column = spec.tables[ref.table or task.table.text].column(ref.column)
    type_ref = column.type if column is not None else None
    if isinstance(type_ref, ast.NamedType):
        name = type_ref.name.text
    elif isinstance(type_ref, (ast.LeavesType, ast.SubtreeType)):
        name = type_ref.taxonomy.text
    else:  # a list, or no such column
        return None
    tree = spec.taxonomies.get(name)
    return tuple(tree.codes()) if tree is not None else None


def declared_unique_joins(spec: CheckedSpec) -> set[tuple[str, tuple[str, ...]]]:
    """(table, keys) of the joins in rule blocks whose keys the joined table declares unique
    (its primary key, or one `key`/`unique` column): what `specc compile` can assume. A run
    probes the data instead (`runner._unique_joins`)."""
    found = set()
    for block in spec.rule_blocks:
        if block.join is None:
            continue
        other = spec.tables.get(block.join.table.text)
        keys = tuple(k.text for k in block.join.keys)
        unique = {tuple(k.text for k in other.primary_key)} if other is not None and other.primary_key else set()
        if other is not None:
            unique |= {(c.name.text,) for c in other.columns if c.has(ast.Key) or c.has(ast.Unique)}
        if tuple(sorted(keys)) in {tuple(sorted(u)) for u in unique}:
            found.add((block.join.table.text, keys))
    for task in spec.tasks.values():  # a task's text (or its length) in another table is joined on its unit
        text = task.role("text") or task.role("text_length")
        unit = task.role("unit")
        if text is None or unit is None or text.columns[0].table in (None, task.table.text):
            continue
        other = spec.tables.get(text.columns[0].table)
        keys = (unit.columns[0].column,)
        if other is not None and (tuple(k.text for k in other.primary_key) == keys or any(
                c.name.text == keys[0] and (c.has(ast.Key) or c.has(ast.Unique)) for c in other.columns)):
            found.add((other.name.text, keys))
    return found
