"""Types of columns and rule expressions, and the checks that a rule makes sense.

Shared by the resolver (which reports mistakes) and the SQL backend (which needs to know, for
instance, that `submitted_at - assigned_at` is a duration to compare with `48h`).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

from . import ast
from .casts import instant_from_text
from .diagnostics import Diagnostic, did_you_mean, error, warning

SCALAR_TYPES = ("string", "int", "float", "bool", "timestamp")
NUMERIC = ("int", "float")


@dataclass(frozen=True)
class ValueType:
    kind: str  # string int float bool timestamp duration null list record any
    taxonomy: str | None = None  # set for strings bound to a taxonomy
    item: "ValueType | None" = None  # element type of a list
    record: str | None = None

    def __str__(self) -> str:
        if self.kind == "list":
            return f"list of {self.item}"
        if self.taxonomy:
            return f"label of {self.taxonomy}"
        if self.kind == "record":
            return f"record {self.record}"
        return self.kind

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC


STRING, INT, FLOAT, BOOL = ValueType("string"), ValueType("int"), ValueType("float"), ValueType("bool")
TIMESTAMP, DURATION, NULL, ANY = ValueType("timestamp"), ValueType("duration"), ValueType("null"), ValueType("any")


def article(value) -> str:
    """`an int`, `a string`, `a label of Entity`."""
    text = str(value)
    return ("an " if text[:1] in "aeiou" else "a ") + text


def column_type(type_ref: ast.TypeRef, taxonomies, records) -> ValueType:
    """The value type of a declared column type (unknown names give `any`)."""
    if isinstance(type_ref, ast.ListType):
        return ValueType("list", item=column_type(type_ref.item, taxonomies, records))
    if isinstance(type_ref, (ast.LeavesType, ast.SubtreeType)):
        return ValueType("string", taxonomy=type_ref.taxonomy.text)
    name = type_ref.name.text
    if name in SCALAR_TYPES:
        return ValueType(name)
    if name in taxonomies:
        return ValueType("string", taxonomy=name)
    if name in records:
        return ValueType("record", record=name)
    return ANY


@dataclass
class Scope:
    """What names a rule can see: its table's columns, then joined tables' columns."""

    table: ast.Table
    tables: dict  # name -> ast.Table
    taxonomies: dict  # name -> LabelTree
    records: dict
    joined: tuple[str, ...] = ()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    used_labels: list[tuple[str, str, ast.Literal]] = field(default_factory=list)

    def lookup(self, ref: ast.ColumnRef, allow_any_table: bool = False) -> ValueType | None:
        if len(ref.parts) > 2:
            self.diagnostics.append(error("E104", ref.span, f"`{ref}` is not a column: write `column` or `table.column`"))
            return None
        table = self.table if ref.table is None else self.tables.get(ref.table)
        if ref.table is not None and (table is None or (ref.table not in self.joined + (self.table.name.text,) and not allow_any_table)):
            hint = did_you_mean(ref.table, self.joined + (self.table.name.text,))
            if table is not None:
                hint = f"join it first: `rules for {self.table.name.text} with {ref.table} on KEY {{`"
            self.diagnostics.append(error("E102", ref.span, f"table `{ref.table}` is not in scope here", hint))
            return None
        column = table.column(ref.column)
        if column is None:
            self.diagnostics.append(error(
                "E104", ref.span, f"table `{table.name.text}` has no column `{ref.column}`",
                did_you_mean(ref.column, [c.name.text for c in table.columns]),
            ))
            return None
        return column_type(column.type, self.taxonomies, self.records)


def _comparable(left: ValueType, right: ValueType) -> bool:
    if ANY in (left, right) or NULL in (left, right):
        return True
    if left.is_numeric and right.is_numeric:
        return True
    return left.kind == right.kind


class TypeChecker:
    """Infers expression types, reporting each mistake once with the span of its node."""

    FUNCTIONS = {
        "length": (("string", "list"), INT),
        "words": (("string",), INT),
        "lower": (("string",), STRING),
        "upper": (("string",), STRING),
        "trim": (("string",), STRING),
        "abs": (NUMERIC, None),
        "round": (NUMERIC, None),
    }

    def __init__(self, scope: Scope):
        self.scope = scope

    def report(self, code: str, node, message: str, hint: str | None = None) -> None:
        self.scope.diagnostics.append(error(code, node.span, message, hint))

    def infer(self, node) -> ValueType:
        method = getattr(self, "_" + type(node).__name__.lower())
        return method(node)

    def condition(self, node) -> None:
        """A rule condition must be true or false for each row, group or table."""
        result = self.infer(node)
        if result.kind not in ("bool", "any"):
            self.report("E203", node, f"a rule condition must be true or false, but this is {article(result)}",
                        "compare it with something, e.g. `x > 0` or `x is not null`")

    def _literal(self, node: ast.Literal) -> ValueType:
        if node.kind == "number":
            return INT if isinstance(node.value, int) else FLOAT
        if node.kind == "percent":
            return FLOAT
        return {"string": STRING, "bool": BOOL, "null": NULL, "duration": DURATION}[node.kind]

    def _columnref(self, node: ast.ColumnRef) -> ValueType:
        return self.scope.lookup(node) or ANY

    def _call(self, node: ast.Call) -> ValueType:
        name = node.function.text
        if name == "timestamp":
            return self._timestamp_literal(node)
        if name == "coalesce":
            types = [self.infer(argument) for argument in node.arguments]
            return next((t for t in types if t.kind not in ("null", "any")), ANY)
        if name not in self.FUNCTIONS:
            self.report("E204", node.function, f"unknown function `{name}`",
                        did_you_mean(name, list(self.FUNCTIONS) + ["coalesce"]) or
                        f"functions: {', '.join(sorted(self.FUNCTIONS))}, coalesce")
            return ANY
        accepted, result = self.FUNCTIONS[name]
        if len(node.arguments) != 1:
            self.report("E204", node, f"`{name}` takes one argument, got {len(node.arguments)}")
            return result or ANY
        argument = self.infer(node.arguments[0])
        if argument.kind not in accepted + ("any", "null"):
            self.report("E202", node.arguments[0], f"`{name}` needs {' or '.join(article(a) for a in accepted)}, not {article(argument)}")
        return result or argument

    def _timestamp_literal(self, node: ast.Call) -> ValueType:
        """`timestamp("2026-03-01")`: an instant written in the spec, to compare columns with."""
        argument = node.arguments[0] if len(node.arguments) == 1 else None
        if not (isinstance(argument, ast.Literal) and argument.kind == "string"):
            self.report("E202", node, "`timestamp` takes one quoted date or time, e.g. `timestamp(\"2026-03-01\")`")
        elif instant_from_text(argument.value) is None:
            self.report("E202", argument, f"`{argument.value}` is not a date or time in ISO 8601",
                        "write `2026-03-01`, `2026-03-01 14:05`, or with its offset `2026-03-01T14:05:00+01:00`")
        return TIMESTAMP

    def _arithmetic(self, node: ast.Arithmetic) -> ValueType:
        left, right = self.infer(node.left), self.infer(node.right)
        if ANY in (left, right):
            return ANY
        if left.kind == "timestamp" and right.kind == "timestamp" and node.operator == "-":
            return DURATION
        if left.kind == "timestamp" and right.kind == "duration" and node.operator in "+-":
            return TIMESTAMP
        if left.kind == right.kind == "duration" and node.operator in "+-":
            return DURATION
        if left.kind == right.kind == "duration" and node.operator == "/":
            return FLOAT  # a ratio of two durations
        if left.kind == "duration" and right.is_numeric and node.operator in "*/":
            return DURATION
        if left.is_numeric and right.kind == "duration" and node.operator == "*":
            return DURATION
        if left.is_numeric and right.is_numeric:
            return FLOAT if FLOAT in (left, right) or node.operator == "/" else INT
        self.report("E202", node, f"cannot apply `{node.operator}` to {left} and {right}")
        return ANY

    def _compare(self, node: ast.Compare) -> ValueType:
        left, right = self.infer(node.left), self.infer(node.right)
        if NULL in (left, right):
            self.report("E201", node, "comparing with `null` is never true",
                        "write `x is null` or `x is not null`")
        elif not _comparable(left, right):
            self.report("E201", node, f"cannot compare {left} with {right}", _duration_hint(node, left, right))
        self._check_share_bound(node.left, node.right)
        self._check_share_bound(node.right, node.left)
        excluding = node.operator == "!="
        self._check_labels(node.left, left, [node.right], excluding)
        self._check_labels(node.right, right, [node.left], excluding)
        return BOOL

    def _check_share_bound(self, share, bound) -> None:
        """`share where (…) <= 10`: a share is a fraction, so a bare number above 1 makes
        the rule pass (or fail) whatever the data; the author almost surely forgot `%`."""
        if not isinstance(share, (ast.ShareOf, ast.ShareWhere)):
            return
        if isinstance(bound, ast.Literal) and bound.kind == "number" and bound.value > 1:
            self.scope.diagnostics.append(warning(
                "W103", bound.span, f"a share lies between 0 and 1, so comparing it with {bound.text} "
                "gives the same answer whatever the data", f"did you mean `{bound.text}%`?"))

    def _check_labels(self, operand, operand_type: ValueType, literals, excluding: bool = False) -> None:
        """Strings compared with a taxonomy column must be labels of that taxonomy.

        A label named only to exclude it (`label != "MISC"`) is how a rule polices a
        deprecated label, so only positive uses are recorded for the deprecation warning."""
        if not operand_type.taxonomy:
            return
        tree = self.scope.taxonomies.get(operand_type.taxonomy)
        for literal in literals:
            if isinstance(literal, ast.Literal) and literal.kind == "string" and tree is not None:
                if not excluding:
                    self.scope.used_labels.append((operand_type.taxonomy, literal.value, literal))
                if literal.value not in tree.nodes:
                    self.report("E105", literal, f"`{literal.value}` is not a label of taxonomy `{tree.name}`",
                                did_you_mean(literal.value, tree.codes()))

    def _boolean_operands(self, node, operands) -> ValueType:
        for operand in operands:
            kind = self.infer(operand).kind
            if kind not in ("bool", "any", "null"):
                self.report("E203", operand, f"`{type(node).__name__.lower()}` needs true/false operands, not {article(kind)}")
        return BOOL

    def _and(self, node: ast.And) -> ValueType:
        return self._boolean_operands(node, node.operands)

    def _or(self, node: ast.Or) -> ValueType:
        return self._boolean_operands(node, node.operands)

    def _not(self, node: ast.Not) -> ValueType:
        return self._boolean_operands(node, (node.operand,))

    def _isnull(self, node: ast.IsNull) -> ValueType:
        self.infer(node.operand)
        return BOOL

    def _isvalid(self, node: ast.IsValid) -> ValueType:
        if not isinstance(node.operand, ast.ColumnRef):
            self.report("E213", node.operand, "`is valid` applies to a column: it says the value passes the "
                        "column's declared type and constraints")
            return BOOL
        self.infer(node.operand)
        return BOOL

    def _inlist(self, node: ast.InList) -> ValueType:
        operand = self.infer(node.operand)
        for value in node.values:
            if not _comparable(operand, self.infer(value)):
                self.report("E201", value, f"cannot compare {operand} with {self.infer(value)}")
        self._check_labels(node.operand, operand, node.values, node.negated)
        return BOOL

    def _taxonomy_of(self, node, operand: ValueType, what: str):
        tree = self.scope.taxonomies.get(operand.taxonomy) if operand.taxonomy else None
        if tree is None and operand != ANY:
            self.report("E208", node, f"`{what}` needs a column bound to a taxonomy, but this is {article(operand)}")
        return tree

    def _insubtree(self, node: ast.InSubtree) -> ValueType:
        operand = self.infer(node.operand)
        tree = self._taxonomy_of(node, operand, "in subtree")
        if tree is not None:
            self._check_labels(node.operand, operand, [node.code], node.negated)
        return BOOL

    def _inleaves(self, node: ast.InLeaves) -> ValueType:
        self._taxonomy_of(node, self.infer(node.operand), "in leaves")
        return BOOL

    def _incolumn(self, node: ast.InColumn) -> ValueType:
        operand = self.infer(node.operand)
        target = self.scope.lookup(node.target, allow_any_table=True) or ANY
        if node.target.table is None:
            self.report("E102", node.target, "`in` a column needs `table.column`")
        elif not _comparable(operand, target):
            self.report("E201", node, f"cannot compare {operand} with {target}")
        return BOOL

    def _betweenexpr(self, node: ast.BetweenExpr) -> ValueType:
        operand = self.infer(node.operand)
        for bound in (node.low, node.high):
            bound_type = self.infer(bound)
            if not _comparable(operand, bound_type):
                self.report("E201", bound, f"cannot compare {operand} with {bound_type}")
        return BOOL

    def _matches(self, node: ast.Matches) -> ValueType:
        operand = self.infer(node.operand)
        if operand.kind not in ("string", "any", "null"):
            self.report("E202", node.operand, f"`matches` needs a string, not {article(operand)}")
        check_regex(node.pattern, node, self.scope.diagnostics)
        return BOOL

    def _aggregate(self, node: ast.Aggregate) -> ValueType:
        for key in node.per:
            self.scope.lookup(ast.ColumnRef((key.text,), span=key.span))
        if node.argument is None:
            return INT
        argument = self.infer(node.argument)
        if node.function == "count_distinct":
            return INT
        if node.function in ("sum", "avg") and not (argument.is_numeric or argument.kind in ("any", "duration")):
            self.report("E202", node.argument, f"`{node.function}` needs numbers or durations, not {article(argument)}")
            return ANY  # already reported: no second error where the result is compared
        if node.function in ("min", "max") and argument.kind in ("list", "record"):
            self.report("E202", node.argument, f"`{node.function}` needs values that order, not {article(argument)}")
            return ANY
        # an aggregate keeps its argument's type: the mean of durations is a duration
        return FLOAT if node.function == "avg" and argument.kind == "int" else argument

    def _shareof(self, node: ast.ShareOf) -> ValueType:
        self.infer(node.operand)
        if node.where is not None:
            self.condition(node.where)
        if not isinstance(node.operand, ast.ColumnRef) or node.operand.table is not None:
            self.report("E212", node.operand, "`share of` needs a column of the rule's table",
                        "for a condition, write `share where (…)`")
        return FLOAT

    def _sharewhere(self, node: ast.ShareWhere) -> ValueType:
        self.condition(node.condition)
        return FLOAT


def _duration_hint(node: ast.Compare, left: ValueType, right: ValueType) -> str | None:
    if DURATION not in (left, right):
        return None
    other = node.right if left == DURATION else node.left
    if isinstance(other, ast.Literal) and other.kind == "number":
        return f"a duration is written with its unit: `{other.text}s`, `{other.text}m` or `{other.text}h`"
    return "durations are written like `48h`, `30m` or `2d`"


def check_regex(pattern: str, node, diagnostics: list) -> None:
    """Patterns run in DuckDB (RE2); Python's `re` catches the mistakes both would reject."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. FutureWarning for `[[a-z]]`: not ours to print
            re.compile(pattern)
    except re.error as exc:
        diagnostics.append(error("E205", node.span, f"invalid regular expression: {exc}"))
        return
    if re.search(r"\(\?[=!<]|\\[1-9]", pattern):
        diagnostics.append(error("E205", node.span,
                                 "look-around and back-references are not supported (patterns use RE2)"))
