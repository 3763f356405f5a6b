"""The SQL backend: a plan's checks batched into as few DuckDB statements as possible.

- one scan per relation counts every row check (`count(*) FILTER (WHERE …)`) and evaluates
  every whole-table check;
- one aggregation per (relation, grouping keys) serves every group, share and uniqueness
  check on those keys;
- each raw SQL rule is its own statement.
Each statement starts with a comment naming the checks it evaluates. Sample and quarantine
queries are built here too, so every SQL text specc runs comes from this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..checks.base import (Check, GroupCheck, Plan, RawSqlCheck, Relation, RowCheck, TableCheck,
                           UniqueCheck)
from ..inputs import ROW_COLUMN
from ..sqlsafe import identifier, literal
from .base import Backend


@dataclass(frozen=True)
class Statement:
    kind: str  # scan | group | raw
    relation: Relation
    sql: str
    checks: tuple[Check, ...]

    def counts(self, row: tuple) -> dict[str, tuple[int, int]]:
        """(violations, checked) per check id from the statement's one result row.

        A scan returns its row count, then one violation count per check: a row check looked
        at every row, a whole-table check at the table once. A group statement returns, per
        check, its violations and what it looked at (groups, or rows with a non-null key).
        """
        result = {}
        if self.kind == "scan":
            rows = int(row[0])
            for index, check in enumerate(self.checks):
                result[check.id] = (int(row[1 + index] or 0), rows if isinstance(check, RowCheck) else 1)
            return result
        for index, check in enumerate(self.checks):
            result[check.id] = (int(row[1 + 2 * index] or 0), int(row[2 + 2 * index] or 0))
        return result

    def measured(self, row: tuple) -> dict[str, dict[str, object]]:
        """A scan's whole-table checks: {comparison as written: the measured figure}, read
        from the columns after the violation counts, in the order `scan_statement` wrote them."""
        if self.kind != "scan":
            return {}
        position = 1 + len(self.checks)
        result = {}
        for check in self.checks:
            if isinstance(check, TableCheck) and check.shown_columns:
                labels = [label for label, _ in check.shown_columns]
                result[check.id] = {label: _stable(row[position + k]) for k, label in enumerate(labels)}
                position += len(check.shown_columns)
        return result


def _stable(value):
    """A float to 12 significant digits: DuckDB sums in parallel, in an order that can change
    the last bits between runs, and two reports of one delivery must be identical."""
    return float(f"{value:.12g}") if isinstance(value, float) else value


def statements(plan: Plan) -> list[Statement]:
    result = []
    for relation in plan.relations():
        checks = [c for c in plan.checks if c.relation == relation]
        scanned = [c for c in checks if isinstance(c, (RowCheck, TableCheck))]
        if scanned:
            result.append(scan_statement(relation, scanned))
        for keys, grouped in _by_keys(c for c in checks if isinstance(c, (GroupCheck, UniqueCheck))):
            result.append(group_statement(relation, keys, grouped))
        result.extend(raw_statement(c) for c in checks if isinstance(c, RawSqlCheck))
    return result


def _by_keys(checks) -> list[tuple[tuple[str, ...], list]]:
    groups: dict[tuple[str, ...], list] = {}
    for check in checks:
        groups.setdefault(check.keys, []).append(check)
    return list(groups.items())


def _comment(what: str, checks) -> str:
    names = ", ".join(c.id for c in checks)
    return f"-- {what} for: {names}".replace("\n", " ")


# ---- the single scan ----------------------------------------------------------------------


def scan_statement(relation: Relation, checks: list) -> Statement:
    # Over a join, a row of the table may meet several rows of the other; it is one row
    # checked, and one violation if any of its matches breaks the rule.
    counted = f"DISTINCT {relation.column(ROW_COLUMN)}" if relation.join_table else "*"
    columns = [f"count({counted}) AS \"__rows\""]
    for index, check in enumerate(checks):
        if isinstance(check, RowCheck):
            columns.append(f"count({counted}) FILTER (WHERE {check.violation}) AS \"v{index}\"")
        else:
            columns.append(f"CAST({check.violation} AS INTEGER) AS \"v{index}\"")
    for index, check in enumerate(checks):  # what whole-table checks compare, after the counts
        if isinstance(check, TableCheck):
            columns.extend(f"{sql} AS \"m{index}_{k}\"" for k, (_, sql) in enumerate(check.shown_columns))
    sql = (f"{_comment(f'one scan of {relation.label}', checks)}\n"
           f"SELECT\n  " + ",\n  ".join(columns) + f"\nFROM {relation.from_sql()}")
    return Statement("scan", relation, sql, tuple(checks))


# ---- one aggregation per grouping key -----------------------------------------------------


def grouped_relation(relation: Relation, keys: tuple[str, ...], checks) -> str:
    """A CTE body: one row per group with the row count and every aggregate the checks use."""
    key_columns = [f"{relation.column(k)} AS {identifier(k)}" for k in keys]
    aggregates = ['count(*) AS "__rows"']
    for check in checks:
        if isinstance(check, GroupCheck):
            aggregates.extend(f"{sql} AS {identifier(alias)}" for alias, sql in check.aggregates)
    if any(isinstance(c, GroupCheck) and c.share_of_rows for c in checks):
        aggregates.append('CAST(count(*) AS DOUBLE) / sum(count(*)) OVER () AS "__share"')
    group_by = ", ".join(relation.column(k) for k in keys)
    return (f"SELECT {', '.join(key_columns + list(dict.fromkeys(aggregates)))} "
            f"FROM {relation.from_sql()} GROUP BY {group_by}")


def _keys_present(keys) -> str:
    return " AND ".join(f"{identifier(k)} IS NOT NULL" for k in keys)


def group_statement(relation: Relation, keys: tuple[str, ...], checks: list) -> Statement:
    columns = ['count(*) AS "__groups"']
    for index, check in enumerate(checks):
        if isinstance(check, UniqueCheck):
            present = _keys_present(keys)
            columns.append(f"coalesce(sum(\"__rows\") FILTER (WHERE \"__rows\" > 1 AND {present}), 0) AS \"v{index}\"")
            columns.append(f"coalesce(sum(\"__rows\") FILTER (WHERE {present}), 0) AS \"n{index}\"")
        else:
            scope = f" AND {_keys_present(keys)}" if check.skip_null_keys else ""
            columns.append(f"count(*) FILTER (WHERE {check.violation}{scope}) AS \"v{index}\"")
            columns.append(f"count(*) FILTER (WHERE TRUE{scope}) AS \"n{index}\"")
    what = f"one aggregation of {relation.label} per ({', '.join(keys)})"
    sql = (f"{_comment(what, checks)}\n"
           f"WITH \"__groups\" AS (\n  {grouped_relation(relation, keys, checks)}\n)\n"
           f"SELECT\n  " + ",\n  ".join(columns) + "\nFROM \"__groups\"")
    return Statement("group", relation, sql, tuple(checks))


# ---- raw SQL ------------------------------------------------------------------------------


def raw_statement(check: RawSqlCheck) -> Statement:
    sql = (f"{_comment('raw SQL rule', [check])}\n"
           f"SELECT 1, count(*) AS \"v0\", count(*) AS \"n0\" FROM (\n{check.query}\n) AS \"__raw\"")
    return Statement("raw", check.relation, sql, (check,))


# ---- samples of violations ----------------------------------------------------------------


def sample_sql(check: Check, limit: int) -> str | None:
    relation = check.relation
    row = relation.column(ROW_COLUMN)
    if isinstance(check, RowCheck):
        shown = [(f"column {label}" if label == "row" else label, sql) for label, sql in check.shown_columns]
        values = ", ".join([f"{row} AS \"row\""] + [f"{sql} AS {identifier(label)}" for label, sql in shown])
        return (f"SELECT {values} FROM {relation.from_sql()} WHERE {check.violation} "
                f"ORDER BY 1 LIMIT {int(limit)}")
    if isinstance(check, UniqueCheck):
        keys = ", ".join(relation.column(k) for k in check.keys)
        present = " AND ".join(f"{identifier(k)} IS NOT NULL" for k in check.keys)
        return (f"SELECT \"row\", {', '.join(identifier(k) for k in check.keys)} FROM ("
                f"SELECT {row} AS \"row\", {', '.join(f'{relation.column(k)} AS {identifier(k)}' for k in check.keys)}, "
                f"count(*) OVER (PARTITION BY {keys}) AS \"__copies\" FROM {relation.from_sql()}) "
                f"WHERE \"__copies\" > 1 AND {present} ORDER BY 1 LIMIT {int(limit)}")
    if isinstance(check, GroupCheck):
        keys = check.keys
        scope = f" AND {_keys_present(keys)}" if check.skip_null_keys else ""
        return (f"WITH \"__groups\" AS ({grouped_relation(relation, keys, [check])}) "
                f"SELECT {_group_sample_columns(check)} FROM \"__groups\" WHERE {check.violation}{scope} "
                f"ORDER BY {', '.join(identifier(k) for k in keys)} NULLS FIRST LIMIT {int(limit)}")
    if isinstance(check, RawSqlCheck):
        return f"SELECT * FROM (\n{check.query}\n) AS \"__raw\" LIMIT {int(limit)}"
    return None


def _group_sample_columns(check: GroupCheck) -> str:
    columns = [identifier(k) for k in check.keys] + ['"__rows" AS "rows"']
    columns += [identifier(alias) for alias, _ in check.aggregates]
    if check.share_of_rows:
        columns.append('round("__share", 4) AS "share"')
    return ", ".join(dict.fromkeys(columns))


# ---- which rows broke which checks --------------------------------------------------------


def row_verdict_sql(table: str, checks: list, error_ids: set[str]) -> str | None:
    """One row per input row that broke a check: its row number, the ids of the checks it
    broke, and whether any of them is an error. Row, uniqueness and group checks on the table itself take part;
    checks over a joined relation mark the rows they found."""
    base = Relation(table)
    parts, joins, windows = [], [], []
    for index, check in enumerate(checks):
        flag = _row_flag(base, check, index, joins, windows)
        if flag is not None:
            parts.append((check.id, flag))
    if not parts:
        return None
    listed = ", ".join(f"CASE WHEN {flag} THEN {literal(check_id)} END" for check_id, flag in parts)
    errors = " OR ".join(f"coalesce({flag}, FALSE)" for check_id, flag in parts if check_id in error_ids) or "FALSE"
    source = identifier(table)
    if windows:
        source = f"(SELECT *, {', '.join(windows)} FROM {identifier(table)}) AS {identifier(table)}"
    # Only rows that broke something are kept: usually few, so joining back is cheap.
    return (f"SELECT * FROM (SELECT {base.column(ROW_COLUMN)} AS {identifier(ROW_COLUMN)}, "
            f"list_filter([{listed}], lambda x: x IS NOT NULL) AS \"violations\", ({errors}) AS \"failed\" "
            f"FROM {source} {' '.join(joins)}) WHERE len(\"violations\") > 0")


def _failing_rows_sql(check: Check) -> str | None:
    """Row numbers of the rows a check over a joined or derived relation found at fault."""
    relation = check.relation
    row = relation.column(ROW_COLUMN)
    if isinstance(check, RowCheck):
        return f"SELECT {row} FROM {relation.from_sql()} WHERE {check.violation}"
    if isinstance(check, UniqueCheck):
        keys = ", ".join(relation.column(k) for k in check.keys)
        present = " AND ".join(f"{relation.column(k)} IS NOT NULL" for k in check.keys)
        return (f"SELECT \"row\" FROM (SELECT {row} AS \"row\", {present} AS \"present\", "
                f"count(*) OVER (PARTITION BY {keys}) AS \"copies\" FROM {relation.from_sql()}) "
                f"WHERE \"copies\" > 1 AND \"present\"")
    return None


def _row_flag(base: Relation, check: Check, index: int, joins: list, windows: list) -> str | None:
    if not check.attributable:
        return None
    if check.relation != base:
        failing = _failing_rows_sql(check)
        return f"({base.column(ROW_COLUMN)} IN ({failing}))" if failing else None
    if isinstance(check, RowCheck):
        return f"({check.violation})"
    if isinstance(check, UniqueCheck):
        keys = ", ".join(base.column(k) for k in check.keys)
        present = " AND ".join(f"{base.column(k)} IS NOT NULL" for k in check.keys)
        windows.append(f"count(*) OVER (PARTITION BY {keys}) AS \"__copies_{index}\"")
        return f"(\"__copies_{index}\" > 1 AND {present})"
    if isinstance(check, GroupCheck) and not check.share_of_rows:
        alias = f"__failing_groups_{index}"
        on = " AND ".join(f"{base.column(k)} IS NOT DISTINCT FROM {identifier(alias)}.{identifier(k)}"
                          for k in check.keys)
        joins.append(f"LEFT JOIN (WITH \"__groups\" AS ({grouped_relation(base, check.keys, [check])}) "
                     f"SELECT {', '.join(identifier(k) for k in check.keys)}, TRUE AS \"failing\" "
                     f"FROM \"__groups\" WHERE {check.violation}) AS {identifier(alias)} ON {on}")
        return f"coalesce({identifier(alias)}.\"failing\", FALSE)"
    return None


# ---- `specc compile --target sql` ---------------------------------------------------------


class SqlBackend(Backend):
    """Prints the statements `specc check` runs, each headed by the checks it evaluates."""

    name = "sql"
    description = "the DuckDB SQL of every check, one statement per scan or grouping"
    writes_files = False

    def render(self, checked) -> dict[str, str]:
        from ..plan import build_plan

        plan = build_plan(checked)
        parts = [f"-- specc {checked.name}: checks compiled for DuckDB; tables are the spec's tables, "
                 f"each with a {ROW_COLUMN} column numbering its source rows"]
        parts.extend(statement.sql + ";" for statement in statements(plan))
        for metric in plan.metrics:
            parts.append(f"-- metric {metric.id}: {metric.metric} {' '.join(metric.options)} on {metric.table} "
                         f"(computed from counts by specc.metrics)".replace("\n", " "))
        return {f"{checked.name}.sql": "\n\n".join(parts) + "\n"}
