"""The execution plan: how a plan's checks share work, so each grouping, window and join is
computed once per run and every consumer reads the same results.

For each table of the spec:

- one **grouping** per (relation, keys, population): a single aggregation that judges every
  group and uniqueness check on those keys and keeps only the failing groups, plus one
  summary row with every check's counts (`specc.backends.sql.grouping_sql`);
- for group checks that set aside only the rows that make them fail, one small **outliers**
  step over the failing groups;
- for rules over another table whose join keys are not unique there, one **joined** step that
  judges each row once (it violates if any of its matches breaks the rule);
- one **row scan** of the table: every row check (over the table, its current rows, its
  derived columns and its uniquely joined tables) and the marks of failing groups, written as
  one table of the rows that broke something (`__specc_rows_T`). Counts, samples, per-row
  verdicts, compliance, breakdowns and quarantine all read it;
- one **aggregate** per relation with whole-table rules, and raw SQL rules on their own.

Row identity is the table's `__specc_row`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .checks.base import (Check, GroupCheck, Plan, RawSqlCheck, Relation, RowCheck, RowCountCheck, TableCheck,
                          UniqueCheck)


@dataclass(frozen=True)
class Grouping:
    relation: Relation
    keys: tuple[str, ...]
    population: str | None
    checks: tuple[GroupCheck | UniqueCheck, ...]
    name: str  # the temporary table of failing groups and the summary row


@dataclass(frozen=True)
class Outliers:
    """The rows of a failing group beyond its `allowed` most frequent values (or first rows)."""

    check: GroupCheck
    grouping: Grouping
    index: int  # the check's position in the grouping
    name: str


@dataclass(frozen=True)
class Joined:
    """Rules over a table joined to another on keys that are not unique there."""

    relation: Relation
    checks: tuple[RowCheck, ...]
    name: str


@dataclass(frozen=True)
class Mark:
    """A group check whose failing groups set rows aside in the row scan."""

    check: GroupCheck | UniqueCheck
    grouping: Grouping
    index: int
    outliers: Outliers | None = None


@dataclass(frozen=True)
class RowScan:
    table: str
    checks: tuple[RowCheck, ...]  # evaluated in the scan itself
    derived: tuple[tuple[str, str], ...]  # (alias, SQL) computed over the whole table
    joins: tuple[tuple[str, tuple[str, ...]], ...]  # (table, keys) joined on unique keys
    joined: tuple[Joined, ...]  # read back by row number
    marks: tuple[Mark, ...]
    name: str  # the temporary table of the rows that broke something
    # (table, keys) the derived columns read through a join of their own (`derived_joined`)
    derived_joins: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # columns each flagged row keeps (`b0`, `b1`, …) so the breakdowns count failing rows per
    # value from the scan's table alone, without joining it back to the table
    carried: tuple[str, ...] = ()

    @property
    def flags(self) -> list[tuple[str, Check]]:
        """(column, check) of every flag of a row in the scan's table, in column order."""
        found = [(f"r{i}", check) for i, check in enumerate(self.checks)]
        for j, joined in enumerate(self.joined):
            found += [(f"j{j}_{i}", check) for i, check in enumerate(joined.checks)]
        found += [(f"g{i}", mark.check) for i, mark in enumerate(self.marks)]
        return found


@dataclass(frozen=True)
class TablePlan:
    table: str
    groupings: tuple[Grouping, ...]
    outliers: tuple[Outliers, ...]
    scan: RowScan
    aggregates: tuple[tuple[Relation, tuple[TableCheck, ...]], ...]
    raw: tuple[RawSqlCheck, ...]
    row_counts: tuple[RowCountCheck, ...] = ()


@dataclass(frozen=True)
class ExecutionPlan:
    plan: Plan
    tables: tuple[TablePlan, ...] = field(default_factory=tuple)


def execution_plan(plan: Plan, tables: list[str], unique_joins: set[tuple[str, tuple[str, ...]]]) -> ExecutionPlan:
    """Share the work of `plan` table by table; `unique_joins` are the (table, keys) whose keys
    hold each value once, so joining them keeps one row per row of the checked table."""
    planner = TablePlanner(plan)
    return ExecutionPlan(plan, tuple(planner.table(table, unique_joins) for table in tables))


class TablePlanner:
    """Plans one table at a time, so that what the run found in one table (are its keys
    unique?) can decide how a later table that joins it is planned; names stay distinct."""

    def __init__(self, plan: Plan):
        self.plan, self.names = plan, _Names()

    def table(self, table: str, unique_joins: set[tuple[str, tuple[str, ...]]]) -> TablePlan:
        return _table_plan(self.plan, table, unique_joins, self.names)


class _Names:
    def __init__(self):
        self.count = 0

    def next(self, kind: str, table: str) -> str:
        self.count += 1
        return f"__specc_{kind}_{self.count}"


def _table_plan(plan: Plan, table: str, unique_joins, names: _Names) -> TablePlan:
    checks = [c for c in plan.checks if c.table == table]
    groupings = _groupings([c for c in checks if isinstance(c, (GroupCheck, UniqueCheck))], table, names)
    outliers, marks = [], []
    for grouping in groupings:
        for index, check in enumerate(grouping.checks):
            mode = check.sets_aside if isinstance(check, GroupCheck) else "group"
            if mode == "nothing" or (isinstance(check, GroupCheck) and check.share_of_rows):
                continue
            found = None
            if mode == "outliers":
                found = Outliers(check, grouping, index, names.next("outliers", table))
                outliers.append(found)
            marks.append(Mark(check, grouping, index, found))
    row_checks = [c for c in checks if isinstance(c, RowCheck)]
    in_scan, joined, joins, derived, derived_joins = [], {}, {}, {}, {}
    for check in row_checks:
        relation = check.relation
        if relation.join_table is not None:
            key = (relation.join_table, relation.join_keys)
            if key not in unique_joins or joins.get(relation.join_table, key) != key:
                joined.setdefault(relation, []).append(check)
                continue
            joins[relation.join_table] = key
            if relation.derived_joined:
                derived.update(dict(relation.derived_joined))
                derived_joins[relation.join_table] = key
                in_scan.append(check)
                continue
        derived.update(dict(relation.derived))
        in_scan.append(check)
    for mark in marks:  # a grouping on a derived key (normalised text) is joined back on it
        derived.update(dict(mark.grouping.relation.derived))
    joined_steps = tuple(Joined(relation, tuple(found), names.next("joined", table)) for relation, found in joined.items())
    carried = tuple(dict.fromkeys(column for on, _, column in plan.breakdowns if on == table))
    scan = RowScan(table, tuple(in_scan), tuple(derived.items()), tuple(joins.values()), joined_steps, tuple(marks),
                   f"__specc_rows_{table}", tuple(derived_joins.values()), carried)
    aggregates: dict[Relation, list] = {}
    for check in (c for c in checks if isinstance(c, TableCheck)):
        aggregates.setdefault(check.relation, []).append(check)
    return TablePlan(table, tuple(groupings), tuple(outliers), scan,
                     tuple((relation, tuple(found)) for relation, found in aggregates.items()),
                     tuple(c for c in checks if isinstance(c, RawSqlCheck)),
                     tuple(c for c in checks if isinstance(c, RowCountCheck)))


def _groupings(checks: list, table: str, names: _Names) -> list[Grouping]:
    found: dict[tuple, list] = {}
    for check in checks:
        population = check.population if isinstance(check, GroupCheck) else None
        found.setdefault((check.relation, check.keys, population), []).append(check)
    return [Grouping(relation, keys, population, tuple(group), names.next("groups", table))
            for (relation, keys, population), group in found.items()]
