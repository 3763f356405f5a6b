"""The checks a plan is made of, one class per way of evaluating them.

A check carries everything needed to run and report it: its id, severity, the spec span it
came from, how much failure it tolerates, and the SQL pieces it contributes. The SQL backend
batches checks of one shape into shared statements: every `RowCheck` and `TableCheck` of a
relation into one scan, every `GroupCheck` and `UniqueCheck` with the same keys into one
aggregation. A new kind of check means a new module that builds these from the spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..source import Span
from ..sqlsafe import identifier

CURRENT_COLUMN = "__specc_current"  # as in specc.inputs: the row is its keys' latest answer


@dataclass(frozen=True)
class Relation:
    """What a check reads: one table, or a table left-joined to another on key columns."""

    table: str
    join_table: str | None = None
    join_keys: tuple[str, ...] = ()
    # Columns computed per row before any check reads the table — window functions such as
    # "does this span overlap an earlier one", or a normalised text to group duplicates by.
    derived: tuple[tuple[str, str], ...] = ()
    # `rules for latest T`: only the rows that resubmissions left current (`latest by`)
    current_only: bool = False
    # The derived columns written over the join, for when the run found its keys unique: they
    # read the joined table's columns where `derived` looks each value up (a second pass over it)
    derived_joined: tuple[tuple[str, str], ...] = ()

    def from_sql(self) -> str:
        base = identifier(self.table)
        current = f" WHERE {identifier(CURRENT_COLUMN)}" if self.current_only else ""
        if self.derived or current:
            columns = "".join(f", {sql} AS {identifier(alias)}" for alias, sql in self.derived)
            base = f"(SELECT *{columns} FROM {base}{current}) AS {base}"
        if self.join_table is None:
            return base
        on = " AND ".join(
            f"{identifier(self.table)}.{identifier(k)} = {identifier(self.join_table)}.{identifier(k)}"
            for k in self.join_keys
        )
        return f"{base} LEFT JOIN {identifier(self.join_table)} ON {on}"

    def column(self, name: str, table: str | None = None) -> str:
        return f"{identifier(table or self.table)}.{identifier(name)}"

    @property
    def label(self) -> str:
        label = ("latest " if self.current_only else "") + self.table
        label += "" if self.join_table is None else f" with {self.join_table}"
        return label + (" (with derived columns)" if self.derived else "")

    @property
    def base(self) -> "Relation":
        """The table itself, as the per-row verdict reads it."""
        return Relation(self.table)


@dataclass(frozen=True)
class Tolerance:
    value: float
    is_share: bool  # a share of the rows checked, else a count


@dataclass(frozen=True)
class Bound:
    """A graded rule's or metric's threshold: `warn above 1%`, `fail below 0.67`."""

    level: str  # warn | fail
    side: str  # above | below
    value: float
    is_share: bool = False


@dataclass(frozen=True)
class Check:
    id: str
    kind: str  # rule | column | reference | builtin
    relation: Relation
    severity: str  # error | warn
    message: str
    source: Span | None = None
    tolerance: Tolerance | None = None
    bounds: tuple[Bound, ...] = ()
    shown_columns: tuple[tuple[str, str], ...] = ()  # (label, SQL) shown beside each sample
    durations: frozenset[str] = frozenset()  # labels of shown figures that are durations, in seconds
    attributable: bool = True  # violations belong to rows, so quarantine can set rows aside

    scope = "row"

    @property
    def table(self) -> str:
        return self.relation.table


@dataclass(frozen=True)
class RowCheck(Check):
    """Counted in the relation's single scan: `count(*) FILTER (WHERE violation)`."""

    violation: str = "FALSE"
    # `references`: (column, table, column) of the lookup the violation makes, so a scan that
    # already joins that table on that key reads the join's miss instead of a second lookup
    looks_up: tuple[str, str, str] | None = None

    scope = "row"


@dataclass(frozen=True)
class TableCheck(Check):
    """One evaluation over the whole relation (`count >= 100`); also in the single scan."""

    violation: str = "FALSE"  # an aggregate expression, true when the rule is broken
    attributable: bool = False

    scope = "table"


@dataclass(frozen=True)
class DistinctCount:
    """A group check's `count distinct X`: the column it is computed as, and X's SQL."""

    alias: str
    argument: str
    # X and the group keys are the table's `latest by` keys, whose pairs the load counted
    pairs_counted_by_load: bool = False


@dataclass(frozen=True)
class GroupCheck(Check):
    """Evaluated once per group of `keys`; violations count failing groups."""

    keys: tuple[str, ...] = ()  # key column names
    aggregates: tuple[tuple[str, str], ...] = ()  # (alias, aggregate SQL) computed per group
    violation: str = "FALSE"  # over the aliases and keys
    skip_null_keys: bool = False
    share_of_rows: bool = False  # the group's share of all rows is available as "__share"
    population: str | None = None  # `share of X where (…)`: only these rows are grouped
    # What a failing group sets aside (specc.group_attribution): every row of it, only the
    # rows that make it fail (`outliers`: beyond the `allowed` most frequent values of
    # `outlier_column`, or beyond the first `allowed` rows), or none.
    sets_aside: str = "group"  # group | outliers | nothing
    outlier_column: str | None = None
    allowed: int = 0
    distinct_counts: tuple[DistinctCount, ...] = ()  # the aggregates that are `count distinct X`

    scope = "group"


@dataclass(frozen=True)
class UniqueCheck(Check):
    """Rows whose non-null key occurs more than once; all copies count."""

    keys: tuple[str, ...] = ()
    # the keys are the table's `latest by` keys: the load counted each key's rows already
    # (`__specc_copies`), so no aggregation of its own is needed
    counted_by_load: bool = False

    scope = "unique"


@dataclass(frozen=True)
class RowCountCheck(Check):
    """A table must hold rows unless it `allow empty`: nothing passes on no data."""

    attributable: bool = False

    scope = "table"


@dataclass(frozen=True)
class RawSqlCheck(Check):
    """A reviewed query from the spec; every row it returns is a violation."""

    query: str = ""
    attributable: bool = False

    scope = "sql"


@dataclass(frozen=True)
class MetricCheck:
    """A consistency metric with thresholds; computed by `specc.metrics` on a task's table."""

    id: str
    metric: str
    options: tuple[str, ...]
    table: str
    roles: dict = field(default_factory=dict)  # role -> column name(s)
    task_kind: str = ""
    of: str | None = None  # SQL of the value a summary metric summarises, over the table's own columns
    against: tuple[str, str] | None = None  # (table, column) of gold answers
    per: tuple[str, ...] = ()
    bounds: tuple[Bound, ...] = ()
    message: str = ""
    source: Span | None = None
    higher_is_better: bool = True
    # The answer column's taxonomy in declaration order: the order of ordinal alpha and
    # weighted kappa. None for a column no taxonomy types (numbers keep their numeric order).
    category_order: tuple[str, ...] | None = None
    min_units: int | None = None  # fewest shared units for a pair in a mean of kappas; None: the default
    population: str | None = None  # SQL of `where …`: the rows the metric is computed over
    population_text: str | None = None  # the same as the spec writes it, for the report
    current_only: bool = False  # the table resolves resubmissions (`latest by`): current rows only
    current_keys: tuple[str, ...] = ()  # with current_only: the keys no two current rows share
    unit: str | None = None  # `seconds` for a summary of durations; None for a plain figure
    follows: str | None = None  # `metric_change of NAME`: the metric whose change it measures

    kind = "metric"
    scope = "metric"

    @property
    def severity(self) -> str:
        return "error" if any(b.level == "fail" for b in self.bounds) else "warn"


@dataclass(frozen=True)
class Plan:
    spec_name: str
    checks: tuple[Check, ...]
    metrics: tuple[MetricCheck, ...] = ()
    breakdowns: tuple[tuple[str, str, str], ...] = ()  # (table, role, column) compliance is broken down by

    def relations(self) -> list[Relation]:
        return list(dict.fromkeys(c.relation for c in self.checks))

    @property
    def error_ids(self) -> set[str]:
        """The checks whose failure fails a row: compliance, breakdowns and quarantine count these."""
        return {check.id for check in self.checks if check.severity == "error"}
