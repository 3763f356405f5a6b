"""Checks from the spec's `rules for TABLE { … }` blocks, one per rule, by scope.

row: the condition per row; group: aggregates `per KEYS`, once per group; table: aggregates
over the whole table, once; `share of X`: once per value of X; `unique (…)`; raw `sql`.
"""

from __future__ import annotations

from .. import ast
from ..backends.sql_expr import ExpressionCompiler
from ..fmt import format_expression
from ..resolve import aggregates_in, children_of, rule_scope
from ..group_attribution import attribution, outliers_of
from .base import Bound, DistinctCount, GroupCheck, RawSqlCheck, Relation, RowCheck, TableCheck, Tolerance, UniqueCheck


def rule_checks(spec, block: ast.RuleBlock) -> list:
    join = block.join
    relation = Relation(block.table.text, join.table.text if join else None,
                        tuple(k.text for k in join.keys) if join else (), current_only=block.latest)
    return [_rule_check(spec, relation, rule) for rule in block.rules]


def _common(rule: ast.Rule, relation: Relation) -> dict:
    severity = rule.severity or ("error" if any(t.level == "fail" for t in rule.thresholds) else "warn")
    tolerance = None
    if rule.tolerance is not None:
        tolerance = Tolerance(rule.tolerance.fraction, rule.tolerance.percent)
    bounds = tuple(Bound(t.level, t.side, t.amount.fraction, t.amount.percent) for t in rule.thresholds)
    return dict(id=rule.id.text, kind="rule", relation=relation, severity=severity,
                message=rule.message or rule.id.text, source=rule.span, tolerance=tolerance, bounds=bounds)


def _rule_check(spec, relation: Relation, rule: ast.Rule):
    common = _common(rule, relation)
    condition = rule.condition
    compiler = ExpressionCompiler(spec, relation.table, relation.join_table)
    scope = rule_scope(condition)
    if scope == "unique":
        keys = tuple(c.text for c in condition.columns)
        return UniqueCheck(**common, keys=keys, shown_columns=tuple((k, relation.column(k)) for k in keys))
    if scope == "sql":
        return RawSqlCheck(**common, query=condition.query.strip().rstrip(";"))
    shares = _shares_in(condition)
    if shares:
        return _share_check(common, compiler, condition, shares[0], relation)
    if scope == "group":
        return _group_check(common, compiler, condition, relation, rule)
    if scope == "table":
        measured = _measured(compiler, condition)
        return TableCheck(**common, violation=compiler.violation(condition),
                          shown_columns=tuple((label, sql) for label, sql, _ in measured),
                          durations=frozenset(label for label, _, kind in measured if kind == "duration"))
    shown = tuple(dict.fromkeys((str(ref), compiler.compile(ref)) for ref in _column_refs(condition)))
    return RowCheck(**common, violation=compiler.violation(condition), shown_columns=shown)


def _group_check(common: dict, compiler: ExpressionCompiler, condition, relation: Relation,
                 rule: ast.Rule) -> GroupCheck:  # fmt: skip
    aggregates = aggregates_in(condition)
    keys = tuple(k.text for k in aggregates[0].per)
    named, distinct = [], []
    durations = set()
    for aggregate in aggregates:
        alias = _aggregate_label(aggregate)
        compiler.aggregate_aliases[id(aggregate)] = alias
        named.append((alias, compiler.aggregate_sql(aggregate)))
        if compiler.type_of(aggregate).kind == "duration":
            durations.add(alias)
        if aggregate.function == "count_distinct":
            distinct.append(DistinctCount(alias, compiler.compile(aggregate.argument),
                                          _pairs_counted_by_load(compiler, relation, keys, aggregate.argument)))
    mode = attribution(rule)
    outliers = outliers_of(condition) if mode == "outliers" else None
    return GroupCheck(**common, keys=keys, aggregates=tuple(named), violation=_over_groups(compiler, condition, keys),
                      sets_aside=mode, outlier_column=outliers.counted if outliers else None,
                      allowed=outliers.allowed if outliers else 0, durations=frozenset(durations),
                      distinct_counts=tuple(dict.fromkeys(distinct)))


def _pairs_counted_by_load(compiler: ExpressionCompiler, relation: Relation, keys: tuple[str, ...], argument) -> bool:
    """`count distinct X per KEYS` over all of a table whose `latest by` keys are KEYS and X:
    the load has counted the rows of each (KEYS, X) already."""
    table = compiler.spec.tables[relation.table]
    if table.latest is None or relation != Relation(relation.table):
        return False
    if not isinstance(argument, ast.ColumnRef) or argument.table not in (None, relation.table):
        return False
    latest = [k.text for k in table.latest_keys]
    return sorted([*keys, argument.column]) == sorted(latest)


def _share_check(common: dict, compiler: ExpressionCompiler, condition, share: ast.ShareOf, relation) -> GroupCheck:
    operand = share.operand
    key = operand.column if isinstance(operand, ast.ColumnRef) else None
    population = compiler.compile(share.where) if share.where is not None else None
    return GroupCheck(**common, keys=(key,), violation=_over_groups(compiler, condition, (key,)),
                      skip_null_keys=True, share_of_rows=True, population=population, sets_aside="nothing")


def _over_groups(compiler: ExpressionCompiler, condition, keys) -> str:
    """Group conditions see the grouped relation, where the keys are plain columns."""
    grouped = ExpressionCompiler(compiler.spec, compiler.table, compiler.join_table,
                                 compiler.aggregate_aliases, unqualified=frozenset(keys))
    return grouped.violation(condition)


def _measured(compiler: ExpressionCompiler, condition) -> tuple[tuple[str, str, str], ...]:
    """What a whole-table rule compares, as (the comparison as written, SQL of its aggregate
    side, and its kind): the scan records each figure, so a report says `16.29% measured for share where
    (confidence < 0.5) <= 5%` rather than only that the one table broke the rule."""
    found = []
    for node in _comparisons(condition):
        sides = [node.operand] if isinstance(node, ast.BetweenExpr) else [node.left, node.right]
        side = next((s for s in sides if _has_aggregate(s)), None)
        if side is not None:
            found.append((format_expression(node), compiler.compile(side), compiler.type_of(side).kind))
    return tuple(dict.fromkeys(found))


def _comparisons(node) -> list:
    if isinstance(node, (ast.Compare, ast.BetweenExpr)):
        return [node]
    return [found for child in children_of(node) for found in _comparisons(child)]


def _has_aggregate(node) -> bool:
    return isinstance(node, (ast.Aggregate, ast.ShareWhere)) or any(_has_aggregate(c) for c in children_of(node))


def _shares_in(node) -> list[ast.ShareOf]:
    if isinstance(node, ast.ShareOf):
        return [node]
    return [found for child in children_of(node) for found in _shares_in(child)]


def _column_refs(node) -> list[ast.ColumnRef]:
    if isinstance(node, ast.ColumnRef):
        return [node]
    return [found for child in children_of(node) for found in _column_refs(child)]


def _aggregate_label(aggregate: ast.Aggregate) -> str:
    """How a group's aggregate is named in samples: `count`, `count distinct annotator`,
    `sum(seconds)`, `max(submitted_at - assigned_at)`. Within one relation equal text means
    equal SQL, so rules sharing a grouping share the column."""
    argument = aggregate.argument
    text = str(argument) if argument is None or isinstance(argument, ast.ColumnRef) else format_expression(argument)
    if aggregate.function == "count":
        return "count"
    if aggregate.function == "count_distinct":
        return f"count distinct {text}"
    return f"{aggregate.function}({text})"
