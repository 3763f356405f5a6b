"""The words for expressions: how a condition over one table is said as a requirement or a fact.

`specc.describe` names every check of a spec and says it in plain words; this module is the
part of it that turns an expression tree into English, so that catalogue stays short and the
wording rules live in one place. `end > start` becomes "end must be greater than start",
`count distinct annotator per doc_id >= 2` becomes "each doc_id must have at least 2 different
annotator values".

Negations are pushed into the expression before it is worded (exact under SQL's three-valued
logic: `not (a <= b)` is `a > b`, De Morgan holds), and `not A or B` is read as "if A, B must
hold". Each predicate becomes a `_Clause`, which can be said as a requirement ("x must be 2")
or as a fact ("x is 2"), the latter for premises and for conditions nested in values.

A `Style` decides how names and values from the spec are written: `PLAIN` leaves them bare;
`MARKDOWN` puts them in code spans and escapes the spec's free text, so a sentence is valid,
inert Markdown whatever the spec holds. Tolerance and grade words live here too, since they
qualify a condition whatever check it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable

from . import ast
from .markdown import markdown_code, markdown_escape

# ---- styles -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Style:
    code: Callable[[str], str]  # names and values from the spec
    text: Callable[[str], str]  # the spec's free text (messages)

    def names(self, tokens) -> list[str]:
        """Names written in the spec (columns, keys), each in this style."""
        return [self.code(token.text) for token in tokens]


PLAIN = Style(code=lambda s: s, text=lambda s: s)
MARKDOWN = Style(code=markdown_code, text=lambda s: markdown_escape(s, line_start=False))


# ---- small words --------------------------------------------------------------------------


def join_words(items: list[str], last: str = "and") -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def modal_for(severity: str | None) -> str:
    """The modal verb for a severity or a threshold level: only a warning is a "should"."""
    return "should" if severity == "warn" else "must"


def one_of_words(words: list[str]) -> str:
    """"a", "a or b", "one of a, b, c"."""
    return join_words(words, "or") if len(words) <= 2 else "one of " + ", ".join(words)


def number_text(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def score_text(amount: ast.Amount) -> str:
    """A threshold as people write scores: `0.70`, `0.667`, `80%`, `600`."""
    if amount.percent:
        return f"{number_text(amount.value)}%"
    if amount.duration:
        return duration_text(amount.text)
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


def plural(count, word: str) -> str:
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
_NEGATABLE = (ast.IsNull, ast.IsValid, ast.InList, ast.InSubtree, ast.InLeaves, ast.InColumn, ast.Matches)


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
# an upper bound on a share is a prohibition ("no single label may make up more than 40% …")
_SHARE_LIMITS = {"<=": "more than {} of the rows", "<": "{} or more of the rows", "!=": "exactly {} of the rows"}
_SHARE_FLOORS = {">=": "at least {} of the rows", ">": "more than {} of the rows", "=": "exactly {} of the rows"}


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
            left, right, note = left_core, right_core, _ignoring(left_notes)
        subject, other = self.noun(left), self.noun(right)
        if operator in _TIME_WORDS and self._is_time(left) and self._is_time(right):
            word, negated = _TIME_WORDS[operator]
            return _Clause(subject, "be", f"{word} {other}{note}", negated)
        if operator in ("=", "!=") and not isinstance(right, ast.Literal):
            return _Clause(subject, "equal", other + note, operator == "!=")
        return self._plain_compare_words(subject, operator, other + note)

    def _share_of(self, share: ast.ShareOf, operator: str, right) -> _Clause:
        amount = percent_text(right) if isinstance(right, ast.Literal) else self.noun(right)
        value = self._share_subject(share)
        if operator in _SHARE_LIMITS:
            return _Clause(f"single {value}", "make up", _SHARE_LIMITS[operator].format(amount), prohibition=True)
        return _Clause(f"each {value}", "make up", _SHARE_FLOORS[operator].format(amount))

    def _share_subject(self, share: ast.ShareOf) -> str:
        among = f" among the rows where {self.statement(share.where)}" if share.where is not None else ""
        if isinstance(share.operand, ast.ColumnRef):
            return self.noun(share.operand) + among
        return f"value of {self.noun(share.operand, ATOM_LEVEL)}{among}"

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
                what = plural(amount, "row")
            else:
                what = f"different {self._distinct_of(aggregate)} {plural(amount, 'value')}"
            subject = self._each(aggregate.per) if aggregate.per else self._table_subject()
            return _Clause(subject, "have", f"{_COUNT_WORDS[operator]} {number_text(amount)} {what}", operator == "!=")
        if aggregate.per and not counted:
            clause = self._plain_compare_words(self._aggregate_noun(aggregate, False), operator, self.noun(right))
            return replace(clause, prefix=f"for {self._each(aggregate.per)}, ")
        return self._plain_compare_words(self.noun(aggregate), operator, self.noun(right))

    def _distinct_of(self, aggregate: ast.Aggregate) -> str:
        return self.noun(aggregate.argument, ATOM_LEVEL)

    def _each(self, keys) -> str:
        return each_of(self.style.names(keys))

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
            text += " per " + join_words(self.style.names(aggregate.per))
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


def _ignoring(notes: list[str]) -> str:
    """" (ignoring case)" after a comparison whose normalisers were left out of its words."""
    return f" (ignoring {join_words(notes)})" if notes else ""


def _between(describer: Describer, expr: ast.BetweenExpr) -> _Clause:
    low, high = describer.noun(expr.low, SUM_LEVEL), describer.noun(expr.high, SUM_LEVEL)
    return _Clause(describer.noun(expr.operand), "be", f"between {low} and {high}")


def _not_atom(describer: Describer, expr: ast.Not) -> _Clause:
    inner = describer.clause(expr.operand)
    if isinstance(expr.operand, ast.BetweenExpr):
        return replace(inner, negated=not inner.negated)
    return _Clause(describer.noun(expr.operand), "be", "false")


def _values(describer: Describer, values) -> str:
    return one_of_words([describer.literal(v) for v in values])


def _matches(describer: Describer, expr: ast.Matches) -> _Clause:
    operand, notes = _strip_normalisers(expr.operand)
    pattern = f"the pattern {describer.style.code(expr.pattern)}{_ignoring(notes)}"
    return _Clause(describer.noun(operand), "match", pattern, expr.negated)


def _bool_atom(describer: Describer, expr) -> _Clause:
    if isinstance(expr, ast.Literal) and expr.kind == "bool":
        return _Clause("every row", "pass", "this check") if expr.value else _Clause("no row", "pass", "this check")
    return _Clause(describer.noun(expr), "be", "true")


_CLAUSES: dict[type, Callable[[Describer, object], _Clause]] = {
    ast.Compare: Describer._compare,
    ast.Not: _not_atom,
    ast.IsNull: lambda d, e: _Clause(d.noun(e.operand), "be", "empty", e.negated),
    ast.IsValid: lambda d, e: _Clause(d.noun(e.operand), "be", "a valid value of its column", e.negated),
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



# ---- whole expressions and conditions -------------------------------------------------------


def describe_expression(expr, style: Style = PLAIN) -> str:
    """A value in words: `length(text)` -> "the length of text"."""
    return Describer(style).noun(expr)


def describe_condition(condition, *, modal: str = "must", style: Style = PLAIN, describer: Describer | None = None) -> str:
    """What a rule's condition requires, without tolerance: "end must be greater than start"."""
    describer = replace(describer, modal=modal) if describer else Describer(style, modal)
    style = describer.style
    if isinstance(condition, ast.UniqueCondition):
        return f"{each_of(style.names(condition.columns))} {modal} appear only once"
    if isinstance(condition, ast.RawSql):
        return "custom SQL check"
    return describer.requirement(condition)


# ---- tolerance, grades and thresholds: how far a check may fall short ----------------------


def describe_tolerance(amount: ast.Amount, unit: str = "rows") -> str:
    """"up to 5% of rows may break this", "up to 1 row may break this"."""
    if amount.percent:
        return f"up to {number_text(amount.value)}% of {unit} may break this"
    singular = {"rows": "row", "groups": "group", "values": "value"}.get(unit, unit)
    return f"up to {number_text(amount.value)} {singular if amount.value == 1 else unit} may break this"


def describe_grades(thresholds, unit: str = "rows") -> str:
    """A graded rule's bounds: "warns if more than 2% of rows break this, fails if more than 10% do"."""
    parts = []
    for index, threshold in enumerate(warn_then_fail(thresholds)):
        verb = _threshold_verb(threshold)
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
    return ", ".join(f"{_threshold_verb(t)} {t.side} {score_text(t.amount)}" for t in warn_then_fail(thresholds))


def graded_severity(thresholds) -> str:
    """A graded check is an error when it has a `fail` bound, a warning otherwise (as the planner says)."""
    return "error" if any(t.level == "fail" for t in thresholds) else "warn"


def warn_then_fail(thresholds) -> list:
    return sorted(thresholds, key=lambda t: 0 if t.level == "warn" else 1)


def _threshold_verb(threshold) -> str:
    return "warns" if threshold.level == "warn" else "fails"
