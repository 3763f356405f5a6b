"""Engines: where the SQL of a run executes (DuckDB by default; PostgreSQL and Spark too).

Every statement specc writes is DuckDB SQL; an engine runs it in its own dialect (see
`specc.engines.base.Engine`). The registry is lazy so that `pyspark` and `psycopg` are
imported only when their engine is asked for.
"""

from __future__ import annotations

import importlib

ENGINES = {
    "duckdb": "specc.engines.duckdb_engine:DuckDBEngine",
    "postgres": "specc.engines.postgres_engine:PostgresEngine",
    "spark": "specc.engines.spark_engine:SparkEngine",
}

# Engines that write quarantine *files* for inputs that came from files; the others write
# quarantine tables beside bound tables only (docs/engines.md).
QUARANTINES_FILES = ("duckdb", "spark")


def engine_class(name: str):
    module_name, _, attribute = ENGINES[name].partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def open_engine(name: str, connect: str | None = None, threads: int | None = None, memory_limit: str | None = None,
                scratch=None):
    """A started engine: DuckDB in memory (spilling into `scratch`), or the server or cluster
    `connect` names."""
    from ..diagnostics import UsageError

    if name == "duckdb":
        if connect is not None:
            raise UsageError("`--connect` is for `--engine postgres` or `--engine spark`; DuckDB runs in process")
        return engine_class(name)(threads, memory_limit, scratch)
    if name not in ENGINES:
        raise UsageError(f"`--engine {name}` is not available yet; engines: {', '.join(ENGINES)}")
    if name == "postgres" and connect is None:  # the arguments first, then what is installed
        raise UsageError("`--engine postgres` needs `--connect postgresql://USER@HOST:PORT/DATABASE`")
    extra = {"postgres": "psycopg", "spark": "pyspark"}[name]
    try:
        engine = engine_class(name)
    except ImportError:
        raise UsageError(f"`--engine {name}` needs {extra}: pip install 'specc[engines]'") from None
    return engine(connect)
