"""The SQL backend: every statement a run executes, from the execution plan (specc.execution).

Per table: one aggregation per grouping (failing groups and a summary row), the outlier and
joined steps, one row scan writing the rows that broke something, one aggregate per relation
with whole-table rules, and raw SQL rules; then the reads of those results — counts, samples,
compliance, breakdowns, quarantine. Every statement is DuckDB SQL and starts with a comment
naming what it evaluates; other engines transpile it (specc.engines). Only spec text reaches
SQL: names through `sqlsafe.identifier`, constants through `sqlsafe.literal`; the only values
bound at run time are row numbers specc itself assigned.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..checks.base import GroupCheck, RawSqlCheck, Relation, RowCheck, TableCheck, UniqueCheck
from ..execution import ExecutionPlan, Grouping, Joined, Mark, Outliers, RowScan, TablePlan, execution_plan
from ..inputs import COPIES_COLUMN, CURRENT_COLUMN, ROW_COLUMN, TYPE_FLAG_PREFIX
from ..sqlsafe import identifier, literal
from .base import Backend

ROW = identifier(ROW_COLUMN)


@dataclass(frozen=True)
class Step:
    """One statement of a run: `creates` names the temporary table it fills, if any."""

    label: str
    sql: str  # a SELECT; the runner creates `creates` from it, or fetches its result
    creates: str | None = None

    @property
    def body(self) -> str:
        return f"CREATE TEMP TABLE {identifier(self.creates)} AS\n{self.sql}" if self.creates else self.sql

    @property
    def text(self) -> str:
        """The statement as it runs, headed by its comment."""
        return f"-- {self.label}".replace("\n", " ") + "\n" + self.body


def _for(what: str, checks) -> str:
    return f"{what} for: {', '.join(c.id for c in checks)}"


def _flag(sql: str) -> str:
    """A check's violation as TRUE or FALSE: a null condition does not violate."""
    return f"coalesce(({sql}), FALSE)"


def count_where(condition: str, weight: str = "1") -> str:
    """How many rows meet `condition` (each counting `weight`), 0 over no rows. A sum of CASE
    rather than `count(*) FILTER`: DuckDB plans hundreds of FILTER aggregates in quadratic
    time, and every engine has CASE."""
    return f"coalesce(sum(CASE WHEN {condition} THEN {weight} ELSE 0 END), 0)"


def _present(keys, qualify=identifier) -> str:
    return " AND ".join(f"{qualify(k)} IS NOT NULL" for k in keys) or "TRUE"


# ---- groupings ------------------------------------------------------------------------------


def grouping_step(grouping: Grouping) -> Step:
    """One aggregation judging every group check on its keys: the failing groups, each with a
    flag per check, and one summary row (`__summary`) with each check's violations and what
    it looked at (`c{i}`, `n{i}`)."""
    relation, keys, checks = grouping.relation, grouping.keys, grouping.checks
    if counted_by_load(grouping):
        return _grouping_from_copies(grouping)
    key_columns = [f"{relation.column(k)} AS {identifier(k)}" for k in keys]
    aggregates = {"__rows": "count(*)"}  # alias -> SQL
    for check in checks:
        if isinstance(check, GroupCheck):
            aggregates.update({alias: sql for alias, sql in check.aggregates if alias not in aggregates})
    shares = any(isinstance(c, GroupCheck) and c.share_of_rows for c in checks)
    if shares:
        aggregates["__share"] = "CAST(count(*) AS DOUBLE) / sum(count(*)) OVER ()"
    where = f" WHERE {grouping.population}" if grouping.population else ""
    selected = [f"{sql} AS {identifier(alias)}" for alias, sql in aggregates.items()]
    grouped = _distinct_in_two_steps(grouping, aggregates, where) or (
        f"SELECT {', '.join(key_columns + selected)} FROM {relation.from_sql()}{where} "
        f"GROUP BY {', '.join(relation.column(k) for k in keys)}")
    flags = [f"{_group_violation(check, keys)} AS \"v{i}\"" for i, check in enumerate(checks)]
    value_columns = [identifier(k) for k in [*keys, *aggregates]]
    flag_columns = [f'"v{i}"' for i in range(len(checks))]
    counted = []
    for i, check in enumerate(checks):
        counted += _group_counts(check, keys, i)
    nulls = lambda columns: [f"NULL AS {c}" for c in columns]  # noqa: E731
    failing = (f"SELECT FALSE AS \"__summary\", {', '.join(value_columns + flag_columns)}, "
               f"{', '.join(nulls([f'{kind}{i}' for i in range(len(checks)) for kind in ('c', 'n')]))} "
               f"FROM \"__judged\" WHERE {' OR '.join(flag_columns)}")
    summary = (f"SELECT TRUE, {', '.join(nulls(value_columns + flag_columns))}, {', '.join(counted)} "
               f"FROM \"__judged\"")
    sql = (f"WITH \"__groups\" AS (\n  {grouped}\n), \"__judged\" AS MATERIALIZED (\n  SELECT *, {', '.join(flags)} "
           f"FROM \"__groups\"\n)\n{failing}\nUNION ALL\n{summary}")
    label = _for(f"one aggregation of {relation.label} per ({', '.join(keys)})"
                 + (" where the population holds" if grouping.population else ""), checks)
    return Step(label, sql, grouping.name)


def counted_by_load(grouping: Grouping) -> bool:
    """Uniqueness on the table's `latest by` keys, which the load already counted per key."""
    return all(isinstance(c, UniqueCheck) and c.counted_by_load for c in grouping.checks)


def _grouping_from_copies(grouping: Grouping) -> Step:
    """The same table as `grouping_step` writes, from the count of each key's rows the load
    kept (`__specc_copies`, null for a key held once): the repeated keys are few, so only they
    are aggregated, and the summary is one pass over the table instead of a group per key."""
    relation, keys, checks = grouping.relation, grouping.keys, grouping.checks
    copies = relation.column(COPIES_COLUMN)
    key_columns = [f"{relation.column(k)} AS {identifier(k)}" for k in keys]
    flags = [f"{_group_violation(check, keys)} AS \"v{i}\"" for i, check in enumerate(checks)]
    flag_columns = [f'"v{i}"' for i in range(len(checks))]
    repeated = (f"SELECT {', '.join(key_columns)}, max({copies}) AS \"__rows\" FROM {relation.from_sql()} "
                f"WHERE {copies} IS NOT NULL GROUP BY {', '.join(relation.column(k) for k in keys)}")
    present = _present(keys, relation.column)
    counted = []
    for i in range(len(checks)):  # every copy counts: violations and checked are rows
        counted += [f"{count_where(f'{copies} IS NOT NULL AND {present}')} AS \"c{i}\"",
                    f"{count_where(present)} AS \"n{i}\""]
    value_columns = [identifier(k) for k in keys] + ['"__rows"']
    nulls = [f"NULL AS {c}" for c in value_columns + flag_columns]
    failing = (f"SELECT FALSE AS \"__summary\", {', '.join(value_columns + flag_columns)}, "
               f"{', '.join(f'NULL AS {kind}{i}' for i in range(len(checks)) for kind in ('c', 'n'))} "
               f"FROM (SELECT *, {', '.join(flags)} FROM ({repeated}) AS \"__groups\") AS \"__judged\" "
               f"WHERE {' OR '.join(flag_columns)}")
    summary = f"SELECT TRUE, {', '.join(nulls)}, {', '.join(counted)} FROM {relation.from_sql()}"
    label = _for(f"the repeated keys of {relation.label} per ({', '.join(keys)}), as its load counted them", checks)
    return Step(label, f"{failing}\nUNION ALL\n{summary}", grouping.name)


def _distinct_in_two_steps(grouping: Grouping, aggregates: dict[str, str], where: str) -> str | None:
    """`count distinct X per KEYS` (with counts of the group's rows) as two plain aggregations:
    the (KEYS, X) pairs with their rows first, then the non-null X per KEYS. DuckDB's DISTINCT
    aggregate keeps a hash set per group and takes twice as long at a million rows. When the
    load has counted each (KEYS, X) already (`latest by` keys), the pairs are read from it.
    None when the aggregates are anything else (several distinct arguments, sums, shares):
    they stay one aggregation."""
    relation, keys = grouping.relation, grouping.keys
    distinct = {d.alias: d for c in grouping.checks if isinstance(c, GroupCheck) for d in c.distinct_counts}
    used = [distinct[alias] for alias in aggregates if alias in distinct]
    if not used or len({d.argument for d in used}) != 1:
        return None
    counted = []
    for alias, sql in aggregates.items():
        if alias in distinct:
            counted.append(f"count(\"__value\") AS {identifier(alias)}")
        elif sql == "count(*)":  # the group's rows
            counted.append(f"sum(\"__pair_rows\") AS {identifier(alias)}")
        else:
            return None
    value = used[0].argument
    inner_keys = [f"{relation.column(k)} AS {identifier(k)}" for k in keys]
    pair = "".join(relation.column(k) + ", " for k in keys) + value
    if all(d.pairs_counted_by_load for d in used) and not where:
        copies = relation.column(COPIES_COLUMN)
        inner = (f"SELECT {', '.join(inner_keys)}, {value} AS \"__value\", 1 AS \"__pair_rows\" "
                 f"FROM {relation.from_sql()} WHERE {copies} IS NULL UNION ALL "
                 f"SELECT {', '.join(inner_keys)}, {value}, max({copies}) FROM {relation.from_sql()} "
                 f"WHERE {copies} IS NOT NULL GROUP BY {pair}")
    else:
        inner = (f"SELECT {', '.join(inner_keys)}, {value} AS \"__value\", count(*) AS \"__pair_rows\" "
                 f"FROM {relation.from_sql()}{where} GROUP BY {pair}")
    key_list = ", ".join(identifier(k) for k in keys)
    return f"SELECT {key_list}, {', '.join(counted)} FROM ({inner}) AS \"__pairs\" GROUP BY {key_list}"


def _group_violation(check, keys) -> str:
    if isinstance(check, UniqueCheck):
        return f"(\"__rows\" > 1 AND {_present(keys)})"
    scope = f" AND {_present(keys)}" if check.skip_null_keys else ""
    return f"({_flag(check.violation)}{scope})"


def _group_counts(check, keys, i: int) -> list[str]:
    if isinstance(check, UniqueCheck):  # every copy counts: violations and checked are rows
        flag, rows = f'"v{i}"', '"__rows"'
        return [f"{count_where(flag, rows)} AS \"c{i}\"", f"{count_where(_present(keys), rows)} AS \"n{i}\""]
    scope = _present(keys) if check.skip_null_keys else "TRUE"
    flag = f'"v{i}"'
    return [f"{count_where(flag)} AS \"c{i}\"", f"{count_where(scope)} AS \"n{i}\""]


def failing_groups(grouping: Grouping, index: int) -> str:
    """The keys of the groups that fail check `index` of a grouping (read from its table)."""
    keys = "".join(f"{identifier(k)}, " for k in grouping.keys)
    return f"SELECT {keys}TRUE AS \"__hit\" FROM {identifier(grouping.name)} WHERE NOT \"__summary\" AND \"v{index}\""


def grouping_counts_sql(grouping: Grouping) -> str:
    columns = ", ".join(f'"c{i}", "n{i}"' for i in range(len(grouping.checks)))
    return f"SELECT {columns} FROM {identifier(grouping.name)} WHERE \"__summary\""


def group_sample_sql(grouping: Grouping, index: int, limit: int) -> str:
    check = grouping.checks[index]
    columns = [identifier(k) for k in grouping.keys] + ['"__rows" AS "rows"']
    columns += [identifier(alias) for alias, _ in check.aggregates]
    if check.share_of_rows:
        columns.append('round("__share", 4) AS "share"')
    order = ", ".join(f"{identifier(k)} NULLS FIRST" for k in grouping.keys)
    return (f"SELECT {', '.join(dict.fromkeys(columns))} FROM {identifier(grouping.name)} "
            f"WHERE NOT \"__summary\" AND \"v{index}\" ORDER BY {order} LIMIT {int(limit)}")


# ---- rows that make a failing group fail ------------------------------------------------------


def outliers_step(outliers: Outliers) -> Step:
    grouping, check = outliers.grouping, outliers.check
    relation = grouping.relation
    on = " AND ".join(f"{relation.column(k)} IS NOT DISTINCT FROM \"__failing\".{identifier(k)}" for k in grouping.keys)
    failing = f"JOIN ({failing_groups(grouping, outliers.index)}) AS \"__failing\" ON {on}"
    partition = ", ".join(relation.column(k) for k in grouping.keys)
    if check.outlier_column is None:  # `count per K <= N`: the rows after the group's first N
        sql = (f"SELECT {ROW} FROM (SELECT {relation.column(ROW_COLUMN)} AS {ROW}, row_number() OVER "
               f"(PARTITION BY {partition} ORDER BY {relation.column(ROW_COLUMN)}) AS \"__rank\" "
               f"FROM {relation.from_sql()} {failing}) AS \"__ranked\" WHERE \"__rank\" > {int(check.allowed)}")
    else:  # `count distinct X per K <= N`: the values beyond the group's N most frequent
        value = relation.column(check.outlier_column)
        keys = ", ".join(f"{relation.column(k)} AS {identifier(k)}" for k in grouping.keys)
        sql = (f"SELECT * FROM (SELECT {keys}, {value} AS \"__value\", row_number() OVER (PARTITION BY {partition} "
               f"ORDER BY count(*) DESC, {value}) AS \"__rank\" FROM {relation.from_sql()} {failing} "
               f"WHERE {value} IS NOT NULL GROUP BY {partition}, {value}) AS \"__ranked\" "
               f"WHERE \"__rank\" > {int(check.allowed)}")
    return Step(_for("rows that make a failing group fail", [check]), sql, outliers.name)


# ---- rules over a table joined on keys that repeat ----------------------------------------------


def joined_step(joined: Joined) -> Step:
    relation = joined.relation
    flags = [f"bool_or({_flag(c.violation)}) AS \"v{i}\"" for i, c in enumerate(joined.checks)]
    having = " OR ".join(f"bool_or({_flag(c.violation)})" for c in joined.checks)
    sql = (f"SELECT {relation.column(ROW_COLUMN)} AS {ROW}, {', '.join(flags)} FROM {relation.from_sql()} "
           f"GROUP BY {relation.column(ROW_COLUMN)} HAVING {having}")
    return Step(_for(f"each row of {relation.label} once", joined.checks), sql, joined.name)


# ---- the row scan -----------------------------------------------------------------------------


def scan_step(scan: RowScan) -> Step:
    """One pass over the table: a flag per row check and per mark, for the rows that broke
    something, with the derived columns samples show."""
    table = identifier(scan.table)
    columns = [f"{table}.{ROW} AS {ROW}"]
    joins = []
    for i, check in enumerate(scan.checks):
        flag = _flag(_missed_by_join(scan, check) or check.violation)
        if check.relation.current_only:
            flag = f"({flag} AND {table}.{identifier(CURRENT_COLUMN)})"
        columns.append(f"{flag} AS \"r{i}\"")
    for j, joined in enumerate(scan.joined):
        alias = f'"__j{j}"'
        joins.append(f"LEFT JOIN {identifier(joined.name)} AS {alias} ON {table}.{ROW} = {alias}.{ROW}")
        columns += [f"coalesce({alias}.\"v{i}\", FALSE) AS \"j{j}_{i}\"" for i in range(len(joined.checks))]
    for i, mark in enumerate(scan.marks):
        hit, join = _mark(scan, mark, i)
        if join:
            joins.append(join)
        columns.append(f"{hit} AS \"g{i}\"")
    columns += [f"{table}.{identifier(alias)} AS {identifier(alias)}" for alias, _ in scan.derived]
    columns += [f"{table}.{identifier(column)} AS \"b{k}\"" for k, column in enumerate(scan.carried)]

    def left_join(other: str, keys: tuple[str, ...]) -> str:
        on = " AND ".join(f"{table}.{identifier(k)} = {identifier(other)}.{identifier(k)}" for k in keys)
        return f"LEFT JOIN {identifier(other)} ON {on}"

    source = table
    if scan.derived:
        derived = ", ".join(f"{sql} AS {identifier(alias)}" for alias, sql in scan.derived)
        # joined inside too when a derived column reads the joined table (its keys are unique,
        # so each row stays one row): a join is cheaper than a lookup per row
        inner_joins = "".join(f" {left_join(other, keys)}" for other, keys in scan.derived_joins)
        source = f"(SELECT {table}.*, {derived} FROM {table}{inner_joins}) AS {table}"
    for other, keys in scan.joins:
        joins.insert(0, left_join(other, keys))
    flags = [f'"{name}"' for name, _ in scan.flags]
    inner = f"SELECT {', '.join(columns)} FROM {source} {' '.join(joins)}".rstrip()
    sql = f"SELECT * FROM (\n  {inner}\n) AS \"__flagged\" WHERE {' OR '.join(flags) or 'FALSE'}"
    checks = [check for _, check in scan.flags]
    return Step(_for(f"one scan of {scan.table}", checks) if checks else f"one scan of {scan.table}", sql, scan.name)


def _missed_by_join(scan: RowScan, check) -> str | None:
    """A reference the scan's own join already looks up (the same table, on the same key): the
    row refers to nothing when the join found no row — one lookup instead of two."""
    if not isinstance(check, RowCheck) or check.looks_up is None or check.relation.join_table is not None:
        return None
    column, other, target = check.looks_up
    if column != target or (other, (column,)) not in scan.joins:
        return None
    return (f"{identifier(scan.table)}.{identifier(column)} IS NOT NULL "
            f"AND {identifier(other)}.{identifier(column)} IS NULL")


def _mark(scan: RowScan, mark: Mark, i: int) -> tuple[str, str]:
    """(flag SQL, join) marking the rows a failing group sets aside."""
    table = identifier(scan.table)
    alias = f'"__m{i}"'
    grouping = mark.grouping
    current = f" AND {table}.{identifier(CURRENT_COLUMN)}" if grouping.relation.current_only else ""
    outliers = mark.outliers
    if outliers is None and isinstance(mark.check, UniqueCheck) and mark.check.counted_by_load:
        present = _present(grouping.keys, lambda k: f"{table}.{identifier(k)}")
        return f"({table}.{identifier(COPIES_COLUMN)} IS NOT NULL AND {present})", ""
    if outliers is not None and outliers.check.outlier_column is None:
        join = f"LEFT JOIN {identifier(outliers.name)} AS {alias} ON {table}.{ROW} = {alias}.{ROW}"
        return f"({alias}.{ROW} IS NOT NULL{current})", join
    on = [f"{table}.{identifier(k)} IS NOT DISTINCT FROM {alias}.{identifier(k)}" for k in grouping.keys]
    if outliers is not None:
        on.append(f"{table}.{identifier(outliers.check.outlier_column)} = {alias}.\"__value\"")
        target = identifier(outliers.name)
    else:
        target = f"({failing_groups(grouping, mark.index)})"
    join = f"LEFT JOIN {target} AS {alias} ON {' AND '.join(on)}"
    probe = '"__hit"' if outliers is None else '"__value"'
    return f"({alias}.{probe} IS NOT NULL{current})", join


def scan_counts_sql(scan: RowScan, error_ids: set[str]) -> str:
    """Per flag, the rows it marks; then the rows that broke an `error` check."""
    counted = [count_where(f'"{name}"') for name, _ in scan.flags]
    counted.append(count_where(failed_sql(scan, error_ids)))
    return f"SELECT {', '.join(counted)} FROM {identifier(scan.name)}"


def failed_sql(scan: RowScan, error_ids: set[str], qualifier: str = "") -> str:
    """Whether a flagged row broke an `error` check (`qualifier`: the scan table's alias, with its dot)."""
    errors = [f'{qualifier}"{name}"' for name, check in scan.flags if check.id in error_ids]
    return "(" + (" OR ".join(errors) or "FALSE") + ")"


def flagged_rows_sql(scan: RowScan, flags: list[str], limit: int) -> str:
    """The first `limit` rows of each flag, as (flag, row): one statement for many flags."""
    parts = [f"SELECT {literal(flag)} AS \"flag\", {ROW} FROM (SELECT {ROW} FROM {identifier(scan.name)} "
             f"WHERE \"{flag}\" ORDER BY 1 LIMIT {int(limit)}) AS \"__first_{n}\"" for n, flag in enumerate(flags)]
    return "\nUNION ALL\n".join(parts)


def row_sample_sql(scan: RowScan, relation: Relation, shown, rows: int) -> str:
    """The shown columns of chosen rows (`rows` `?` parameters) as `row`, `s0`, `s1`, … in the
    order of `shown`: the table with the scan's derived columns, joined as the checks' relation is."""
    table = identifier(scan.table)
    derived = "".join(f", \"__flagged\".{identifier(alias)}" for alias, _ in scan.derived)
    placeholders = ", ".join("?" for _ in range(rows))
    base = (f"(SELECT {table}.*{derived} FROM {table} JOIN {identifier(scan.name)} AS \"__flagged\" "
            f"ON {table}.{ROW} = \"__flagged\".{ROW} WHERE {table}.{ROW} IN ({placeholders})) AS {table}")
    joins = ""
    if relation.join_table is not None:
        on = " AND ".join(f"{table}.{identifier(k)} = {identifier(relation.join_table)}.{identifier(k)}"
                          for k in relation.join_keys)
        joins = f" LEFT JOIN {identifier(relation.join_table)} ON {on}"
    # by position, not by label: `.type` shows a column as delivered, `.required` as read
    values = ", ".join([f"{table}.{ROW} AS \"row\""] + [f"{sql} AS \"s{k}\"" for k, (_, sql) in enumerate(shown)])
    return f"SELECT {values} FROM {base}{joins} ORDER BY 1"


def sample_label(label: str) -> str:
    return f"column {label}" if label == "row" else label


# ---- whole-table rules and raw SQL --------------------------------------------------------------


def aggregate_step(relation: Relation, checks: tuple[TableCheck, ...]) -> Step:
    columns = ['count(*) AS "__rows"']
    columns += [f"CAST({check.violation} AS INTEGER) AS \"v{i}\"" for i, check in enumerate(checks)]
    for i, check in enumerate(checks):  # what whole-table checks compare, after the counts
        columns += [f"{sql} AS \"m{i}_{k}\"" for k, (_, sql) in enumerate(check.shown_columns)]
    sql = "SELECT\n  " + ",\n  ".join(columns) + f"\nFROM {relation.from_sql()}"
    return Step(_for(f"one aggregate of {relation.label}", checks), sql)


def raw_step(check: RawSqlCheck) -> Step:
    sql = f"SELECT count(*) AS \"v0\" FROM (\n{check.query}\n) AS \"__raw\""
    return Step(_for("raw SQL rule", [check]), sql)


def raw_sample_sql(check: RawSqlCheck, limit: int) -> str:
    return f"SELECT * FROM (\n{check.query}\n) AS \"__raw\" LIMIT {int(limit)}"


# ---- what a table's rows broke: breakdowns and quarantine ---------------------------------------


def compliance_step(table: str, scan: RowScan, error_ids: set[str]) -> Step:
    """How many of the table's rows failed an `error` check, counted in the scan's table."""
    return Step(f"compliance of {table}", f"SELECT {count_where(failed_sql(scan, error_ids))} FROM {identifier(scan.name)}")


def breakdown_step(table: str, column: str, scan: RowScan | None, error_ids: set[str]) -> Step:
    """Per value of `column` (an annotator, a vendor…): its rows, and the rows that failed an
    `error` check, counted in the scan's table of flagged rows, which carries the column."""
    quoted = identifier(column)
    every = f"SELECT {quoted} AS \"value\", count(*) AS \"rows\" FROM {identifier(table)} GROUP BY {quoted}"
    label = f"breakdown of {table} by {column}"
    if scan is None:
        return Step(label, f"SELECT CAST(\"value\" AS VARCHAR) AS value, \"rows\", 0 AS violating FROM ({every}) "
                           "AS \"__all\" ORDER BY 1 NULLS FIRST")
    carried = f'"b{scan.carried.index(column)}"'
    failing = (f"SELECT {carried} AS \"value\", count(*) AS \"rows\" FROM {identifier(scan.name)} "
               f"WHERE {failed_sql(scan, error_ids)} GROUP BY {carried}")
    return Step(label, f"SELECT CAST(\"__all\".\"value\" AS VARCHAR) AS value, \"__all\".\"rows\", "
                       f"coalesce(\"__failing\".\"rows\", 0) AS violating FROM ({every}) AS \"__all\" "
                       f"LEFT JOIN ({failing}) AS \"__failing\" ON \"__all\".\"value\" IS NOT DISTINCT FROM \"__failing\".\"value\" "
                       "ORDER BY 1 NULLS FIRST")


def violations_list_sql(scan: RowScan, qualifier: str = "") -> str:
    """The ids of the checks a flagged row broke, as a list."""
    listed = ", ".join(f"CASE WHEN {qualifier}\"{name}\" THEN {literal(check.id)} END" for name, check in scan.flags)
    return f"list_filter([{listed}], lambda x: x IS NOT NULL)" if listed else "CAST([] AS VARCHAR[])"


# ---- the whole run, as `specc compile --target sql` shows it ------------------------------------


def table_steps(table_plan: TablePlan) -> list[Step]:
    """The statements that judge one table, in the order they run."""
    steps = [grouping_step(g) for g in table_plan.groupings]
    steps += [outliers_step(o) for o in table_plan.outliers]
    steps += [joined_step(j) for j in table_plan.scan.joined]
    steps.append(scan_step(table_plan.scan))
    steps += [aggregate_step(relation, checks) for relation, checks in table_plan.aggregates]
    steps += [raw_step(check) for check in table_plan.raw]
    return steps


def scoring_steps(table_plan: TablePlan, breakdowns, error_ids: set[str]) -> list[Step]:
    """After the checks: the table's compliance, then its breakdowns (`Plan.breakdowns`)."""
    table, scan = table_plan.table, table_plan.scan
    return [compliance_step(table, scan, error_ids)] + [
        breakdown_step(table, column, scan, error_ids) for name, _, column in breakdowns if name == table]


class SqlBackend(Backend):
    """Prints the statements `specc check` runs, each headed by the checks it evaluates; in
    another engine's dialect with `dialect` (specc.dialects)."""

    name = "sql"
    description = "the DuckDB SQL of every check: one aggregation per grouping, one scan per table"
    writes_files = False

    def __init__(self, dialect: str = "duckdb"):
        self.dialect = dialect

    def render(self, checked) -> dict[str, str]:
        from ..plan import build_plan, declared_unique_joins

        from ..load import compiled_load

        loads = {name: compiled_load(checked, name) for name in checked.tables}
        plan = build_plan(checked, {name: flagged for name, (_, flagged) in loads.items()})
        executed = execution_plan(plan, list(checked.tables), declared_unique_joins(checked))
        from ..dialects import written_text

        engine = "DuckDB" if self.dialect == "duckdb" else f"DuckDB, written in the {self.dialect} dialect by sqlglot"
        parts = [f"-- specc {checked.name}: the statements `specc check` runs on {engine}, for a delivery of "
                 "CSV files named after the tables. Each table is loaded into a temporary table of its "
                 f"name, with a {ROW_COLUMN} column numbering its source rows and exact casts (a "
                 f"{TYPE_FLAG_PREFIX}COLUMN column keeps a value that does not cast, for `.type`); a "
                 "Parquet or JSON file's typed columns are cast only where a value can fail. A rule "
                 "joined to a table whose join keys are not declared unique is judged row by row in a "
                 "step of its own; a grouping that finds no failing group is left out of its table's "
                 "scan, and samples are fetched from the scan's rows. Each table's checks are followed "
                 "by its compliance and breakdowns, read from the scan's table of flagged rows."]
        if self.dialect == "duckdb":
            parts += [f"-- load {name}\n{sql};" for name, (sql, _) in loads.items()]
        else:  # files are read and cast by specc's DuckDB reader, then written into the engine
            parts += [f"-- load {name}: read and cast by specc's DuckDB reader (`--dialect duckdb` shows it), "
                      "then copied into the engine" for name in loads]
        for table_plan in executed.tables:
            steps = table_steps(table_plan) + scoring_steps(table_plan, plan.breakdowns, plan.error_ids)
            if self.dialect == "duckdb":
                parts.extend(step.text + ";" for step in steps)
            else:
                parts.extend(written_text(step.label, step.body, self.dialect) for step in steps)
        for metric in plan.metrics:
            parts.append(f"-- metric {metric.id}: {metric.metric} {' '.join(metric.options)} on {metric.table} "
                         f"(computed from counts by specc.metrics)".replace("\n", " "))
        return {f"{checked.name}.sql": "\n\n".join(parts) + "\n"}


__all__ = ["ExecutionPlan", "Step", "SqlBackend", "table_steps", "scoring_steps", "RowCheck"]
