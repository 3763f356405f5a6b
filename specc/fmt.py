"""AST to canonical text: what `specc fmt` writes and what the round-trip tests check.

Specs are reviewed in pull requests; when every spec is laid out the same way, a diff shows
only changes of meaning. The layout is a function of the AST and the comments alone, which
makes formatting idempotent, and `format_parse_result` re-parses its own output and refuses
text whose AST or comments differ, so `specc fmt` can never change what a spec says.

The layout:

- two-space indentation, one declaration per line, a blank line between top-level
  declarations, except that a run of one-line preamble declarations (`spec`, `title`,
  `owner`, `version`, `description`, `import`) or of metrics stays together;
- table and record columns form a table: names padded to the longest name, types padded to
  the longest type, then the constraints in their written order, two spaces apart;
- label attributes on their own lines, indented under their label;
- each rule on one line: `error id "message": condition  tolerate 1%`;
- text of several lines in a `\"\"\"` block indented inside its owner; other text in double
  quotes, with `\\"`, `\\\\`, `\\n`, `\\t` and `\\r` escaped;
- expressions with the fewest parentheses that keep the tree, except that `not` keeps them
  around anything but a value: `not (x = 1)` reads unambiguously where `not x = 1` does not;
- numbers, durations and percents as the AST's `text` fields hold them;
- names in backticks when they are not plain identifiers or are keywords.

Comments stay where they were written, with the node they were written beside, even
where the layout moves that node (task items and table settings print in a fixed order):

- a comment at the end of a line stays at the end of the line of the last node that began
  before it on that line (a column, a setting, a rule, a label attribute, a closing brace);
- a comment on a line of its own goes above the next node, at that node's indentation, or
  above the node it stands inside of (between the lines of a long rule); after the last
  node of a block it stays at the end of the block;
- when formatting joins two lines that each ended in a comment (a rule written over two
  lines), the first stays at the end of the line and the second goes above it.

Between top-level comments and declarations one blank line is kept where the source had
any; other blank lines are not kept, and trailing whitespace is dropped from comments.
Lines end in `\\n` whatever the source used.
"""

from __future__ import annotations

import functools
import math
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import ast
from .source import NO_SPAN, Span

if TYPE_CHECKING:
    from .parse import ParseResult


class FormatError(Exception):
    """A spec that cannot be written as text, or a formatter bug caught by the self-check."""


# ---- names, strings and numbers -------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def grammar_keywords() -> frozenset[str]:
    """Every word that some parser state accepts where it also accepts a name: written as a
    name there, it would lex as the keyword, so the formatter quotes it. Words the grammar
    spells only after another keyword (`read delimiter`, `latest by`) never need quotes."""
    from .parse import _parser  # the parser's tables, only when something is written out

    parser = _parser()
    terminals = {terminal.name: terminal for terminal in parser.terminals}
    words = set()
    for actions in parser.parser.parser.parser.parse_table.states.values():
        if "NAME" not in actions:
            continue
        for name in actions:
            terminal = terminals.get(name)
            if terminal is not None and terminal.pattern.type == "str" and _PLAIN_NAME.fullmatch(terminal.pattern.value):
                words.add(terminal.pattern.value)
    return frozenset(words)


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# The lexer is contextual: a keyword lexes as a name wherever the keyword cannot come next.
# Where an expression operand starts, only these words are keywords, so a column `length` or
# a function `length(...)` needs no backticks there. The round-trip tests try every keyword.
OPERAND_KEYWORDS = frozenset(
    {"not", "count", "share", "sum", "avg", "min", "max", "true", "false", "null",
     "unique", "sql", "leaves", "subtree"}
)

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# Copies of the grammar's VERSION and NUMBER: a version that lexes as one stays unquoted.
_BARE_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.\-]+)?|[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def _name(text: str, reserved: frozenset[str] | None = None) -> str:
    if _PLAIN_NAME.fullmatch(text) and text not in (grammar_keywords() if reserved is None else reserved):
        return text
    if not text or "`" in text or "\n" in text:
        raise FormatError(f"the name {text!r} cannot be written in a spec")
    return f"`{text}`"


def _names(identifiers) -> str:
    return ", ".join(_name(identifier.text) for identifier in identifiers)


def _column_ref(reference: ast.ColumnRef, reserved: frozenset[str] | None = None) -> str:
    return ".".join(_name(part, reserved) for part in reference.parts)


def _string(value: str) -> str:
    return '"' + "".join(_ESCAPES.get(character, character) for character in value) + '"'


def _text(value: str, indent: int) -> str:
    """Text in a `text_block` position: a `\"\"\"` block when it has several lines."""
    if "\n" in value and _fits_block(value):
        return _block(value, indent)
    return _string(value)


def _block(value: str, indent: int) -> str:
    inner = " " * (indent + 2)
    body = "\n".join(inner + line if line else "" for line in value.split("\n"))
    return f'"""\n{body}\n{" " * indent}"""'


def _fits_block(value: str) -> bool:
    # A block has no escapes and loses common indentation and outer blank lines: use it
    # only when reading it back gives the same text.
    from .build_ast import unquote_block  # the parser's reading of a block (imports Lark)

    if '"""' in value or "\r" in value:
        return False
    return unquote_block(_block(value, 0)) == value


def _number(value: int | float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise FormatError(f"the number {value} cannot be written in a spec")
    return repr(value) if isinstance(value, float) else str(value)


def _version(value: str) -> str:
    return value if _BARE_VERSION.fullmatch(value) else _string(value)


def _title(title: str | None) -> str:
    return "" if title is None else " " + _string(title)


# ---- expressions ----------------------------------------------------------------------------

# Binding strength, loosest first; an operand binding looser than its slot needs parentheses.
OR, AND, NOT, PREDICATE, SUM, PRODUCT, ATOM = range(7)

_PRECEDENCE = {
    ast.Or: OR, ast.And: AND, ast.Not: NOT,
    ast.Compare: PREDICATE, ast.IsNull: PREDICATE, ast.IsValid: PREDICATE, ast.InList: PREDICATE,
    ast.InSubtree: PREDICATE, ast.InLeaves: PREDICATE, ast.InColumn: PREDICATE,
    ast.BetweenExpr: PREDICATE, ast.Matches: PREDICATE,
}


def _precedence(expr) -> int:
    if isinstance(expr, ast.Arithmetic):
        return SUM if expr.operator in "+-" else PRODUCT
    return _PRECEDENCE.get(type(expr), ATOM)


def format_expression(expr, minimum: int = OR) -> str:
    """`expr` as text, in parentheses when it binds looser than its slot (`minimum`)."""
    renderer = _EXPRESSION_RENDERERS.get(type(expr))
    if renderer is None:
        raise FormatError(f"cannot format the expression {expr!r}")
    text = renderer(expr)
    return f"({text})" if _precedence(expr) < minimum else text


def _arithmetic_slots(expr: ast.Arithmetic) -> tuple[int, int]:
    # Left-associative: `a - b - c` is `(a - b) - c`, so a right operand of the same
    # strength needs parentheses: `a - (b - c)`.
    return (SUM, PRODUCT) if expr.operator in "+-" else (PRODUCT, ATOM)


def _arithmetic(expr: ast.Arithmetic) -> str:
    left, right = _arithmetic_slots(expr)
    return f"{format_expression(expr.left, left)} {expr.operator} {format_expression(expr.right, right)}"


def _negated(expr, word: str) -> str:
    return f"not {word}" if expr.negated else word


def _in_list(expr: ast.InList) -> str:
    values = ", ".join(value.text for value in expr.values)
    return f"{format_expression(expr.operand, SUM)} {_negated(expr, 'in')} [{values}]"


def _in_subtree(expr: ast.InSubtree) -> str:
    return f"{format_expression(expr.operand, SUM)} {_negated(expr, 'in')} subtree {expr.code.text}"


def _in_leaves(expr: ast.InLeaves) -> str:
    return f"{format_expression(expr.operand, SUM)} {_negated(expr, 'in')} leaves"


def _in_column(expr: ast.InColumn) -> str:
    target = _column_ref(expr.target, OPERAND_KEYWORDS)
    return f"{format_expression(expr.operand, SUM)} {_negated(expr, 'in')} {target}"


def _between(expr: ast.BetweenExpr) -> str:
    operand, low, high = (format_expression(e, SUM) for e in (expr.operand, expr.low, expr.high))
    return f"{operand} between {low} and {high}"


def _matches(expr: ast.Matches) -> str:
    return f"{format_expression(expr.operand, SUM)} {_negated(expr, 'matches')} {_string(expr.pattern)}"


def _call(expr: ast.Call) -> str:
    last = len(expr.arguments) - 1
    arguments = ", ".join(_call_argument(a, i == last) for i, a in enumerate(expr.arguments))
    return f"{_name(expr.function.text, OPERAND_KEYWORDS)}({arguments})"


def _call_argument(argument, is_last: bool) -> str:
    # `f(count per a, b)` reads `b` into the per list: such an argument needs parentheses.
    text = format_expression(argument)
    return f"({text})" if not is_last and _ends_with_per_list(argument) else text


def _ends_with_per_list(expr) -> bool:
    if isinstance(expr, ast.Aggregate):
        return bool(expr.per)
    last = _last_operand(expr)
    if last is None:
        return False
    operand, minimum = last
    return _precedence(operand) >= minimum and _ends_with_per_list(operand)


def _last_operand(expr):
    """The operand printed last and the slot it is printed in, or None after a closing token."""
    if isinstance(expr, (ast.Or, ast.And)):
        return expr.operands[-1], AND if isinstance(expr, ast.Or) else NOT
    if isinstance(expr, ast.Not):
        return expr.operand, SUM
    if isinstance(expr, ast.Compare):
        return expr.right, SUM
    if isinstance(expr, ast.BetweenExpr):
        return expr.high, SUM
    if isinstance(expr, ast.Arithmetic):
        return expr.right, _arithmetic_slots(expr)[1]
    if isinstance(expr, ast.ShareOf) and expr.where is None and not isinstance(expr.operand, ast.Aggregate):
        return expr.operand, ATOM
    return None


def _aggregate(expr: ast.Aggregate) -> str:
    if expr.function == "count":
        head = "count"
    elif expr.function == "count_distinct":
        head = "count distinct " + _aggregate_operand(expr.argument)
    elif expr.function in ("sum", "avg", "min", "max"):
        head = f"{expr.function}({format_expression(expr.argument)})"
    else:
        raise FormatError(f"unknown aggregate function {expr.function!r}")
    return f"{head} per {_names(expr.per)}" if expr.per else head


def _aggregate_operand(expr) -> str:
    # An aggregate right after `count distinct` or `share of` would take the `per` list
    # that follows it: parentheses keep each list with its own aggregate.
    if isinstance(expr, ast.Aggregate):
        return f"({format_expression(expr)})"
    return format_expression(expr, ATOM)


_EXPRESSION_RENDERERS = {
    ast.Or: lambda e: " or ".join(format_expression(o, AND) for o in e.operands),
    ast.And: lambda e: " and ".join(format_expression(o, NOT) for o in e.operands),
    ast.Not: lambda e: "not " + format_expression(e.operand, SUM),
    ast.Compare: lambda e: f"{format_expression(e.left, SUM)} {e.operator} {format_expression(e.right, SUM)}",
    ast.IsNull: lambda e: f"{format_expression(e.operand, SUM)} is {_negated(e, 'null')}",
    ast.InList: _in_list,
    ast.InSubtree: _in_subtree,
    ast.InLeaves: _in_leaves,
    ast.InColumn: _in_column,
    ast.BetweenExpr: _between,
    ast.Matches: _matches,
    ast.Arithmetic: _arithmetic,
    ast.Literal: lambda e: e.text,
    ast.ColumnRef: lambda e: _column_ref(e, OPERAND_KEYWORDS),
    ast.Call: _call,
    ast.Aggregate: _aggregate,
    ast.ShareOf: lambda e: "share of " + _aggregate_operand(e.operand)
    + (f" where ({format_expression(e.where)})" if e.where is not None else ""),
    ast.IsValid: lambda e: f"{format_expression(e.operand, SUM)} is {_negated(e, 'valid')}",
    ast.ShareWhere: lambda e: f"share where ({format_expression(e.condition)})",
}


# ---- lines ----------------------------------------------------------------------------------


@dataclass
class _Line:
    """One output line; a text block continues it over further, already indented lines."""

    text: str
    indent: int = 0
    key: tuple[int, int] | None = None  # where its node starts in the source: comments attach here
    last: int | None = None  # the last source line it stands for
    comment_indent: int | None = None  # set on closing braces: their comments stay inside
    follows: int | None = None  # top-level declarations: last source line of the one before

    @property
    def anchor(self) -> int | None:
        return None if self.key is None else self.key[0]

    @property
    def indent_for_comments(self) -> int:
        return self.indent if self.comment_indent is None else self.comment_indent


def _blank() -> _Line:
    return _Line("")


def _at(span, text: str, indent: int, last: int | None = None) -> _Line:
    """The line of what was written at `span` (a node's, or a setting's)."""
    return _Line(text, indent, key=(span.line, span.column), last=span.end_line if last is None else last)


def _starts(node, text: str, indent: int) -> _Line:
    return _at(node.span, text, indent)


def _head(node, text: str, indent: int) -> _Line:
    """The first line of a block: it stands for the source line that opens the block."""
    return _at(node.span, text, indent, last=node.span.line)


def _closing(node, indent: int) -> _Line:
    span = node.span
    return _Line("}", indent, key=(span.end_line, span.end_column - 1), last=span.end_line, comment_indent=indent + 2)


def _braced(node, head: str, body: list[_Line], indent: int) -> list[_Line]:
    return [_head(node, head + " {", indent), *body, _closing(node, indent)]


# ---- declarations ---------------------------------------------------------------------------


def _spec_header(node: ast.SpecHeader, indent: int) -> list[_Line]:
    return [_starts(node, f"spec {_name(node.name.text)}{_title(node.title)}", indent)]


def _meta(node: ast.Meta, indent: int) -> list[_Line]:
    if node.key == "version":
        value = _version(node.value)
    elif node.key == "description":
        value = _text(node.value, indent)
    else:
        value = _string(node.value)
    return [_starts(node, f"{node.key} {value}", indent)]


def _import_spec(node: ast.ImportSpec, indent: int) -> list[_Line]:
    return [_starts(node, f"import {_string(node.path)}", indent)]


def _import_taxonomy(node: ast.ImportTaxonomy, indent: int) -> list[_Line]:
    text = f"import taxonomy {_name(node.name.text)} from {_string(node.path)}"
    return [_starts(node, text, indent)]


def _guideline(node: ast.Guideline, indent: int) -> list[_Line]:
    return [_starts(node, f"guideline {_text(node.text, indent)}", indent)]


def _taxonomy(node: ast.Taxonomy, indent: int) -> list[_Line]:
    body = []
    if node.guideline is not None:
        body.append(_at(node.guideline_span, f"guideline {_text(node.guideline, indent + 2)}", indent + 2))
        if node.labels:
            body.append(_blank())
    body.extend(_labels(node.labels, indent + 2))
    return _braced(node, f"taxonomy {_name(node.name.text)}{_title(node.title)}", body, indent)


def _labels(labels, indent: int) -> list[_Line]:
    # Sibling codes are padded so that their display names line up.
    width = max((len(_name(label.code.text)) for label in labels if label.display is not None), default=0)
    return [line for label in labels for line in _label(label, indent, width)]


def _has_positional_description(label: ast.Label) -> bool:
    return label.display is not None and label.description is not None and "\n" not in label.description


def _label(label: ast.Label, indent: int, width: int) -> list[_Line]:
    head = _name(label.code.text)
    if label.display is not None:
        head = head.ljust(width) + " " + _string(label.display)
    if _has_positional_description(label):
        head += " " + _string(label.description)
    attributes = [_at(span, text, indent + 2) for span, text in _label_attributes(label, indent + 2)]
    if not label.children:
        return [_head(label, head, indent) if attributes else _starts(label, head, indent), *attributes]
    children = _labels(label.children, indent + 2)
    if not attributes:
        return _braced(label, head, children, indent)
    # The children's brace cannot share a line with an attribute without seeming to belong to it.
    brace = _at(label.children_span, "{", indent, last=label.children_span.line)
    return [_head(label, head, indent), *attributes, brace, *children, _closing(label, indent)]


def _label_attributes(label: ast.Label, indent: int) -> list[tuple[Span, str]]:
    """Each attribute with where it was written (a built AST may lack the spans)."""
    attributes = []
    if label.description is not None and not _has_positional_description(label):
        attributes.append((label.description_span, f"description {_text(label.description, indent)}"))
    if label.guideline is not None:
        attributes.append((label.guideline_span, f"guideline {_text(label.guideline, indent)}"))
    for word, texts, spans, render in (("example", label.examples, label.example_spans, _text),
                                       ("counterexample", label.counterexamples, label.counterexample_spans, _text),
                                       ("alias", label.aliases, label.alias_spans, lambda text, _: _string(text))):
        spans = spans if len(spans) == len(texts) else (NO_SPAN,) * len(texts)
        attributes += [(span, f"{word} {render(text, indent)}") for span, text in zip(spans, texts)]
    if label.deprecated:
        attributes.append((label.deprecated_span, "deprecated"))
    return attributes


def _record(node: ast.Record, indent: int) -> list[_Line]:
    head = f"record {_name(node.name.text)}{_title(node.title)}"
    return _braced(node, head, _columns(node.columns, indent + 2), indent)


def _table(node: ast.Table, indent: int) -> list[_Line]:
    settings = [_at(span, text, indent + 2) for span, text in _table_settings(node, indent + 2)]
    body = settings + _columns(node.columns, indent + 2)
    return _braced(node, f"table {_name(node.name.text)}{_title(node.title)}", body, indent)


def _table_settings(node: ast.Table, indent: int) -> list[tuple[Span, str]]:
    settings = []
    if node.guideline is not None:
        settings.append((node.guideline_span, f"guideline {_text(node.guideline, indent)}"))
    if node.source is not None:
        settings.append((node.source_span, f"source {_string(node.source)}"))
    if node.strict:
        settings.append((node.strict_span, "strict"))
    if node.primary_key:
        settings.append((node.primary_key_span, f"primary key {_names(node.primary_key)}"))
    if node.latest is not None:
        per = f" per {_names(node.latest.keys)}" if node.latest.keys else ""
        settings.append((node.latest.span, f"latest by {_name(node.latest.column.text)}{per}"))
    if node.timezone is not None:
        settings.append((node.timezone.span, f"timezone {_string(node.timezone.name)}"))
    if node.allow_empty is not None:
        settings.append((node.allow_empty.span, "allow empty"))
    settings += [(setting.span, _read_setting(setting)) for setting in node.read]
    return settings


def _read_setting(setting: ast.ReadSetting) -> str:
    if setting.name == "header":
        return f"read header {setting.values[0]}"
    word = "timestamp format" if setting.name == "timestamp_format" else setting.name
    return f"read {word} " + ", ".join(_string(value) for value in setting.values)


def _columns(columns, indent: int) -> list[_Line]:
    names = [_name(column.name.text) for column in columns]
    types = [_type(column.type) for column in columns]
    name_width = max(map(len, names), default=0)
    type_width = max(map(len, types), default=0)
    lines = []
    for column, name, type_text in zip(columns, names, types):
        constraints = "  ".join(_constraint(c, indent) for c in column.constraints)
        cells = [name.ljust(name_width), type_text.ljust(type_width) if constraints else type_text]
        lines.append(_starts(column, "  ".join(cells + ([constraints] if constraints else [])), indent))
    return lines


def _type(node) -> str:
    renderer = _TYPE_RENDERERS.get(type(node))
    if renderer is None:
        raise FormatError(f"cannot format the type {node!r}")
    return renderer(node)


_TYPE_RENDERERS = {
    ast.NamedType: lambda t: _name(t.name.text),
    ast.LeavesType: lambda t: f"{_name(t.taxonomy.text)} leaves",
    ast.SubtreeType: lambda t: f"{_name(t.taxonomy.text)} under {_string(t.code)}",
    ast.ListType: lambda t: f"list of {_type(t.item)}",
}


def _length_bound(bound: ast.LengthBound) -> str:
    """`1..5` or `<= 3`: the builder stores a comparison as the range it allows."""
    if bound.operator is None:
        return f"{bound.low}..{bound.high}"
    limits = {
        "<": lambda: bound.high + 1, "<=": lambda: bound.high, ">": lambda: bound.low - 1,
        ">=": lambda: bound.low, "=": lambda: bound.low,
    }
    if bound.operator not in limits:
        raise FormatError(
            f"cannot format `{bound.what} {bound.operator} N`: the AST does not keep N"
        )
    return f"{bound.operator} {limits[bound.operator]()}"


def _constraint(node, indent: int) -> str:
    renderer = _CONSTRAINT_RENDERERS.get(type(node))
    if renderer is None:
        raise FormatError(f"cannot format the constraint {node!r}")
    return renderer(node, indent)


_CONSTRAINT_RENDERERS = {
    ast.Required: lambda c, indent: "required",
    ast.Optional: lambda c, indent: "optional",
    ast.Key: lambda c, indent: "key",
    ast.Unique: lambda c, indent: "unique",
    ast.Bound: lambda c, indent: f"{c.operator} {_number(c.value)}",
    ast.Range: lambda c, indent: f"between {_number(c.low)} and {_number(c.high)}",
    ast.Pattern: lambda c, indent: f"pattern {_string(c.regex)}",
    ast.LengthBound: lambda c, indent: f"{c.what} {_length_bound(c)}",
    ast.OneOf: lambda c, indent: "one of [" + ", ".join(value.text for value in c.values) + "]",
    ast.References: lambda c, indent: f"references {_column_ref(c.target)}",
    ast.Description: lambda c, indent: f"description {_text(c.text, indent)}",
    ast.BoolSpelling: lambda c, indent: ("true " if c.value else "false ") + ", ".join(map(_string, c.spellings)),
}


def _task(node: ast.Task, indent: int) -> list[_Line]:
    inner = indent + 2
    body = []
    if node.guideline is not None:
        body.append(_at(node.guideline_span, f"guideline {_text(node.guideline, inner)}", inner))
    body += _roles(node.roles, inner)
    body += [_starts(name, f"allow {_name(name.text)}", inner) for name in node.allows]
    if node.scale is not None:
        body.append(_starts(node.scale, _scale(node.scale), inner))
    if node.cardinality is not None:
        body.append(_starts(node.cardinality, f"cardinality {_length_bound(node.cardinality)}", inner))
    for text_bound in node.text_bounds:
        what = text_bound.bound.what
        body.append(_starts(text_bound, f"{what} {_name(text_bound.role.text)} {_length_bound(text_bound.bound)}", inner))
    for check in node.checks:
        body.append(_starts(check, f"check {_name(check.check.text)} {check.setting}", inner))
    head = f"task {_name(node.name.text)}{_title(node.title)}: {_name(node.kind.text)} on {_name(node.table.text)}"
    return _braced(node, head, body, indent)


def _roles(roles, indent: int) -> list[_Line]:
    width = max((len(_name(role.role.text)) for role in roles), default=0)
    lines = []
    for role in roles:
        columns = [_column_ref(column) for column in role.columns]
        if role.is_range and len(columns) != 2:
            raise FormatError(f"the range role {role.role.text!r} needs two columns")
        bound = "..".join(columns) if role.is_range else ", ".join(columns)
        lines.append(_starts(role, f"{_name(role.role.text).ljust(width)} {bound}", indent))
    return lines


def _scale(scale: ast.Scale) -> str:
    text = f"scale {_number(scale.low)}..{_number(scale.high)}"
    return text if scale.step is None else f"{text} step {_number(scale.step)}"


def _rule_block(node: ast.RuleBlock, indent: int) -> list[_Line]:
    head = f"rules for {'latest ' if node.latest else ''}{_name(node.table.text)}"
    if node.join is not None:
        head += f" with {_name(node.join.table.text)} on {_names(node.join.keys)}"
    widths = _RuleWidths.of(node.rules)
    body = [_starts(rule, _rule(rule, widths, indent + 2), indent + 2) for rule in node.rules]
    return _braced(node, head, body, indent)


@dataclass(frozen=True)
class _RuleWidths:
    """Rules of a block line up in columns — severity, id, message, condition — as a lead
    would align them by hand; messages only while they are short enough to share a column."""

    keyword: int
    id: int
    message: int

    MESSAGE_COLUMN_LIMIT = 64

    @classmethod
    def of(cls, rules) -> "_RuleWidths":
        heads = [_rule_head(rule) for rule in rules if rule.message is not None]
        message = max((len(m) for m in heads), default=0)
        return cls(max((len(_rule_keyword(r)) for r in rules), default=0),
                   max((len(_name(r.id.text)) for r in rules), default=0),
                   message if message <= cls.MESSAGE_COLUMN_LIMIT else 0)


def _rule_head(rule: ast.Rule) -> str:
    """The rule's message with its colon: `"A span must end after it starts":`."""
    return ("" if rule.message is None else _string(rule.message)) + ":"


def _rule_keyword(rule: ast.Rule) -> str:
    return "rule" if rule.severity is None else rule.severity


def _rule(rule: ast.Rule, widths: _RuleWidths, indent: int) -> str:
    identifier = _name(rule.id.text)
    head = _rule_head(rule)
    if rule.message is None:
        identifier, head = identifier + ":", ""
    columns = f"{_rule_keyword(rule).ljust(widths.keyword)} {identifier.ljust(widths.id)} {head.ljust(widths.message)}"
    if not widths.message:
        columns = columns.rstrip()  # no message column: one space before the condition
    text = f"{columns} {_condition(rule.condition, indent)}"
    if rule.tolerance is not None:
        text += f"  tolerate {rule.tolerance.text}"
    text += _thresholds(rule.thresholds)
    return text + (f"  set aside {_name(rule.set_aside.text)}" if rule.set_aside is not None else "")


def _condition(condition, indent: int) -> str:
    if isinstance(condition, ast.UniqueCondition):
        return f"unique {_names(condition.columns)}"
    if isinstance(condition, ast.RawSql):
        return f"sql {_text(condition.query, indent)}"
    return format_expression(condition)


def _thresholds(thresholds) -> str:
    return "".join(f"  {t.level} {t.side} {t.amount.text}" for t in thresholds)


def _metric(node: ast.Metric, indent: int) -> list[_Line]:
    parts = [f"metric {_name(node.id.text)}{_title(node.title)}: {_name(node.kind.text)}"]
    parts += [_name(option.text) for option in node.options]
    if node.of is not None:
        parts.append(f"of {_aggregate_operand(node.of)}")
    if node.task is not None:
        parts.append(f"on {_name(node.task.text)}")
    if node.against is not None:
        parts.append(f"against {_column_ref(node.against)}")
    if node.where is not None:
        parts.append(f"where {format_expression(node.where)}")
    if node.per:
        parts.append(f"per {_names(node.per)}" + (f" min {node.min_units} units" if node.min_units is not None else ""))
    return [_starts(node, " ".join(parts) + _thresholds(node.thresholds), indent)]


_ITEM_RENDERERS = {
    ast.SpecHeader: _spec_header,
    ast.Meta: _meta,
    ast.ImportSpec: _import_spec,
    ast.ImportTaxonomy: _import_taxonomy,
    ast.Guideline: _guideline,
    ast.Taxonomy: _taxonomy,
    ast.Record: _record,
    ast.Table: _table,
    ast.Task: _task,
    ast.RuleBlock: _rule_block,
    ast.Metric: _metric,
}

# Declarations of one line that read as a group; a blank line between them would only
# spread the spec's preamble or its list of metrics over twice the lines.
_FAMILIES = {
    ast.SpecHeader: "preamble", ast.Meta: "preamble", ast.ImportSpec: "preamble",
    ast.ImportTaxonomy: "preamble", ast.Metric: "metrics",
}


def _item_lines(items) -> list[_Line]:
    lines: list[_Line] = []
    previous = None
    for item in items:
        renderer = _ITEM_RENDERERS.get(type(item))
        if renderer is None:
            raise FormatError(f"cannot format the declaration {item!r}")
        family = _FAMILIES.get(type(item))
        if previous is not None and (family is None or family != _FAMILIES.get(type(previous))):
            lines.append(_blank())
        item_lines = renderer(item, 0)
        item_lines[0].follows = None if previous is None else previous.span.end_line
        lines += item_lines
        previous = item
    end = None if previous is None else previous.span.end_line
    return lines + [_Line("", 0, key=(sys.maxsize, 0), last=sys.maxsize, follows=end)]  # the end of the file


# ---- comments -------------------------------------------------------------------------------


def _attach(lines: list[_Line], comments) -> tuple[dict[int, list[ast.Comment]], dict[int, ast.Comment]]:
    """Where each comment goes: (comments above line i, the comment at the end of line i).

    Comments follow the source, not the output order, so a comment stays with its node
    when the layout puts that node elsewhere (task items, table settings)."""
    keyed = sorted((line.key, index) for index, line in enumerate(lines) if line.key is not None)
    above: dict[int, list[ast.Comment]] = {}
    trailing: dict[int, ast.Comment] = {}
    for comment in comments:
        index = _trailing_target(lines, keyed, comment) if comment.trailing else None
        if index is not None and index not in trailing:
            trailing[index] = comment
        else:  # two end-of-line comments on one output line: the later one goes above it
            above.setdefault(_above_target(lines, keyed, comment), []).append(comment)
    return above, trailing


def _trailing_target(lines, keyed, comment) -> int | None:
    """The line of the last node that started before the comment and reaches its line."""
    position, line = (comment.span.line, comment.span.column), comment.span.line
    found = [index for key, index in keyed if key < position and key[0] <= line <= lines[index].last]
    return found[-1] if found else None


def _above_target(lines, keyed, comment) -> int:
    """The line of the node the comment stands inside of, or else of the next node."""
    position, line = (comment.span.line, comment.span.column), comment.span.line
    inside = [index for key, index in keyed if key[0] < line <= lines[index].last]
    if inside:
        return inside[-1]
    return next(index for key, index in keyed if key > position)  # the end-of-file line at the latest


def _comment_lines(run, line: _Line, output: list[_Line]) -> list[_Line]:
    indent = line.indent_for_comments
    if indent != 0:
        return [_Line(comment.text.rstrip(), indent) for comment in run]
    # At the top level a blank line around a comment often separates a file header or a
    # section title from what follows: keep one where the source had any.
    lines = []
    if line.follows is not None and run[0].span.line - line.follows > 1 and output and output[-1].text:
        lines.append(_blank())
    for previous, comment in zip([None, *run], run):
        if previous is not None and comment.span.line - previous.span.line > 1:
            lines.append(_blank())
        lines.append(_Line(comment.text.rstrip(), 0))
    if line.anchor != sys.maxsize and line.anchor - run[-1].span.line > 1:
        lines.append(_blank())
    return lines


def _with_comments(lines: list[_Line], comments) -> list[_Line]:
    above, trailing = _attach(lines, comments)
    output: list[_Line] = []
    for index, line in enumerate(lines):
        if index in above:
            output += _comment_lines(above[index], line, output)
        if index in trailing:
            line = _Line(f"{line.text}  {trailing[index].text.rstrip()}", line.indent)
        output.append(line)
    return output[:-1]  # without the end-of-file marker


# ---- entry points ---------------------------------------------------------------------------


def format_spec(spec: ast.Spec) -> str:
    """The canonical text of `spec`, with `spec.comments` placed by their source lines."""
    lines = _with_comments(_item_lines(spec.items), spec.comments)
    text = "\n".join(" " * line.indent + line.text if line.text else "" for line in lines)
    return text + "\n" if text else ""


def format_parse_result(result: ParseResult) -> str:
    """Format a spec that parsed without errors; raise `FormatError` if meaning would change."""
    from .parse import parse_text

    formatted = format_spec(result.spec)
    again = parse_text(formatted, result.source.path)
    if again.spec != result.spec or sorted(_comment_texts(again.spec)) != sorted(_comment_texts(result.spec)):
        raise FormatError(
            "formatting would change the spec (a specc bug: please report it); the file is left as it is"
        )
    return formatted


def format_source(text: str, path: str = "<text>") -> str | None:
    """The canonical text of a spec, or None when it does not parse (see `parse_text`)."""
    from .parse import parse_text

    result = parse_text(text, path)
    if not parsed_cleanly(result):
        return None
    return format_parse_result(result)


def parsed_cleanly(result: ParseResult) -> bool:
    return result.spec is not None and not any(d.is_error for d in result.diagnostics)


def _comment_texts(spec: ast.Spec | None) -> list[str]:
    return [] if spec is None else [comment.text.rstrip() for comment in spec.comments]
