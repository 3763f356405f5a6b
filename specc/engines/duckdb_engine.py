"""DuckDB, in process: the default engine, and the reference every other engine must match."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from ..diagnostics import UsageError
from ..sqlsafe import identifier, literal


class DuckDBEngine:
    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None, temp_directory: str | None = None):
        config = {}
        if threads:
            config["threads"] = int(threads)
        if memory_limit:
            config["memory_limit"] = str(memory_limit)
        if temp_directory:
            config["temp_directory"] = str(temp_directory)
        try:
            self.con = duckdb.connect(":memory:", config=config)
        except duckdb.Error as exc:
            raise UsageError(f"cannot start DuckDB with these settings: {exc}") from None
        self.con.execute("SET TimeZone = 'UTC'")  # timestamps are UTC instants (specc.casts)

    def execute(self, sql: str, parameters=()):
        return self.con.execute(sql, parameters or [])

    def create_table(self, name: str, select_sql: str, parameters=()) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {identifier(name)} AS {select_sql}", parameters or [])

    def load(self, spec, binding, overrides=None):
        from ..load import load_table

        if binding.format == "table":
            raise UsageError("DuckDB runs in memory and holds no tables of its own: bind files, or read the table "
                             "where it is with `--engine postgres` or `--engine spark`", where=f"table:{binding.path}")
        return load_table(self.con, spec, binding, overrides)

    def copy_to_parquet(self, select_sql: str, path: Path) -> None:
        """Write to a temporary file beside `path`, then rename: never a half-written file."""
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
        try:
            self.con.execute(f"COPY ({select_sql}) TO {literal(str(Path(temporary).resolve()))} (FORMAT parquet)")
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)

    def write_table(self, select_sql: str, name: str) -> None:
        raise UsageError("DuckDB runs in memory: write results to files (`--quarantine DIR`)")

    def lock_down(self, writable: Path | None) -> None:
        """No file access from here on (but the writable folder), and no more configuration."""
        if writable is not None:
            self.con.execute(f"SET allowed_directories = [{literal(str(writable.resolve()) + os.sep)}]")
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")

    def interrupt(self) -> None:
        self.con.interrupt()

    def close(self) -> None:
        self.con.close()
