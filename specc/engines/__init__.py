"""Engines: where the SQL of a run executes (DuckDB by default; Spark and PostgreSQL too).

Every statement specc writes is DuckDB SQL; an engine runs it in its own dialect (see
`specc.engines.base.Engine`). The registry is lazy so that `pyspark` and `psycopg` are
imported only when their engine is asked for.
"""

from __future__ import annotations

import importlib

ENGINES = {
    "duckdb": "specc.engines.duckdb_engine:DuckDBEngine",
}


def engine_class(name: str):
    module_name, _, attribute = ENGINES[name].partition(":")
    return getattr(importlib.import_module(module_name), attribute)
