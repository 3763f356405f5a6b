"""What a table declares about its data besides columns: time zone, resubmissions, reading.

`timezone "Europe/Berlin"` says how timestamps written without an offset are read;
`latest by COLUMN [per KEYS]` says that a later row replaces earlier ones for the same keys;
`read …` settings say how text files are laid out (delimiter, quote, null markers, …). The
resolver checks them here (so lint knows what the run will accept) and the loader reads the
same settings through `read_options`.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

from . import ast
from .diagnostics import did_you_mean
from .expr_types import column_type

# DuckDB reads these without an extension; the names users write map onto them.
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-16": "utf-16", "utf16": "utf-16",
             "latin-1": "latin-1", "latin1": "latin-1", "iso-8859-1": "latin-1", "iso8859-1": "latin-1"}

# strptime codes DuckDB understands (https://duckdb.org/docs/sql/functions/dateformat)
_FORMAT_CODE = re.compile(r"%-?[aAwdbBmyYHIpMSfgnzZjUWcxX%]")
_LATEST_ORDER_KINDS = ("timestamp", "int", "float", "string")


@dataclass(frozen=True)
class ReadOptions:
    """How one table's text files are read; defaults are a standard CSV with a header."""

    delimiter: str | None = None  # None: `,` for .csv, a tab for .tsv
    quote: str = '"'
    escape: str = '"'
    header: bool = True
    encoding: str = "utf-8"
    nulls: tuple[str, ...] = ("",)
    timestamp_format: str | None = None
    timezone: str = "UTC"

    def with_overrides(self, overrides: dict[str, str]) -> "ReadOptions":
        """Settings from the command line (`--read TABLE.SETTING=VALUE`) over the spec's."""
        fields = {}
        for name, value in overrides.items():
            if name == "header":
                fields["header"] = value.lower() == "true"  # `--read` accepts only true | false
            elif name == "null":
                fields["nulls"] = _with_empty(value.split(","))
            elif name == "encoding":
                fields["encoding"] = ENCODINGS.get(value.lower(), value)
            else:
                fields[name] = value
        return ReadOptions(**{**self.__dict__, **fields})


def _with_empty(markers) -> tuple[str, ...]:
    """An empty field is always null (every CSV writer writes a missing value so); `read null`
    adds markers such as `NA` or `-` to it."""
    return tuple(dict.fromkeys(("", *markers)))


SETTING_NAMES = ("delimiter", "quote", "escape", "header", "encoding", "null", "timestamp_format", "timezone")


def read_options(table: ast.Table) -> ReadOptions:
    fields: dict = {}
    for setting in table.read:
        value = setting.values[0] if setting.values else ""
        if setting.name == "header":
            fields["header"] = value == "true"
        elif setting.name == "null":
            fields["nulls"] = _with_empty(setting.values)
        elif setting.name == "encoding":
            fields["encoding"] = ENCODINGS.get(value.lower(), value)
        else:
            fields[setting.name] = value
    if table.timezone is not None:
        fields["timezone"] = table.timezone.name
    return ReadOptions(**fields)


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def format_problem(text: str) -> str | None:
    """Why a strptime format is wrong, or None."""
    rest = _FORMAT_CODE.sub("", text)
    if "%" in rest:
        code = rest[rest.index("%"):rest.index("%") + 2]
        return f"`{code}` is not a date/time code (use %Y, %m, %d, %H, %M, %S, %f, %z, %p, %b, …)"
    if not _FORMAT_CODE.search(text):
        return "the format has no date/time code such as %Y or %H"
    return None


def setting_value_problem(name: str, value: str) -> str | None:
    """Why one read setting's value cannot be used, or None (shared with `--read`)."""
    if name == "delimiter" and not (1 <= len(value.encode("utf-8")) <= 4):
        return "a delimiter is 1 to 4 bytes, e.g. `;` or a tab `\\t`"
    if name in ("quote", "escape") and len(value) != 1:
        return f"the {name} character is exactly one character"
    if name == "encoding" and value.lower() not in ENCODINGS:
        return f"unknown encoding `{value}`; encodings: utf-8, utf-16, latin-1"
    if name == "timestamp_format":
        return format_problem(value)
    if name == "timezone" and value not in known_timezones():
        return f"unknown time zone `{value}`"
    if name == "header" and value.lower() not in ("true", "false"):
        return "header is `true` or `false`"
    return None


def table_setting_problems(table: ast.Table, taxonomies, records):
    """(code, node, message, hint) for each mistake in a table's settings."""
    problems = []
    if table.timezone is not None and table.timezone.name not in known_timezones():
        problems.append(("E116", table.timezone, f"unknown time zone `{table.timezone.name}`",
                         did_you_mean(table.timezone.name, known_timezones())
                         or 'write an IANA name such as "Europe/Berlin" or "UTC"'))
    if table.latest is not None:
        problems += _latest_problems(table, taxonomies, records)
    seen: dict[str, ast.ReadSetting] = {}
    for setting in table.read:
        if setting.name in seen:
            problems.append(("E118", setting, f"`read {setting.name.replace('_', ' ')}` is given twice", None))
        seen[setting.name] = setting
        for value in setting.values if setting.name != "null" else ():
            reason = setting_value_problem(setting.name, value)
            if reason:
                problems.append(("E118", setting, reason, None))
    return problems


def _latest_problems(table: ast.Table, taxonomies, records):
    latest = table.latest
    problems = []
    column = table.column(latest.column.text)
    if column is None:
        problems.append(("E104", latest.column, f"table `{table.name.text}` has no column `{latest.column.text}`",
                         did_you_mean(latest.column.text, [c.name.text for c in table.columns])))
    else:
        kind = column_type(column.type, taxonomies, records).kind
        if kind not in _LATEST_ORDER_KINDS + ("any",):
            problems.append(("E117", latest.column, f"`latest by {latest.column.text}` needs a column that orders "
                             f"rows (a timestamp, a number or a string), not a {kind}", None))
    for key in latest.keys:
        if table.column(key.text) is None:
            problems.append(("E104", key, f"table `{table.name.text}` has no column `{key.text}`",
                             did_you_mean(key.text, [c.name.text for c in table.columns])))
    if not latest.keys and not table.primary_key:
        problems.append(("E117", latest, "`latest by` needs the keys a resubmission shares with the row it replaces",
                         f"write `latest by {latest.column.text} per COLUMNS`, or declare a `primary key`"))
    if latest.column.text in {k.text for k in table.latest_keys}:
        problems.append(("E117", latest.column, f"`{latest.column.text}` orders resubmissions, so it cannot also be a key",
                         None))
    return problems
