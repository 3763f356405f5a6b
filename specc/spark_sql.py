"""What Spark SQL lacks that sqlglot writes through, or plans badly: the rewrites of a DuckDB
statement, after specc.dialects' portable forms, that make it the statement Spark runs.

`specc.dialects.write(sql, "spark")` applies them, so `specc compile --target sql --dialect
spark` prints what `--engine spark` runs (specc.engines.spark_engine).
"""

from __future__ import annotations

from sqlglot import exp


def spark_node(node: exp.Expression) -> exp.Expression:
    """What Spark SQL lacks that sqlglot writes through, or plans badly."""
    if isinstance(node, exp.In) and node.args.get("query") is not None \
            and not isinstance(node.find_ancestor(exp.Where, exp.Join, exp.Select), (exp.Where, exp.Join)):
        return _membership(node) or node  # in a filter, Spark plans IN as a semi join itself
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)  # a hint to DuckDB only; Spark plans a CTE itself
    if isinstance(node, exp.Anonymous) and node.name.lower() == "regexp_split_to_array":
        return exp.Anonymous(this="split", expressions=[e.copy() for e in node.expressions])
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_position":
        # DuckDB's is NULL where Spark's array_position is 0: the item is not in the list
        found = exp.Anonymous(this="array_position", expressions=[e.copy() for e in node.expressions])
        return exp.Nullif(this=found, expression=exp.Literal.number(0))
    if isinstance(node, exp.DataType) and node.this in (exp.DataType.Type.INT128, exp.DataType.Type.UINT128):
        return exp.DataType.build("DECIMAL(38, 0)")
    if isinstance(node, exp.Select):
        _subscripts_in_step(node)
    return node


def _subscripts_in_step(select: exp.Select) -> None:
    """DuckDB runs `unnest(l)` and `generate_subscripts(l, 1)` of one select list in step (an
    item beside its 1-based place); Spark allows one generator per select list, so both read
    one `LATERAL VIEW posexplode(l)`, whose places count from 0."""
    subscripts = [f for f in select.find_all(exp.Anonymous) if f.name.lower() == "generate_subscripts"
                  and f.parent_select is select]
    if not subscripts:
        return
    items = subscripts[0].expressions[0]
    unnested = [e for e in select.find_all(exp.Explode) if e.parent_select is select]
    if any(f.expressions[1:] != [exp.Literal.number(1)] or f.expressions[0] != items for f in subscripts) \
            or any(e.this != items for e in unnested):
        return  # not the one pattern specc writes: left for Spark to refuse by name
    view = "__specc_items"
    for found in subscripts:
        found.replace(exp.paren(exp.column("place", table=view) + 1))
    for found in unnested:
        found.replace(exp.column("item", table=view))
    if select.args.get("from_") is None:
        select.from_("(SELECT 1) AS __specc_one", copy=False)
    lateral = exp.Lateral(this=exp.Posexplode(this=items.copy()), view=True,
                          alias=exp.TableAlias(this=exp.to_identifier(view),
                                               columns=[exp.to_identifier("place"), exp.to_identifier("item")]))
    select.append("laterals", lateral)


def _membership(node: exp.In) -> exp.Expression | None:
    """`t1.x IN (SELECT c FROM t2 WHERE w)` as `EXISTS (SELECT 1 FROM t2 WHERE w AND c = t1.x)`,
    with IN's NULLs kept (NULL for a NULL x, or for no match when the list holds a NULL).

    Written as IN in a select list (a reference check's flag), Spark must plan a NULL-aware
    existence join: a nested loop over both tables, 1M × 333k comparisons in the benchmark.
    The correlated EXISTS is an equi-join Spark hashes. Only the simple shape is rewritten: one
    column of one table, and an outer value qualified by its table (so it cannot be read as
    the inner table's column of the same name)."""
    query = node.args["query"]
    select = query.this if isinstance(query, exp.Subquery) else query
    if not isinstance(select, exp.Select) or len(select.expressions) != 1 \
            or any(select.args.get(k) for k in ("joins", "group", "having", "limit", "distinct", "order", "with")):
        return None
    source, column, value = select.args["from_"].this, select.expressions[0], node.this
    if not isinstance(source, exp.Table) or not isinstance(column, exp.Column) \
            or not isinstance(value, exp.Column) or not value.table:
        return None
    inner = "__member"
    own_names = {"", source.name, source.alias_or_name}

    def requalified(expression: exp.Expression) -> exp.Expression:
        return expression.copy().transform(
            lambda n: exp.column(n.name, table=inner, quoted=True) if isinstance(n, exp.Column) and n.table in own_names
            else n)

    item = requalified(column)
    where = select.args.get("where")
    condition = requalified(where.this) if where is not None else exp.true()

    def exists(test: exp.Expression) -> exp.Expression:
        table = source.copy()
        table.set("alias", exp.TableAlias(this=exp.to_identifier(inner, quoted=True)))
        return exp.Exists(this=exp.select("1").from_(table).where(exp.and_(condition.copy(), test)))

    guarded = any(isinstance(c, exp.Not) and isinstance(c.this, exp.Is) and c.this.this == column
                  for c in (where.this.flatten() if where is not None and isinstance(where.this, exp.And)
                            else [where.this] if where is not None else []))
    case = exp.case().when(exp.Is(this=value.copy(), expression=exp.null()), exp.null()) \
        .when(exists(exp.EQ(this=item.copy(), expression=value.copy())), exp.true())
    if not guarded:  # the list may hold a NULL: no match is then unknown, as IN says
        case = case.when(exists(exp.Is(this=item.copy(), expression=exp.null())), exp.null())
    return exp.Paren(this=case.else_(exp.false()))
