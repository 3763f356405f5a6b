"""Parquet read by Spark itself (`spark.read.parquet`), with DuckDB's exact casts.

On a cluster a file specc writes on the driver is not visible to the executors, so a delivery
on shared storage must be read by Spark. The local DuckDB reads only the files' footers: the
columns, their types and each file's row count, so that a schema that does not match the spec
is refused with the very message DuckDB gives. The load statement is then specc's own
(`specc.load.plan_load`, the same casts and `.type` flags) written in Spark SQL over a view of
the files, numbered in file order: a row's number is its file's offset plus its index in the
file (`_metadata.row_index`), so no window over the whole table is needed.

Only where Spark reads a value exactly as DuckDB does: the physical types in `_EXACT` for
each declared kind, a table in UTC (a `timezone` converts wall clocks, which is DuckDB's
function), no `latest by`. Anything else returns None and the caller uses specc's reader.
"""

from __future__ import annotations

from ..inputs import ROW_COLUMN, BoundTable, file_hash
from ..load import RAW_VIEW, describe_source, plan_load
from ..expr_types import column_type
from ..sqlsafe import identifier, literal
from ..table_settings import read_options

_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER")
# DuckDB's physical types whose value Spark reads identically, for each declared kind. A Parquet
# timestamp with a zone (Spark's `timestamp`) and a date are read as the UTC wall clock first.
_EXACT = {
    "string": ("VARCHAR",),
    "int": _INTEGERS,
    "float": ("FLOAT", "DOUBLE") + _INTEGERS,
    "bool": ("BOOLEAN",),
    "timestamp": ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "DATE"),
}
_LIST_ITEMS = ("VARCHAR", "BIGINT", "INTEGER", "DOUBLE", "BOOLEAN")
_AS_WALL_CLOCK = ("TIMESTAMP WITH TIME ZONE", "DATE")


def read_parquet(engine, local, spec, binding, overrides) -> BoundTable | None:
    """The bound Parquet files as the temporary view `binding.table` of `engine`, or None when
    a column's values would not read exactly as on DuckDB (then nothing is bound)."""
    table = spec.tables[binding.table]
    options = read_options(table).with_overrides(overrides or {})
    found = describe_source(local, spec, binding, options)
    local.execute(f"DROP VIEW {identifier(RAW_VIEW)}")
    plan_load(spec, binding, found, options, RAW_VIEW)  # a schema that does not match: DuckDB's message
    declared = {c.name.text: column_type(c.type, spec.taxonomies, spec.records) for c in table.columns}
    if table.latest is not None or not all(_exact(found.get(name), kind, options.timezone)
                                           for name, kind in declared.items()):
        return None
    wall_clock = {name for name, kind in declared.items() if found.get(name) in _AS_WALL_CLOCK}
    frame = _numbered_files(engine, local, binding, [n for n in found if n in declared], wall_clock)
    raw = f"__specc_files_{binding.table}"
    engine.bind_frame(raw, frame)
    typed = {name: "TIMESTAMP" if name in wall_clock else kind for name, kind in found.items()}
    if len(binding.files) > 1:
        typed["filename"] = "VARCHAR"
    plan = plan_load(spec, binding, typed, options, raw, numbered=True)
    engine.create_table(binding.table, plan.select)
    rows = engine.execute(f"SELECT count(*) FROM {identifier(binding.table)}").fetchall()[0][0]
    return BoundTable(binding, int(rows), file_hash(binding.files), plan.flagged, plan.has_file_names, plan.verified)


def _exact(physical: str | None, kind, timezone: str) -> bool:
    if physical is None:  # a declared column the files lack: NULL on both engines
        return True
    if kind.kind == "list":
        return physical.endswith("[]") and physical[:-2] in _LIST_ITEMS
    if kind.kind == "timestamp" and timezone != "UTC":
        return False
    return physical in _EXACT.get(kind.kind, ())


def _numbered_files(engine, local, binding, columns: list[str], wall_clock: set[str]):
    """One frame of every file's declared columns, in the order of `binding.files`, with
    `__specc_row` (and `filename` when there are several files, as DuckDB names them)."""
    from pyspark.sql import functions as F

    frames, offset = [], 0
    for path in binding.files:
        selected = [F.col(f"`{name}`").cast("timestamp_ntz").alias(name) if name in wall_clock else F.col(f"`{name}`")
                    for name in columns]
        number = (F.col("_metadata.row_index") + F.lit(offset + 1)).alias(ROW_COLUMN)
        named = [F.lit(path).alias("filename")] if len(binding.files) > 1 else []
        frames.append(engine.spark.read.parquet(path).select(number, *selected, *named))
        offset += local.execute(f"SELECT count(*) FROM read_parquet({literal(path)})").fetchall()[0][0]
    combined = frames[0]
    for frame in frames[1:]:
        combined = combined.unionByName(frame)
    return combined
