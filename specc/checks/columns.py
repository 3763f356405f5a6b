"""Built-in checks that column declarations switch on: `required`, ranges, patterns, lengths,
enums (from `one of` and taxonomies), `references`, `key`/`unique`, readable types, and a
table's `primary key`. Each is named `TABLE.COLUMN.CHECK`.
"""

from __future__ import annotations

from .. import ast
from ..describe import range_words, size_words
from ..expr_types import article, column_type
from ..inputs import TIED_COLUMN, TYPE_FLAG_PREFIX
from ..sqlsafe import identifier, literal
from .base import Relation, RowCheck, RowCountCheck, UniqueCheck
from .found_nothing import FoundNothing, found_nothing


def column_checks(spec, table: ast.Table, type_checked: frozenset[str]) -> list:
    relation = Relation(table.name.text)
    checks = []
    key_columns = {k.text for k in table.primary_key}
    nothing = found_nothing(spec, table)
    for column in table.columns:
        checks.extend(_checks_for(spec, relation, column, column.name.text in type_checked,
                                  column.name.text in key_columns, nothing))
    empty = row_count_check(table)
    if empty is not None:
        checks.insert(0, empty)
    if table.latest is not None:
        checks.append(_latest_tie_check(table, relation))
    if table.primary_key:
        keys = tuple(k.text for k in table.primary_key)
        checks.append(UniqueCheck(
            f"{relation.table}.primary_key", "column", relation, "error",
            f"Each ({', '.join(keys)}) must appear once", table.span, keys=keys,
            shown_columns=tuple((k, relation.column(k)) for k in keys),
            counted_by_load=table.latest is not None and {k.text for k in table.latest_keys} == set(keys),
        ))
    return checks


def _checks_for(spec, relation: Relation, column: ast.Column, type_checked: bool, in_primary_key: bool,
                nothing: FoundNothing | None = None) -> list:  # fmt: skip
    name = column.name.text
    quoted = relation.column(name)
    value_type = column_type(column.type, spec.taxonomies, spec.records)

    def row_check(check: str, violation: str, message: str, source) -> RowCheck:
        return RowCheck(f"{relation.table}.{name}.{check}", "column", relation, "error", message, source,
                        violation=violation, shown_columns=((name, quoted),))

    checks = []
    if type_checked:
        delivered = relation.column(TYPE_FLAG_PREFIX + name)
        checks.append(RowCheck(f"{relation.table}.{name}.type", "column", relation, "error",
                               f"`{name}` must be {article(value_type)}", column.type.span,
                               violation=f"{delivered} IS NOT NULL", shown_columns=((name, delivered),)))
    if column.has(ast.Required) or column.has(ast.Key) or in_primary_key:
        # like SQL's PRIMARY KEY, a column of the table's key may not be empty
        declared = column.find(ast.Required) or column.find(ast.Key)
        source = declared[0].span if declared else column.name.span
        violation = f"{quoted} IS NULL"
        if nothing is not None and name not in nothing.still_required:  # "annotated, found nothing"
            violation += f" AND NOT ({nothing.condition})"
        checks.append(row_check("required", violation, f"`{name}` is required", source))
    targets = {reference.span: reference.target for reference in column.find(ast.References)}
    for check, violation, message, source in value_violations(spec, quoted, column):
        kind = "reference" if check == "references" else "column"
        target = targets.get(source) if check == "references" else None
        checks.append(RowCheck(f"{relation.table}.{name}.{check}", kind, relation, "error", message, source,
                               violation=violation, shown_columns=((name, quoted),),
                               looks_up=(name, target.table, target.column) if target else None))
    if column.has(ast.Key) or column.has(ast.Unique):
        source = (column.find(ast.Key) or column.find(ast.Unique))[0].span
        checks.append(UniqueCheck(f"{relation.table}.{name}.unique", "column", relation, "error",
                                  f"`{name}` must be unique", source, keys=(name,), shown_columns=((name, quoted),)))
    return checks


def value_violations(spec, quoted: str, column: ast.Column):
    """(check, violation SQL, message, span) for each constraint a non-null value must meet:
    range, pattern, length, items, enum (`one of`, taxonomy) and references."""
    name = column.name.text
    range_sql = _range_violation(quoted, column)
    if range_sql:
        source = next(c for c in column.constraints if isinstance(c, (ast.Bound, ast.Range))).span
        yield "range", range_sql, f"`{name}` must be {range_words(column)}", source
    for pattern in column.find(ast.Pattern):
        yield ("pattern", f"NOT regexp_full_match({quoted}, {literal(pattern.regex)})",
               f"`{name}` must match {pattern.regex}", pattern.span)
    for bound in column.find(ast.LengthBound):
        size = f"length({quoted})" if bound.what == "length" else f"array_length({quoted})"
        yield ("length" if bound.what == "length" else "items", _between_violation(size, bound.low, bound.high),
               f"`{name}` must have {size_words(bound)}", bound.span)
    enum = _enum_values(spec, column)
    if enum is not None:
        values, source = enum
        violation = f"{quoted} NOT IN ({', '.join(literal(v) for v in values)})" if values else f"{quoted} IS NOT NULL"
        yield "enum", violation, f"`{name}` must be one of the allowed values", source
    for reference in column.find(ast.References):
        target = reference.target
        subquery = (f"SELECT {identifier(target.column)} FROM {identifier(target.table)} "
                    f"WHERE {identifier(target.column)} IS NOT NULL")
        yield ("references", f"{quoted} IS NOT NULL AND {quoted} NOT IN ({subquery})",
               f"`{name}` must exist in {target}", reference.span)


def validity_sql(spec, quoted: str, column: ast.Column) -> str:
    """`x is valid`: present, read as its declared type (a value that did not cast is null),
    and within every constraint of its column."""
    tests = [f"{quoted} IS NOT NULL"] + [f"NOT coalesce({violation}, FALSE)"
                                         for _, violation, _, _ in value_violations(spec, quoted, column)]
    return "(" + " AND ".join(tests) + ")"


def _latest_tie_check(table: ast.Table, relation: Relation) -> RowCheck:
    """`TABLE.latest_tie`: resubmissions that share the latest ordering value cannot be told apart,
    so none of them is taken as the answer and each is a violation."""
    keys = [k.text for k in table.latest_keys]
    order = table.latest.column.text
    shown = tuple((k, relation.column(k)) for k in keys + [order])
    return RowCheck(f"{relation.table}.latest_tie", "column", relation, "error",
                    f"Rows of one ({', '.join(keys)}) must not share the latest `{order}`", table.latest.span,
                    violation=relation.column(TIED_COLUMN), shown_columns=shown)


def row_count_check(table: ast.Table):
    """`TABLE.not_empty`: a table that must hold rows (unless `allow empty`) and holds none fails."""
    if table.allow_empty is not None:
        return None
    name = table.name.text
    return RowCountCheck(f"{name}.not_empty", "column", Relation(name), "error",
                         f"`{name}` must hold at least one row (declare `allow empty` if it may be empty)",
                         table.span)


def _range_violation(quoted: str, column: ast.Column) -> str | None:
    tests = []
    for constraint in column.constraints:
        if isinstance(constraint, ast.Bound):
            operator = "<>" if constraint.operator == "!=" else constraint.operator
            tests.append(f"{quoted} {operator} {literal(constraint.value)}")
        elif isinstance(constraint, ast.Range):
            tests.append(f"{quoted} BETWEEN {literal(constraint.low)} AND {literal(constraint.high)}")
    if not tests:
        return None
    return f"NOT ({' AND '.join(tests)})"


def _between_violation(size: str, low, high) -> str:
    tests = []
    if low is not None:
        tests.append(f"{size} < {literal(low)}")
    if high is not None:
        tests.append(f"{size} > {literal(high)}")
    return " OR ".join(tests) if tests else "FALSE"


def _enum_values(spec, column: ast.Column):
    """The allowed values of a column bound to a taxonomy or to `one of [...]`, or None."""
    one_of = column.find(ast.OneOf)
    if one_of:
        return [v.value for v in one_of[0].values], one_of[0].span
    type_ref = column.type
    if isinstance(type_ref, ast.ListType):
        return None
    name = type_ref.name.text if isinstance(type_ref, ast.NamedType) else type_ref.taxonomy.text
    tree = spec.taxonomies.get(name)
    if tree is None:
        return None
    return tree.allowed(type_ref), type_ref.span
