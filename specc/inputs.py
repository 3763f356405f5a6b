"""Binding a delivery's files to the spec's tables: which files feed which table.

`--data DIR`, `--data TABLE=PATH`, a spec's `source` and a `specc.yaml` name the files;
`specc.load` then reads them into DuckDB. After loading, the runner switches file access
off, so nothing in a spec reads anything else.
"""

from __future__ import annotations

import dataclasses
import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path


from .diagnostics import UsageError
from .resolve import CheckedSpec

ROW_COLUMN = "__specc_row"
FILE_COLUMN = "__specc_file"
TYPE_FLAG_PREFIX = "__specc_type__"
CURRENT_COLUMN = "__specc_current"  # tables with `latest by`: the row is its keys' latest answer
TIED_COLUMN = "__specc_tied"  # … or it ties with another row for the latest
COPIES_COLUMN = "__specc_copies"  # … and how many rows share its keys (null: one)

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

@dataclass(frozen=True)
class Binding:
    """One table bound to one or more files."""

    table: str
    path: str  # as the user gave it
    files: tuple[str, ...]
    format: str
    reader: str | None = None  # a tool-export reader (labelstudio, doccano, …); None for plain files
    problem: UsageError | None = None  # a spec `source` that could not be bound; raised if it is used
    root: str | None = None  # the delivery folder the files were named from (specc.paths: symlinks)


@dataclass(frozen=True)
class BoundTable:
    binding: Binding
    rows: int
    sha256: str
    type_checked: tuple[str, ...]  # columns whose cast can fail: flagged, and checked by `.type`
    has_file_column: bool = False  # several files: each row's file is in FILE_COLUMN
    verified_by_schema: tuple[str, ...] = ()  # typed files: columns whose type the file's schema vouches for
    current_rows: int | None = None  # `latest by`: rows that are their keys' latest answer
    tied_rows: int = 0  # `latest by`: rows tied for the latest, none of them taken


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


def parse_read_arguments(values: tuple[str, ...], spec: CheckedSpec) -> dict[str, dict[str, str]]:
    """`--read SETTING=VALUE` (every table) and `--read TABLE.SETTING=VALUE` into overrides.

    The settings and their checks are the spec's own `read …` settings (specc.table_settings), so
    a value the spec would refuse is refused here too, naming the argument. `*` holds the
    settings for every table; a table's own win over them.
    """
    from .diagnostics import did_you_mean
    from .table_settings import SETTING_NAMES, setting_value_problem

    overrides: dict[str, dict[str, str]] = {}
    for value in values:
        key, sep, setting_value = value.partition("=")
        where = f"`--read {value}`"
        if not sep:
            raise UsageError(f"{where}: write SETTING=VALUE or TABLE.SETTING=VALUE, e.g. `--read delimiter=;`")
        table, dot, name = key.rpartition(".")
        if dot and table not in spec.tables:
            guess = did_you_mean(table, list(spec.tables))
            raise UsageError(f"{where}: the spec has no table `{table}`"
                             + (f"; {guess}" if guess else f"; tables: {', '.join(spec.tables)}"))
        name = name.strip().replace(" ", "_").replace("-", "_")
        if name not in SETTING_NAMES:
            guess = did_you_mean(name, SETTING_NAMES)
            raise UsageError(f"{where}: unknown read setting `{name}`"
                             + (f"; {guess}" if guess else f"; settings: {', '.join(SETTING_NAMES)}"))
        setting_value = setting_value.replace("\\t", "\t") if name == "delimiter" else setting_value
        problem = None if name == "null" else setting_value_problem(name, setting_value)
        if problem:
            raise UsageError(f"{where}: {problem}")
        overrides.setdefault(table if dot else "*", {})[name] = setting_value
    return overrides


def default_bindings(spec: CheckedSpec) -> dict[str, Binding]:
    """Sources named in the spec (`source "…"`) or in a `specc.yaml` beside it."""
    base = Path(spec.path).parent
    found: dict[str, Binding] = {}
    config = base / "specc.yaml"
    if config.is_file():
        try:
            import yaml  # only for a folder with a specc.yaml

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
            found[table] = bind_path(table, target, root=directory)
        elif existing:
            found[table] = bind_path(table, str(existing[0]), root=directory)
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


def bind_path(table: str, target: str, base: Path | None = None, root: Path | None = None) -> Binding:
    """Bind one table to `PATH` or `READER:PATH` (relative paths from `base` when given);
    `root` is the delivery folder it was found in (default: the folder the path names)."""
    from .paths import delivery_root

    binding = _bind_path(table, target, base)
    named = binding.path.partition(":")[2].partition("#")[0] if binding.reader else binding.path
    folder = root if root is not None else delivery_root(str(base / named) if base else named)
    return dataclasses.replace(binding, root=str(folder))


def _bind_path(table: str, target: str, base: Path | None = None) -> Binding:
    reader, sep, path = target.partition(":")
    if sep and reader == "table":  # a table of the engine: `--engine postgres|spark` reads it where it is
        if not path or any(not part.strip() for part in path.split(".")):
            raise UsageError("expected `table:NAME` or `table:SCHEMA.NAME`", where=target)
        return Binding(table, path, (), "table")
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
    elif path.exists():  # a named pipe would block the run, a device never end
        raise UsageError("not a regular file (a named pipe, socket or device); give a data file", where=target)
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


# ---- loading (specc.load) ------------------------------------------------------------------


def duckdb_type(value_type) -> str:
    if value_type.kind == "list":
        return duckdb_type(value_type.item) + "[]"
    return DUCKDB_SCALARS.get(value_type.kind, "VARCHAR")


def load_table(con, spec, binding: Binding, overrides: dict[str, str] | None = None) -> "BoundTable":
    from .load import load_table as load

    return load(con, spec, binding, overrides)
