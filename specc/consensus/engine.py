"""Where consensus SQL runs: one small object that every statement goes through.

Today it wraps a DuckDB connection. The statements are plain SQL (joins, GROUP BY, window
functions, CASE, `ln`, `exp`, `greatest`, `?` parameters) so that an engine object for Spark
or PostgreSQL can take this one's place and transpile each statement with sqlglot. Scratch
tables get one fixed prefix, so they never shadow a table of the spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from ..sqlsafe import identifier

PREFIX = "__specc_consensus_"


@dataclass
class Engine:
    con: duckdb.DuckDBPyConnection
    statements: list[str] = field(default_factory=list)  # every statement run, in order
    scratch: list[str] = field(default_factory=list)  # tables to drop when done

    def execute(self, sql: str, parameters=()) -> None:
        self.statements.append(sql)
        self.con.execute(sql, list(parameters))

    def fetch(self, sql: str, parameters=()) -> list[tuple]:
        self.statements.append(sql)
        return self.con.execute(sql, list(parameters)).fetchall()

    def table(self, stem: str) -> str:
        """The quoted name of the scratch table `stem`."""
        return identifier(PREFIX + stem)

    def create(self, stem: str, select_sql: str, parameters=()) -> str:
        """(Re)create scratch table `stem` from a query; returns its quoted name."""
        name = self.table(stem)
        self.execute(f"DROP TABLE IF EXISTS {name}")
        self.execute(f"CREATE TEMP TABLE {name} AS {select_sql}", parameters)
        if name not in self.scratch:
            self.scratch.append(name)
        return name

    def drop_scratch(self) -> None:
        for name in reversed(self.scratch):
            self.execute(f"DROP TABLE IF EXISTS {name}")
        self.scratch.clear()
