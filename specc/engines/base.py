"""The engine interface: what the runner, the metrics and quarantine need from a SQL engine.

The contract is deliberately the small part of a DuckDB connection that specc uses, so the
metrics (`specc.metrics`, which take a `con`) run unchanged on any engine:

- `execute(sql, parameters=())` runs one statement written in DuckDB's dialect and returns a
  cursor with `fetchall()`, `fetchone()` and `description` (a sequence whose items start with
  the column name). Parameters are positional `?` or named `$name` (a dict), as in DuckDB.
- `create_table(name, select_sql, parameters=())` materialises a small or large intermediate
  result once (failing keys of a group check, per-row verdicts), so every consumer reads it.
- `load(spec, binding, options) -> BoundTable` binds a delivery's files (or an existing table
  of the engine) to a spec table, with exact casts (`specc.casts`).
- `copy_to_parquet(select_sql, path)` writes a result file atomically (quarantine, labels);
  `write_table(select_sql, name)` writes a result table of the engine.
- `lock_down(writable)` takes away everything but reading the bound tables (and writing the
  given folder), for raw SQL rules.
- `interrupt()` stops the running statement (time limits, SIGINT); `close()` frees everything.

`name` is the engine's name (`duckdb`, `spark`, `postgres`) and `dialect` its sqlglot dialect.
No engine ever returns data rows beyond counts, samples and the metrics' small count tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

from ..diagnostics import UsageError


class Cursor(Protocol):
    description: Sequence[tuple]

    def fetchall(self) -> list[tuple]: ...

    def fetchone(self) -> tuple | None: ...


class Engine(Protocol):
    name: str
    dialect: str

    def execute(self, sql: str, parameters: Sequence | dict = ()) -> Cursor: ...

    def create_table(self, name: str, select_sql: str, parameters: Sequence | dict = ()) -> None: ...

    def load(self, spec: Any, binding: Any, overrides: dict | None = None) -> Any: ...

    def copy_to_parquet(self, select_sql: str, path: Path) -> None: ...

    def write_table(self, select_sql: str, name: str) -> None: ...

    def lock_down(self, writable: Path | None) -> None: ...

    def interrupt(self) -> None: ...

    def close(self) -> None: ...


class Result:
    """A fetched result of an engine other than DuckDB (the `Cursor` above)."""

    def __init__(self, description, rows):
        self.description = description
        self._rows = rows

    def fetchall(self):
        return self._rows

    def fetchone(self):
        return self._rows[0] if self._rows else None


def plain_value(value):
    """A value as DuckDB returns it: a whole decimal as an int, a record as a dict."""
    import decimal

    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):  # a record, read back from a PostgreSQL composite type
        return {k: plain_value(v) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "asDict"):  # a Spark Row
        return {k: plain_value(v) for k, v in value.asDict().items()}
    return value


@dataclass(frozen=True)
class Written:
    """One DuckDB statement as an engine other than DuckDB runs it."""

    sql: str
    order: tuple[str | int, ...]  # which parameter each numbered placeholder takes: a position, or a name
    tables: tuple[str, ...] = ()  # the tables it names, CTEs aside (Spark refuses any but the bound ones)


def parsed(sql: str, dialect: str):
    """The DuckDB statement as a sqlglot tree, in forms `dialect` has (specc.dialects.portable)."""
    import sqlglot

    from .. import dialects

    try:
        return dialects.portable(sqlglot.parse_one(sql, read="duckdb"), dialect)
    except sqlglot.errors.ParseError as exc:
        raise StatementError(f"cannot read this statement: {str(exc).splitlines()[0]}") from None


def number_parameters(tree, placeholder: Callable[[int], Any]) -> tuple[str | int, ...]:
    """Replace each `?` and `$name` of `tree` by `placeholder(n)`, numbered from 1 in order of
    first use (a name used twice keeps one number); returns which parameter each number takes."""
    from sqlglot import exp

    order: list[str | int] = []
    positional = 0
    for node in list(tree.find_all(exp.Placeholder, bfs=False)):
        named = node.name not in ("", "?")
        key = node.name if named else positional
        positional += 0 if named else 1
        if key not in order:
            order.append(key)
        node.replace(placeholder(order.index(key) + 1))
    return tuple(order)


class StatementError(UsageError):
    """A statement an engine other than DuckDB refused (a `UsageError`, so the runner treats it
    as it treats DuckDB's errors: the check fails alone and names its rule)."""


class ServerEngineParts:
    """What a server or cluster engine shares: binding an existing table, and refusing to
    write quarantine files (DuckDB writes files; a server writes tables beside bound ones)."""

    title = "this engine"  # how a message names the engine

    def _bind_table(self, spec, binding):
        select_sql, bound = bound_table_sql(self, spec, binding)
        self.create_table(binding.table, select_sql)
        return bound

    def copy_to_parquet(self, select_sql: str, path: Path) -> None:
        """Refused before the run starts (specc.runner): files are quarantined on DuckDB or Spark."""
        raise UsageError(f"quarantine files are written by the DuckDB and Spark engines; on {self.title}, bind tables "
                         "(`--data T=table:schema.name`) and the quarantine is written back as tables")


def bound_table_sql(engine, spec, binding) -> tuple[str, Any]:
    """An existing table of the engine (`--data T=table:schema.name`) as specc reads a table:
    its declared columns, numbered in the order of the primary key (else of every declared
    column), since a table has no file order. Returns the SELECT and the BoundTable."""
    from ..inputs import ROW_COLUMN, BoundTable
    from ..sqlsafe import identifier

    table = spec.tables[binding.table]
    if table.latest is not None:
        raise UsageError(f"table `{binding.table}` has `latest by`, which specc resolves only for files so far",
                         where=binding.path)
    source = ".".join(identifier(part) for part in binding.path.split("."))
    declared = [identifier(c.name.text) for c in table.columns]
    order = [identifier(k.text) for k in table.primary_key] or declared
    try:
        rows = engine.execute(f"SELECT count(*) FROM {source}").fetchall()[0][0]
    except UsageError as exc:
        raise UsageError(f"cannot read table `{binding.path}`: {exc}", where=binding.path) from None
    numbered = ", ".join(f"{column} NULLS FIRST" for column in order)
    select = f"SELECT row_number() OVER (ORDER BY {numbered}) AS {identifier(ROW_COLUMN)}, {', '.join(declared)} FROM {source}"
    return select, BoundTable(binding, int(rows), f"table:{binding.path}", ())
