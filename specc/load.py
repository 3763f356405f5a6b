"""Loading a bound table into DuckDB: read the files, cast each value exactly, number the rows.

Each declared table becomes a temporary table of the same name holding its declared columns
with their declared types, its source row number (`__specc_row`), for every column whose cast
can fail a flag column holding the delivered text of values that did not cast exactly
(`__specc_type__COLUMN`, see `specc.casts`), and for tables with `latest by` whether the row is
the current answer for its keys (`__specc_current`) or ties with another (`__specc_tied`).

CSV and TSV files are read with the table's declared layout (delimiter, quote, header, null
markers, encoding) and never guessed: a ragged line, an unclosed quote or a byte that is not
in the declared encoding stops the run with the file and line number.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass

import duckdb

from . import ast
from .casts import CastOptions, exact_cast
from .diagnostics import UsageError
from .expr_types import column_type
from .report.escape import terminal
from .inputs import (COPIES_COLUMN, CURRENT_COLUMN, FILE_COLUMN, ROW_COLUMN, TEXT_FORMATS, TIED_COLUMN, TYPE_FLAG_PREFIX, Binding,
                     BoundTable, duckdb_type, file_hash)
from .resolve import CheckedSpec
from .sqlsafe import identifier, literal
from .table_settings import ReadOptions, read_options

# Which physical types a typed format (Parquet) may hold for each declared type.
_COMPATIBLE = {
    "string": ("VARCHAR",),
    "int": ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"),
    "float": ("FLOAT", "DOUBLE", "DECIMAL", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"),
    "bool": ("BOOLEAN",),
    "timestamp": ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "DATE"),
}
_OTHER_DELIMITERS = (";", "\t", "|")
_EXCERPT = 120


def excerpt(text: str) -> str:
    """A short, escaped piece of delivered text for a message: never a whole line of data."""
    text = str(text)
    return terminal(text[:_EXCERPT]) + ("…" if len(text) > _EXCERPT else "")


@dataclass(frozen=True)
class _Column:
    """One declared column as loaded: its SQL value, and whether a flag keeps failed text."""

    name: str
    value: str
    flagged: bool
    cast: str | None = None  # the exact cast, computed once in an inner query


RAW_VIEW = "__specc_raw"


@dataclass(frozen=True)
class LoadPlan:
    """The statement that turns a raw view of the files into the loaded table, and what the
    report says of its columns."""

    select: str
    flagged: tuple[str, ...]  # columns whose cast can fail: they get a `.type` flag
    verified: tuple[str, ...]  # typed columns the file's schema vouches for
    has_file_names: bool


def load_table(con: duckdb.DuckDBPyConnection, spec: CheckedSpec, binding: Binding,
               overrides: dict[str, str] | None = None) -> BoundTable:
    table = spec.tables[binding.table]
    options = read_options(table).with_overrides(overrides or {})
    found = describe_source(con, spec, binding, options)
    plan = plan_load(spec, binding, found, options, RAW_VIEW, numbered=_numbered_by_the_file(con, binding, found))
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {identifier(binding.table)} AS {plan.select}")
        con.execute(f"DROP VIEW {identifier(RAW_VIEW)}")
        counted = f"count(*) FILTER (WHERE {identifier(CURRENT_COLUMN)}), count(*) FILTER (WHERE {identifier(TIED_COLUMN)})"
        rows, current, tied = con.execute(
            f"SELECT count(*), {counted if table.latest is not None else 'NULL, 0'} FROM {identifier(binding.table)}"
        ).fetchall()[0]
    except duckdb.Error as exc:
        raise _read_error(binding, exc) from None
    return BoundTable(binding, rows, file_hash(binding.files), plan.flagged, plan.has_file_names, plan.verified,
                      current, tied)


def _numbered_by_the_file(con: duckdb.DuckDBPyConnection, binding: Binding, found: dict) -> bool:
    """Number one Parquet file's rows by their place in it (`file_row_number`), which DuckDB
    reads in parallel, where `row_number() OVER ()` keeps every row in order on one thread (a
    second of the load at 10M rows). The same numbers; a file with a column of that name, or
    several files, are numbered by the window."""
    if binding.format != "parquet" or binding.reader is not None or len(binding.files) != 1 \
            or {"file_row_number", ROW_COLUMN} & set(found):
        return False
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {identifier(RAW_VIEW)} AS SELECT file_row_number + 1 AS "
                    f"{identifier(ROW_COLUMN)}, * EXCLUDE (file_row_number) "
                    f"FROM read_parquet([{literal(binding.files[0])}], file_row_number = true)")
    except duckdb.Error as exc:
        raise _read_error(binding, exc) from None
    return True


def describe_source(con: duckdb.DuckDBPyConnection, spec: CheckedSpec, binding: Binding, options: ReadOptions) -> dict:
    """The files' columns and DuckDB types, read into the view `RAW_VIEW` (for Parquet only
    the footers are read here); a broken or empty file is a UsageError at its place."""
    if binding.problem is not None:
        raise binding.problem
    table = spec.tables[binding.table]
    empty = [f for f in binding.files if os.path.getsize(f) == 0 or _only_blank_lines(f)]
    if empty:
        raise UsageError(f"the file for table `{binding.table}` is empty (not even a header)", where=empty[0])
    source_sql, parameters = _source(con, binding, table, options)
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {identifier(RAW_VIEW)} AS SELECT * FROM {source_sql}", parameters)
        return {row[0]: row[1] for row in con.execute(f"DESCRIBE {identifier(RAW_VIEW)}").fetchall()}
    except duckdb.Error as exc:
        raise _read_error(binding, exc) from None


def plan_load(spec: CheckedSpec, binding: Binding, found: dict, options: ReadOptions, raw: str,
              numbered: bool = False) -> LoadPlan:
    """The load statement over `raw` (a view with the columns `found`, of those DuckDB types;
    `numbered`: it has `__specc_row` already), or a UsageError naming what does not match."""
    table = spec.tables[binding.table]
    found = dict(found)
    has_file_names = len(binding.files) > 1 and "filename" in found and table.column("filename") is None
    if has_file_names:
        found.pop("filename")
    columns = _columns(spec, table, binding, found, options)
    flagged = tuple(c.name for c in columns if c.flagged)
    verified = tuple(c.name for c in columns if not c.flagged and c.name in found and binding.format not in TEXT_FORMATS)
    sql = _load_sql(table, raw, columns, has_file_names, numbered=numbered, rereadable=binding.format == "parquet")
    return LoadPlan(sql, flagged, verified, has_file_names)


def compiled_load(spec: CheckedSpec, name: str) -> tuple[str, tuple[str, ...]]:
    """The statement that loads table `name` from a CSV file `NAME.csv` with the declared
    columns and read settings, and the columns whose `.type` it checks — for `specc compile
    --target sql`, which has no files: a Parquet or JSON delivery's typed columns are read
    from the file's schema, and cast only where a value can fail."""
    table = spec.tables[name]
    options = read_options(table)
    binding = Binding(name, f"{name}.csv", (f"{name}.csv",), "csv")
    names = [c.name.text for c in table.columns]
    nulls = "[" + ", ".join(literal(n) for n in options.nulls) + "]"
    columns_sql = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
    source = (f"read_csv([{literal(binding.path)}], auto_detect = false, columns = {columns_sql}, "
              f"header = {str(options.header).lower()}, delim = {literal(_delimiter(binding, options))}, "
              f"quote = {literal(options.quote)}, escape = {literal(options.escape)}, nullstr = {nulls}, "
              f"encoding = {literal(options.encoding)}, strict_mode = true)")
    columns = _columns(spec, table, binding, {n: "VARCHAR" for n in names}, options)
    raw = f"(SELECT * FROM {source})"
    sql = f"CREATE TEMP TABLE {identifier(name)} AS\n{_load_sql(table, raw, columns, False, raw_is_sql=True)}"
    return sql, tuple(c.name for c in columns if c.flagged)


def _load_sql(table: ast.Table, raw: str, columns: list[_Column], has_file_names: bool, raw_is_sql: bool = False,
              numbered: bool = False, rereadable: bool = False) -> str:
    casts = [f"{c.cast} AS {identifier(_cast_alias(c.name))}" for c in columns if c.cast is not None]
    number = "" if numbered else f"row_number() OVER () AS {identifier(ROW_COLUMN)}, "
    inner = (f"SELECT {number}*"
             + "".join(f", {cast}" for cast in casts) + f" FROM {raw if raw_is_sql else identifier(raw)}")
    projections = [f"{identifier(ROW_COLUMN)}"]
    for column in columns:
        projections.append(f"{column.value} AS {identifier(column.name)}")
        if column.flagged:
            delivered = identifier(column.name)
            projections.append(f"CASE WHEN {delivered} IS NOT NULL AND {column.value} IS NULL "
                               f"THEN CAST({delivered} AS VARCHAR) END AS {identifier(TYPE_FLAG_PREFIX + column.name)}")
    if has_file_names:
        projections.append(f"filename AS {identifier(FILE_COLUMN)}")
    select = f"SELECT {', '.join(projections)} FROM ({inner})"
    if table.latest is None:
        return select
    return _with_current(table, select, materialized=not rereadable)


def _cast_alias(name: str) -> str:
    return f"__specc_cast__{name}"


def _with_current(table: ast.Table, select: str, materialized: bool = True) -> str:
    """Mark each row current (the latest for its keys) or not, tied rows, and how many rows
    share its keys (`__specc_copies`, null for a key held once: the primary key reads it).

    Only keys with more than one row need resolving: one aggregation finds them with their
    latest ordering value, a join of their rows on that value finds the keys where two rows
    share it, and hash joins bring both answers back (a window over every row sorted the whole
    table; a top-two list aggregate cost a tenth more than the plain maximum and the join).
    A group's latest row is current only if no other row of the group shares its ordering
    value; a tie is never resolved by guessing: all tied rows are marked `tied` and none of
    that group is current. A null ordering value ranks below every other; a group whose
    ordering values are all null is tied. Null keys form a group, as in a window partition.

    The rows are read more than once: a Parquet file is read again (its key and ordering
    columns only, which is cheaper than holding a copy of every row), a text file is parsed
    and cast once and held (`materialized`)."""
    keys = [identifier(k.text) for k in table.latest_keys]
    order = identifier(table.latest.column.text)
    rows, repeated, tied = '"__specc_rows"', '"__specc_repeated"', '"__specc_tied_keys"'

    def joined(other: str) -> str:
        return " AND ".join(f"{rows}.{k} IS NOT DISTINCT FROM {other}.{k}" for k in keys)

    latest, ordered = f'{repeated}."__specc_latest"', f'{repeated}."__specc_ordered"'
    is_latest = f"{rows}.{order} = {latest}"
    is_tie = f'{tied}."__specc_tie"'
    current = f"coalesce({ordered} IS NULL OR ({ordered} > 0 AND {is_tie} IS NULL AND {is_latest}), FALSE)"
    tied_row = f"coalesce({ordered} = 0 OR ({is_tie} AND {is_latest}), FALSE)"
    key_list = ", ".join(keys)
    return (f"WITH {rows} AS {'' if materialized else 'NOT '}MATERIALIZED ({select}), "
            f"{repeated} AS (SELECT {key_list}, max({order}) AS \"__specc_latest\", count({order}) AS \"__specc_ordered\", "
            f"count(*) AS \"__specc_copies\" FROM {rows} GROUP BY {key_list} HAVING count(*) > 1), "
            f"{tied} AS (SELECT {', '.join(f'{rows}.{k}' for k in keys)}, TRUE AS \"__specc_tie\" FROM {rows} "
            f"JOIN {repeated} ON {joined(repeated)} WHERE {is_latest} "
            f"GROUP BY {', '.join(f'{rows}.{k}' for k in keys)} HAVING count(*) > 1) "
            f"SELECT {rows}.*, {current} AS {identifier(CURRENT_COLUMN)}, {tied_row} AS {identifier(TIED_COLUMN)}, "
            f"{repeated}.\"__specc_copies\" AS {identifier(COPIES_COLUMN)} "
            f"FROM {rows} LEFT JOIN {repeated} ON {joined(repeated)} LEFT JOIN {tied} ON {joined(tied)}")


# ---- reading ----------------------------------------------------------------------------------


def _source(con, binding: Binding, table: ast.Table, options: ReadOptions) -> tuple[str, list]:
    if binding.reader is not None:
        from .readers import READERS

        return READERS[binding.reader].relation(con, binding, table)
    files = "[" + ", ".join(literal(f) for f in binding.files) + "]"
    with_names = ", filename = true" if len(binding.files) > 1 else ""
    if binding.format in TEXT_FORMATS:
        return _csv_source(binding, table, options, files, with_names), []
    if binding.format == "parquet":
        return f"read_parquet({files}{with_names})", []
    json_format = "newline_delimited" if binding.format == "jsonl" else "auto"
    return f"read_json({files}, format = {literal(json_format)}{with_names})", []


def _delimiter(binding: Binding, options: ReadOptions) -> str:
    if options.delimiter is not None:
        return options.delimiter.replace("\\t", "\t")
    return "\t" if binding.format == "tsv" else ","


def _csv_source(binding: Binding, table: ast.Table, options: ReadOptions, files: str, with_names: str) -> str:
    """read_csv with the declared layout and the header read here: no sniffing, so a malformed
    line is an error at its line number instead of a guess."""
    delimiter = _delimiter(binding, options)
    names = _header(binding, table, options, delimiter)
    columns = "{" + ", ".join(f"{literal(name)}: 'VARCHAR'" for name in names) + "}"
    nulls = "[" + ", ".join(literal(n) for n in options.nulls) + "]"
    return (f"read_csv({files}, auto_detect = false, columns = {columns}, header = {str(options.header).lower()}, "
            f"delim = {literal(delimiter)}, quote = {literal(options.quote)}, escape = {literal(options.escape)}, "
            f"nullstr = {nulls}, encoding = {literal(options.encoding)}, strict_mode = true{with_names})")


def _only_blank_lines(path: str) -> bool:
    """A small file of nothing but line breaks and spaces is as empty as an empty one."""
    if os.path.getsize(path) > 4096:
        return False
    with open(path, "rb") as handle:
        return not handle.read().strip()


def _header(binding: Binding, table: ast.Table, options: ReadOptions, delimiter: str) -> list[str]:
    """The column names of the files: each file's first record, which must agree across files;
    without a header, the declared columns in order."""
    headers = {path: _first_record(path, options, delimiter) for path in binding.files}
    first_path, first = next(iter(headers.items()))
    for path, names in headers.items():
        if names != first and options.header:
            raise UsageError(f"the header differs from that of `{first_path}`: "
                             f"{', '.join(map(excerpt, names))} against {', '.join(map(excerpt, first))}", where=path)
    if not options.header:
        declared = [c.name.text for c in table.columns]
        if len(first) != len(declared):
            raise UsageError(f"line 1 has {len(first)} fields, but table `{binding.table}` declares {len(declared)} "
                             "columns (a file without a header holds the declared columns in order)", where=first_path)
        return declared
    _check_names(binding, table, first, first_path, delimiter)
    return first


def _first_record(path: str, options: ReadOptions, delimiter: str) -> list[str]:
    encoding = "utf-8-sig" if options.encoding == "utf-8" else options.encoding.replace("latin-1", "latin_1")
    with open(path, "rb") as handle:
        raw = handle.read(1 << 20)
        if handle.read(1) and b"\n" in raw:
            raw = raw[:raw.rindex(b"\n") + 1]  # whole lines only: never a character cut in two
    try:
        head = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise UsageError(f"line {line}: bytes that are not valid {options.encoding.upper()} (byte {column} of the line); "
                         "declare the file's encoding, e.g. `read encoding \"latin-1\"` or "
                         "`--read TABLE.encoding=latin-1`", where=path) from None
    if len(delimiter) != 1:
        return head.splitlines()[0].split(delimiter) if head else []
    reader = csv.reader(io.StringIO(head), delimiter=delimiter, quotechar=options.quote,
                        escapechar=None if options.escape == options.quote else options.escape,
                        doublequote=options.escape == options.quote)
    try:
        return next(reader, [])
    except csv.Error as exc:
        raise UsageError(f"line 1 (the header) cannot be read: {exc}", where=path) from None


def _check_names(binding: Binding, table: ast.Table, names: list[str], path: str, delimiter: str) -> None:
    lowered: dict[str, str] = {}
    for position, name in enumerate(names, start=1):
        if not name.strip():
            raise UsageError(f"line 1 (the header): column {position} has no name; every column needs one", where=path)
        if "\x00" in name:  # no engine takes a NUL in a name
            raise UsageError(f"line 1 (the header): the name of column {position} holds a NUL byte", where=path)
        if name.lower() in lowered:
            same = "twice" if lowered[name.lower()] == name else f"twice, as `{excerpt(lowered[name.lower()])}` and"
            raise UsageError(f"the header names the column `{excerpt(name)}` {same}"
                             + ("" if same == "twice" else f" `{excerpt(name)}`"), where=path)
        lowered[name.lower()] = name
    declared = {c.name.text for c in table.columns}
    if len(names) == 1 and names[0] not in declared:
        for other in _OTHER_DELIMITERS:
            if other != delimiter and len(names[0].split(other)) > 1 and \
                    set(names[0].split(other)) & declared:
                shown = "\\t" if other == "\t" else other
                raise UsageError(f"the header `{excerpt(names[0])}` looks separated by `{shown}`, not `{delimiter}`: "
                                 f"declare `read delimiter \"{shown}\"` in table `{binding.table}`, or pass "
                                 f"`--read {binding.table}.delimiter={shown}`", where=path)


_LINE = re.compile(r"CSV Error on Line: (\d+)")
_FILE = re.compile(r"file = (\S+)")
_JSON = re.compile(r'Malformed JSON in file "(.+?)", at byte \d+ in (line|record/value) (\d+): ([^\n]*)')


def _json_error(binding: Binding, match: re.Match) -> UsageError:
    """A JSON reader error at the line that is broken: DuckDB names the line where it gave up,
    which for a JSON Lines file with an unclosed object is the line after the broken one."""
    path, unit, number, reason = match.group(1), match.group(2), int(match.group(3)), match.group(4).strip().rstrip(".")
    if path not in binding.files:
        path = binding.path
    elif unit == "line":
        number = _first_broken_line(path, number) or number
    where = f"line {number}" if unit == "line" else f"record {number}"
    return UsageError(f"cannot read table `{binding.table}`: {where} is not valid JSON ({excerpt(reason)})", where=path)


def _first_broken_line(path: str, up_to: int) -> int | None:
    """The first of the first `up_to` lines that is not a JSON value on its own (error path only)."""
    import json

    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            if number > up_to:
                return None
            if not raw.strip():
                continue
            try:
                json.loads(raw)
            except ValueError:
                return number
    return None


def _read_error(binding: Binding, exc: Exception) -> UsageError:
    """DuckDB's reader error as a message with the file and line, and without the data line."""
    text = str(exc)
    malformed_json = _JSON.search(text)
    if malformed_json:
        return _json_error(binding, malformed_json)
    line = _LINE.search(text)
    where = _FILE.search(text)
    path = where.group(1) if where and where.group(1) in binding.files else binding.path
    if line is None:
        first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        return UsageError(f"cannot read table `{binding.table}`: {excerpt(first) if len(first) > 300 else first}",
                          where=path)
    number = line.group(1)
    fields = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if fields:
        reason = f"line {number} has {fields.group(2)} fields where the header has {fields.group(1)}"
    elif "unterminated quote" in text:
        reason = f"line {number}: a quoted value is never closed"
    elif "Invalid unicode" in text or "not utf-8 encoded" in text:
        reason = (f"line {number}: bytes that are not valid UTF-8; declare the file's encoding, "
                  "e.g. `read encoding \"latin-1\"`")
    else:
        detail = next((ln.strip() for ln in text.splitlines()[1:] if ln.strip() and "Original Line" not in ln), "")
        reason = f"line {number}: {excerpt(detail)}"
    return UsageError(f"cannot read table `{binding.table}`: {reason}", where=path)


# ---- columns ----------------------------------------------------------------------------------


def _columns(spec: CheckedSpec, table: ast.Table, binding: Binding, found: dict, options: ReadOptions) -> list[_Column]:
    declared = [c.name.text for c in table.columns]
    missing = [name for name in declared if name not in found and not _may_be_absent(binding, table.column(name))]
    extra = [name for name in found if name not in declared] if table.strict else []
    mistyped: list[str] = []
    columns = [_column(spec, binding, column, found, options, mistyped) for column in table.columns]
    problems = []
    if missing:
        problems.append("missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(f"`{m}`" for m in missing))
    if extra:
        problems.append("unexpected column" + ("s " if len(extra) > 1 else " ")
                        + _some(f"`{excerpt(e)}`" for e in extra) + " (the table is `strict`)")
    problems.extend(mistyped)
    if problems:
        expected = ", ".join(f"{c.name.text} {column_type(c.type, spec.taxonomies, spec.records)}" for c in table.columns)
        found_text = _some(f"{excerpt(k)} {terminal(v)}" for k, v in found.items())
        raise UsageError(f"table `{binding.table}` does not match the spec: {'; '.join(problems)}\n"
                         f"  expected: {expected}\n  found:    {found_text}", where=binding.path)
    return columns


def _some(items, shown: int = 20) -> str:
    """At most `shown` items of a list a delivery controls (a header of 3,000 columns), and how many more."""
    items = list(items)
    rest = f", and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + rest


def _column(spec, binding: Binding, column: ast.Column, found: dict, options: ReadOptions, mistyped: list) -> _Column:
    name = column.name.text
    value_type = column_type(column.type, spec.taxonomies, spec.records)
    quoted = identifier(name)
    if name not in found:
        return _Column(name, f"CAST(NULL AS {duckdb_type(value_type)})", False)
    physical = found[name]
    if value_type.kind in ("list", "record", "any"):
        if binding.format in TEXT_FORMATS and value_type.kind != "any":
            cast = f"TRY_CAST({quoted} AS {duckdb_type(value_type)})"
            return _Column(name, identifier(_cast_alias(name)), True, cast)
        if value_type.kind == "list" and not physical.endswith("[]"):
            mistyped.append(f"`{name}`: expected {value_type}, found {physical}")
        return _Column(name, quoted, False)
    cast = exact_cast(quoted, physical, value_type.kind, _cast_options(column, options))
    if cast is None or (binding.format == "parquet" and not physical.upper().startswith(_COMPATIBLE[value_type.kind])):
        if binding.format == "parquet" or cast is not None:
            mistyped.append(f"`{name}`: expected {value_type}, found {physical}")
            return _Column(name, quoted, False)
        # JSON: a value of another kind (a bool in an int column) is a type violation, row by row
        return _Column(name, f"CAST(NULL AS {duckdb_type(value_type)})", True)
    if not cast.can_fail:
        return _Column(name, cast.sql, False)
    return _Column(name, identifier(_cast_alias(name)), True, cast.sql)


def _cast_options(column: ast.Column, options: ReadOptions) -> CastOptions:
    spellings = {True: (), False: ()}
    for spelling in column.find(ast.BoolSpelling):
        spellings[spelling.value] += spelling.spellings
    return CastOptions(options.timezone, options.timestamp_format, spellings[True], spellings[False])


def _may_be_absent(binding: Binding, column: ast.Column) -> bool:
    """JSON records may leave optional keys out; every record leaving one out drops the column."""
    return binding.format in ("json", "jsonl") and not column.has(ast.Required) and not column.has(ast.Key)
