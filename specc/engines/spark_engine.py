"""Spark (PySpark): the same statements, written in Spark SQL by sqlglot.

Parquet is read by Spark itself with specc's exact casts where Spark reads every declared
column as DuckDB does (`specc.engines.spark_files`); other files are read and cast by specc's
own reader (`specc.load`, in a private DuckDB), so every value has exactly the type, flags
and row number it has on DuckDB, and handed to Spark as one Parquet file, bound as a
temporary view. Intermediate results are temporary
views over locally checkpointed frames, so each is computed once. After `lock_down`, every
statement may name only these views (and its own CTEs): a raw SQL rule cannot reach a
catalog table, a file (`parquet.`/path``) or the JVM (`reflect`, `java_method`).

`connect` is a master (`local[2]`, `spark://host:7077`, `yarn`) or a Spark Connect URL
(`sc://host:15002`); without it, Spark runs in process with two threads — or, under
`spark-submit`, on the master `--master` gave (docs/engines.md, "On a cluster").
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import sqlglot
from pyspark.sql import SparkSession
from sqlglot import exp

from ..diagnostics import UsageError
from ..sqlsafe import identifier, literal
from .base import Result, ServerEngineParts, StatementError, Written, number_parameters, parsed, plain_value

# Spark's simple type names as DuckDB's, so `DESCRIBE` reads as it does on DuckDB.
_AS_DUCKDB = {"string": "VARCHAR", "bigint": "BIGINT", "int": "INTEGER", "smallint": "SMALLINT",
              "double": "DOUBLE", "float": "FLOAT", "boolean": "BOOLEAN", "timestamp": "TIMESTAMP",
              "timestamp_ntz": "TIMESTAMP", "date": "DATE", "void": "VARCHAR"}
# Functions that reach outside the bound views: the JVM, or files by name.
_REFUSED_FUNCTIONS = {"reflect", "java_method", "try_reflect", "read_files"}


def _duckdb_type(spark_type: str) -> str:
    if spark_type.startswith("array<") and spark_type.endswith(">"):
        return _duckdb_type(spark_type[len("array<"):-1]) + "[]"
    if spark_type.startswith("decimal"):
        return "DECIMAL"
    return _AS_DUCKDB.get(spark_type, spark_type.upper())


class SparkEngine(ServerEngineParts):
    title = "Spark"
    name = "spark"
    dialect = "spark"

    def __init__(self, connect: str | None = None, session=None):
        if session is None:
            builder = SparkSession.builder.appName("specc")
            if connect and connect.startswith("sc://"):
                builder = builder.remote(connect)
            elif connect or not submitted():
                builder = builder.master(connect or "local[2]")
            for key, value in {**session_settings(), "spark.ui.showConsoleProgress": "false"}.items():
                builder = builder.config(key, value)
            try:
                session = builder.getOrCreate()
            except Exception as exc:  # the JVM's errors are not Python's: name the first line
                raise UsageError(f"cannot start Spark at `{connect or 'local[2]'}`: {_message(exc)}") from None
        self.spark = session
        if hasattr(session, "sparkContext"):
            session.sparkContext.setLogLevel("ERROR")
        for key, value in session_settings().items():
            self.spark.conf.set(key, value)
        self._folder = Path(tempfile.mkdtemp(prefix="specc-spark-"))
        self._views: set[str] = set()
        self._locked = False
        self._written: dict[str, Written] = {}
        self._local = None  # the DuckDB that reads and casts delivered files

    # ---- statements ----------------------------------------------------------------------

    def write(self, sql: str) -> Written:
        if sql not in self._written:
            tree = parsed(sql, "spark")  # with specc.spark_sql's rewrites
            order = number_parameters(tree, lambda n: exp.Placeholder(this=f"p{n}"))  # `:pN`
            ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
            tables = tuple(sorted({".".join(p.name for p in t.parts).lower() for t in tree.find_all(exp.Table)
                                   if t.name and t.name.lower() not in ctes or t.args.get("db")}))
            refused = {f.name.lower() for f in tree.find_all(exp.Anonymous)} & _REFUSED_FUNCTIONS
            if refused:
                tables = tables + tuple(f"function {name}" for name in sorted(refused))
            self._written[sql] = Written(tree.sql(dialect="spark"), order, tables)
        return self._written[sql]

    def _frame(self, sql: str, parameters=()):
        written = self.write(sql)
        if self._locked:
            outside = [t for t in written.tables if t not in self._views]
            if outside:
                raise StatementError(f"on Spark a statement reads only the bound tables; this one names "
                                     f"{', '.join(f'`{t}`' for t in outside)}")
        args = {f"p{i + 1}": parameters[key] for i, key in enumerate(written.order)} if written.order else None
        try:
            return self.spark.sql(written.sql, args=args)
        except Exception as exc:
            raise StatementError(_message(exc)) from None

    def execute(self, sql: str, parameters=()):
        created = _created(sql)
        if created is not None:  # specc's own intermediate tables and views: temporary views here
            self.create_table(*created, parameters)
            return Result((), [])
        if sql.lstrip().upper().startswith("DESCRIBE "):
            frame = self._frame(f"SELECT * FROM ({sql.lstrip()[len('DESCRIBE '):]}) AS __described", parameters)
            return Result([("column_name",), ("column_type",)],
                          [(f.name, _duckdb_type(f.dataType.simpleString())) for f in frame.schema.fields])
        frame = self._frame(sql, parameters)
        try:
            rows = frame.collect()
        except Exception as exc:
            raise StatementError(_message(exc)) from None
        return Result([(name,) for name in frame.columns], [tuple(plain_value(v) for v in row) for row in rows])

    def create_table(self, name: str, select_sql: str, parameters=()) -> None:
        frame = self._frame(select_sql, parameters)
        try:
            frame.localCheckpoint(eager=True).createOrReplaceTempView(name)
        except Exception as exc:
            raise StatementError(_message(exc)) from None
        self._views.add(name.lower())

    # ---- binding ---------------------------------------------------------------------------

    def load(self, spec, binding, overrides=None):
        if binding.format == "table":
            return self._bind_table(spec, binding)
        from ..load import load_table
        from .duckdb_engine import DuckDBEngine

        if self._local is None:
            self._local = DuckDBEngine()
        if binding.format == "parquet" and binding.reader is None:
            from .spark_files import read_parquet

            bound = read_parquet(self, self._local.con, spec, binding, overrides)
            if bound is not None:
                return bound
        bound = load_table(self._local.con, spec, binding, overrides)
        path = self._folder / f"{len(self._views)}.parquet"
        self._local.con.execute(f"COPY {identifier(binding.table)} TO {literal(str(path))} (FORMAT parquet)")
        self._local.con.execute(f"DROP TABLE {identifier(binding.table)}")
        self.bind_frame(binding.table, self.spark.read.parquet(str(path)))
        return bound

    def bind_frame(self, name: str, frame) -> None:
        """`frame` as the temporary view `name`, one a statement may read after `lock_down`."""
        frame.createOrReplaceTempView(name)
        self._views.add(name.lower())

    # ---- results ---------------------------------------------------------------------------

    def copy_to_parquet(self, select_sql: str, path: Path) -> None:
        """One Parquet file at `path`, rows in the statement's order: Spark writes a folder of
        part files, so one partition is written beside `path` and its one part file renamed
        into place (never a half-written file). `path` must be a folder every executor and this
        process share (on one machine, any folder)."""
        frame = self._frame(select_sql)
        staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        try:
            frame.coalesce(1).write.mode("overwrite").parquet(str(staging / "out"))
            parts = sorted((staging / "out").glob("part-*.parquet"))
            if len(parts) != 1:
                raise StatementError(f"Spark wrote {len(parts)} part files for {path.name}, not one")
            os.replace(parts[0], path)
        except StatementError:
            raise
        except Exception as exc:
            raise StatementError(_message(exc)) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def write_table(self, select_sql: str, name: str) -> None:
        frame = self._frame(select_sql)
        try:
            frame.write.mode("overwrite").saveAsTable(name)
        except Exception as exc:
            raise StatementError(_message(exc)) from None

    def lock_down(self, writable: Path | None) -> None:
        """From here on a statement names only the bound views and specc's own."""
        self.spark.conf.set("spark.sql.runSQLOnFiles", "false")
        self._locked = True

    def interrupt(self) -> None:
        self.spark.sparkContext.cancelAllJobs() if hasattr(self.spark, "sparkContext") else self.spark.interruptAll()

    def close(self) -> None:
        for view in self._views:
            self.spark.catalog.dropTempView(view)
        self.spark.conf.set("spark.sql.runSQLOnFiles", "true")
        shutil.rmtree(self._folder, ignore_errors=True)
        if self._local is not None:
            self._local.close()


def _created(sql: str) -> tuple[str, str] | None:
    """(name, SELECT) of a `CREATE TEMP TABLE|VIEW name AS SELECT …`, else None."""
    if not sql.lstrip().upper().startswith("CREATE "):
        return None
    tree = sqlglot.parse_one(sql, read="duckdb")
    if not isinstance(tree, exp.Create) or not isinstance(tree.expression, exp.Query):
        return None
    return tree.this.name, tree.expression.sql(dialect="duckdb")


def submitted() -> bool:
    """Started by `spark-submit` (which starts the JVM first and hands Python its gateway):
    then the master is the one `--master` gave, not local mode."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def session_settings() -> dict[str, str]:
    """What a session needs so Spark computes what DuckDB does: UTC wall clock, NULL (not an
    error) for a division by zero or a failed cast, the size of a NULL list NULL (not -1, the
    legacy answer that comes with ANSI off), no cap on a recursive CTE's steps and rows (span
    matching takes one step per candidate pair of a unit, keeping every step), few shuffle
    partitions on one machine."""
    return {"spark.sql.session.timeZone": "UTC", "spark.sql.ansi.enabled": "false",
            "spark.sql.legacy.sizeOfNull": "false",
            "spark.sql.cteRecursionLevelLimit": "-1", "spark.sql.cteRecursionRowLimit": "-1",
            "spark.sql.shuffle.partitions": os.environ.get("SPECC_SPARK_PARTITIONS", "2"),
            # a timestamp written as DuckDB writes it (INT96 is Spark's legacy default)
            "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS"}


def _message(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
