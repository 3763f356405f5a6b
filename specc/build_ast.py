"""Parse tree to AST.

The builder never raises: a problem it can see only after parsing (a non-integer length, a
bad escape) becomes a diagnostic and the builder carries on with a best-effort node, so one
run reports every mistake it can.
"""

from __future__ import annotations

import math
import re
import textwrap

from lark import Token, Transformer, Tree, v_args

from . import ast
from .diagnostics import Diagnostics, error
from .source import Span

_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def unquote_string(raw: str) -> str:
    """Decode a one-line string literal; unknown escapes are kept as written."""
    body = raw[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)


def unquote_block(raw: str) -> str:
    """A triple-quoted block: indentation common to its lines is layout, not content."""
    body = raw[3:-3]
    if body.startswith("\n"):
        body = body[1:]
    return textwrap.dedent(body).strip("\n").rstrip()


def text_value(token: Token) -> str:
    if token.type == "LONG_STRING":
        return unquote_block(str(token))
    return unquote_string(str(token))


def identifier_text(token: Token) -> str:
    text = str(token)
    return text[1:-1] if text.startswith("`") else text


def number_value(text) -> int | float | None:
    """A number as written (`Token` or text); whole numbers stay exact integers."""
    if text is None:
        return None
    text = str(text)
    if not re.search(r"[.eE]", text):
        return int(text)
    return float(text)


class AstBuilder(Transformer):
    """Turns Lark's tree into `specc.ast` nodes; problems go to `self.diagnostics`."""

    def __init__(self, path: str, diagnostics: Diagnostics):
        super().__init__(visit_tokens=False)
        self.path = path
        self.diagnostics = diagnostics

    # ---- helpers ------------------------------------------------------------------------

    def span_of(self, item) -> Span:
        if isinstance(item, Token):
            return Span(self.path, item.line, item.column, item.end_line, item.end_column)
        meta = item
        if getattr(meta, "empty", False):
            return Span(self.path, 1, 1, 1, 1)
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def ident(self, token: Token) -> ast.Identifier:
        return ast.Identifier(identifier_text(token), span=self.span_of(token))

    def text(self, token) -> str | None:
        return None if token is None else text_value(token)

    def written_number(self, token) -> int | float | None:
        """A number as written; one too large to hold becomes a diagnostic and 0."""
        value = number_value(token)
        if isinstance(value, float) and not math.isfinite(value):
            self.diagnostics.add(error("E010", self.span_of(token), f"the number `{token}` is too large"))
            return 0
        return value

    def integer(self, token: Token) -> int:
        value = self.written_number(token)
        if not isinstance(value, int):
            self.diagnostics.add(
                error("E010", self.span_of(token), f"expected a whole number, found `{token}`")
            )
            return int(value)
        return value

    # ---- top level ----------------------------------------------------------------------

    @v_args(meta=True)
    def start(self, meta, items):
        return ast.Spec(tuple(items), span=self.span_of(meta))

    @v_args(meta=True)
    def spec_header(self, meta, children):
        name, title = children
        return ast.SpecHeader(self.ident(name), self.text(title), span=self.span_of(meta))

    def _meta(key):
        @v_args(meta=True)
        def build(self, meta, children):
            value = children[0]
            if isinstance(value, Tree):  # version
                value = value.children[0]
            text = text_value(value) if value.type in ("STRING", "LONG_STRING") else str(value)
            return ast.Meta(key, text, span=self.span_of(meta))

        return build

    meta_title = _meta("title")
    meta_owner = _meta("owner")
    meta_description = _meta("description")
    meta_version = _meta("version")

    @v_args(meta=True)
    def import_spec(self, meta, children):
        return ast.ImportSpec(text_value(children[0]), span=self.span_of(meta))

    @v_args(meta=True)
    def import_taxonomy(self, meta, children):
        name, path = children
        return ast.ImportTaxonomy(self.ident(name), text_value(path), span=self.span_of(meta))

    @v_args(meta=True)
    def guideline(self, meta, children):
        return ast.Guideline(text_value(children[0]), span=self.span_of(meta))

    # ---- taxonomies ---------------------------------------------------------------------

    @v_args(meta=True)
    def taxonomy(self, meta, children):
        name, title, guideline, *labels = children
        return ast.Taxonomy(
            self.ident(name),
            self.text(title),
            guideline.text if guideline is not None else None,
            tuple(labels),
            span=self.span_of(meta),
        )

    def example(self, children):
        return ("examples", text_value(children[0]))

    def counterexample(self, children):
        return ("counterexamples", text_value(children[0]))

    def alias(self, children):
        return ("aliases", text_value(children[0]))

    def deprecated(self, children):
        return ("deprecated", True)

    def label_children(self, children):
        return ("children", tuple(children))

    @v_args(meta=True)
    def description(self, meta, children):
        return ast.Description(text_value(children[0]), span=self.span_of(meta))

    @v_args(meta=True)
    def label(self, meta, children):
        code, display, description, *attributes = children
        fields: dict = {"examples": [], "counterexamples": [], "aliases": []}
        for attribute in attributes:
            if attribute is None:
                continue
            if isinstance(attribute, ast.Description):
                fields["description_attr"] = attribute.text
            elif isinstance(attribute, ast.Guideline):
                fields["guideline"] = attribute.text
            elif attribute[0] in ("examples", "counterexamples", "aliases"):
                fields[attribute[0]].append(attribute[1])
            else:
                fields[attribute[0]] = attribute[1]
        return ast.Label(
            self.ident(code),
            self.text(display),
            self.text(description) if description is not None else fields.get("description_attr"),
            tuple(fields["examples"]),
            tuple(fields["counterexamples"]),
            tuple(fields["aliases"]),
            fields.get("deprecated", False),
            fields.get("guideline"),
            fields.get("children", ()),
            span=self.span_of(meta),
        )

    # ---- tables -------------------------------------------------------------------------

    @v_args(meta=True)
    def record(self, meta, children):
        name, title, *columns = children
        return ast.Record(self.ident(name), self.text(title), tuple(columns), span=self.span_of(meta))

    @v_args(meta=True)
    def table(self, meta, children):
        name, title, *items = children
        fields = {"columns": [], "primary_key": (), "strict": False, "source": None, "guideline": None,
                  "timezone": None, "allow_empty": None, "latest": None, "read": []}
        for item in items:
            if isinstance(item, ast.Column):
                fields["columns"].append(item)
            elif isinstance(item, ast.Guideline):
                fields["guideline"] = item.text
            elif isinstance(item, ast.ReadSetting):
                fields["read"].append(item)
            elif isinstance(item, ast.Timezone):
                fields["timezone"] = item
            elif isinstance(item, ast.AllowEmpty):
                fields["allow_empty"] = item
            elif isinstance(item, ast.LatestBy):
                fields["latest"] = item
            else:
                fields[item[0]] = item[1]
        return ast.Table(
            self.ident(name),
            self.text(title),
            tuple(fields["columns"]),
            fields["primary_key"],
            fields["strict"],
            fields["source"],
            fields["guideline"],
            fields["timezone"],
            fields["allow_empty"],
            fields["latest"],
            tuple(fields["read"]),
            span=self.span_of(meta),
        )

    @v_args(meta=True)
    def table_timezone(self, meta, children):
        return ast.Timezone(text_value(children[0]), span=self.span_of(meta))

    @v_args(meta=True)
    def table_allow_empty(self, meta, children):
        return ast.AllowEmpty(span=self.span_of(meta))

    @v_args(meta=True)
    def table_latest(self, meta, children):
        # `latest` is a named terminal (rule blocks need to see it), so it arrives as a child
        column, keys = [c for c in children if not (isinstance(c, Token) and c.type == "LATEST")]
        return ast.LatestBy(self.ident(column), keys or (), span=self.span_of(meta))

    def table_read(self, children):
        return children[0]

    def _read(name):
        @v_args(meta=True)
        def build(self, meta, children):
            values = tuple(text_value(c) for c in children if isinstance(c, Token))
            return ast.ReadSetting(name, values, span=self.span_of(meta))

        return build

    read_delimiter = _read("delimiter")
    read_quote = _read("quote")
    read_escape = _read("escape")
    read_encoding = _read("encoding")
    read_null = _read("null")
    read_timestamp_format = _read("timestamp_format")

    @v_args(meta=True)
    def read_header_true(self, meta, children):
        return ast.ReadSetting("header", ("true",), span=self.span_of(meta))

    @v_args(meta=True)
    def read_header_false(self, meta, children):
        return ast.ReadSetting("header", ("false",), span=self.span_of(meta))

    @v_args(meta=True)
    def true_spellings(self, meta, children):
        return ast.BoolSpelling(True, tuple(text_value(c) for c in children), span=self.span_of(meta))

    @v_args(meta=True)
    def false_spellings(self, meta, children):
        return ast.BoolSpelling(False, tuple(text_value(c) for c in children), span=self.span_of(meta))

    @v_args(meta=True)
    def table_guideline(self, meta, children):
        return ast.Guideline(text_value(children[0]), span=self.span_of(meta))

    def table_key(self, children):
        return ("primary_key", children[0])

    def table_strict(self, children):
        return ("strict", True)

    def table_source(self, children):
        return ("source", text_value(children[0]))

    @v_args(meta=True)
    def column(self, meta, children):
        name, type_, *constraints = children
        return ast.Column(self.ident(name), type_, tuple(constraints), span=self.span_of(meta))

    @v_args(meta=True)
    def named_type(self, meta, children):
        return ast.NamedType(self.ident(children[0]), span=self.span_of(meta))

    @v_args(meta=True)
    def leaves_type(self, meta, children):
        return ast.LeavesType(self.ident(children[0]), span=self.span_of(meta))

    @v_args(meta=True)
    def subtree_type(self, meta, children):
        return ast.SubtreeType(self.ident(children[0]), text_value(children[1]), span=self.span_of(meta))

    @v_args(meta=True)
    def list_type(self, meta, children):
        return ast.ListType(children[0], span=self.span_of(meta))

    def _flag(kind):
        @v_args(meta=True)
        def build(self, meta, children):
            return kind(span=self.span_of(meta))

        return build

    required = _flag(ast.Required)
    optional = _flag(ast.Optional)
    key = _flag(ast.Key)
    unique = _flag(ast.Unique)

    @v_args(meta=True)
    def bound(self, meta, children):
        operator, value = children
        return ast.Bound(_canonical_operator(str(operator)), self.written_number(value), span=self.span_of(meta))

    def signed_number(self, children):
        return children[0]  # the token: users keep the number as written (`0.70`, `1e3`)

    @v_args(meta=True)
    def between(self, meta, children):
        return ast.Range(self.written_number(children[0]), self.written_number(children[1]), span=self.span_of(meta))

    @v_args(meta=True)
    def pattern(self, meta, children):
        return ast.Pattern(text_value(children[0]), span=self.span_of(meta))

    @v_args(meta=True)
    def length(self, meta, children):
        return _replace_what(children[0], "length", self.span_of(meta))

    @v_args(meta=True)
    def items(self, meta, children):
        return _replace_what(children[0], "items", self.span_of(meta))

    @v_args(meta=True)
    def length_compare(self, meta, children):
        operator, number = children
        operator = _canonical_operator(str(operator))
        value = self.integer(number)
        if operator == "!=":
            self.diagnostics.add(error("E011", self.span_of(meta),
                                       "a length, item count or cardinality bound takes <, <=, >, >= or =, not !=",
                                       "to forbid one size, write a rule such as `length(x) != 5`"))
        low, high = _bound_to_range(operator, value)
        return ast.LengthBound("length", operator, low, high, span=self.span_of(meta))

    @v_args(meta=True)
    def length_range(self, meta, children):
        low, high = (self.integer(token) for token in children)
        return ast.LengthBound("length", None, low, high, span=self.span_of(meta))

    @v_args(meta=True)
    def one_of(self, meta, children):
        return ast.OneOf(tuple(c for c in children if c is not None), span=self.span_of(meta))

    @v_args(meta=True)
    def references(self, meta, children):
        return ast.References(children[0], span=self.span_of(meta))

    # ---- tasks --------------------------------------------------------------------------

    @v_args(meta=True)
    def task(self, meta, children):
        name, title, kind, table, *items = children
        fields = {"roles": [], "allows": [], "checks": [], "text_bounds": [], "scale": None, "cardinality": None}
        guideline = None
        for item in items:
            if isinstance(item, ast.Guideline):
                guideline = item.text
            elif isinstance(item, ast.Role):
                fields["roles"].append(item)
            elif isinstance(item, ast.CheckSetting):
                fields["checks"].append(item)
            elif isinstance(item, ast.TextBound):
                fields["text_bounds"].append(item)
            elif isinstance(item, ast.Scale):
                fields["scale"] = item
            elif isinstance(item, ast.LengthBound):
                fields["cardinality"] = item
            else:
                fields["allows"].append(item)
        return ast.Task(
            self.ident(name), self.text(title), self.ident(kind), self.ident(table), guideline,
            tuple(fields["roles"]), tuple(fields["allows"]), fields["scale"],
            fields["cardinality"], tuple(fields["checks"]), tuple(fields["text_bounds"]),
            span=self.span_of(meta),
        )

    @v_args(meta=True)
    def task_role(self, meta, children):
        role, *columns = children
        return ast.Role(self.ident(role), tuple(columns), False, span=self.span_of(meta))

    @v_args(meta=True)
    def task_role_range(self, meta, children):
        role, start, end = children
        return ast.Role(self.ident(role), (start, end), True, span=self.span_of(meta))

    def task_allow(self, children):
        return self.ident(children[0])

    @v_args(meta=True)
    def task_scale(self, meta, children):
        low, high, step = (self.written_number(c) for c in children)
        return ast.Scale(low, high, step, span=self.span_of(meta))

    @v_args(meta=True)
    def task_cardinality(self, meta, children):
        return _replace_what(children[0], "cardinality", self.span_of(meta))

    @v_args(meta=True)
    def task_length(self, meta, children):
        role, bound = children
        return ast.TextBound(self.ident(role), _replace_what(bound, "length", bound.span), span=self.span_of(meta))

    @v_args(meta=True)
    def task_words(self, meta, children):
        role, bound = children
        return ast.TextBound(self.ident(role), _replace_what(bound, "words", bound.span), span=self.span_of(meta))

    @v_args(meta=True)
    def task_check(self, meta, children):
        name, setting = children
        return ast.CheckSetting(self.ident(name), setting, span=self.span_of(meta))

    def setting_error(self, _):
        return "error"

    def setting_warn(self, _):
        return "warn"

    def setting_off(self, _):
        return "off"

    # ---- rules --------------------------------------------------------------------------

    @v_args(meta=True)
    def rules(self, meta, children):
        latest, table, join, *rules = children
        return ast.RuleBlock(self.ident(table), join, tuple(rules), latest is not None, span=self.span_of(meta))

    @v_args(meta=True)
    def join(self, meta, children):
        table, keys = children
        return ast.Join(self.ident(table), keys, span=self.span_of(meta))

    @v_args(meta=True)
    def rule(self, meta, children):
        severity, rule_id, message, condition, tolerance, set_aside = children
        return ast.Rule(
            self.ident(rule_id), severity, self.text(message), condition, tolerance, (), set_aside,
            span=self.span_of(meta),
        )

    @v_args(meta=True)
    def graded_rule(self, meta, children):
        rule_id, message, condition, *thresholds, set_aside = children
        return ast.Rule(
            self.ident(rule_id), None, self.text(message), condition, None, tuple(thresholds), set_aside,
            span=self.span_of(meta),
        )

    def set_aside(self, children):
        return self.ident(children[0])

    def severity_error(self, _):
        return "error"

    def severity_warn(self, _):
        return "warn"

    @v_args(meta=True)
    def unique_condition(self, meta, children):
        return ast.UniqueCondition(children[0], span=self.span_of(meta))

    @v_args(meta=True)
    def sql_condition(self, meta, children):
        return ast.RawSql(text_value(children[0]), span=self.span_of(meta))

    def tolerance(self, children):
        return children[0]

    @v_args(meta=True)
    def amount(self, meta, children):
        value, percent = children
        text = str(value) + ("%" if percent is not None else "")
        return ast.Amount(self.written_number(value), percent is not None, text, span=self.span_of(meta))

    @v_args(meta=True)
    def bound_clause(self, meta, children):
        level, side, value, percent = children
        text = str(value) + ("%" if percent is not None else "")
        amount = ast.Amount(self.written_number(value), percent is not None, text, span=self.span_of(meta))
        return ast.Threshold(level, side, amount, span=self.span_of(meta))

    @v_args(meta=True)
    def duration_bound_clause(self, meta, children):
        level, side, token = children
        seconds = _duration_seconds(str(token))
        amount = ast.Amount(seconds, False, str(token), True, span=self.span_of(meta))
        return ast.Threshold(level, side, amount, span=self.span_of(meta))

    def level_warn(self, _):
        return "warn"

    def level_fail(self, _):
        return "fail"

    def side_above(self, _):
        return "above"

    def side_below(self, _):
        return "below"

    # ---- metrics ------------------------------------------------------------------------

    @v_args(meta=True)
    def metric(self, meta, children):
        metric_id, title, kind, *rest = children
        # Lark passes options, then the four optional slots (`on`, `against`, `where`, `per`,
        # each None when absent), then the thresholds.
        first_threshold = next(
            (i for i, item in enumerate(rest) if isinstance(item, ast.Threshold)), len(rest)
        )
        options = rest[: first_threshold - 4]
        task, against, where, per = rest[first_threshold - 4 : first_threshold]
        keys, min_units = per if per is not None else ((), None)
        return ast.Metric(
            self.ident(metric_id),
            self.text(title),
            self.ident(kind),
            tuple(o for o in options if isinstance(o, ast.Identifier)),
            next((o[1] for o in options if isinstance(o, tuple)), None),
            self.ident(task) if task is not None else None,
            against,
            keys,
            tuple(rest[first_threshold:]),
            where,
            min_units,
            span=self.span_of(meta),
        )

    def metric_where(self, children):
        return children[0]

    def metric_per(self, children):
        keys, count, unit = children
        if count is None:
            return keys, None
        if str(unit) != "units":
            self.diagnostics.add(error("E305", self.span_of(unit), f"write `min {count} units`, not `{unit}`",
                                       "the support a group needs is counted in units"))
        return keys, self.integer(count)

    def metric_option(self, children):
        return self.ident(children[0])

    def metric_of(self, children):
        return ("of", children[0])

    # ---- expressions --------------------------------------------------------------------

    @v_args(meta=True)
    def or_chain(self, meta, children):
        return children[0] if len(children) == 1 else ast.Or(tuple(children), span=self.span_of(meta))

    @v_args(meta=True)
    def and_chain(self, meta, children):
        return children[0] if len(children) == 1 else ast.And(tuple(children), span=self.span_of(meta))

    @v_args(meta=True)
    def not_(self, meta, children):
        return ast.Not(children[0], span=self.span_of(meta))

    @v_args(meta=True)
    def compare(self, meta, children):
        left, operator, right = children
        return ast.Compare(_canonical_operator(str(operator)), left, right, span=self.span_of(meta))

    @v_args(meta=True)
    def binary(self, meta, children):
        left, operator, right = children
        return ast.Arithmetic(str(operator), left, right, span=self.span_of(meta))

    @v_args(meta=True)
    def is_null(self, meta, children):
        return ast.IsNull(children[0], False, span=self.span_of(meta))

    @v_args(meta=True)
    def is_not_null(self, meta, children):
        return ast.IsNull(children[0], True, span=self.span_of(meta))

    @v_args(meta=True)
    def is_valid(self, meta, children):
        return ast.IsValid(children[0], False, span=self.span_of(meta))

    @v_args(meta=True)
    def is_not_valid(self, meta, children):
        return ast.IsValid(children[0], True, span=self.span_of(meta))

    @v_args(meta=True)
    def in_(self, meta, children):
        return _membership(children[0], children[1], False, self.span_of(meta))

    @v_args(meta=True)
    def not_in(self, meta, children):
        return _membership(children[0], children[1], True, self.span_of(meta))

    def literal_list(self, children):
        return ("list", tuple(c for c in children if c is not None))

    def subtree_target(self, children):
        token = children[0]
        return ("subtree", ast.Literal("string", text_value(token), str(token), span=self.span_of(token)))

    def leaves_target(self, children):
        return ("leaves", None)

    def column_target(self, children):
        return ("column", children[0])

    @v_args(meta=True)
    def between_expr(self, meta, children):
        return ast.BetweenExpr(*children, span=self.span_of(meta))

    @v_args(meta=True)
    def matches(self, meta, children):
        return ast.Matches(children[0], text_value(children[1]), False, span=self.span_of(meta))

    @v_args(meta=True)
    def not_matches(self, meta, children):
        return ast.Matches(children[0], text_value(children[1]), True, span=self.span_of(meta))

    @v_args(meta=True)
    def column_ref(self, meta, children):
        return children[0]

    @v_args(meta=True)
    def dotted_name(self, meta, children):
        return ast.ColumnRef(tuple(identifier_text(t) for t in children), span=self.span_of(meta))

    @v_args(meta=True)
    def call(self, meta, children):
        function, *arguments = children
        arguments = tuple(a for a in arguments if a is not None)
        return ast.Call(self.ident(function), arguments, span=self.span_of(meta))

    @v_args(meta=True)
    def aggregate_call(self, meta, children):
        function, argument, per = children
        return ast.Aggregate(function, argument, per or (), span=self.span_of(meta))

    def sum(self, _):
        return "sum"

    def avg(self, _):
        return "avg"

    def min(self, _):
        return "min"

    def max(self, _):
        return "max"

    @v_args(meta=True)
    def count_rows(self, meta, children):
        return ast.Aggregate("count", None, children[0] or (), span=self.span_of(meta))

    @v_args(meta=True)
    def count_distinct(self, meta, children):
        argument, per = children
        return ast.Aggregate("count_distinct", argument, per or (), span=self.span_of(meta))

    def per_clause(self, children):
        return children[0]

    @v_args(meta=True)
    def share_of(self, meta, children):
        return ast.ShareOf(children[0], children[1], span=self.span_of(meta))

    @v_args(meta=True)
    def share_where(self, meta, children):
        return ast.ShareWhere(children[0], span=self.span_of(meta))

    def name_list(self, children):
        return tuple(self.ident(token) for token in children)

    # ---- literals -----------------------------------------------------------------------

    @v_args(meta=True)
    def number(self, meta, children):
        token = children[0]
        return ast.Literal("number", self.written_number(token), str(token), span=self.span_of(meta))

    @v_args(meta=True)
    def string(self, meta, children):
        token = children[0]
        return ast.Literal("string", text_value(token), str(token), span=self.span_of(meta))

    @v_args(meta=True)
    def true(self, meta, _):
        return ast.Literal("bool", True, "true", span=self.span_of(meta))

    @v_args(meta=True)
    def false(self, meta, _):
        return ast.Literal("bool", False, "false", span=self.span_of(meta))

    @v_args(meta=True)
    def null(self, meta, _):
        return ast.Literal("null", None, "null", span=self.span_of(meta))

    @v_args(meta=True)
    def duration(self, meta, children):
        text = str(children[0])
        return ast.Literal("duration", _duration_seconds(text), text, span=self.span_of(meta))

    @v_args(meta=True)
    def percent(self, meta, children):
        number = self.written_number(children[0])
        return ast.Literal("percent", number / 100, f"{children[0]}%", span=self.span_of(meta))


def _duration_seconds(text: str) -> float:
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)", text)
    return float(match.group(1)) * _DURATION_UNITS[match.group(2)]


def _membership(operand, target, negated, span):
    kind, value = target
    if kind == "list":
        return ast.InList(operand, value, negated, span=span)
    if kind == "subtree":
        return ast.InSubtree(operand, value, negated, span=span)
    if kind == "leaves":
        return ast.InLeaves(operand, negated, span=span)
    return ast.InColumn(operand, value, negated, span=span)


def _canonical_operator(operator: str) -> str:
    return {"==": "=", "<>": "!="}.get(operator, operator)


def _bound_to_range(operator: str, value: int) -> tuple[int | None, int | None]:
    return {
        "<": (None, value - 1),
        "<=": (None, value),
        ">": (value + 1, None),
        ">=": (value, None),
        "=": (value, value),
    }.get(operator, (None, None))


def _replace_what(bound: ast.LengthBound, what: str, span: Span) -> ast.LengthBound:
    return ast.LengthBound(what, bound.operator, bound.low, bound.high, span=span)
