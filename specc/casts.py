"""Exact casts: a delivered value becomes a declared type only if it represents it exactly.

`4.5` is not an int (rounding it to 5 would invent a value), `1e309` is not a float (it
overflows to infinity), `2026-02-30` is not a timestamp, `yes` is not a bool unless the
column declares it (`true "yes"`). Such a value is a `.type` violation: the column holds
null for every other check, and the delivered text is kept beside it so quarantine can hand
it back unchanged.

Timestamps are instants. A value with an offset (`2026-03-02T10:00:00+02:00`, `…Z`) is
that instant; a value without one is a wall-clock time in the table's `timezone` (UTC
unless declared). Every timestamp is stored as the UTC wall clock of its instant, so
comparisons and differences compare instants. A wall-clock time that does not exist in its
zone (skipped by a daylight-saving change) or exists twice (repeated by one) is a `.type`
violation: reading it would mean guessing.

Each function returns SQL over already-quoted operands, plus whether the cast can fail:
a cast that cannot fail (a Parquet INTEGER read as `int`) gets no flag and no `.type` check.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from .sqlsafe import literal

_INT_TEXT = r"[+-]?[0-9]+(\.0*)?"
_FLOAT_TEXT = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
_ZERO_TEXT = r"[+-]?(0+(\.0*)?|\.0+)([eE][+-]?[0-9]+)?"
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_TIME = r"[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
_OFFSET = r"(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)"
_ISO_LOCAL = f"{_DATE}({_TIME})?"
_ISO_OFFSET = f"{_DATE}{_TIME} ?{_OFFSET}"
# more than microseconds: DuckDB would cut the digits off
_BEYOND_MICROSECONDS = r"\.[0-9]{6}[0-9]*[1-9]"

_SMALL_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER")
_LARGE_INTEGERS = ("HUGEINT", "UBIGINT", "UHUGEINT")
_FLOATS = ("FLOAT", "DOUBLE", "REAL")
# Integers a double holds exactly: beyond 2**53 a conversion may round.
_EXACT_DOUBLE_LIMIT = 2 ** 53


@dataclass(frozen=True)
class Cast:
    sql: str  # the value as the declared type; NULL where it is not exact
    can_fail: bool


@dataclass(frozen=True)
class CastOptions:
    timezone: str = "UTC"
    timestamp_format: str | None = None
    true_spellings: tuple[str, ...] = ()
    false_spellings: tuple[str, ...] = ()


def exact_cast(value: str, physical: str, kind: str, options: CastOptions = CastOptions()) -> Cast | None:
    """SQL reading `value` (of DuckDB type `physical`) as the declared `kind`, or None when the
    physical type cannot hold that kind at all (the caller reports the mismatch)."""
    physical = physical.upper()
    if physical == "VARCHAR":
        return _from_text(value, kind, options)
    if physical == "JSON":  # JSON values of mixed kinds: strings unquoted, scalars as written
        # a list or an object where a flat value is declared is a type violation, never its text
        text = f"CASE WHEN json_type({value}) = 'VARCHAR' THEN json_extract_string({value}, '$') " \
               f"WHEN json_type({value}) IN ('ARRAY', 'OBJECT') THEN NULL " \
               f"ELSE CAST({value} AS VARCHAR) END"
        cast = _from_text(text, kind, options)
        return Cast(cast.sql, True)
    reader = _TYPED.get(kind)
    return reader(value, physical, options) if reader else None


# ---- text ---------------------------------------------------------------------------------


def _from_text(value: str, kind: str, options: CastOptions) -> Cast:
    if kind == "string":
        return Cast(value, False)
    text = f"trim({value})"
    if kind == "int":
        whole = f"regexp_extract({text}, '^[+-]?[0-9]+')"
        return Cast(f"CASE WHEN regexp_full_match({text}, {literal(_INT_TEXT)}) THEN TRY_CAST({whole} AS BIGINT) END",
                    True)
    if kind == "float":
        number = f"TRY_CAST({text} AS DOUBLE)"
        exact = (f"regexp_full_match({text}, {literal(_FLOAT_TEXT)}) AND isfinite({number}) "
                 f"AND ({number} <> 0 OR regexp_full_match({text}, {literal(_ZERO_TEXT)}))")
        return Cast(f"CASE WHEN {exact} THEN {number} END", True)
    if kind == "bool":
        return Cast(_bool_from_text(text, options), True)
    if kind == "timestamp":
        return Cast(_timestamp_from_text(text, options), True)
    return Cast(f"TRY_CAST({value} AS {_duckdb_type(kind)})", True)


def instant_from_text(text: str) -> str | None:
    """The UTC instant a timestamp written in a spec names (`timestamp("…")`), as
    `YYYY-MM-DD HH:MM:SS[.ffffff]`, by the rules a delivery's text is cast by: ISO 8601, UTC
    unless it carries an offset, never more precise than a microsecond. None otherwise."""
    text = text.strip()
    if re.search(_BEYOND_MICROSECONDS, text) or not (re.fullmatch(_ISO_OFFSET, text) or re.fullmatch(_ISO_LOCAL, text)):
        return None
    try:  # one space may stand before the offset; Python's reader wants none
        moment = datetime.datetime.fromisoformat(re.sub(r" ?[Zz]$", "+00:00", re.sub(r" ([+-][0-9])", r"\1", text)))
    except ValueError:  # a day or hour that does not exist
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment.isoformat(sep=" ")


def _bool_from_text(text: str, options: CastOptions) -> str:
    lowered = f"lower({text})"
    true_words = ("true",) + tuple(s.lower() for s in options.true_spellings)
    false_words = ("false",) + tuple(s.lower() for s in options.false_spellings)
    listed = lambda words: ", ".join(literal(w) for w in dict.fromkeys(words))  # noqa: E731
    return (f"CASE WHEN {lowered} IN ({listed(true_words)}) THEN TRUE "
            f"WHEN {lowered} IN ({listed(false_words)}) THEN FALSE END")


def _timestamp_from_text(text: str, options: CastOptions) -> str:
    if options.timestamp_format is not None:
        parsed = f"try_strptime({text}, {literal(options.timestamp_format)})"
        if "%z" in options.timestamp_format or "%Z" in options.timestamp_format:
            return f"timezone('UTC', {parsed})"
        return _local_to_utc(f"CAST({parsed} AS TIMESTAMP)", options.timezone)
    precise = f"NOT regexp_matches({text}, {literal(_BEYOND_MICROSECONDS)})"
    with_offset = f"timezone('UTC', TRY_CAST({text} AS TIMESTAMPTZ))"
    local = _local_to_utc(f"TRY_CAST({text} AS TIMESTAMP)", options.timezone)
    return (f"CASE WHEN {precise} AND regexp_full_match({text}, {literal(_ISO_OFFSET)}) THEN {with_offset} "
            f"WHEN {precise} AND regexp_full_match({text}, {literal(_ISO_LOCAL)}) THEN {local} END")


def _local_to_utc(local: str, zone: str) -> str:
    """A wall-clock time in `zone` as the UTC wall clock of its instant; NULL when the time
    does not exist there or exists twice (a daylight-saving change)."""
    if zone == "UTC":
        return local
    tz = literal(zone)
    instant = f"timezone({tz}, {local})"
    unique = (f"timezone({tz}, {instant}) = {local} "
              f"AND timezone({tz}, {instant} - INTERVAL 1 HOUR) <> {local} "
              f"AND timezone({tz}, {instant} + INTERVAL 1 HOUR) <> {local}")
    return f"CASE WHEN {unique} THEN timezone('UTC', {instant}) END"


# ---- typed files (Parquet, JSON) ------------------------------------------------------------


def _typed_int(value: str, physical: str, options: CastOptions) -> Cast | None:
    if physical in _SMALL_INTEGERS:
        return Cast(value if physical == "BIGINT" else f"CAST({value} AS BIGINT)", False)
    if physical in _LARGE_INTEGERS:
        return Cast(f"TRY_CAST({value} AS BIGINT)", True)
    if physical in _FLOATS or physical.startswith("DECIMAL"):
        return Cast(f"CASE WHEN {value} = trunc({value}) THEN TRY_CAST({value} AS BIGINT) END", True)
    return None


def _typed_float(value: str, physical: str, options: CastOptions) -> Cast | None:
    if physical == "DOUBLE":
        return Cast(value, False)
    if physical in ("FLOAT", "REAL", "TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT", "UINTEGER") \
            or physical.startswith("DECIMAL"):
        return Cast(f"CAST({value} AS DOUBLE)", False)
    if physical in ("BIGINT",) + _LARGE_INTEGERS:
        return Cast(f"CASE WHEN abs({value}) <= {_EXACT_DOUBLE_LIMIT} THEN CAST({value} AS DOUBLE) END", True)
    return None


def _typed_bool(value: str, physical: str, options: CastOptions) -> Cast | None:
    return Cast(value, False) if physical == "BOOLEAN" else None


def _typed_timestamp(value: str, physical: str, options: CastOptions) -> Cast | None:
    if physical == "TIMESTAMP WITH TIME ZONE":
        return Cast(f"timezone('UTC', {value})", False)
    if physical == "TIMESTAMP_NS":
        exact = f"CAST(CAST({value} AS TIMESTAMP) AS TIMESTAMP_NS) = {value}"
        local = _local_to_utc(f"CAST({value} AS TIMESTAMP)", options.timezone)
        return Cast(f"CASE WHEN {exact} THEN {local} END", True)
    if physical in ("TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_S", "DATE"):
        local = value if physical == "TIMESTAMP" else f"CAST({value} AS TIMESTAMP)"
        return Cast(_local_to_utc(local, options.timezone), options.timezone != "UTC")
    return None


def _typed_string(value: str, physical: str, options: CastOptions) -> Cast | None:
    if physical.endswith("[]") or physical.startswith(("STRUCT", "MAP", "JSON")):
        return None
    return Cast(f"CAST({value} AS VARCHAR)", False)  # a number or a bool as its own text


_TYPED = {
    "int": _typed_int,
    "float": _typed_float,
    "bool": _typed_bool,
    "timestamp": _typed_timestamp,
    "string": _typed_string,
}


def _duckdb_type(kind: str) -> str:
    return {"string": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN",
            "timestamp": "TIMESTAMP"}.get(kind, "VARCHAR")
