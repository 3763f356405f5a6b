"""Every QA rule, built-in check and metric of a spec, said in plain words.

Annotators and project leads read rules, not expressions: `end > start` becomes "end must be
greater than start", `count distinct annotator per doc_id >= 2` becomes "each doc_id must have
at least 2 different annotator values". The guideline document (`specc compile --target docs`)
is built from these sentences, and reports or a labelling tool's instructions can reuse them.

Sentences start in lower case and carry no final full stop, so callers can embed them. The
modal verb says the severity: "must" for an `error`, "should" for a `warn`. Negations are
pushed into the expression before it is worded (exact under SQL's three-valued logic:
`not (a <= b)` is `a > b`, De Morgan holds), and `not A or B` is read as "if A, B must hold".

A `Style` decides how names and values from the spec are written: `PLAIN` leaves them bare;
`MARKDOWN` puts them in code spans and escapes the spec's free text, so a sentence is valid,
inert Markdown whatever the spec holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable

from . import ast
from .resolve import children_of, rule_scope

# ---- styles -------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*<|]|\](?=[(\[:])|&(?=#?[A-Za-z0-9]+;))")
_MD_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def markdown_code(text: str) -> str:
    """`text` as a CommonMark code span, however many backticks it holds."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # a renderer strips one space from each end when both ends have one (unless all are spaces)
    stripped_by_renderer = text.startswith(" ") and text.endswith(" ") and text.strip()
    padded = f" {text} " if text.startswith("`") or text.endswith("`") or stripped_by_renderer else text
    return f"{fence}{padded or ' '}{fence}"


def markdown_escape(text: str, line_start: bool = True) -> str:
    """Free text made inert in Markdown: no emphasis, code, links or HTML can start in it.

    With `line_start`, what would open a list, heading or quote at the start of a line is
    escaped too; pass False for text that follows other text on its line."""
    text = _MD_SPECIAL.sub(r"\\\1", text.replace("\n", " "))
    text = _MD_UNDERSCORE.sub(r"\\_", text)
    if not line_start:
        return text
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return re.sub(r"^([#>+\-=~])", r"\\\1", text)


@dataclass(frozen=True)
class Style:
    code: Callable[[str], str]  # names and values from the spec
    text: Callable[[str], str]  # the spec's free text (messages)


PLAIN = Style(code=lambda s: s, text=lambda s: s)
MARKDOWN = Style(code=markdown_code, text=lambda s: markdown_escape(s, line_start=False))


# ---- small words --------------------------------------------------------------------------


def join_words(items: list[str], last: str = "and") -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def modal_for(severity: str | None) -> str:
    return "should" if severity == "warn" else "must"


def rule_severity(rule: ast.Rule) -> str:
    """error | warn; a graded rule is an error when it has a `fail` bound (as the planner says)."""
    if rule.severity:
        return rule.severity
    return "error" if any(t.level == "fail" for t in rule.thresholds) else "warn"


def number_text(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def score_text(amount: ast.Amount) -> str:
    """A threshold as people write scores: `0.70`, `0.667`, `80%`, `600`."""
    if amount.percent:
        return f"{number_text(amount.value)}%"
    value = amount.value
    if isinstance(value, float) and abs(value) < 1 and len(repr(value).partition(".")[2]) < 2:
        return f"{value:.2f}"
    return number_text(value)


def percent_text(literal: ast.Literal) -> str:
    """A share as a percentage: `25%` stays, `0.25` becomes `25%`."""
    if literal.kind == "percent":
        return literal.text
    if literal.kind == "number":
        return f"{number_text(round(literal.value * 100, 10))}%"
    return literal.text


_DURATION_WORDS = {"ms": "millisecond", "s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week"}


def duration_text(text: str) -> str:
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)", text)
    if match is None:
        return text
    amount, unit = match.groups()
    word = _DURATION_WORDS[unit]
    return f"{amount} {word}" + ("" if amount == "1" else "s")


def _plural(count, word: str) -> str:
    return word if count == 1 else word + "s"


def each_of(names: list[str]) -> str:
    """"each doc_id", "each combination of prompt_id and annotator"."""
    return f"each {names[0]}" if len(names) == 1 else f"each combination of {join_words(names)}"


def _conjugate(verb: str) -> str:
    """Third person singular: be -> is, have -> has, match -> matches, make up -> makes up."""
    head, _, tail = verb.partition(" ")
    head = {"be": "is", "have": "has"}.get(head) or (
        head + "es" if head.endswith(("s", "sh", "ch", "x", "z")) else head + "s")
    return f"{head} {tail}".strip()


# ---- negation, pushed into the tree -------------------------------------------------------

_INVERSE = {"=": "!=", "!=": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}
_FLIPPED = {"=": "=", "!=": "!=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
_NEGATABLE = (ast.IsNull, ast.InList, ast.InSubtree, ast.InLeaves, ast.InColumn, ast.Matches)


def negate(expr):
    """The condition that holds exactly when `expr` is false (null stays null)."""
    if isinstance(expr, ast.Compare):
        return replace(expr, operator=_INVERSE[expr.operator])
    if isinstance(expr, _NEGATABLE):
        return replace(expr, negated=not expr.negated)
    if isinstance(expr, ast.Not):
        return expr.operand
    if isinstance(expr, ast.And):
        return ast.Or(tuple(negate(o) for o in expr.operands), span=expr.span)
    if isinstance(expr, ast.Or):
        return ast.And(tuple(negate(o) for o in expr.operands), span=expr.span)
    return ast.Not(expr, span=expr.span)


def _is_negative(expr) -> bool:
    """Reads as a premise: `not A`, `a != b`, `x not in …`, `x is null` ("unless x has a value")."""
    if isinstance(expr, ast.Not):
        return True
    if isinstance(expr, ast.Compare):
        return expr.operator == "!="
    if isinstance(expr, ast.IsNull):
        return True
    return isinstance(expr, _NEGATABLE) and expr.negated


# ---- clauses ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clause:
    """One predicate, ready to be said as a requirement ("x must be 2") or a fact ("x is 2")."""

    subject: str
    verb: str  # bare infinitive: be, have, match, equal, appear, make up
    rest: str = ""
    negated: bool = False
    prefix: str = ""  # "for each annotator, "
    prohibition: bool = False  # "no single label may make up …"

    def require(self, modal: str) -> str:
        if self.prohibition:
            may = "may" if modal == "must" else "should"
            return f"{self.prefix}no {self.subject} {may} {self.verb} {self.rest}".rstrip()
        negation = " not" if self.negated else ""
        return f"{self.prefix}{self.subject} {modal}{negation} {self.verb} {self.rest}".rstrip()

    def state(self) -> str:
        if self.prohibition:
            return f"{self.prefix}no {self.subject} {_conjugate(self.verb)} {self.rest}".rstrip()
        if not self.negated:
            verb = _conjugate(self.verb)
        elif self.verb == "be":
            verb = "is not"
        else:
            verb = f"does not {self.verb}"
        return f"{self.prefix}{self.subject} {verb} {self.rest}".rstrip()


# ---- the describer ------------------------------------------------------------------------

_COMPARE_WORDS = {">": "greater than", ">=": "at least", "<": "less than", "<=": "at most"}
_TIME_WORDS = {">": ("after", False), ">=": ("before", True), "<": ("before", False), "<=": ("after", True)}
_COUNT_WORDS = {">": "more than", ">=": "at least", "<": "fewer than", "<=": "at most", "=": "exactly",
                "!=": "exactly"}
_AGGREGATE_NOUNS = {"sum": "the total of {}", "avg": "the average of {}", "min": "the smallest {}",
                    "max": "the largest {}"}
_NORMALISERS = {"lower": "case", "upper": "case", "trim": "surrounding white space"}
_NORMALISED_NOUNS = {"lower": "lower-cased", "upper": "upper-cased", "trim": "trimmed"}
OR_LEVEL, AND_LEVEL, SUM_LEVEL, PRODUCT_LEVEL, ATOM_LEVEL = range(5)
_ARITHMETIC_SIGNS = {"+": "+", "-": "\u2212", "*": "\u00d7", "/": "\u00f7"}


@dataclass
class Describer:
    """Words for expressions over one table.

    `column_kind(ref)` may name a column's value kind (`timestamp`, `int`, …) so that times
    read as "before" and "after"; `table` names the table for table-wide counts.
    """

    style: Style = PLAIN
    modal: str = "must"
    table: str | None = None
    column_kind: Callable[[ast.ColumnRef], str | None] = field(default=lambda ref: None, repr=False)

    # ---- requirements and facts ----------------------------------------------------------

    def requirement(self, expr) -> str:
        """What must hold for `expr` to be true: "end must be greater than start"."""
        if isinstance(expr, ast.Not):
            return self.requirement(negate(expr.operand)) if not self._is_atom(expr.operand) else \
                self.clause(expr).require(self.modal)
        if isinstance(expr, ast.And):
            parts = [self._nested_requirement(o) for o in expr.operands]
            conditional = any(self._is_implication(o) for o in expr.operands)
            return "; and ".join(parts) if conditional else " and ".join(parts)
        if isinstance(expr, ast.Or):
            implication = self._implication(expr)
            if implication is not None:
                premises, conclusion = implication
                return f"if {premises}, {self.requirement(conclusion)}"
            return " or ".join(self._wrapped(self.requirement(o), isinstance(self._pushed(o), (ast.And, ast.Or)))
                               for o in expr.operands)
        return self.clause(expr).require(self.modal)

    def statement(self, expr) -> str:
        """The fact `expr` states: "end is greater than start"."""
        if isinstance(expr, ast.Not):
            return self.statement(negate(expr.operand)) if not self._is_atom(expr.operand) else \
                self.clause(expr).state()
        if isinstance(expr, ast.And):
            return " and ".join(self._wrapped(self.statement(o), isinstance(self._pushed(o), ast.Or))
                                for o in expr.operands)
        if isinstance(expr, ast.Or):
            return " or ".join(self._wrapped(self.statement(o), isinstance(self._pushed(o), ast.And))
                               for o in expr.operands)
        return self.clause(expr).state()

    def _pushed(self, expr):
        """`expr` with a leading `not` pushed inside, as it will be worded."""
        return negate(expr.operand) if isinstance(expr, ast.Not) and not self._is_atom(expr.operand) else expr

    def _nested_requirement(self, operand) -> str:
        operand = self._pushed(operand)
        text = self.requirement(operand)
        return self._wrapped(text, isinstance(operand, ast.Or) and self._implication(operand) is None)

    def _is_implication(self, operand) -> bool:
        operand = self._pushed(operand)
        return isinstance(operand, ast.Or) and self._implication(operand) is not None

    def _implication(self, expr: ast.Or):
        """`not A or B` as (the premise "A", the conclusion B), when the operands allow it."""
        negatives = [o for o in expr.operands if _is_negative(o)]
        positives = [o for o in expr.operands if not _is_negative(o)]
        if not negatives or len(positives) > 1:
            return None
        if positives:
            premises, conclusion = negatives, positives[0]
        else:
            premises, conclusion = negatives[:-1], negatives[-1]
        several = len(premises) > 1
        facts = [self._wrapped(self.statement(negate(p)), several and isinstance(negate(p), ast.Or)) for p in premises]
        return " and ".join(facts), conclusion

    @staticmethod
    def _wrapped(text: str, needs: bool) -> str:
        return f"({text})" if needs else text

    @staticmethod
    def _is_atom(expr) -> bool:
        return isinstance(expr, (ast.ColumnRef, ast.Call, ast.Literal, ast.BetweenExpr, ast.Aggregate,
                                 ast.Arithmetic, ast.ShareOf, ast.ShareWhere))

    # ---- one predicate -------------------------------------------------------------------

    def clause(self, expr) -> _Clause:
        builder = _CLAUSES.get(type(expr))
        if builder is None:
            return _Clause(self.noun(expr), "be", "true")
        return builder(self, expr)

    def _compare(self, expr: ast.Compare) -> _Clause:
        left, operator, right = expr.left, expr.operator, expr.right
        if isinstance(left, ast.Literal) and not isinstance(right, ast.Literal):
            left, operator, right = right, _FLIPPED[operator], left
        if isinstance(left, ast.ShareOf):
            return self._share_of(left, operator, right)
        if isinstance(left, ast.ShareWhere):
            return self._share_where(left, operator, right)
        if isinstance(left, ast.Aggregate):
            return self._aggregate_compare(left, operator, right)
        return self._plain_compare(left, operator, right)

    def _plain_compare(self, left, operator: str, right) -> _Clause:
        note = ""
        left_core, left_notes = _strip_normalisers(left)
        right_core, right_notes = _strip_normalisers(right)
        if left_notes and (left_notes == right_notes or (
                not right_notes and isinstance(right, ast.Literal) and right.kind == "string")):
            left, right, note = left_core, right_core, f" (ignoring {join_words(left_notes)})"
        subject, other = self.noun(left), self.noun(right)
        if operator in _TIME_WORDS and self._is_time(left) and self._is_time(right):
            word, negated = _TIME_WORDS[operator]
            return _Clause(subject, "be", f"{word} {other}{note}", negated)
        if operator in ("=", "!="):
            verb = "be" if isinstance(right, ast.Literal) else "equal"
            return _Clause(subject, verb, other + note, operator == "!=")
        return _Clause(subject, "be", f"{_COMPARE_WORDS[operator]} {other}{note}")

    def _share_of(self, share: ast.ShareOf, operator: str, right) -> _Clause:
        amount = percent_text(right) if isinstance(right, ast.Literal) else self.noun(right)
        value = self._share_subject(share)
        rows = "of the rows"
        if operator == "<=":
            return _Clause(f"single {value}", "make up", f"more than {amount} {rows}", prohibition=True)
        if operator == "<":
            return _Clause(f"single {value}", "make up", f"{amount} or more {rows}", prohibition=True)
        if operator == "!=":
            return _Clause(f"single {value}", "make up", f"exactly {amount} {rows}", prohibition=True)
        words = {">=": "at least", ">": "more than", "=": "exactly"}[operator]
        return _Clause(f"each {value}", "make up", f"{words} {amount} {rows}")

    def _share_subject(self, share: ast.ShareOf) -> str:
        if isinstance(share.operand, ast.ColumnRef):
            return self.noun(share.operand)
        return f"value of {self.noun(share.operand, ATOM_LEVEL)}"

    def _share_where(self, share: ast.ShareWhere, operator: str, right) -> _Clause:
        amount = percent_text(right) if isinstance(right, ast.Literal) else self.noun(right)
        return self._plain_compare_words(self.noun(share), operator, amount)

    def _plain_compare_words(self, subject: str, operator: str, other: str) -> _Clause:
        if operator in ("=", "!="):
            return _Clause(subject, "be", other, operator == "!=")
        return _Clause(subject, "be", f"{_COMPARE_WORDS[operator]} {other}")

    def _aggregate_compare(self, aggregate: ast.Aggregate, operator: str, right) -> _Clause:
        counted = aggregate.function in ("count", "count_distinct")
        if counted and isinstance(right, ast.Literal) and right.kind == "number":
            amount = right.value
            if aggregate.function == "count":
                what = _plural(amount, "row")
            else:
                what = f"different {self._distinct_of(aggregate)} {_plural(amount, 'value')}"
            subject = self._each(aggregate.per) if aggregate.per else self._table_subject()
            return _Clause(subject, "have", f"{_COUNT_WORDS[operator]} {number_text(amount)} {what}", operator == "!=")
        if aggregate.per and not counted:
            clause = self._plain_compare_words(self._aggregate_noun(aggregate, False), operator, self.noun(right))
            return replace(clause, prefix=f"for {self._each(aggregate.per)}, ")
        return self._plain_compare_words(self.noun(aggregate), operator, self.noun(right))

    def _distinct_of(self, aggregate: ast.Aggregate) -> str:
        return self.noun(aggregate.argument, ATOM_LEVEL)

    def _each(self, keys) -> str:
        return each_of([self.style.code(k.text) for k in keys])

    def _table_subject(self) -> str:
        return self.style.code(self.table) if self.table else "the table"

    def _is_time(self, expr) -> bool:
        if isinstance(expr, ast.ColumnRef):
            return self.column_kind(expr) == "timestamp"
        if isinstance(expr, ast.Arithmetic) and expr.operator in "+-":
            duration = lambda e: isinstance(e, ast.Literal) and e.kind == "duration"  # noqa: E731
            return (self._is_time(expr.left) and duration(expr.right)) or (
                expr.operator == "+" and duration(expr.left) and self._is_time(expr.right))
        return False

    # ---- values --------------------------------------------------------------------------

    def noun(self, expr, minimum: int = OR_LEVEL) -> str:
        """A value in words: `submitted_at − assigned_at`, "the number of words in response"."""
        if isinstance(expr, ast.Arithmetic):
            level = SUM_LEVEL if expr.operator in "+-" else PRODUCT_LEVEL
            right_level = level + 1
            text = (f"{self.noun(expr.left, level)} {_ARITHMETIC_SIGNS[expr.operator]} "
                    f"{self.noun(expr.right, right_level)}")
            return f"({text})" if level < minimum else text
        if isinstance(expr, (ast.And, ast.Or, ast.Not, ast.Compare) + _NEGATABLE + (ast.BetweenExpr,)):
            return f"whether {self.statement(expr)}"
        renderer = _NOUNS.get(type(expr))
        if renderer is None:
            return self._fallback(expr)
        return renderer(self, expr)

    def literal(self, literal: ast.Literal) -> str:
        if literal.kind == "string":
            return self.style.code(literal.value) if literal.value else "empty text"
        if literal.kind == "duration":
            return duration_text(literal.text)
        if literal.kind == "null":
            return "empty"
        if literal.kind == "bool":
            return "true" if literal.value else "false"
        if literal.kind == "number":
            return number_text(literal.value)
        return literal.text

    def _call(self, call: ast.Call) -> str:
        name = call.function.text
        arguments = call.arguments
        if name in _NORMALISED_NOUNS and len(arguments) == 1:
            words = []
            while isinstance(call, ast.Call) and call.function.text in _NORMALISED_NOUNS and len(call.arguments) == 1:
                words.append(_NORMALISED_NOUNS[call.function.text])
                call = call.arguments[0]
            return f"{self.noun(call, ATOM_LEVEL)} ({', '.join(words)})"
        phrases = {"length": "the length of {}", "words": "the number of words in {}",
                   "abs": "the absolute value of {}", "round": "{} rounded to a whole number"}
        if name in phrases and len(arguments) == 1:
            return phrases[name].format(self.noun(arguments[0], ATOM_LEVEL))
        if name == "coalesce" and arguments:
            values = [self.noun(a, ATOM_LEVEL) for a in arguments]
            if len(values) == 2:
                return f"{values[0]} (or {values[1]} when {values[0]} is empty)"
            return f"the first non-empty of {join_words(values, 'or')}"
        inner = ", ".join(self.noun(a) for a in arguments)
        return f"{name}({inner})"

    def _aggregate_noun(self, aggregate: ast.Aggregate, with_per: bool = True) -> str:
        if aggregate.function == "count":
            text = "the number of rows"
        elif aggregate.function == "count_distinct":
            text = f"the number of different {self._distinct_of(aggregate)} values"
        else:
            template = _AGGREGATE_NOUNS.get(aggregate.function, aggregate.function + " of {}")
            text = template.format(self.noun(aggregate.argument, ATOM_LEVEL))
        if with_per and aggregate.per:
            text += " per " + join_words([self.style.code(k.text) for k in aggregate.per])
        return text

    def _fallback(self, expr) -> str:
        try:
            from .fmt import format_expression
        except ImportError:  # the formatter is optional here: a repr still says something
            return repr(expr)
        return self.style.code(format_expression(expr))


def _strip_normalisers(expr) -> tuple[object, list[str]]:
    """`lower(trim(x))` -> (x, ["case", "surrounding white space"])."""
    notes: list[str] = []
    while isinstance(expr, ast.Call) and expr.function.text in _NORMALISERS and len(expr.arguments) == 1:
        note = _NORMALISERS[expr.function.text]
        if note not in notes:
            notes.append(note)
        expr = expr.arguments[0]
    return expr, notes


def _between(describer: Describer, expr: ast.BetweenExpr) -> _Clause:
    low, high = describer.noun(expr.low, SUM_LEVEL), describer.noun(expr.high, SUM_LEVEL)
    return _Clause(describer.noun(expr.operand), "be", f"between {low} and {high}")


def _not_atom(describer: Describer, expr: ast.Not) -> _Clause:
    inner = describer.clause(expr.operand)
    if isinstance(expr.operand, ast.BetweenExpr):
        return replace(inner, negated=not inner.negated)
    return _Clause(describer.noun(expr.operand), "be", "false")


def _values(describer: Describer, values) -> str:
    words = [describer.literal(v) for v in values]
    if len(words) <= 2:
        return join_words(words, "or")
    return "one of " + ", ".join(words)


def _matches(describer: Describer, expr: ast.Matches) -> _Clause:
    operand, notes = _strip_normalisers(expr.operand)
    note = f" (ignoring {join_words(notes)})" if notes else ""
    return _Clause(describer.noun(operand), "match", f"the pattern {describer.style.code(expr.pattern)}{note}",
                   expr.negated)


def _bool_atom(describer: Describer, expr) -> _Clause:
    if isinstance(expr, ast.Literal) and expr.kind == "bool":
        return _Clause("every row", "pass", "this check") if expr.value else _Clause("no row", "pass", "this check")
    return _Clause(describer.noun(expr), "be", "true")


_CLAUSES: dict[type, Callable[[Describer, object], _Clause]] = {
    ast.Compare: Describer._compare,
    ast.Not: _not_atom,
    ast.IsNull: lambda d, e: _Clause(d.noun(e.operand), "be", "empty", e.negated),
    ast.InList: lambda d, e: _Clause(d.noun(e.operand), "be", _values(d, e.values), e.negated),
    ast.InSubtree: lambda d, e: _Clause(d.noun(e.operand), "be", f"{d.literal(e.code)} or one of its sub-labels",
                                        e.negated),
    ast.InLeaves: lambda d, e: _Clause(d.noun(e.operand), "be", "a leaf label (a label with no sub-labels)",
                                       e.negated),
    ast.InColumn: lambda d, e: _Clause(d.noun(e.operand), "appear", f"in {d.style.code(str(e.target))}", e.negated),
    ast.BetweenExpr: _between,
    ast.Matches: _matches,
    ast.ColumnRef: _bool_atom,
    ast.Call: _bool_atom,
    ast.Literal: _bool_atom,
}

_NOUNS: dict[type, Callable[[Describer, object], str]] = {
    ast.Literal: Describer.literal,
    ast.ColumnRef: lambda d, e: d.style.code(str(e)),
    ast.Call: Describer._call,
    ast.Aggregate: Describer._aggregate_noun,
    ast.ShareOf: lambda d, e: f"the share of the rows taken by each {d._share_subject(e)}",
    ast.ShareWhere: lambda d, e: f"the share of rows where {d.statement(e.condition)}",
}


# ---- rules --------------------------------------------------------------------------------


def _scope_unit(condition) -> str:
    if isinstance(condition, (ast.UniqueCondition, ast.RawSql)):
        return "rows"
    if _has(condition, ast.ShareOf):
        return "values"
    return "groups" if rule_scope(condition) == "group" else "rows"


def _has(node, kind) -> bool:
    return isinstance(node, kind) or any(_has(child, kind) for child in children_of(node))


def describe_expression(expr, style: Style = PLAIN) -> str:
    """A value in words: `length(text)` -> "the length of text"."""
    return Describer(style).noun(expr)


def describe_condition(condition, *, modal: str = "must", style: Style = PLAIN, describer: Describer | None = None) -> str:
    """What a rule's condition requires, without tolerance: "end must be greater than start"."""
    describer = replace(describer, modal=modal) if describer else Describer(style, modal)
    style = describer.style
    if isinstance(condition, ast.UniqueCondition):
        return f"{each_of([style.code(c.text) for c in condition.columns])} {modal} appear only once"
    if isinstance(condition, ast.RawSql):
        return "custom SQL check"
    return describer.requirement(condition)


def describe_tolerance(amount: ast.Amount, unit: str = "rows") -> str:
    """"up to 5% of rows may break this", "up to 1 row may break this"."""
    if amount.percent:
        return f"up to {number_text(amount.value)}% of {unit} may break this"
    singular = {"rows": "row", "groups": "group", "values": "value"}.get(unit, unit)
    return f"up to {number_text(amount.value)} {singular if amount.value == 1 else unit} may break this"


def describe_grades(thresholds, unit: str = "rows") -> str:
    """A graded rule's bounds: "warns if more than 2% of rows break this, fails if more than 10% do"."""
    parts = []
    for index, threshold in enumerate(_ordered(thresholds)):
        verb = "warns" if threshold.level == "warn" else "fails"
        amount = threshold.amount
        if amount.percent:
            what = f"{number_text(amount.value)}%" + (f" of {unit}" if index == 0 else "")
        else:
            what = number_text(amount.value) + (f" {unit}" if index == 0 else "")
        tail = " break this" if index == 0 else " do"
        parts.append(f"{verb} if more than {what}{tail}")
    return ", ".join(parts)


def describe_thresholds(thresholds) -> str:
    """A metric's bounds as written: "warns below 0.85, fails below 0.70"."""
    return ", ".join(f"{'warns' if t.level == 'warn' else 'fails'} {t.side} {score_text(t.amount)}"
                     for t in _ordered(thresholds))


def _ordered(thresholds) -> list:
    return sorted(thresholds, key=lambda t: 0 if t.level == "warn" else 1)


def describe_rule(rule: ast.Rule, *, style: Style = PLAIN, describer: Describer | None = None) -> str:
    """A rule in words, its severity as the modal verb, with its tolerance or grades.

    `seconds >= 2 tolerate 5%` -> "seconds must be at least 2 (up to 5% of rows may break this)";
    raw SQL -> "custom SQL check: MESSAGE".
    """
    modal = modal_for(rule_severity(rule))
    if isinstance(rule.condition, ast.RawSql):
        return f"custom SQL check: {style.text(rule.message or rule.id.text)}"
    text = describe_condition(rule.condition, modal=modal, style=style, describer=describer)
    unit = _scope_unit(rule.condition)
    if rule.tolerance is not None:
        text += f" ({describe_tolerance(rule.tolerance, unit)})"
    if rule.thresholds:
        text += f" ({describe_grades(rule.thresholds, unit)})"
    return text


# ---- metrics ------------------------------------------------------------------------------

_SPAN_MODES = {
    "strict": "same boundaries and label",
    "exact": "same boundaries, any label",
    "partial": "same label; overlapping spans count half",
    "type": "same label, overlapping boundaries",
}


def _option(metric: ast.Metric, choices, default: str) -> str:
    return next((o.text for o in metric.options if o.text in choices), default)


def _measure(metric: ast.Metric, style: Style) -> str:
    kind = metric.kind.text
    if kind == "alpha":
        return f"Krippendorff's alpha ({_option(metric, ('nominal', 'ordinal', 'interval', 'ratio'), 'nominal')}) between annotators"
    if kind == "cohen_kappa":
        weights = _option(metric, ("linear", "quadratic"), "")
        return "Cohen's kappa between annotators" + (f" ({weights} weights)" if weights else "")
    if kind == "span_f1":
        mode = _option(metric, tuple(_SPAN_MODES), "strict")
        average = _option(metric, ("micro", "macro"), "micro")
        return f"span F1 between annotators ({mode}: {_SPAN_MODES[mode]}; {average}-averaged)"
    if kind == "preference_agreement":
        how = _option(metric, ("percent", "alpha"), "percent")
        return ("percent agreement" if how == "percent" else "Krippendorff's alpha") + " on preferences between annotators"
    if kind == "gold_accuracy":
        gold = style.code(str(metric.against)) if metric.against else "the gold answers"
        return f"accuracy against the gold answers in {gold}"
    if kind in ("mean", "median"):
        return f"the {kind} of {style.code(str(metric.of)) if metric.of else 'the values'}"
    fixed = {"fleiss_kappa": "Fleiss' kappa between annotators",
             "percent_agreement": "percent agreement between annotators",
             "kendall_tau": "Kendall's tau between annotators' rankings",
             "kendall_w": "Kendall's W (how well all annotators' rankings agree)",
             "position_bias": "the share of preferences for the response shown first (0.5 means no bias)"}
    return fixed.get(kind, kind)


def describe_metric(metric: ast.Metric, *, style: Style = PLAIN, task: str | None = None) -> str:
    """A metric and its thresholds: "span F1 … on task ner should be at least 0.85 and must be at
    least 0.70 (warns below 0.85, fails below 0.70)"."""
    task_name = task or (metric.task.text if metric.task else None)
    text = _measure(metric, style) + (f" on task {style.code(task_name)}" if task_name else "")
    per = f"; also reported per {join_words([style.code(p.text) for p in metric.per])}" if metric.per else ""
    if not metric.thresholds:
        return f"{text} is reported (no threshold){per}"
    demands = []
    for threshold in _ordered(metric.thresholds):
        modal = "should" if threshold.level == "warn" else "must"
        bound = "at least" if threshold.side == "below" else "at most"
        demands.append(f"{modal} be {bound} {score_text(threshold.amount)}")
    return f"{text} {' and '.join(demands)} ({describe_thresholds(metric.thresholds)}){per}"


# ---- whole specs: every check with its id ---------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One check of the spec in words, with the id reports use for it."""

    id: str
    severity: str  # error | warn
    text: str
    table: str
    kind: str  # column | builtin | rule | metric
    message: str | None = None  # the rule's message or the metric's title


def describer_for(checked, table: str, style: Style = PLAIN, modal: str = "must") -> Describer:
    """A describer that knows the table's (and joined tables') column types."""

    def kind(ref: ast.ColumnRef) -> str | None:
        owner = checked.tables.get(ref.table or table)
        if owner is None or owner.column(ref.column) is None:
            return None
        return checked.column_type(owner.name.text, ref.column).kind

    return Describer(style, modal, table, kind)


def describe_spec(checked, style: Style = PLAIN) -> list[Statement]:
    """Every check the planner makes, in its order: columns, task built-ins, rules; then metrics."""
    statements = []
    for table in checked.tables.values():
        statements.extend(column_statements(checked, table, style))
    for task in checked.tasks.values():
        statements.extend(task_statements(checked, task, style))
    for block in checked.rule_blocks:
        statements.extend(rule_statements(checked, block, style))
    statements.extend(metric_statements(checked, style))
    return statements


def rule_statements(checked, block: ast.RuleBlock, style: Style = PLAIN) -> list[Statement]:
    table = block.table.text
    describer = describer_for(checked, table, style)
    return [Statement(rule.id.text, rule_severity(rule), describe_rule(rule, style=style, describer=describer),
                      table, "rule", rule.message or rule.id.text) for rule in block.rules]


def metric_statements(checked, style: Style = PLAIN) -> list[Statement]:
    from .plan import task_for_metric

    statements = []
    for metric in checked.metrics:
        task = task_for_metric(checked, metric)
        severity = "error" if any(t.level == "fail" for t in metric.thresholds) else "warn"
        statements.append(Statement(metric.id.text, severity, describe_metric(metric, style=style, task=task.name.text),
                                    task.table.text, "metric", metric.title or metric.id.text))
    return statements


# ---- column constraints ---------------------------------------------------------------------

_BOUND_WORDS = {">=": "at least", ">": "greater than", "<=": "at most", "<": "less than", "=": "exactly",
                "!=": "other than"}


def range_words(column: ast.Column) -> str | None:
    words = []
    for constraint in column.constraints:
        if isinstance(constraint, ast.Bound):
            words.append(f"{_BOUND_WORDS[constraint.operator]} {number_text(constraint.value)}")
        elif isinstance(constraint, ast.Range):
            words.append(f"between {number_text(constraint.low)} and {number_text(constraint.high)}")
    return " and ".join(words) or None


def size_words(bound: ast.LengthBound) -> str | None:
    """`length 1..200` -> "1 to 200 characters"; None when no bound survives (`length != N`)."""
    unit = "character" if bound.what == "length" else "item"
    low, high = bound.low, bound.high
    if low is not None and high is not None:
        return f"exactly {low} {_plural(low, unit)}" if low == high else f"{low} to {high} {unit}s"
    if low is not None:
        return f"at least {low} {_plural(low, unit)}"
    if high is not None:
        return f"at most {high} {_plural(high, unit)}"
    return None


def label_words(checked, type_ref, style: Style = PLAIN) -> str | None:
    """What a taxonomy-typed column accepts, or None for other types."""
    if isinstance(type_ref, ast.LeavesType):
        return f"a leaf label of {style.code(type_ref.taxonomy.text)} (a label with no sub-labels)"
    if isinstance(type_ref, ast.SubtreeType):
        return f"{style.code(type_ref.code)} or one of its sub-labels in {style.code(type_ref.taxonomy.text)}"
    if isinstance(type_ref, ast.NamedType) and type_ref.name.text in checked.taxonomies:
        return f"a label of {style.code(type_ref.name.text)}"
    return None


def column_statements(checked, table: ast.Table, style: Style = PLAIN) -> list[Statement]:
    """The built-in checks a table's column declarations switch on, named as the planner names them."""
    statements = []
    for column in table.columns:
        statements.extend(_column(checked, table, column, style))
    if table.primary_key:
        subject = each_of([style.code(k.text) for k in table.primary_key])
        statements.append(Statement(f"{table.name.text}.primary_key", "error", f"{subject} must appear only once",
                                    table.name.text, "column"))
    return statements


def _column(checked, table: ast.Table, column: ast.Column, style: Style) -> list[Statement]:
    name = column.name.text
    code = style.code(name)
    said: list[tuple[str, str]] = []
    if column.has(ast.Required) or column.has(ast.Key):
        said.append(("required", f"{code} must not be empty"))
    words = range_words(column)
    if words:
        said.append(("range", f"{code} must be {words}"))
    for pattern in column.find(ast.Pattern):
        said.append(("pattern", f"{code} must fully match the pattern {style.code(pattern.regex)}"))
    for bound in column.find(ast.LengthBound):
        size = size_words(bound)
        if size:
            said.append((bound.what, f"{code} must have {size}"))
    allowed = _allowed_words(checked, column, style)
    if allowed:
        said.append(("enum", f"{code} must be {allowed}"))
    for reference in column.find(ast.References):
        said.append(("references", f"{code} must exist in {style.code(str(reference.target))}"))
    if column.has(ast.Key) or column.has(ast.Unique):
        said.append(("unique", f"each {code} must appear only once"))
    table_name = table.name.text
    return [Statement(f"{table_name}.{name}.{check}", "error", text, table_name, "column") for check, text in said]


def _allowed_words(checked, column: ast.Column, style: Style) -> str | None:
    one_of = column.find(ast.OneOf)
    if one_of:
        words = [style.code(str(v.value)) if v.kind == "string" else v.text for v in one_of[0].values]
        return join_words(words, "or") if len(words) <= 2 else "one of " + ", ".join(words)
    if isinstance(column.type, ast.ListType):
        return None
    return label_words(checked, column.type, style)


# ---- tasks ----------------------------------------------------------------------------------

TASK_KIND_WORDS = {
    "classification": "Classification: choose exactly one label for each item.",
    "multilabel": "Multi-label classification: choose every label that applies to each item.",
    "spans": "Span annotation: mark stretches of text by their character offsets and give each a label.",
    "tokens": "Token tagging: give each token a BIO tag (O, B-X or I-X).",
    "rating": "Rating: give each item a score on a scale.",
    "text": "Writing: write the ideal response to each prompt.",
    "ranking": "Ranking: order the responses shown from best to worst.",
    "preference": "Pairwise preference: choose the better of two responses.",
}

ROLE_WORDS = {
    "unit": "the item being annotated",
    "annotator": "who made the annotation",
    "vendor": "the vendor the annotator works for",
    "seconds": "time spent, in seconds",
    "label": "the label chosen",
    "span": "where the span starts and ends: character offsets counted from 0, the end not included",
    "text": "the text the offsets point into",
    "span_text": "the characters the span covers",
    "token": "the token",
    "tag": "the token's BIO tag",
    "position": "the token's position in its item",
    "rating": "the rating given",
    "prompt": "the prompt",
    "response": "the response written",
    "responses": "the responses shown",
    "ranking": "the ranking of the responses shown",
    "chosen": "the response preferred",
    "rejected": "the response not preferred",
    "tie": "whether the two responses were judged equally good",
    "shown_first": "the response shown first",
}


def describe_task_kind(task: ast.Task) -> str:
    text = TASK_KIND_WORDS.get(task.kind.text, f"{task.kind.text} task.")
    if task.scale is not None:
        step = f", in steps of {number_text(task.scale.step)}" if task.scale.step else ""
        text += f" The scale runs from {number_text(task.scale.low)} to {number_text(task.scale.high)}{step}."
    if task.cardinality is not None:
        text += f" Give {size_words(task.cardinality).replace('items', 'labels').replace('item', 'label')} per item."
    allows = {a.text for a in task.allows}
    if "overlap" in allows:
        text += " Spans may overlap."
    if "ties" in allows:
        text += " Ties are allowed."
    return text


def task_statements(checked, task: ast.Task, style: Style = PLAIN) -> list[Statement]:
    """The task's built-in checks that are switched on, as `specc.checks.tasks` builds them."""
    from .checks.tasks import task_checks

    statements = []
    for check in task_checks(checked, task):
        name = check.id.rpartition(".")[2]
        words = _TASK_CHECK_WORDS.get(name)
        text = words(_TaskWords(task, style, modal_for(check.severity))) if words else style.text(check.message)
        statements.append(Statement(check.id, check.severity, text, task.table.text, "builtin"))
    return statements


@dataclass(frozen=True)
class _TaskWords:
    task: ast.Task
    style: Style
    modal: str

    def role(self, name: str, index: int = 0) -> str:
        role = self.task.role(name)
        return self.style.code(str(role.columns[index])) if role else name

    def allows(self, option: str) -> bool:
        return any(a.text == option for a in self.task.allows)


def _span_bounds(w: _TaskWords) -> str:
    start, end = w.role("span", 0), w.role("span", 1)
    if w.task.role("text") is None:
        return f"{start} {w.modal} be at least 0 and {end} {w.modal} be greater than {start}"
    return (f"each span {w.modal} lie inside its text: {start} at least 0, {end} greater than {start} "
            f"and no greater than the length of {w.role('text')}")


def _rating_scale(w: _TaskWords) -> str:
    scale = w.task.scale
    step = f" in steps of {number_text(scale.step)}" if scale.step else ""
    return f"{w.role('rating')} {w.modal} be between {number_text(scale.low)} and {number_text(scale.high)}{step}"


def _cardinality(w: _TaskWords) -> str:
    size = size_words(w.task.cardinality) or "any number of items"
    size = size.replace("items", "labels").replace("item", "label")
    return f"each {w.role('annotator')} {w.modal} give {size} per {w.role('unit')}"


_TASK_CHECK_WORDS: dict[str, Callable[[_TaskWords], str]] = {
    "single_label": lambda w: f"each {w.role('annotator')} {w.modal} give exactly one {w.role('label')} per {w.role('unit')}",
    "no_repeated_label": lambda w: f"each {w.role('annotator')} {w.modal} not give the same {w.role('label')} twice for one {w.role('unit')}",
    "label_cardinality": _cardinality,
    "span_bounds": _span_bounds,
    "span_not_empty": lambda w: f"a span {w.modal} cover more than white space",
    "span_overlap": lambda w: f"spans of one {w.role('annotator')} on one {w.role('unit')} {w.modal} not overlap",
    "span_text_matches": lambda w: (f"{w.role('span_text')} {w.modal} equal the characters of {w.role('text')} "
                                    f"from {w.role('span', 0)} to {w.role('span', 1)}"),
    "bio_sequence": lambda w: (f"each {w.role('tag')} {w.modal} be O, B-X or I-X, and an I-X tag {w.modal} follow "
                               "B-X or I-X of the same type"),
    "rating_scale": _rating_scale,
    "text_not_empty": lambda w: f"{w.role('prompt')} and {w.role('response')} {w.modal} not be empty",
    "response_not_prompt": lambda w: (f"{w.role('response')} {w.modal} not repeat {w.role('prompt')} "
                                      "(ignoring case, punctuation and spacing)"),
    "response_pii": lambda w: f"{w.role('response')} {w.modal} not contain an e-mail address or a phone number",
    "refusal_phrase": lambda w: (f"{w.role('response')} {w.modal} not be a canned refusal "
                                 "(such as \u201cas an AI language model\u201d)"),
    "duplicate_prompt": lambda w: (f"the same {w.role('prompt')} {w.modal} not appear more than once "
                                   "(ignoring case, punctuation and spacing)"),
    "duplicate_response": lambda w: (f"the same {w.role('response')} {w.modal} not appear more than once "
                                     "(ignoring case, punctuation and spacing)"),
    "ranking_permutation": lambda w: (f"{w.role('ranking')} {w.modal} order exactly the responses shown in "
                                      f"{w.role('responses')}" + ("" if w.allows("ties") else ", without ties")),
    "chosen_differs": lambda w: f"{w.role('chosen')} and {w.role('rejected')} {w.modal} be different responses",
    "chosen_among_shown": lambda w: (f"{w.role('chosen')} and {w.role('rejected')} {w.modal} be among the "
                                     f"responses shown in {w.role('responses')}"),
    "tie_allowed": lambda w: f"{w.role('tie')} {w.modal} not be set: this task allows no ties",
}
