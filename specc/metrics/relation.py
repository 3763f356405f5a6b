"""How a metric sees its input: a relation's chosen columns as `(unit, coder, value)` rows.

Every metric query starts from the same normalised subquery, so missing-data handling is
decided once: a row whose unit, coder or value is NULL (or NaN) is missing and left out.
Names reach SQL only through `sqlsafe.identifier`; values, such as an explicit category
order, are bound as parameters.

Two things the metrics cannot decide for the caller are checked here too: an order for
text categories (`require_order`), and one answer per (unit, coder) — `repeated_answers`
finds the pairs with several, `latest_rows_sql` keeps each pair's latest row by a column
(after `latest_ties` found no pair without a single latest row), for `specc agree
--latest-by` and for a spec table's own resolution of resubmissions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from ..diagnostics import did_you_mean
from ..sqlsafe import identifier
from .errors import ChoiceNeeded, MetricError

NUMERIC_TYPES = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
    "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL",
)  # fmt: skip


def is_numeric(column_type: str) -> bool:
    return column_type.upper().startswith(NUMERIC_TYPES)


def is_floating(column_type: str) -> bool:
    return column_type.upper() in ("FLOAT", "DOUBLE", "REAL")


@dataclass(frozen=True)
class Ratings:
    """SQL text yielding `(unit, coder, value)` rows with no missing values, and its parameters."""

    sql: str
    value_type: str
    parameters: dict = field(default_factory=dict)

    def excluding_coder(self) -> Ratings:
        """The same ratings without one coder, named by the `$excluded_coder` parameter."""
        sql = f"SELECT * FROM ({self.sql}) WHERE coder IS DISTINCT FROM $excluded_coder"
        return Ratings(sql, self.value_type, self.parameters)


def column_types(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {identifier(relation)}").fetchall()
    except duckdb.CatalogException:
        raise MetricError(f"no table or view named `{relation}`") from None
    return {row[0]: row[1] for row in rows}


def require_columns(con: duckdb.DuckDBPyConnection, relation: str, *names: str) -> dict[str, str]:
    """The relation's column types, after checking that every named column exists."""
    types = column_types(con, relation)
    for name in names:
        if name not in types:
            hint = did_you_mean(name, types)
            message = f"no column `{name}` in `{relation}`; columns: {', '.join(types)}"
            raise MetricError(message + (f" ({hint})" if hint else ""))
    return types


def present(column_sql: str, column_type: str) -> str:
    """The condition that a value is not missing; NaN counts as missing, as in `krippendorff`."""
    condition = f"{column_sql} IS NOT NULL"
    if is_floating(column_type):
        condition += f" AND NOT isnan({column_sql})"
    return condition


def ratings(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    unit: str,
    coder: str,
    value: str,
    numeric: bool = False,
) -> Ratings:
    """The relation's ratings; with `numeric`, values are DOUBLE and must all be numbers."""
    types = require_columns(con, relation, unit, coder, value)
    value_type = types[value]
    if numeric:
        check_numeric(con, relation, value, value_type)
    value_sql = f"CAST({identifier(value)} AS DOUBLE)" if numeric else identifier(value)
    sql = (
        f"SELECT {identifier(unit)} AS unit, {identifier(coder)} AS coder, {value_sql} AS value"
        f" FROM {identifier(relation)}"
        f" WHERE {identifier(unit)} IS NOT NULL AND {identifier(coder)} IS NOT NULL"
        f" AND {present(value_sql, 'DOUBLE' if numeric else value_type)}"
    )
    return Ratings(sql, "DOUBLE" if numeric else value_type)


def check_numeric(con: duckdb.DuckDBPyConnection, relation: str, value: str, value_type: str) -> None:
    """Interval and ratio alpha need numbers: name the first value that is not one."""
    if is_numeric(value_type):
        return
    column = identifier(value)
    row = one_row(
        con,
        f"SELECT count(*), min(CAST({column} AS VARCHAR)) FROM {identifier(relation)}"
        f" WHERE {column} IS NOT NULL AND TRY_CAST({column} AS DOUBLE) IS NULL",
    )
    if row[0]:
        raise MetricError(
            f"column `{value}` has {row[0]} non-numeric value(s), e.g. {row[1]!r};"
            " interval and ratio levels need numbers"
        )


def has_own_order(value_type: str) -> bool:
    """Numbers, times and booleans are ordered by their type; text is not."""
    return is_numeric(value_type) or value_type.upper().startswith(("DATE", "TIMESTAMP", "TIME", "BOOLEAN"))


def natural_order_key(value_type: str) -> str:
    """Numbers sort numerically; text that reads as numbers too, then the rest as text."""
    if has_own_order(value_type):
        return "value"
    return "TRY_CAST(CAST(value AS VARCHAR) AS DOUBLE) NULLS LAST, CAST(value AS VARCHAR)"


def categories_cte(value_type: str, order: list | None) -> str:
    """A `categories(value, idx)` CTE body over the `ratings` CTE: idx is the 0-based rank."""
    if order is None:
        key = natural_order_key(value_type)
        return (
            f"SELECT value, row_number() OVER (ORDER BY {key}) - 1 AS idx"
            " FROM (SELECT DISTINCT value FROM ratings)"
        )
    return (
        "SELECT seen.value, declared.idx FROM (SELECT DISTINCT value FROM ratings) AS seen"
        " JOIN (SELECT unnest($category_order) AS label,"
        " generate_subscripts($category_order, 1) - 1 AS idx) AS declared"
        " ON CAST(seen.value AS VARCHAR) = declared.label"
    )


def require_order(con: duckdb.DuckDBPyConnection, source: Ratings, order: list | None, needed_by: str) -> None:
    """Text categories have no order of their own, and sorting them alphabetically would
    invent one: ordinal alpha and weighted kappa must be given the order, unless every value
    reads as a number (`"9"` before `"10"`)."""
    if order is not None or has_own_order(source.value_type):
        return
    count, examples = one_row(
        con,
        "SELECT count(*), list(label ORDER BY label)[1:3] FROM (SELECT DISTINCT CAST(value AS VARCHAR) AS label"
        f" FROM ({source.sql}) WHERE TRY_CAST(CAST(value AS VARCHAR) AS DOUBLE) IS NULL)",
        source.parameters,
    )
    if count:
        shown = ", ".join(repr(example) for example in examples) + (", …" if count > len(examples) else "")
        raise ChoiceNeeded(
            f"{needed_by} needs the categories in order, and {count} value(s) are text with no order"
            f" of their own ({shown})",
            needs="order",
        )


def with_order(con: duckdb.DuckDBPyConnection, source: Ratings, order: list | None) -> Ratings:
    """Bind an explicit category order, after checking it covers every value in the data."""
    if order is None:
        return source
    labels = [str(label) for label in order]
    if len(set(labels)) != len(labels):
        raise MetricError("the category order lists a category twice")
    parameters = {**source.parameters, "category_order": labels}
    missing = one_row(
        con,
        f"SELECT count(DISTINCT value), min(CAST(value AS VARCHAR)) FROM ({source.sql})"
        " WHERE CAST(value AS VARCHAR) NOT IN (SELECT unnest($category_order))",
        parameters,
    )
    if missing[0]:
        raise ChoiceNeeded(
            f"{missing[0]} value(s) are not in the category order, e.g. {missing[1]!r}", needs="placing"
        )
    return Ratings(source.sql, source.value_type, parameters)


def execute(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict):
    """Run `sql` with just the named parameters it uses (DuckDB rejects unused ones)."""
    used = {name: value for name, value in parameters.items() if f"${name}" in sql}
    return con.execute(sql, used)


def one_row(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict | None = None) -> tuple:
    """The single row of an aggregate query, fetched to the end so the connection is free again."""
    return execute(con, sql, parameters or {}).fetchall()[0]


# ---- one answer per (unit, coder) ------------------------------------------------------


@dataclass(frozen=True)
class RepeatedAnswers:
    """(unit, coder) pairs holding more than one answer, and one of them as an example."""

    pairs: int
    unit: object
    coder: object

    def describe(self, coder_word: str = "coder") -> str:
        return (f"{self.pairs} (unit, {coder_word}) pair(s) have more than one answer,"
                f" e.g. unit {self.unit!r} and {coder_word} {self.coder!r}")


def _pairs_and_example(con, sql: str, parameters: dict | None = None) -> RepeatedAnswers | None:
    """`sql` yields one row per offending (unit, coder) pair; count them, keep the first (as
    text: cast here, over the few offending pairs, not over every row before grouping)."""
    count, example_unit, example_coder = one_row(
        con, "SELECT count(*), min(CAST(unit AS VARCHAR)), arg_min(CAST(coder AS VARCHAR), CAST(unit AS VARCHAR))"
             f" FROM ({sql})", parameters
    )
    return RepeatedAnswers(count, example_unit, example_coder) if count else None


def repeated_answers(
    con: duckdb.DuckDBPyConnection, relation: str, unit: str, coder: str, value: str | None = None
) -> RepeatedAnswers | None:
    """The (unit, coder) pairs with several rows; with `value`, only rows whose value is present count."""
    types = require_columns(con, relation, unit, coder, *([value] if value else []))
    condition = f" AND {present(identifier(value), types[value])}" if value else ""
    return _pairs_and_example(con, (
        f"SELECT {identifier(unit)} AS unit, {identifier(coder)} AS coder"
        f" FROM {identifier(relation)}"
        f" WHERE {identifier(unit)} IS NOT NULL AND {identifier(coder)} IS NOT NULL{condition}"
        f" GROUP BY ALL HAVING count(*) > 1"
    ))


def check_one_value_per_coder(
    con: duckdb.DuckDBPyConnection, relation: str, unit: str, coder: str, value: str | None = None
) -> None:
    """Single-answer metrics assume one value per (unit, coder): refuse data that has more."""
    repeated = repeated_answers(con, relation, unit, coder, value)
    if repeated:
        raise ChoiceNeeded(
            f"{repeated.describe()}; agreement needs one answer per unit and coder", needs="one answer"
        )


def latest_rows_sql(relation: str, unit: str, coder: str, by: str) -> str:
    """SQL keeping, of each (unit, coder) pair's rows, the one with the greatest `by`: a
    resubmission replaces the earlier answer. Rows with no unit or coder are kept as they are.
    Which row wins a tie is arbitrary, so check `latest_ties` first."""
    partition = f"PARTITION BY {identifier(unit)}, {identifier(coder)}"
    return (
        f"SELECT * FROM {identifier(relation)}"
        f" QUALIFY {identifier(unit)} IS NULL OR {identifier(coder)} IS NULL"
        f" OR row_number() OVER ({partition} ORDER BY {identifier(by)} DESC NULLS LAST) = 1"
    )


def latest_ties(con: duckdb.DuckDBPyConnection, relation: str, unit: str, coder: str, by: str) -> RepeatedAnswers | None:
    """The (unit, coder) pairs of several rows with no single latest one: their greatest `by`
    is shared by two rows, or one of their rows has no `by` at all (it could be the latest)."""
    require_columns(con, relation, unit, coder, by)
    column = identifier(by)
    keys = f"{identifier(unit)}, {identifier(coder)}"
    return _pairs_and_example(con, (
        f"SELECT CAST(unit AS VARCHAR) AS unit, CAST(coder AS VARCHAR) AS coder FROM ("
        f"SELECT {identifier(unit)} AS unit, {identifier(coder)} AS coder, {column} AS latest_by,"
        f" max({column}) OVER (PARTITION BY {keys}) AS latest FROM {identifier(relation)}"
        f" WHERE {identifier(unit)} IS NOT NULL AND {identifier(coder)} IS NOT NULL)"
        f" GROUP BY unit, coder HAVING count(*) > 1"
        f" AND (count(latest_by) < count(*) OR count(*) FILTER (WHERE latest_by = latest) > 1)"
    ))


def check_latest_by(con: duckdb.DuckDBPyConnection, relation: str, unit: str, coder: str, by: str) -> None:
    """Refuse to pick a latest row where the data does not say which one it is."""
    ties = latest_ties(con, relation, unit, coder, by)
    if ties:
        raise MetricError(
            f"{ties.pairs} (unit, coder) pair(s) have no single latest row by `{by}`"
            f" (two rows share the greatest `{by}`, or a row has none),"
            f" e.g. unit {ties.unit!r} and coder {ties.coder!r}"
        )
