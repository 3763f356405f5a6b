"""PostgreSQL (psycopg 3): the same statements, written in PostgreSQL's dialect by sqlglot.

Files are read and cast by specc's own reader (`specc.load`, in a private DuckDB), so every
value has exactly the type and the flags it has on DuckDB, then streamed into a temporary
table of the server with `COPY … FROM STDIN`; an existing table (`--data T=table:schema.name`)
is read where it is. Every statement that only reads runs in a read-only transaction; the only
writes are specc's own temporary tables (and, asked for, quarantine tables). The role of the
connection should be able to read the bound tables and nothing else (docs/engines.md: grants).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import psycopg
from psycopg.types.composite import CompositeInfo, register_composite
from sqlglot import exp

from ..diagnostics import UsageError
from ..sqlsafe import identifier
from .base import Result, ServerEngineParts, StatementError, Written, number_parameters, parsed, plain_value

# DuckDB's names for PostgreSQL's types, so `DESCRIBE` reads as it does on DuckDB.
_AS_DUCKDB = {"text": "VARCHAR", "varchar": "VARCHAR", "bpchar": "VARCHAR", "int8": "BIGINT", "int4": "INTEGER",
              "int2": "SMALLINT", "float8": "DOUBLE", "float4": "FLOAT", "bool": "BOOLEAN", "numeric": "DECIMAL",
              "timestamp": "TIMESTAMP", "timestamptz": "TIMESTAMP WITH TIME ZONE", "date": "DATE", "json": "JSON",
              "jsonb": "JSON"}
_AS_POSTGRES = {"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "DOUBLE": "double precision",
                "BOOLEAN": "boolean", "TIMESTAMP": "timestamp", "HUGEINT": "numeric", "DATE": "date"}


class PostgresEngine(ServerEngineParts):
    title = "PostgreSQL"
    name = "postgres"
    dialect = "postgres"

    def __init__(self, url: str):
        try:
            self.connection = psycopg.connect(url, autocommit=True, cursor_factory=psycopg.RawCursor)
        except psycopg.Error as exc:
            raise UsageError(f"cannot connect to PostgreSQL: {str(exc).strip().splitlines()[0]}") from None
        self.connection.execute("SET TimeZone = 'UTC'")  # timestamps are UTC instants (specc.casts)
        self._written: dict[str, Written] = {}
        self._local = None  # the DuckDB that reads and casts delivered files
        self._composites = 0  # composite types made for records, numbered

    # ---- statements ----------------------------------------------------------------------

    def write(self, sql: str) -> Written:
        """`sql` in PostgreSQL, with `?` and `$name` as numbered `$n` (psycopg's raw cursor)."""
        if sql not in self._written:
            tree = parsed(sql, "postgres")
            order = number_parameters(tree, lambda n: exp.Var(this=f"${n}"))
            self._written[sql] = Written(tree.sql(dialect="postgres"), order)
        return self._written[sql]

    def execute(self, sql: str, parameters=()):
        if sql.lstrip().upper().startswith("DESCRIBE "):
            return self._describe(sql.lstrip()[len("DESCRIBE "):])
        written = self.write(sql)
        values = [parameters[key] for key in written.order] if written.order else None
        is_write = written.sql.lstrip().upper().startswith(("CREATE", "DROP"))
        try:
            with self.connection.transaction(), self.connection.cursor() as cursor:
                if not is_write:
                    cursor.execute("SET TRANSACTION READ ONLY")
                cursor.execute(written.sql, values)
                if cursor.description is None:
                    return Result((), [])
                description = [(column.name,) for column in cursor.description]
                return Result(description, [tuple(plain_value(v) for v in row) for row in cursor.fetchall()])
        except psycopg.Error as exc:
            if os.environ.get("SPECC_DEBUG_SQL"):
                print(f"-- failed on PostgreSQL: {_message(exc)}\n{written.sql}", file=sys.stderr)
            raise StatementError(_message(exc)) from None

    def _describe(self, select_sql: str) -> Result:
        written = self.write(f"SELECT * FROM ({select_sql}) AS \"__described\" LIMIT 0")
        try:
            with self.connection.transaction(), self.connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
                cursor.execute(written.sql)
                columns = list(cursor.description)
        except psycopg.errors.UndefinedTable as exc:
            from ..metrics.errors import MetricError

            raise MetricError(_message(exc)) from None
        except psycopg.Error as exc:
            raise StatementError(_message(exc)) from None
        return Result([("column_name",), ("column_type",)], [(c.name, self._duckdb_type(c.type_code)) for c in columns])

    def _duckdb_type(self, oid: int) -> str:
        info = self.connection.adapters.types.get(oid)
        if info is None:
            return "VARCHAR"
        if getattr(info, "array_oid", None) is None and info.name.startswith("_"):
            return _AS_DUCKDB.get(info.name[1:], "VARCHAR") + "[]"
        element = next((t for t in self.connection.adapters.types if getattr(t, "array_oid", None) == oid), None)
        if element is not None:
            return _AS_DUCKDB.get(element.name, "VARCHAR") + "[]"
        return _AS_DUCKDB.get(info.name, "VARCHAR")

    def create_table(self, name: str, select_sql: str, parameters=()) -> None:
        self.execute(f"DROP TABLE IF EXISTS {identifier(name)}")
        self.execute(f"CREATE TEMP TABLE {identifier(name)} AS {select_sql}", parameters)

    # ---- binding ---------------------------------------------------------------------------

    def load(self, spec, binding, overrides=None):
        if binding.format == "table":
            return self._bind_table(spec, binding)
        from ..load import load_table
        from .duckdb_engine import DuckDBEngine

        if self._local is None:
            self._local = DuckDBEngine()
        bound = load_table(self._local.con, spec, binding, overrides)
        self._copy_in(binding.table)
        return bound

    def _copy_in(self, table: str) -> None:
        """The loaded table, as DuckDB cast it, into a temporary table of the same name. A column
        holding records travels as JSON and becomes an array of composite types (docs/engines.md)."""
        local = self._local.con
        relation = local.sql(f"SELECT * FROM {identifier(table)}")
        columns, values, records = [], [], {}
        for name, kind in zip(relation.columns, relation.types):
            column = identifier(name)
            if _holds_records(kind):
                records[name] = self._postgres_type(kind, name)
                columns.append(f"{column} jsonb")
                values.append(f"to_json({column})")
            else:
                columns.append(f"{column} {self._postgres_type(kind, name)}")
                values.append(_array_text(column) if kind.id == "list" else column)
        staged = identifier(f"__specc_staged_{table}") if records else identifier(table)
        self.execute(f"DROP TABLE IF EXISTS {identifier(table)}")
        try:
            self.connection.execute(f"DROP TABLE IF EXISTS {staged}")
            self.connection.execute(f"CREATE TEMP TABLE {staged} ({', '.join(columns)})")
        except psycopg.Error as exc:
            raise StatementError(_message(exc)) from None
        handle, path = tempfile.mkstemp(suffix=".csv")
        os.close(handle)
        try:
            local.execute(f"COPY (SELECT {', '.join(values)} FROM {identifier(table)}) TO '{path}' "
                          "(FORMAT csv, HEADER false)")
            with self.connection.cursor() as cursor, cursor.copy(f"COPY {staged} FROM STDIN (FORMAT csv)") as copy:
                with open(path, "rb") as source:
                    for chunk in iter(lambda: source.read(1 << 20), b""):
                        copy.write(chunk)
            if records:
                self._from_json(table, staged, relation.columns, records)
            self.connection.execute(f"ANALYZE {identifier(table)}")
        except psycopg.Error as exc:
            raise StatementError(_message(exc)) from None
        finally:
            os.unlink(path)
            local.execute(f"DROP TABLE {identifier(table)}")

    def _from_json(self, table: str, staged: str, names: list[str], records: dict[str, str]) -> None:
        """The staged JSON columns as their composite types: `jsonb_populate_record` converts a
        JSON array of objects (nested ones too) into the declared array type, item by item,
        keeping each value's type and every NULL; a one-field wrapper type carries the column."""
        selected = []
        for name in names:
            column = identifier(name)
            if name not in records:
                selected.append(column)
                continue
            wrapper = self._composite({"v": records[name]})
            selected.append(f"(jsonb_populate_record(NULL::{wrapper}, jsonb_build_object('v', {column}))).v AS {column}")
        self.connection.execute(f"CREATE TEMP TABLE {identifier(table)} AS SELECT {', '.join(selected)} FROM {staged}")
        self.connection.execute(f"DROP TABLE {staged}")

    def _postgres_type(self, kind, name: str) -> str:
        """PostgreSQL's type for a DuckDB type; a record (STRUCT) is a composite type made for it."""
        if kind.id == "list":
            return self._postgres_type(kind.child, name) + "[]"
        if kind.id == "struct":
            return self._composite({field: self._postgres_type(of, name) for field, of in kind.children})
        if str(kind).startswith("DECIMAL"):
            return "numeric"
        if str(kind) not in _AS_POSTGRES:
            raise StatementError(f"column `{name}` is of type {kind}, which specc does not copy into PostgreSQL")
        return _AS_POSTGRES[str(kind)]

    def _composite(self, fields: dict[str, str]) -> str:
        """A composite type of the session (in `pg_temp`, so the role needs no CREATE anywhere),
        read back as a dict, as DuckDB returns a STRUCT."""
        self._composites += 1
        name = f"pg_temp.{identifier(f'__specc_record_{self._composites}')}"
        attributes = ", ".join(f"{identifier(field)} {kind}" for field, kind in fields.items())
        try:
            self.connection.execute(f"CREATE TYPE {name} AS ({attributes})")
            info = CompositeInfo.fetch(self.connection, name)
        except psycopg.Error as exc:
            raise StatementError(_message(exc)) from None
        register_composite(info, self.connection, make_object=lambda values, info: dict(zip(info.field_names, values)))
        return name

    # ---- results ---------------------------------------------------------------------------

    def write_table(self, select_sql: str, name: str) -> None:
        """A result table (`schema.name`), replaced if it exists: the role needs CREATE there."""
        target = ".".join(identifier(part) for part in name.split("."))
        self.execute(f"DROP TABLE IF EXISTS {target}")
        self.execute(f"CREATE TABLE {target} AS {select_sql}")

    def lock_down(self, writable: Path | None) -> None:
        """Nothing to switch off: reads already run read-only, and the role's grants decide
        what exists (docs/engines.md)."""

    def interrupt(self) -> None:
        self.connection.cancel_safe()

    def close(self) -> None:
        self.connection.close()
        if self._local is not None:
            self._local.close()


def _holds_records(kind) -> bool:
    if kind.id == "struct":
        return True
    return kind.id == "list" and _holds_records(kind.child)


def _array_text(column: str) -> str:
    """A DuckDB list as PostgreSQL's array literal: each item quoted, NULL items bare."""
    item = "CASE WHEN v IS NULL THEN 'NULL' ELSE '\"' || replace(replace(CAST(v AS VARCHAR), '\\', '\\\\'), " \
           "'\"', '\\\"') || '\"' END"
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE '{{' || array_to_string(list_transform({column}, " \
           f"lambda v: {item}), ',') || '}}' END"


def _message(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
