"""What the doccano, CoNLL, preference and ranking readers share.

Each of those readers reads its export with DuckDB into a numbered staging table (one row
per line, or per JSON record, with its file and line number), validates it with one query
whose first offending row becomes a `UsageError` naming the file, the line, the record and
the field, then selects the canonical columns the declared table asks for into one temporary
table. Keeping line numbers from the start is why the files are read as text
(`read_text`, split on line breaks) rather than with `read_json`, which cannot say where a
record came from.

Conventions shared by the readers:

- A blank line is not a record; a record's number counts the non-blank lines of its file
  from 1, so it is also the line number when the file has no blank lines.
- A key that is present with the value `null` loads as null (the table's `required` check
  reports it); a key that is absent, or holds the wrong kind of JSON value, is a malformed
  export.
- A declared column that is not one of the reader's canonical columns is read from the
  record's key of the same name, typed as DuckDB would infer it (`json_group_structure`);
  scalars whose kind varies between records arrive as text, so the declared type's `.type`
  check reports the odd ones, as for a CSV.
"""

from __future__ import annotations

import re
import duckdb

from ..diagnostics import UsageError
from ..sqlsafe import identifier, literal

SCALAR_STRUCTURES = ('"BIGINT"', '"UBIGINT"', '"DOUBLE"', '"BOOLEAN"')


def stage(binding, part: str) -> str:
    """The name of one of a binding's staging tables (unique per reader and table)."""
    return f"__specc_{binding.reader}_{binding.table}_{part}"


def display_path(binding) -> str:
    return binding.path.partition(":")[2] or binding.path


def execute(con: duckdb.DuckDBPyConnection, sql: str, binding):
    """Run reader SQL; a DuckDB failure (unreadable file, not UTF-8…) becomes a UsageError."""
    try:
        return con.execute(sql)
    except duckdb.Error as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"cannot read the {binding.reader} export for table `{binding.table}`: {text}",
                         where=display_path(binding)) from None


def files_sql(binding) -> str:
    return "[" + ", ".join(literal(f) for f in binding.files) + "]"


def file_stem(file_sql: str) -> str:
    """The file name without folder and last extension: `exports/alice.jsonl` -> `alice`."""
    return f"parse_filename({file_sql}, true)"


def read_lines(con, binding) -> str:
    """Stage every line of every file: `file`, `line` (from 1), `raw` (without CR, BOM)."""
    name = stage(binding, "lines")
    execute(con, f"""
        CREATE OR REPLACE TEMP TABLE {identifier(name)} AS
        SELECT file, line,
               regexp_replace(CASE WHEN line = 1 THEN ltrim(raw, chr(65279)) ELSE raw END, '\\r$', '') AS raw
        FROM (SELECT filename AS file, generate_subscripts(parts, 1) AS line, unnest(parts) AS raw
              FROM (SELECT filename, string_split(content, chr(10)) AS parts FROM read_text({files_sql(binding)})))
        ORDER BY file, line""", binding)
    return name


def read_records(con, binding) -> str:
    """Stage one JSON object per non-blank line: `file`, `line`, `record` (from 1), `j`."""
    lines = read_lines(con, binding)
    raise_first(con, binding, f"""
        SELECT file, line, row_number() OVER (PARTITION BY file ORDER BY line) AS record, NULL AS id,
               NULL AS field,
               CASE WHEN NOT json_valid(raw) THEN 'is not valid JSON'
                    WHEN json_type(raw::JSON) <> 'OBJECT' THEN 'is ' || {kind("raw::JSON")} || ', not a JSON object'
               END AS problem
        FROM {identifier(lines)} WHERE trim(raw) <> ''""")
    name = stage(binding, "records")
    execute(con, f"""
        CREATE OR REPLACE TEMP TABLE {identifier(name)} AS
        SELECT file, line, row_number() OVER (PARTITION BY file ORDER BY line) AS record, raw::JSON AS j
        FROM {identifier(lines)} WHERE trim(raw) <> '' ORDER BY file, line""", binding)
    drop(con, lines)
    return name


def kind(json_sql: str) -> str:
    """SQL naming the kind of a JSON value in words, for error messages."""
    return (f"CASE json_type({json_sql}) WHEN 'VARCHAR' THEN 'a string' WHEN 'BIGINT' THEN 'an integer' "
            f"WHEN 'UBIGINT' THEN 'an integer' WHEN 'DOUBLE' THEN 'a number' WHEN 'BOOLEAN' THEN 'true/false' "
            f"WHEN 'ARRAY' THEN 'a list' WHEN 'OBJECT' THEN 'an object' WHEN 'NULL' THEN 'null' "
            f"ELSE coalesce(lower(json_type({json_sql})), 'nothing') END")


def key(json_sql: str, name: str) -> str:
    """The JSON value under `name` (SQL NULL when the key is absent, JSON null when null)."""
    return f"json_extract({json_sql}, {literal('$.' + _json_path_key(name))})"


def text(json_sql: str, name: str) -> str:
    """The value under `name` as text (a string unquoted; numbers and lists as JSON text)."""
    return f"json_extract_string({json_sql}, {literal('$.' + _json_path_key(name))})"


def _json_path_key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else '"' + name.replace('"', '\\"') + '"'


def is_kind(json_sql: str, *kinds: str) -> str:
    """True when the JSON value is of one of the `json_type` kinds; false when it is absent."""
    return f"coalesce(json_type({json_sql}), 'ABSENT') IN ({', '.join(literal(k) for k in kinds)})"


def is_string_or_null(json_sql: str) -> str:
    return is_kind(json_sql, "VARCHAR", "NULL")


def is_integer(json_sql: str) -> str:
    return is_kind(json_sql, "BIGINT", "UBIGINT")


def id_text(json_sql: str) -> str:
    """An id that may be a string or a number, as text."""
    return f"CASE WHEN json_type({json_sql}) IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE') THEN json_extract_string({json_sql}, '$') END"


def raise_first(con, binding, problems_sql: str) -> None:
    """`problems_sql` yields file, line, record, id, field, problem (null: no problem).
    The first problem in file and line order becomes the error; the count of the others is added."""
    rows = execute(con, f"""
        SELECT file, line, record, id, field, problem, count(*) OVER () AS total
        FROM ({problems_sql}) WHERE problem IS NOT NULL
        ORDER BY file, line, field NULLS FIRST LIMIT 1""", binding).fetchall()
    if not rows:
        return
    file, line, record, record_id, field, problem, total = rows[0]
    what = f"record {record}" + (f" (id {record_id})" if record_id is not None else "") if record else ""
    about = f"`{field}` {problem}" if field else problem
    message = f"{what}: {about}" if what and field else f"{what} {about}".strip()
    if total > 1:
        message += f" (and {total - 1} more problem{'s' if total > 2 else ''} in this export)"
    raise UsageError(message, where=f"{file}:{line}")


def declared_extras(con, binding, records: str, table, provided) -> list[str]:
    """Projections for the declared columns a reader does not compute, read from the records'
    keys of the same name; keys no record holds are left out (the loader fills in nulls)."""
    wanted = [c.name.text for c in table.columns if c.name.text not in provided]
    if not wanted:
        return []
    structures = ", ".join(f"json_group_structure({key('j', name)})" for name in wanted)
    found = execute(con, f"SELECT {structures} FROM {identifier(records)}", binding).fetchall()[0]
    projections = []
    for name, structure in zip(wanted, found):
        if structure is None or structure == '"NULL"':
            continue
        if structure.startswith(('[', '{')) or structure in SCALAR_STRUCTURES:
            projections.append(f"json_transform({key('j', name)}, {literal(structure)}) AS {identifier(name)}")
        else:  # strings, or scalars of mixed kinds: text, cast and flagged by the loader
            projections.append(f"{text('j', name)} AS {identifier(name)}")
    return projections


def wanted(table, columns: dict[str, str]) -> list[str]:
    """`column -> SQL` narrowed to the columns the table declares, as projections."""
    declared = {c.name.text for c in table.columns}
    return [f"{sql} AS {identifier(name)}" for name, sql in columns.items() if name in declared]


def declares(table, *names: str) -> bool:
    declared = {c.name.text for c in table.columns}
    return any(name in declared for name in names)


def projections(binding, chosen: list[str]) -> str:
    """The select list: the chosen columns and, when several files are bound, `filename`,
    which the loader keeps as the row's file (as it does for plain multi-file bindings)."""
    if len(binding.files) > 1:
        chosen = chosen + ["file AS filename"]
    return ", ".join(chosen) or "NULL AS __specc_nothing"


def finish(con, binding, select_sql: str, *staging: str) -> tuple[str, list]:
    """Materialise the reader's rows (in the order given) and drop its staging tables."""
    name = stage(binding, "rows")
    execute(con, f"CREATE OR REPLACE TEMP TABLE {identifier(name)} AS {select_sql}", binding)
    for table in staging:
        drop(con, table)
    return identifier(name), []


def drop(con, name: str) -> None:
    con.execute(f"DROP TABLE IF EXISTS {identifier(name)}")

