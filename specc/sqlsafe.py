"""The one place where names and literals become SQL text.

Every SQL-producing line in specc goes through these helpers. Data values are never pasted
into SQL: they are bound as parameters or read
by DuckDB from the files themselves; only identifiers and literals written in a reviewed spec
reach SQL text, and only through `identifier` and `literal`.
"""

from __future__ import annotations

import math


def identifier(name: str) -> str:
    """Quote an identifier for DuckDB/ANSI SQL: wrap in double quotes, double any inside."""
    if "\x00" in name:
        raise ValueError("identifier contains a NUL character")
    return '"' + name.replace('"', '""') + '"'


def literal(value) -> str:
    """Render a spec literal (never a data value) as SQL text."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"cannot write {value!r} as a SQL literal")
        return repr(value)
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("string literal contains a NUL character")
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"cannot write {type(value).__name__} as a SQL literal")
