"""Built-in checks that declaring a task switches on, named `TASK.CHECK`.

Each task kind brings the mistakes everyone checks by hand today (a span outside its text,
two labels for one item, a ranking that is not a permutation of what was shown…). A spec
can change a check's severity or switch it off: `check span_overlap warn`, `check … off`.
Checks whose inputs the task does not name (no `text` role, no `responses` role) are left
out rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ast
from ..expr_types import column_type
from ..sqlsafe import identifier, literal
from .base import GroupCheck, Relation, RowCheck, UniqueCheck

# Default severities; everything else is an error.
WARN_BY_DEFAULT = {"duplicate_prompt", "duplicate_response", "refusal_phrase"}

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
PHONE = r"(\+?[0-9][0-9 ().-]{7,}[0-9])"
REFUSALS = ("as an ai language model", "i cannot help with that", "i'm sorry, but i can't",
            "i am unable to assist")


class _TaskContext:
    """What a task's checks need: its roles as SQL, its relation, and its settings."""

    def __init__(self, spec, task: ast.Task):
        self.spec = spec
        self.task = task
        self.table = task.table.text
        self.relation = Relation(self.table)
        self.settings = {s.check.text: s.setting for s in task.checks}

    def has(self, role: str) -> bool:
        return self.task.role(role) is not None

    def ref(self, role: str, index: int = 0) -> ast.ColumnRef:
        return self.task.role(role).columns[index]

    def column(self, role: str, index: int = 0) -> str:
        ref = self.ref(role, index)
        return self.relation.column(ref.column, ref.table)

    def type_of(self, role: str):
        ref = self.ref(role)
        table = self.spec.tables[ref.table or self.table]
        return column_type(table.column(ref.column).type, self.spec.taxonomies, self.spec.records)

    def allows(self, option: str) -> bool:
        return any(a.text == option for a in self.task.allows)

    def severity(self, check: str) -> str | None:
        setting = self.settings.get(check)
        if setting == "off":
            return None
        return setting or ("warn" if check in WARN_BY_DEFAULT else "error")

    def common(self, check: str, message: str, relation: Relation | None = None) -> dict | None:
        severity = self.severity(check)
        if severity is None:
            return None
        source = next((s.span for s in self.task.checks if s.check.text == check), self.task.span)
        return dict(id=f"{self.task.name.text}.{check}", kind="builtin", relation=relation or self.relation,
                    severity=severity, message=message, source=source)

    def shown(self, *roles: str) -> tuple[tuple[str, str], ...]:
        return tuple((str(self.ref(r)), self.column(r)) for r in roles if self.has(r))


def task_checks(spec, task: ast.Task) -> list:
    context = _TaskContext(spec, task)
    builders = _BUILDERS.get(task.kind.text, ()) + (_text_bounds,)
    return [check for build in builders for check in build(context) if check is not None]


def text_bound_check_name(bound: ast.TextBound) -> str:
    """`length response 20..4000` is checked as `response_length`; `words prompt >= 3` as `prompt_words`."""
    return f"{bound.role.text}_{bound.bound.what}"


def _text_bounds(context: _TaskContext):
    """Size bounds on a role's text, in characters (`length`) or in words (`words`)."""
    checks = []
    for text_bound in context.task.text_bounds:
        role, bound = text_bound.role.text, text_bound.bound
        column = context.column(role)
        if bound.what == "words":
            size, unit = f"array_length(regexp_split_to_array(trim({column}), '\\s+'))", "words"
            size = f"(CASE WHEN trim({column}) = '' THEN 0 ELSE {size} END)"
        else:
            size, unit = f"length({column})", "characters"
        message = f"The {role} must have {_bound_words(bound)} {unit}"
        common = context.common(text_bound_check_name(text_bound), message)
        if common is not None:
            common["source"] = text_bound.span
            checks.append(RowCheck(**common, violation=_outside(size, bound),
                                   shown_columns=context.shown("unit", role)))
    return checks


def _row(context: _TaskContext, check: str, message: str, violation: str, shown, relation=None):
    common = context.common(check, message, relation)
    if common is None:
        return None
    return RowCheck(**common, violation=violation, shown_columns=shown)


# ---- classification and multilabel --------------------------------------------------------


def _single_label(context: _TaskContext):
    common = context.common("single_label", "Exactly one label per unit and annotator")
    if common is None:
        return []
    unit, annotator = context.ref("unit").column, context.ref("annotator").column
    if context.spec.tables[context.table].latest is not None:
        # a resubmission is not a second label: the answers are the rows `latest by` left current
        # (a tie leaves none current and is `TABLE.latest_tie`'s to report)
        common["relation"] = Relation(context.table, current_only=True)
    return [GroupCheck(**common, keys=(unit, annotator), aggregates=(("labels", "count(*)"),),
                       violation='"labels" <> 1')]


def _multilabel(context: _TaskContext):
    label = context.column("label")
    unit, annotator = context.ref("unit").column, context.ref("annotator").column
    checks = []
    bound = context.task.cardinality
    if context.type_of("label").kind == "list":
        checks.append(_row(context, "no_repeated_label", "A label may appear once per answer",
                           f"array_length(list_distinct({label})) < array_length(list_filter({label}, lambda x: x IS NOT NULL))",
                           context.shown("unit", "annotator", "label")))
        if bound is not None:
            checks.append(_row(context, "label_cardinality", f"Each answer needs {_bound_words(bound)} labels",
                               _outside(f"array_length({label})", bound), context.shown("unit", "annotator", "label")))
        return checks
    common = context.common("no_repeated_label", "A label may appear once per unit and annotator")
    if common is not None:
        label_name = context.ref("label").column
        checks.append(UniqueCheck(**common, keys=(unit, annotator, label_name),
                                  shown_columns=context.shown("unit", "annotator", "label")))
    common = context.common("label_cardinality", f"Each answer needs {_bound_words(bound)} labels") if bound else None
    if common is not None:
        checks.append(GroupCheck(**common, keys=(unit, annotator), aggregates=(("labels", f"count({label})"),),
                                 violation=_outside('"labels"', bound)))
    return checks


def _outside(size: str, bound: ast.LengthBound) -> str:
    tests = []
    if bound.low is not None:
        tests.append(f"{size} < {literal(bound.low)}")
    if bound.high is not None:
        tests.append(f"{size} > {literal(bound.high)}")
    return "coalesce(" + (" OR ".join(tests) or "FALSE") + ", FALSE)"


def _bound_words(bound: ast.LengthBound) -> str:
    if bound.low is not None and bound.high is not None:
        return f"{bound.low} to {bound.high}"
    return f"at least {bound.low}" if bound.low is not None else f"at most {bound.high}"


# ---- spans --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SpanBound:
    """Where a span's upper bound comes from: the length of a `text` role, or a `text_length`
    role's value, in the span table or in another table joined on the unit column."""

    relation: Relation  # the span table, joined to the bound's table when it lives elsewhere
    length: str  # SQL of the bound over `relation`
    per_span: str  # the same over the span table alone: a lookup when the bound lives elsewhere
    words: str  # how messages name the bound
    text: str | None  # SQL of the text over `relation`, when a `text` role names one
    shown: tuple[tuple[str, str], ...]  # what samples show of the bound


def _span_bound(context: _TaskContext) -> _SpanBound | None:
    role = next((r for r in ("text", "text_length") if context.has(r)), None)
    if role is None:
        return None
    ref = context.ref(role)
    unit = context.ref("unit").column
    if ref.table is None or ref.table == context.table:
        relation = context.relation
    else:
        relation = Relation(context.table, ref.table, (unit,))
    value = relation.column(ref.column, ref.table)
    length = f"length({value})" if role == "text" else value
    per_span = length
    if relation is not context.relation:
        # min over the unit's rows: a span breaks its bound if any of its matches is too short
        other = identifier(ref.table)
        per_span = (f"(SELECT min({length}) FROM {other} "
                    f"WHERE {other}.{identifier(unit)} = {context.relation.column(unit)})")
    if role == "text":
        return _SpanBound(relation, length, per_span, "length(text)", value, ())
    return _SpanBound(relation, length, per_span, str(ref), None, ((str(ref), value),))


def _out_of_bounds(context: _TaskContext, length: str | None) -> str:
    """Whether a span breaks `span_bounds`: 0 <= start < end (<= length, when one is known)."""
    start, end = context.column("span", 0), context.column("span", 1)
    beyond = f" OR {end} > {length}" if length is not None else ""
    return f"coalesce({start} < 0 OR {end} <= {start}{beyond}, FALSE)"


def _span_shown(context: _TaskContext, bound: _SpanBound | None) -> tuple[tuple[str, str], ...]:
    """A span sample shows both ends and, when a text role names it, the text it covers."""
    start, end = context.column("span", 0), context.column("span", 1)
    ends = ((str(context.ref("span", 0)), start), (str(context.ref("span", 1)), end))
    covered = ()
    if bound is not None and bound.text is not None:
        covered = (("covered", f"CASE WHEN {end} >= {start} THEN substring({bound.text}, {start} + 1, {end} - {start}) END"),)
    elif bound is not None:
        covered = bound.shown
    return context.shown("unit", "annotator") + ends + covered + context.shown("label")


def _spans(context: _TaskContext):
    start, end = context.column("span", 0), context.column("span", 1)
    checks = []
    bound = _span_bound(context)
    shown = _span_shown(context, bound)
    if bound is not None:
        checks.append(_row(context, "span_bounds", f"A span must lie inside its text: 0 <= start < end <= {bound.words}",
                           _out_of_bounds(context, bound.length), shown, bound.relation))
    else:
        checks.append(_row(context, "span_bounds", "A span must start at 0 or later and end after it starts",
                           _out_of_bounds(context, None), shown))
    if bound is not None and bound.text is not None:
        relation, text = bound.relation, bound.text
        piece = f"substring({text}, {start} + 1, {end} - {start})"
        checks.append(_row(context, "span_not_empty", "A span must hold more than white space",
                           f"coalesce({end} > {start} AND trim({piece}) = '', FALSE)", shown, relation))
        if context.has("span_text"):
            span_text = context.column("span_text")
            # only for spans inside their text: span_bounds already reports the others
            inside = f"{start} >= 0 AND {end} > {start} AND {end} <= length({text})"
            checks.append(_row(context, "span_text_matches", "The exported span text must equal the text it covers",
                               f"coalesce({inside} AND {span_text} <> {piece}, FALSE)",
                               shown + context.shown("span_text"), relation))
    elif context.has("span_text"):
        checks.append(_row(context, "span_not_empty", "A span must hold more than white space",
                           f"coalesce(trim({context.column('span_text')}) = '', FALSE)", shown))
    if not context.allows("overlap"):
        checks.append(_overlap(context, shown, bound))
    return checks


def _overlap(context: _TaskContext, shown, bound: _SpanBound | None):
    """A span overlaps when it starts before the furthest end of the same annotator's
    earlier spans on the unit (ordered by start, then end): each overlapping pair counts once,
    on its later span. Only spans that pass `span_bounds` take part, as the earlier span or
    the later: a span outside its text is already reported, and its end says nothing about
    where the annotator's next span may start. The window runs over the span table alone,
    looking the bound up when it lives in another table; the relation joins that table only
    so that samples show what the span covers."""
    unit, annotator = context.column("unit"), context.column("annotator")
    start, end = context.column("span", 0), context.column("span", 1)
    alias = f"__overlap_{context.task.name.text}"
    def window(length: str | None) -> str:
        inside = f"NOT {_out_of_bounds(context, length)}"
        return (f"max(CASE WHEN {inside} THEN {end} END) OVER (PARTITION BY {unit}, {annotator} ORDER BY {start}, {end}, "
                f"{context.relation.column('__specc_row')} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)")

    base = bound.relation if bound is not None else context.relation
    joined = ((alias, window(bound.length)),) if bound is not None and base.join_table is not None else ()
    relation = Relation(context.table, base.join_table, base.join_keys,
                        derived=((alias, window(bound.per_span if bound else None)),), derived_joined=joined)
    shown = shown + (("earlier_end", relation.column(alias)),)
    violation = f"NOT {_out_of_bounds(context, bound.length if bound else None)} AND {start} < {relation.column(alias)}"
    return _row(context, "span_overlap", "Spans of one annotator on one unit must not overlap",
                f"coalesce({violation}, FALSE)", shown, relation)


# ---- tokens (BIO) -------------------------------------------------------------------------


def _bio(context: _TaskContext):
    tag = context.column("tag")
    unit, annotator = context.column("unit"), context.column("annotator")
    order = context.column("position") if context.has("position") else context.relation.column("__specc_row")
    alias = f"__previous_tag_{context.task.name.text}"
    window = f"lag({tag}) OVER (PARTITION BY {unit}, {annotator} ORDER BY {order})"
    relation = Relation(context.table, derived=((alias, window),))
    previous = relation.column(alias)
    entity = f"substring({tag}, 3)"
    violation = (f"coalesce(NOT regexp_full_match({tag}, '(O|[BI]-.+)') OR "
                 f"(starts_with({tag}, 'I-') AND coalesce({previous} NOT IN ('B-' || {entity}, 'I-' || {entity}), TRUE)), FALSE)")
    return [_row(context, "bio_sequence", "Tags must be O, B-X or I-X, and I-X must follow B-X or I-X",
                 violation, context.shown("unit", "annotator", "token", "tag"), relation)]


# ---- ratings ------------------------------------------------------------------------------


def _rating(context: _TaskContext):
    scale = context.task.scale
    if scale is None:
        return []
    rating = context.column("rating")
    tests = [f"{rating} < {literal(scale.low)}", f"{rating} > {literal(scale.high)}"]
    if scale.step:
        steps = f"(({rating} - {literal(scale.low)}) / {literal(scale.step)})"
        tests.append(f"abs({steps} - round({steps})) > 1e-9")
    words = f"between {scale.low} and {scale.high}" + (f" in steps of {scale.step}" if scale.step else "")
    return [_row(context, "rating_scale", f"A rating must be {words}", f"coalesce({' OR '.join(tests)}, FALSE)",
                 context.shown("unit", "annotator", "rating"))]


# ---- free text (SFT) ----------------------------------------------------------------------


def _normalised(sql: str) -> str:
    """Text compared for duplicates: lower case, punctuation dropped, white space folded."""
    return f"md5(trim(regexp_replace(regexp_replace(lower({sql}), '[^a-z0-9\\s]', '', 'g'), '\\s+', ' ', 'g')))"


def _text(context: _TaskContext):
    prompt, response = context.column("prompt"), context.column("response")
    shown = context.shown("unit", "annotator", "prompt", "response")
    checks = [
        _row(context, "text_not_empty", "Prompt and response must hold text",
             f"coalesce(trim({prompt}), '') = '' OR coalesce(trim({response}), '') = ''", shown),
        _row(context, "response_not_prompt", "The response must not repeat the prompt",
             f"coalesce({_normalised(response)} = {_normalised(prompt)}, FALSE)", shown),
        _row(context, "response_pii", "The response must not contain an e-mail address or a phone number",
             f"coalesce(regexp_matches({response}, {literal(EMAIL)}) OR regexp_matches({response}, {literal(PHONE)}), FALSE)",
             shown),
        _row(context, "refusal_phrase", "The response must not be a canned refusal",
             "coalesce(" + " OR ".join(f"contains(lower({response}), {literal(p)})" for p in REFUSALS) + ", FALSE)",
             shown),
    ]
    for role, check in (("prompt", "duplicate_prompt"), ("response", "duplicate_response")):
        alias = f"__normalised_{role}_{context.task.name.text}"
        relation = Relation(context.table, derived=((alias, _normalised(context.column(role))),))
        common = context.common(check, f"The same {role} (ignoring case, punctuation and spacing) appears more than once",
                                relation)
        if common is not None:
            checks.append(UniqueCheck(**common, keys=(alias,), shown_columns=context.shown("unit", role)))
    return checks


# ---- rankings and preferences -------------------------------------------------------------


def _response_ids(context: _TaskContext) -> str:
    """The ids of the responses shown: a list of strings, or of records with an `id` field."""
    responses = context.column("responses")
    item = context.type_of("responses").item
    if item is not None and item.kind == "record":
        return f"list_transform({responses}, lambda r: r.id)"
    return responses


def _ranking(context: _TaskContext):
    ranking = context.column("ranking")
    ids = _response_ids(context)
    item = context.type_of("ranking").item
    shown = context.shown("unit", "annotator", "ranking")
    if item is not None and item.kind in ("int", "float"):
        # ranks aligned with the responses: 1 is best; ties repeat a rank
        if context.allows("ties"):
            violation = (f"array_length({ranking}) <> array_length({ids}) OR "
                         f"array_length(list_filter({ranking}, lambda r: r < 1 OR r > array_length({ids}))) > 0")
        else:
            violation = f"list_sort({ranking}) <> list_transform(range(1, array_length({ids}) + 1), lambda i: CAST(i AS BIGINT))"
    else:
        violation = f"list_sort({ranking}) <> list_sort({ids})"
    return [_row(context, "ranking_permutation", "A ranking must order exactly the responses shown"
                 + ("" if context.allows("ties") else ", without ties"),
                 f"coalesce({violation}, TRUE)", shown)]


def _preference(context: _TaskContext):
    chosen, rejected = context.column("chosen"), context.column("rejected")
    shown = context.shown("unit", "annotator", "chosen", "rejected")
    tie = context.column("tie") if context.has("tie") else None
    not_tied = f"NOT coalesce({tie}, FALSE)" if tie else "TRUE"
    checks = [_row(context, "chosen_differs", "Chosen and rejected must be different responses",
                   f"{not_tied} AND coalesce({chosen} = {rejected}, FALSE)", shown)]
    if context.has("responses"):
        ids = _response_ids(context)
        checks.append(_row(context, "chosen_among_shown", "Chosen and rejected must be among the responses shown",
                           f"NOT coalesce(list_contains({ids}, {chosen}) AND list_contains({ids}, {rejected}), FALSE)",
                           shown + context.shown("responses")))
    if tie and not context.allows("ties"):
        checks.append(_row(context, "tie_allowed", "Ties are not allowed in this task (no `allow ties`)",
                           f"coalesce({tie}, FALSE)", shown + context.shown("tie")))
    return checks


_BUILDERS = {
    "classification": (_single_label,),
    "multilabel": (_multilabel,),
    "spans": (_spans,),
    "tokens": (_bio,),
    "rating": (_rating,),
    "text": (_text,),
    "ranking": (_ranking,),
    "preference": (_preference,),
}
