"""How a metric sees its input: a relation's chosen columns as `(unit, coder, value)` rows.

Every metric query starts from the same normalised subquery, so missing-data handling is
decided once: a row whose unit, coder or value is NULL (or NaN) is missing and left out.
Names reach SQL only through `sqlsafe.identifier`; values, such as an explicit category
order, are bound as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from ..diagnostics import did_you_mean
from ..sqlsafe import identifier
from .errors import MetricError

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


def natural_order_key(value_type: str) -> str:
    """Numbers sort numerically; text that reads as numbers too, then the rest as text."""
    if is_numeric(value_type) or value_type.upper() in ("DATE", "TIMESTAMP", "TIME", "BOOLEAN"):
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
        raise MetricError(
            f"{missing[0]} value(s) are not in the category order, e.g. {missing[1]!r}"
        )
    return Ratings(source.sql, source.value_type, parameters)


def execute(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict):
    """Run `sql` with just the named parameters it uses (DuckDB rejects unused ones)."""
    used = {name: value for name, value in parameters.items() if f"${name}" in sql}
    return con.execute(sql, used)


def one_row(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict | None = None) -> tuple:
    """The single row of an aggregate query, fetched to the end so the connection is free again."""
    return execute(con, sql, parameters or {}).fetchall()[0]


def check_one_value_per_coder(con: duckdb.DuckDBPyConnection, relation: str, unit: str, coder: str) -> None:
    """Pairwise metrics assume one value per (unit, coder); a spec checks this with a rule."""
    require_columns(con, relation, unit, coder)
    count, example_unit, example_coder = one_row(
        con,
        f"SELECT count(*), min(CAST(unit AS VARCHAR)),"
        f" arg_min(CAST(coder AS VARCHAR), CAST(unit AS VARCHAR)) FROM ("
        f"SELECT {identifier(unit)} AS unit, {identifier(coder)} AS coder FROM {identifier(relation)}"
        f" WHERE {identifier(unit)} IS NOT NULL AND {identifier(coder)} IS NOT NULL"
        f" GROUP BY ALL HAVING count(*) > 1)",
    )
    if count:
        raise MetricError(
            f"{count} (unit, coder) pair(s) have more than one row, e.g. unit {example_unit!r}"
            f" and coder {example_coder!r};"
            " agreement needs one value per coder and unit"
        )
