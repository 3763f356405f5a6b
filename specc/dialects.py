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

from .spark_sql import spark_node

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
    tree = tree.transform(lambda node: _portable_node(node, dialect), copy=True)
    if dialect == "postgres":
        tree = _bottom_up(tree, _postgres_node)
    if dialect == "spark":
        tree = tree.transform(spark_node, copy=False)
    return tree


def _bottom_up(tree: exp.Expression, rewrite) -> exp.Expression:
    """`rewrite` each node after its children (sqlglot's `transform` does not descend into a
    node it replaced), numbering the aliases it invents in order."""
    counter = iter(range(1, 1 << 30))
    for node in reversed(list(tree.dfs())):
        new = rewrite(node, counter)
        if new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
    return tree


def _postgres_node(node: exp.Expression, counter) -> exp.Expression:
    """What PostgreSQL 15 lacks, as subqueries and standard clauses it has."""
    if isinstance(node, exp.ArraySize):  # array_length(a, 1) is NULL for an empty array
        return exp.Anonymous(this="cardinality", expressions=[node.this])
    if isinstance(node, exp.ArrayDistinct):  # only ever counted: its order does not matter
        return _over_items(node.this, "SELECT DISTINCT v FROM unnest({a}) AS u(v) WHERE v IS NOT NULL")
    if isinstance(node, exp.ArraySort):
        return _over_items(node.this, "SELECT v FROM unnest({a}) AS u(v) ORDER BY v NULLS FIRST")
    if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue):
        return node.this
    if isinstance(node, exp.AnyValue):  # PostgreSQL 16 has any_value; any one value is the least
        return exp.Min(this=node.this)
    if isinstance(node, exp.Substring):  # PostgreSQL's substring takes int positions, not bigint
        for key in ("start", "length"):
            if node.args.get(key) is not None:
                node.set(key, exp.cast(node.args[key], "INT"))
    if isinstance(node, exp.DataType) and node.this in (exp.DataType.Type.INT128, exp.DataType.Type.UINT128):
        return exp.DataType.build("DECIMAL(38, 0)")
    if isinstance(node, exp.Subquery) and not node.alias and isinstance(node.parent, (exp.From, exp.Join)):
        node.set("alias", exp.TableAlias(this=exp.to_identifier(f"__q{next(counter)}", quoted=True)))
    if isinstance(node, exp.Struct):  # a composite key: a row value groups and compares alike
        values = [e.expression if isinstance(e, (exp.PropertyEQ, exp.Alias)) else e for e in node.expressions]
        return exp.Anonymous(this="ROW", expressions=[v.copy() for v in values])
    if isinstance(node, exp.Contains):
        return exp.GT(this=exp.Anonymous(this="strpos", expressions=[node.this.copy(), node.expression.copy()]),
                      expression=exp.Literal.number(0))
    if isinstance(node, exp.Round) and node.args.get("decimals") is not None:
        # PostgreSQL rounds only numerics to a number of places: the double's decimal value, rounded
        numeric = exp.Round(this=exp.cast(node.this.copy(), "DECIMAL"), decimals=node.args["decimals"].copy())
        return exp.cast(numeric, "DOUBLE")
    if isinstance(node, (exp.ArgMin, exp.ArgMax)):  # the first value in the order of the other, nulls aside
        order = "" if isinstance(node, exp.ArgMin) else " DESC"
        template = f"(array_agg(__arg ORDER BY __by{order}) FILTER (WHERE __by IS NOT NULL))[1]"
        chosen = sqlglot.parse_one(template, read="postgres")
        by = {"__arg": node.this, "__by": node.expression}
        return chosen.transform(lambda n: by[n.name].copy() if isinstance(n, exp.Column) and n.name in by else n)
    if isinstance(node, exp.Anonymous) and node.name.lower() in ("list_position", "list_indexof"):
        # both count from 1 and give NULL for an item not in the list
        return exp.Anonymous(this="array_position", expressions=[e.copy() for e in node.expressions])
    if isinstance(node, exp.Transform) and isinstance(node.expression, exp.Lambda):
        return _transformed(node, counter)
    if isinstance(node, exp.Select):
        _expand_all(node)
    if isinstance(node, exp.SetOperation):  # `a UNION ALL b ORDER BY ALL`: the order is the union's
        _order_by_position(node, len(node.selects))
    return node


def _transformed(node: exp.Transform, counter) -> exp.Expression:
    """`list_transform(a, lambda x: f(x))` over the subscripts of `a`, in their order: an item
    is `a[i]`, which is a whole value even when it is a record (a composite type), where
    `unnest` would spread a record's fields into columns."""
    array, function = node.this, node.expression
    parameter = function.expressions[0].name
    position = exp.column("i", table=f"__s{next(counter)}", quoted=True)
    item = exp.Paren(this=exp.Bracket(this=array.copy(), expressions=[position]))

    def is_parameter(n: exp.Expression) -> bool:  # `x`, or the record in `x.field`, not a field
        return isinstance(n, exp.Identifier) and n.name == parameter \
            and not (isinstance(n.parent, exp.Dot) and n.parent.expression is n)

    body = function.this.copy().transform(lambda n: item.copy() if is_parameter(n) else n)
    subscripts = f"SELECT NULL FROM generate_subscripts(__items, 1) AS {position.table}(i) ORDER BY {position.sql()}"
    select = sqlglot.parse_one(subscripts, read="postgres")
    select = select.transform(lambda n: array.copy() if isinstance(n, exp.Column) and n.name == "__items" else n)
    select.set("expressions", [body])
    array_of = exp.Array(expressions=[select])
    return exp.case().when(exp.Is(this=array.copy(), expression=exp.null()), exp.null()).else_(array_of)


def _over_items(array: exp.Expression, select: str) -> exp.Expression:
    """`select` over the items of `array`, as an array; NULL for a NULL array, as in DuckDB."""
    items = sqlglot.parse_one(f"ARRAY({select.format(a='__items')})", read="postgres")
    items = items.transform(lambda n: array.copy() if isinstance(n, exp.Column) and n.name == "__items" else n)
    return exp.case().when(exp.Is(this=array.copy(), expression=exp.null()), exp.null()).else_(items)


def _expand_all(select: exp.Select) -> None:
    """`GROUP BY ALL` as the columns that are not aggregates; `ORDER BY ALL` as every column."""
    group = select.args.get("group")
    if group is not None and group.args.get("all"):
        keys = [e.unalias().copy() for e in select.expressions if not e.find(exp.AggFunc)]
        select.set("group", exp.Group(expressions=keys))
    _order_by_position(select, len(select.expressions))


def _order_by_position(query: exp.Query, width: int) -> None:
    """`ORDER BY ALL` as the positions of the query's `width` columns, in order."""
    order = query.args.get("order")
    if order is not None and len(order.expressions) == 1 and isinstance(order.expressions[0].this, exp.Var) \
            and order.expressions[0].this.name.upper() == "ALL":
        query.set("order", exp.Order(expressions=[exp.Ordered(this=exp.Literal.number(i + 1)) for i in range(width)]))


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
