"""Rule expressions to DuckDB SQL.

Only spec text reaches SQL here — column names through `sqlsafe.identifier`, constants
through `sqlsafe.literal` — never a data value. Every sub-expression is parenthesised, so
the SQL means what the AST means whatever DuckDB's precedence rules are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import ast
from ..casts import instant_from_text
from ..expr_types import Scope, TypeChecker
from ..sqlsafe import identifier, literal


@dataclass
class ExpressionCompiler:
    spec: object  # CheckedSpec
    table: str
    join_table: str | None = None
    aggregate_aliases: dict = field(default_factory=dict)  # id(ast.Aggregate) -> alias
    share_alias: str | None = None  # what `share of X` means inside a per-value group
    unqualified: frozenset = frozenset()  # group keys: plain columns of a grouped relation

    def scope(self) -> Scope:
        joined = (self.join_table,) if self.join_table else ()
        return Scope(self.spec.tables[self.table], self.spec.tables, self.spec.taxonomies, self.spec.records, joined)

    def type_of(self, node):
        return TypeChecker(self.scope()).infer(node)

    def compile(self, node) -> str:
        return getattr(self, "_" + type(node).__name__.lower())(node)

    def violation(self, condition) -> str:
        """True exactly when the condition is false; a NULL condition does not violate."""
        return f"coalesce(NOT ({self.compile(condition)}), FALSE)"

    # ---- leaves ------------------------------------------------------------------------

    def _literal(self, node: ast.Literal) -> str:
        if node.kind == "duration":  # durations are seconds, as DOUBLE
            return f"CAST({literal(float(node.value))} AS DOUBLE)"
        return literal(node.value)

    def _columnref(self, node: ast.ColumnRef) -> str:
        if node.table is None and node.column in self.unqualified:
            return identifier(node.column)
        table = node.table or self.table
        return f"{identifier(table)}.{identifier(node.column)}"

    # ---- operators ---------------------------------------------------------------------

    def _call(self, node: ast.Call) -> str:
        name = node.function.text
        if name == "timestamp":  # checked by the type checker: an ISO 8601 instant, here in UTC
            return f"CAST({literal(instant_from_text(node.arguments[0].value))} AS TIMESTAMP)"
        arguments = [self.compile(a) for a in node.arguments]
        if name == "words":
            text = f"trim({arguments[0]})"
            return f"(CASE WHEN {text} = '' THEN 0 ELSE array_length(regexp_split_to_array({text}, '\\s+')) END)"
        if name == "length" and self.type_of(node.arguments[0]).kind == "list":
            return f"array_length({arguments[0]})"
        return f"{name}({', '.join(arguments)})"

    def _arithmetic(self, node: ast.Arithmetic) -> str:
        left, right = self.compile(node.left), self.compile(node.right)
        left_kind, right_kind = self.type_of(node.left).kind, self.type_of(node.right).kind
        if left_kind == right_kind == "timestamp":  # a duration in seconds, to the microsecond
            return f"(CAST(date_diff('microsecond', {right}, {left}) AS DOUBLE) / 1000000)"
        if left_kind == "timestamp" and right_kind == "duration":
            return f"({left} {node.operator} to_microseconds(CAST(round({right} * 1000000) AS BIGINT)))"
        if node.operator == "/":  # a ratio, never an integer division
            return f"(CAST({left} AS DOUBLE) / {right})"
        return f"({left} {node.operator} {right})"

    def _compare(self, node: ast.Compare) -> str:
        operator = "<>" if node.operator == "!=" else node.operator
        return f"({self.compile(node.left)} {operator} {self.compile(node.right)})"

    def _and(self, node: ast.And) -> str:
        return "(" + " AND ".join(self.compile(o) for o in node.operands) + ")"

    def _or(self, node: ast.Or) -> str:
        return "(" + " OR ".join(self.compile(o) for o in node.operands) + ")"

    def _not(self, node: ast.Not) -> str:
        return f"(NOT {self.compile(node.operand)})"

    def _isnull(self, node: ast.IsNull) -> str:
        return f"({self.compile(node.operand)} IS {'NOT ' if node.negated else ''}NULL)"

    def _isvalid(self, node: ast.IsValid) -> str:
        from ..checks.columns import validity_sql

        ref = node.operand
        table = self.spec.tables[ref.table or self.table]
        valid = validity_sql(self.spec, self.compile(ref), table.column(ref.column))
        return f"(NOT {valid})" if node.negated else valid

    def _membership(self, operand, values: list, negated: bool) -> str:
        if not values:
            return "TRUE" if negated else "FALSE"
        listed = ", ".join(values)
        return f"({self.compile(operand)} {'NOT ' if negated else ''}IN ({listed}))"

    def _inlist(self, node: ast.InList) -> str:
        return self._membership(node.operand, [self.compile(v) for v in node.values], node.negated)

    def _taxonomy(self, operand):
        return self.spec.taxonomies.get(self.type_of(operand).taxonomy)

    def _insubtree(self, node: ast.InSubtree) -> str:
        codes = self._taxonomy(node.operand).subtree(node.code.value)
        return self._membership(node.operand, [literal(c) for c in codes], node.negated)

    def _inleaves(self, node: ast.InLeaves) -> str:
        codes = self._taxonomy(node.operand).leaves()
        return self._membership(node.operand, [literal(c) for c in codes], node.negated)

    def _incolumn(self, node: ast.InColumn) -> str:
        target = node.target
        subquery = (f"SELECT {identifier(target.column)} FROM {identifier(target.table)} "
                    f"WHERE {identifier(target.column)} IS NOT NULL")
        return f"({self.compile(node.operand)} {'NOT ' if node.negated else ''}IN ({subquery}))"

    def _betweenexpr(self, node: ast.BetweenExpr) -> str:
        return f"({self.compile(node.operand)} BETWEEN {self.compile(node.low)} AND {self.compile(node.high)})"

    def _matches(self, node: ast.Matches) -> str:
        test = f"regexp_matches({self.compile(node.operand)}, {literal(node.pattern)})"
        return f"(NOT {test})" if node.negated else test

    # ---- aggregates --------------------------------------------------------------------

    def _aggregate(self, node: ast.Aggregate) -> str:
        if id(node) in self.aggregate_aliases:
            return identifier(self.aggregate_aliases[id(node)])
        return self.aggregate_sql(node)

    def aggregate_sql(self, node: ast.Aggregate) -> str:
        if node.function == "count":
            return "count(*)"
        argument = self.compile(node.argument)
        if node.function == "count_distinct":
            return f"count(DISTINCT {argument})"
        return f"{node.function}({argument})"

    def _shareof(self, node: ast.ShareOf) -> str:  # within the group, see checks.rules
        return identifier(self.share_alias or "__share")

    def _sharewhere(self, node: ast.ShareWhere) -> str:
        condition = self.compile(node.condition)
        return f"(CAST(count(*) FILTER (WHERE {condition}) AS DOUBLE) / nullif(count(*), 0))"
