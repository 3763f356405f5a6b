"""The spec's abstract syntax tree: frozen dataclasses, each carrying its source span.

Spans are excluded from equality (`compare=False`) so that two specs that differ only in
layout compare equal: that is what "fmt preserves the AST" means. Declarations keep source
order in `Spec.items`, which the formatter and the resolver both rely on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from .source import NO_SPAN, Span


def _span() -> Span:
    return field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Identifier:
    text: str
    span: Span = _span()

    def __str__(self) -> str:
        return self.text


# ---- metadata and guideline ---------------------------------------------------------------


@dataclass(frozen=True)
class SpecHeader:
    name: Identifier
    title: str | None
    span: Span = _span()


@dataclass(frozen=True)
class Meta:
    key: str  # title | owner | description | version
    value: str
    span: Span = _span()


@dataclass(frozen=True)
class ImportSpec:
    path: str
    span: Span = _span()


@dataclass(frozen=True)
class ImportTaxonomy:
    name: Identifier
    path: str
    span: Span = _span()


@dataclass(frozen=True)
class Guideline:
    text: str
    span: Span = _span()


# ---- taxonomies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    code: Identifier
    display: str | None = None
    description: str | None = None
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    deprecated: bool = False
    guideline: str | None = None
    children: tuple["Label", ...] = ()
    span: Span = _span()


@dataclass(frozen=True)
class Taxonomy:
    name: Identifier
    title: str | None
    guideline: str | None
    labels: tuple[Label, ...]
    source_path: str | None = None  # set for taxonomies imported from YAML
    span: Span = _span()


# ---- tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedType:
    name: Identifier  # a scalar type, a record name or a taxonomy name
    span: Span = _span()


@dataclass(frozen=True)
class LeavesType:
    taxonomy: Identifier
    span: Span = _span()


@dataclass(frozen=True)
class SubtreeType:
    taxonomy: Identifier
    code: str
    span: Span = _span()


@dataclass(frozen=True)
class ListType:
    item: "TypeRef"
    span: Span = _span()


TypeRef = Union[NamedType, LeavesType, SubtreeType, ListType]


@dataclass(frozen=True)
class Required:
    span: Span = _span()


@dataclass(frozen=True)
class Optional:
    span: Span = _span()


@dataclass(frozen=True)
class Key:
    span: Span = _span()


@dataclass(frozen=True)
class Unique:
    span: Span = _span()


@dataclass(frozen=True)
class Bound:
    operator: str  # one of < <= > >= = !=
    value: float | int
    span: Span = _span()


@dataclass(frozen=True)
class Range:
    low: float | int
    high: float | int
    span: Span = _span()


@dataclass(frozen=True)
class Pattern:
    regex: str
    span: Span = _span()


@dataclass(frozen=True)
class LengthBound:
    """A bound on string length (`length`) or list size (`items`)."""

    what: str  # "length" | "items"
    operator: str | None  # None for a range
    low: int | None
    high: int | None
    span: Span = _span()


@dataclass(frozen=True)
class OneOf:
    values: tuple["Literal", ...]
    span: Span = _span()


@dataclass(frozen=True)
class References:
    target: "ColumnRef"
    span: Span = _span()


@dataclass(frozen=True)
class Description:
    text: str
    span: Span = _span()


@dataclass(frozen=True)
class BoolSpelling:
    """`true "yes", "y"` / `false "no"`: more texts a bool column reads as true or false."""

    value: bool
    spellings: tuple[str, ...]
    span: Span = _span()


Constraint = Union[
    Required, Optional, Key, Unique, Bound, Range, Pattern, LengthBound, OneOf, References, Description,
    BoolSpelling,
]


@dataclass(frozen=True)
class Column:
    name: Identifier
    type: TypeRef
    constraints: tuple[Constraint, ...] = ()
    span: Span = _span()

    def has(self, kind: type) -> bool:
        return any(isinstance(c, kind) for c in self.constraints)

    def find(self, kind: type) -> list:
        return [c for c in self.constraints if isinstance(c, kind)]


@dataclass(frozen=True)
class Record:
    name: Identifier
    title: str | None
    columns: tuple[Column, ...]
    span: Span = _span()


@dataclass(frozen=True)
class LatestBy:
    """`latest by created_at [per item_id, annotator_id]`: resubmissions replace earlier rows.

    Without `per`, the keys are the table's primary key."""

    column: Identifier
    keys: tuple[Identifier, ...] = ()
    span: Span = _span()


@dataclass(frozen=True)
class ReadSetting:
    """`read delimiter ";"`, `read null "NA", "-"`: how the table's text files are read.

    name: delimiter | quote | escape | header | encoding | null | timestamp_format; values
    are the strings given (`header` holds "true" or "false")."""

    name: str
    values: tuple[str, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Timezone:
    """`timezone "Europe/Berlin"`: the zone of the table's timestamps written without an offset."""

    name: str
    span: Span = _span()


@dataclass(frozen=True)
class AllowEmpty:
    span: Span = _span()


@dataclass(frozen=True)
class Table:
    name: Identifier
    title: str | None
    columns: tuple[Column, ...]
    primary_key: tuple[Identifier, ...] = ()
    strict: bool = False
    source: str | None = None
    guideline: str | None = None
    timezone: Timezone | None = None
    allow_empty: AllowEmpty | None = None
    latest: LatestBy | None = None
    read: tuple[ReadSetting, ...] = ()
    span: Span = _span()

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name.text == name), None)

    def read_setting(self, name: str) -> ReadSetting | None:
        return next((r for r in self.read if r.name == name), None)

    @property
    def latest_keys(self) -> tuple[Identifier, ...]:
        """The keys resubmissions are resolved on: `latest by … per KEYS`, else the primary key."""
        if self.latest is None:
            return ()
        return self.latest.keys or self.primary_key


# ---- tasks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    """A task role bound to columns: `unit doc_id`, `span start..end`, `responses a, b`."""

    role: Identifier
    columns: tuple["ColumnRef", ...]
    is_range: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class Scale:
    low: float | int
    high: float | int
    step: float | int | None
    span: Span = _span()


@dataclass(frozen=True)
class CheckSetting:
    check: Identifier
    setting: str  # error | warn | off
    span: Span = _span()


@dataclass(frozen=True)
class TextBound:
    """`length response 20..4000` or `words prompt >= 3`: a size bound on a role's text."""

    role: Identifier
    bound: LengthBound  # what: "length" (characters) or "words"
    span: Span = _span()


@dataclass(frozen=True)
class Task:
    name: Identifier
    title: str | None
    kind: Identifier
    table: Identifier
    guideline: str | None = None
    roles: tuple[Role, ...] = ()
    allows: tuple[Identifier, ...] = ()
    scale: Scale | None = None
    cardinality: LengthBound | None = None
    checks: tuple[CheckSetting, ...] = ()
    text_bounds: tuple[TextBound, ...] = ()
    span: Span = _span()

    def role(self, name: str) -> Role | None:
        return next((r for r in self.roles if r.role.text == name), None)


# ---- expressions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    kind: str  # number | string | bool | null | duration | percent
    value: object  # float/int, str, bool, None, seconds (duration), fraction (percent)
    text: str  # as written, so the formatter keeps `48h` and `0.50`
    span: Span = _span()


@dataclass(frozen=True)
class ColumnRef:
    parts: tuple[str, ...]  # (column,) or (table, column)
    span: Span = _span()

    @property
    def column(self) -> str:
        return self.parts[-1]

    @property
    def table(self) -> str | None:
        return self.parts[0] if len(self.parts) > 1 else None

    def __str__(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Call:
    function: Identifier
    arguments: tuple["Expr", ...]
    span: Span = _span()


@dataclass(frozen=True)
class Arithmetic:
    operator: str  # + - * /
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Compare:
    operator: str  # = != < <= > >=
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class And:
    operands: tuple["Expr", ...]
    span: Span = _span()


@dataclass(frozen=True)
class Or:
    operands: tuple["Expr", ...]
    span: Span = _span()


@dataclass(frozen=True)
class Not:
    operand: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class IsNull:
    operand: "Expr"
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class InList:
    operand: "Expr"
    values: tuple[Literal, ...]
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class InSubtree:
    """`label in subtree "LOC"`: the label or any of its descendants."""

    operand: "Expr"
    code: Literal
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class InLeaves:
    operand: "Expr"
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class InColumn:
    """`doc_id in documents.doc_id`: membership in another table's column."""

    operand: "Expr"
    target: ColumnRef
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class BetweenExpr:
    operand: "Expr"
    low: "Expr"
    high: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Matches:
    operand: "Expr"
    pattern: str
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class IsValid:
    """`label is valid`: not null, read as its type, and within every constraint of its column."""

    operand: "Expr"
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class Aggregate:
    function: str  # count | count_distinct | sum | avg | min | max
    argument: "Expr | None"
    per: tuple[Identifier, ...] = ()
    span: Span = _span()


@dataclass(frozen=True)
class ShareOf:
    """Each value's share of the table's rows; with `where (…)`, of the rows where it holds."""

    operand: "Expr"
    where: "Expr | None" = None
    span: Span = _span()


@dataclass(frozen=True)
class ShareWhere:
    condition: "Expr"
    span: Span = _span()


Expr = Union[
    Literal, ColumnRef, Call, Arithmetic, Compare, And, Or, Not, IsNull, IsValid, InList, InSubtree,
    InLeaves, InColumn, BetweenExpr, Matches, Aggregate, ShareOf, ShareWhere,
]


@dataclass(frozen=True)
class UniqueCondition:
    columns: tuple[Identifier, ...]
    span: Span = _span()


@dataclass(frozen=True)
class RawSql:
    query: str
    span: Span = _span()


Condition = Union[Expr, UniqueCondition, RawSql]


# ---- rules and metrics --------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    value: float | int  # seconds for a duration
    percent: bool
    text: str
    duration: bool = False
    span: Span = _span()

    @property
    def fraction(self) -> float:
        return self.value / 100 if self.percent else self.value


@dataclass(frozen=True)
class Threshold:
    level: str  # warn | fail
    side: str  # above | below
    amount: Amount
    span: Span = _span()


@dataclass(frozen=True)
class Rule:
    id: Identifier
    severity: str | None  # error | warn; None for a graded rule (its thresholds decide)
    message: str | None
    condition: Condition
    tolerance: Amount | None = None
    thresholds: tuple[Threshold, ...] = ()
    set_aside: Identifier | None = None  # group rules: group | outliers | nothing
    span: Span = _span()


@dataclass(frozen=True)
class Join:
    table: Identifier
    keys: tuple[Identifier, ...]
    span: Span = _span()


@dataclass(frozen=True)
class RuleBlock:
    table: Identifier
    join: Join | None
    rules: tuple[Rule, ...]
    latest: bool = False  # `rules for latest T`: over the rows that resubmissions left current
    span: Span = _span()


@dataclass(frozen=True)
class Metric:
    id: Identifier
    title: str | None
    kind: Identifier
    options: tuple[Identifier, ...] = ()
    of: "Expr | None" = None  # a column or an expression, for summary metrics
    task: Identifier | None = None
    against: ColumnRef | None = None
    per: tuple[Identifier, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    where: "Expr | None" = None  # the population: rows the metric is computed over
    min_units: int | None = None  # `per annotator min 20 units`: the support a group needs to gate
    span: Span = _span()


Item = Union[
    SpecHeader, Meta, ImportSpec, ImportTaxonomy, Guideline, Taxonomy, Record, Table, Task,
    RuleBlock, Metric,
]


@dataclass(frozen=True)
class Comment:
    text: str  # including the leading `#`
    span: Span = _span()


@dataclass(frozen=True)
class Spec:
    items: tuple[Item, ...]
    comments: tuple[Comment, ...] = field(default=(), compare=False)
    span: Span = _span()

    def of_type(self, kind: type) -> list:
        return [item for item in self.items if isinstance(item, kind)]

    @property
    def header(self) -> SpecHeader | None:
        return next(iter(self.of_type(SpecHeader)), None)
