"""specc's SQL in other engines' dialects: one DuckDB statement written for another engine.

specc writes every statement once, in DuckDB's dialect, and sqlglot rewrites it for the
others (docs/engines.md argues the choice). A few DuckDB functions that sqlglot passes
through unchanged are rewritten here first into forms every target has (`portable`), so the
text an engine receives names only its own functions. What a dialect cannot express is not
an error: `write` returns the statement with the problems named, and `specc compile` prints
them as comments above it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, UnsupportedError

DIALECTS = ("duckdb", "spark", "postgres", "trino", "bigquery", "snowflake")


@dataclass(frozen=True)
class Written:
    """One statement in a dialect; `problems` names what the dialect cannot express (then
    `sql` is sqlglot's best effort, or None when the statement could not be read at all)."""

    sql: str | None
    problems: tuple[str, ...] = ()


def write(sql: str, dialect: str) -> Written:
    """`sql` (one DuckDB statement) in `dialect`."""
    if dialect == "duckdb":
        return Written(sql)
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except ParseError as exc:
        return Written(None, (f"sqlglot cannot read this statement: {_first_line(exc)}",))
    tree = portable(tree, dialect)
    try:
        return Written(tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE))
    except UnsupportedError as exc:
        problems = tuple(dict.fromkeys(line.strip() for line in str(exc).splitlines() if line.strip()))
        return Written(tree.sql(dialect=dialect, unsupported_level=ErrorLevel.IGNORE), problems)


def portable(tree: exp.Expression, dialect: str) -> exp.Expression:
    """DuckDB-only functions sqlglot would pass through unchanged, in forms it can translate."""
    return tree.transform(lambda node: _portable_node(node, dialect), copy=True)


def _portable_node(node: exp.Expression, dialect: str) -> exp.Expression:
    if isinstance(node, exp.RegexpFullMatch) and dialect != "duckdb":
        # A whole-string match is a search for the pattern anchored at both ends.
        return exp.RegexpLike(this=node.this, expression=_anchored(node.expression))
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        if name == "strlen" and len(node.expressions) == 1:
            return exp.Length(this=node.expressions[0])
    return node


def _anchored(pattern: exp.Expression) -> exp.Expression:
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        return exp.Literal.string(f"^(?:{pattern.this})$")
    return exp.DPipe(this=exp.DPipe(this=exp.Literal.string("^(?:"), expression=pattern),
                     expression=exp.Literal.string(")$"))


def as_comment(text: str) -> str:
    return "\n".join(f"-- {line}" for line in text.splitlines())


def written_text(label: str, sql: str, dialect: str) -> str:
    """A statement for `specc compile`: its label, what the dialect cannot express, then the
    statement itself (commented out when it could not be written at all)."""
    result = write(sql, dialect)
    lines = [f"-- {label}".replace("\n", " ")]
    lines += [f"-- specc: {dialect} cannot express this as written: {problem}" for problem in result.problems]
    lines.append(result.sql + ";" if result.sql is not None else as_comment(sql))
    return "\n".join(lines)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
