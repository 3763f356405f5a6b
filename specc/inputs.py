"""Binding a delivery's files to the spec's tables inside DuckDB.

Each declared table is loaded once into a DuckDB temporary table of the same name, with
its declared types, its source row number (`__specc_row`) and, for text formats whose
values arrive as text, a flag per column marking values that could not be read as the
declared type. DuckDB reads the files itself; Python only decides paths and SQL. After
binding, the runner switches file access off, so nothing in a spec reads anything else.
"""

from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from . import ast
from .diagnostics import UsageError
from .expr_types import column_type
from .report.escape import terminal
from .resolve import CheckedSpec
from .sqlsafe import identifier, literal

ROW_COLUMN = "__specc_row"
FILE_COLUMN = "__specc_file"
TYPE_FLAG_PREFIX = "__specc_type__"

EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
TEXT_FORMATS = ("csv", "tsv")

DUCKDB_SCALARS = {"string": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "timestamp": "TIMESTAMP"}

# Which physical types DuckDB may find for each declared type in a typed format (Parquet).
_COMPATIBLE = {
    "string": ("VARCHAR",),
    "int": ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"),
    "float": ("FLOAT", "DOUBLE", "DECIMAL", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"),
    "bool": ("BOOLEAN",),
    "timestamp": ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "DATE"),
}


@dataclass(frozen=True)
class Binding:
    """One table bound to one or more files."""

    table: str
    path: str  # as the user gave it
    files: tuple[str, ...]
    format: str
    reader: str | None = None  # a tool-export reader (labelstudio, doccano, …); None for plain files
    problem: UsageError | None = None  # a spec `source` that could not be bound; raised if it is used


@dataclass(frozen=True)
class BoundTable:
    binding: Binding
    rows: int
    sha256: str
    type_checked: tuple[str, ...]  # columns whose values were cast from text and flagged
    has_file_column: bool = False  # several files: each row's file is in FILE_COLUMN


# ---- choosing files -----------------------------------------------------------------------


def parse_data_arguments(values: tuple[str, ...], spec: CheckedSpec) -> dict[str, Binding]:
    """`--data DIR` and `--data TABLE=PATH` (optionally `TABLE=reader:PATH`) into bindings."""
    bindings: dict[str, Binding] = {}
    for value in values:
        table, sep, target = value.partition("=")
        if sep and table in spec.tables:
            bindings[table] = bind_path(table, target)
        elif sep and not os.path.exists(value):
            raise UsageError(f"`--data {value}`: the spec has no table `{table}`; tables: {', '.join(spec.tables)}")
        else:
            bindings.update(bind_directory(Path(value), spec, explicit=bindings))
    return bindings


def default_bindings(spec: CheckedSpec) -> dict[str, Binding]:
    """Sources named in the spec (`source "…"`) or in a `specc.yaml` beside it."""
    base = Path(spec.path).parent
    found: dict[str, Binding] = {}
    config = base / "specc.yaml"
    if config.is_file():
        try:
            sources = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("sources", {})
        except yaml.YAMLError as exc:
            raise UsageError(f"invalid YAML: {exc}", where=str(config)) from None
        if not isinstance(sources, dict):
            raise UsageError("`sources` must map table names to paths", where=str(config))
        for table, path in sources.items():
            if table not in spec.tables:
                raise UsageError(f"`sources` names an unknown table `{table}`", where=str(config))
            found[table] = bind_path(table, str(path), base)
    for name, table in spec.tables.items():
        if table.source and name not in found:
            found[name] = _bind_source(name, table.source, base)
    return found


def _bind_source(table: str, source: str, base: Path) -> Binding:
    """A spec's `source`; a missing file is reported only if `--data` does not bind the table."""
    try:
        return bind_path(table, source, base)
    except UsageError as exc:
        return Binding(table, source, (), "missing", problem=exc)


def bind_directory(directory: Path, spec: CheckedSpec, explicit: dict) -> dict[str, Binding]:
    if not directory.is_dir():
        raise UsageError("no such data directory (or `TABLE=PATH` with a known table)", where=str(directory))
    found = {}
    for table in spec.tables:
        if table in explicit:
            continue
        candidates = [directory / f"{table}{ext}" for ext in EXTENSIONS] + [directory / table]
        existing = [c for c in candidates if c.exists()]
        if len(existing) > 1:
            raise UsageError(f"table `{table}` matches several inputs: {', '.join(p.name for p in existing)}",
                             where=str(directory))
        if spec.tables[table].source and (target := _source_under(directory, spec.tables[table].source)):
            # `source "labelstudio:export.json"`: the delivery folder holds the file the
            # spec names, so one export can feed several tables and keep its reader
            # (even when the file is also named after the table).
            found[table] = bind_path(table, target)
        elif existing:
            found[table] = bind_path(table, str(existing[0]))
    return found


def _source_under(directory: Path, source: str) -> str | None:
    """The spec's relative `source` taken inside `directory` (`READER:` and `#…` kept), if it exists there."""
    reader, sep, rest = source.partition(":")
    if not (sep and reader.isidentifier() and len(reader) > 1):
        reader, rest = "", source
    path, hash_sign, selector = rest.partition("#") if reader else (rest, "", "")
    if Path(path).is_absolute() or not (directory / path).exists():
        return None
    return (f"{reader}:" if reader else "") + str(directory / path) + hash_sign + selector


def bind_path(table: str, target: str, base: Path | None = None) -> Binding:
    """Bind one table to `PATH` or `READER:PATH` (relative paths from `base` when given)."""
    reader, sep, path = target.partition(":")
    if sep and reader.isidentifier() and len(reader) > 1:
        from .readers import READERS  # tool exports: labelstudio:, doccano:, conll:, …

        if reader not in READERS:
            raise UsageError(f"unknown reader `{reader}`; readers: {', '.join(sorted(READERS))}", where=target)
        path = path.partition("#")[0]  # `READER:PATH#SELECTOR`: the selector is the reader's
        files = _expand(str(base / path) if base else path, any_suffix=True)
        return Binding(table, target, files, "json", reader)
    files = _expand(str(base / target) if base else target)
    formats = {EXTENSIONS.get(Path(f).suffix.lower()) for f in files}
    if None in formats:
        bad = next(f for f in files if Path(f).suffix.lower() not in EXTENSIONS)
        raise UsageError(f"cannot tell the format of `{bad}`; use one of {', '.join(EXTENSIONS)}", where=target)
    if len(formats) > 1:
        raise UsageError(f"files of several formats ({', '.join(sorted(formats))}) bound to table `{table}`", where=target)
    return Binding(table, target, files, formats.pop())


def _expand(target: str, any_suffix: bool = False) -> tuple[str, ...]:
    """The files a path, folder or glob names; a folder bound to a reader gives all its files
    (a CoNLL folder holds `.conll` or `.txt` files), a plain folder only data files."""
    path = Path(target)
    if path.is_dir():
        files = sorted(str(p) for p in path.iterdir()
                       if p.is_file() and not p.name.startswith(".") and (any_suffix or p.suffix.lower() in EXTENSIONS))
    elif any(ch in target for ch in "*?["):
        files = sorted(f for f in glob.glob(target, recursive=True) if os.path.isfile(f))
    elif path.is_file():
        files = [str(path)]
    else:
        raise UsageError("no such file or directory", where=target)
    if not files:
        raise UsageError("no data files found", where=target)
    return tuple(files)


def file_hash(files: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in files:
        with open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


# ---- loading ------------------------------------------------------------------------------


def reader_sql(binding: Binding) -> tuple[str, list]:
    """The DuckDB table function reading a binding's files.

    Paths are escaped literals rather than parameters because DuckDB cannot prepare a view
    definition; they come from the command line, never from the data.
    """
    files = "[" + ", ".join(literal(f) for f in binding.files) + "]"
    with_names = ", filename = true" if len(binding.files) > 1 else ""
    if binding.format in TEXT_FORMATS:
        delimiter = "\t" if binding.format == "tsv" else ","
        return (f"read_csv({files}, header = true, all_varchar = true, delim = {literal(delimiter)}{with_names})", [])
    if binding.format == "parquet":
        return (f"read_parquet({files}{with_names})", [])
    json_format = "newline_delimited" if binding.format == "jsonl" else "auto"
    return (f"read_json({files}, format = {literal(json_format)}{with_names})", [])


def duckdb_type(value_type) -> str:
    if value_type.kind == "list":
        return duckdb_type(value_type.item) + "[]"
    return DUCKDB_SCALARS.get(value_type.kind, "VARCHAR")


def load_table(con: duckdb.DuckDBPyConnection, spec: CheckedSpec, binding: Binding) -> BoundTable:
    if binding.problem is not None:
        raise binding.problem
    table = spec.tables[binding.table]
    empty = [f for f in binding.files if os.path.getsize(f) == 0]
    if empty:
        raise UsageError(f"the file for table `{binding.table}` is empty (not even a header)", where=empty[0])
    if binding.reader is not None:
        from .readers import READERS

        source_sql, parameters = READERS[binding.reader].relation(con, binding, table)
    else:
        source_sql, parameters = reader_sql(binding)
    raw = "__specc_raw"
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {identifier(raw)} AS SELECT * FROM {source_sql}", parameters)
        found = {row[0]: row[1] for row in con.execute(f"DESCRIBE {identifier(raw)}").fetchall()}
    except duckdb.Error as exc:
        raise UsageError(f"cannot read table `{binding.table}`: {_first_line(exc)}", where=binding.path) from None
    # With several files, DuckDB (or a reader) adds `filename` to tell them apart: not data.
    has_file_names = len(binding.files) > 1 and "filename" in found and table.column("filename") is None
    if has_file_names:
        found.pop("filename")
    projections, type_checked = _projections(spec, table, binding, found)
    file_column = f", filename AS {identifier(FILE_COLUMN)}" if has_file_names else ""
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {identifier(binding.table)} AS "
            f"SELECT row_number() OVER () AS {identifier(ROW_COLUMN)}, {', '.join(projections)}{file_column} "
            f"FROM {identifier(raw)}"
        )
        con.execute(f"DROP VIEW {identifier(raw)}")
        rows = con.execute(f"SELECT count(*) FROM {identifier(binding.table)}").fetchall()[0][0]
    except duckdb.Error as exc:
        raise UsageError(f"cannot load table `{binding.table}`: {_first_line(exc)}", where=binding.path) from None
    return BoundTable(binding, rows, file_hash(binding.files), tuple(type_checked), has_file_names)


def _projections(spec: CheckedSpec, table: ast.Table, binding: Binding, found: dict) -> tuple[list[str], list[str]]:
    declared = [c.name.text for c in table.columns]
    missing = [name for name in declared if name not in found and not _may_be_absent(binding, table.column(name))]
    extra = [name for name in found if name not in declared] if table.strict else []
    mistyped = []
    projections, type_checked = [], []
    for column in table.columns:
        name = column.name.text
        value_type = column_type(column.type, spec.taxonomies, spec.records)
        target = duckdb_type(value_type)
        quoted = identifier(name)
        if name not in found:
            projections.append(f"CAST(NULL AS {target}) AS {quoted}")
            continue
        physical = found[name]
        if value_type.kind in ("list", "record") and binding.format not in TEXT_FORMATS:
            if not physical.endswith("[]") and value_type.kind == "list":
                mistyped.append(f"`{name}`: expected {value_type}, found {physical}")
            projections.append(quoted)
        elif physical == target or value_type.kind == "any":
            projections.append(quoted)
        elif binding.format == "parquet" and not physical.startswith(_COMPATIBLE.get(value_type.kind, ())):
            mistyped.append(f"`{name}`: expected {value_type}, found {physical}")
            projections.append(quoted)
        else:
            flag = identifier(TYPE_FLAG_PREFIX + name)
            projections.append(f"TRY_CAST({quoted} AS {target}) AS {quoted}")
            # The text of a value that cannot be read as the declared type is kept aside,
            # so the type check can count it and quarantine can hand it back unchanged.
            projections.append(f"CASE WHEN TRY_CAST({quoted} AS {target}) IS NULL THEN CAST({quoted} AS VARCHAR) END AS {flag}")
            type_checked.append(name)
    problems = []
    if missing:
        problems.append("missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(f"`{m}`" for m in missing))
    if extra:  # names from the file are data: escaped for the terminal
        problems.append("unexpected column" + ("s " if len(extra) > 1 else " ")
                        + ", ".join(f"`{terminal(e)}`" for e in extra) + " (the table is `strict`)")
    problems.extend(mistyped)
    if problems:
        expected = ", ".join(f"{c.name.text} {column_type(c.type, spec.taxonomies, spec.records)}" for c in table.columns)
        found_text = ", ".join(f"{terminal(k)} {terminal(v)}" for k, v in found.items())
        raise UsageError(
            f"table `{binding.table}` does not match the spec: {'; '.join(problems)}\n"
            f"  expected: {expected}\n  found:    {found_text}",
            where=binding.path,
        )
    return projections, type_checked


def _may_be_absent(binding: Binding, column: ast.Column) -> bool:
    """JSON records may leave optional keys out; every record leaving one out drops the column."""
    return binding.format in ("json", "jsonl") and not column.has(ast.Required) and not column.has(ast.Key)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
