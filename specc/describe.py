"""Every QA rule, built-in check and metric of a spec, said in plain words.

Annotators and project leads read rules, not expressions: `end > start` becomes "end must be
greater than start", `count distinct annotator per doc_id >= 2` becomes "each doc_id must have
at least 2 different annotator values". The guideline document (`specc compile --target docs`)
is built from these sentences, and reports or a labelling tool's instructions can reuse them.

Sentences start in lower case and carry no final full stop, so callers can embed them. The
modal verb says the severity: "must" for an `error`, "should" for a `warn`. This module names
each check the way the planner does (`describe_spec` gives one `Statement` per check) and says
what a column declaration, a task built-in, a rule or a metric demands; the wording of the
expressions inside rules is `specc.describe_expressions`, whose public names are importable
from here too, so callers need one import for all plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import ast
from .describe_expressions import (
    PLAIN, Describer, Style, describe_condition, describe_grades, describe_thresholds, describe_tolerance,
    each_of, graded_severity, join_words, modal_for, number_text, one_of_words, plural, score_text,
    warn_then_fail,
)
from .metric_kinds import DEFAULT_MIN_UNITS, PERCENTILE
from .resolve import children_of, rule_scope

# Re-exported: `specc.describe` is where callers find every plain-words helper.
from .describe_expressions import (  # noqa: F401
    MARKDOWN, describe_expression, duration_text, markdown_code, markdown_escape, negate, percent_text,
)

# ---- rules --------------------------------------------------------------------------------


def rule_severity(rule: ast.Rule) -> str:
    """error | warn: as written, or from the rule's grades."""
    return rule.severity or graded_severity(rule.thresholds)


def _scope_unit(condition) -> str:
    if isinstance(condition, (ast.UniqueCondition, ast.RawSql)):
        return "rows"
    if _has(condition, ast.ShareOf):
        return "values"
    return "groups" if rule_scope(condition) == "group" else "rows"


def _has(node, kind) -> bool:
    return isinstance(node, kind) or any(_has(child, kind) for child in children_of(node))


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
    if kind in ("mean", "median") or PERCENTILE.fullmatch(kind):
        name = kind if kind in ("mean", "median") else f"{kind[1:]}th percentile"
        of = describe_expression(metric.of, style) if metric.of is not None else "the values"
        return f"the {name} of {of}"
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
    if metric.where is not None:
        text += f", over the rows where {Describer(style).statement(metric.where)}"
    per = ""
    if metric.per:
        support = metric.min_units if metric.min_units is not None else DEFAULT_MIN_UNITS
        per = (f"; each {join_words(style.names(metric.per))} is held to the same bounds once it rests on "
               f"at least {support} units")
    if not metric.thresholds:
        return f"{text} is reported (no threshold){per}"
    demands = []
    for threshold in warn_then_fail(metric.thresholds):
        bound = "at least" if threshold.side == "below" else "at most"
        demands.append(f"{modal_for(threshold.level)} be {bound} {score_text(threshold.amount)}")
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
        severity = graded_severity(metric.thresholds)
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
        return f"exactly {low} {plural(low, unit)}" if low == high else f"{low} to {high} {unit}s"
    if low is not None:
        return f"at least {low} {plural(low, unit)}"
    if high is not None:
        return f"at most {high} {plural(high, unit)}"
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
    name = table.name.text
    statements = []
    if table.allow_empty is None:
        statements.append(Statement(f"{name}.not_empty", "error", f"{style.code(name)} must hold at least one row",
                                    name, "column"))
    for column in table.columns:
        statements.extend(_column(checked, table, column, style))
    if table.latest is not None:
        keys = each_of(style.names(table.latest_keys))
        statements.append(Statement(
            f"{name}.latest_tie", "error",
            f"the latest row of {keys} (by {style.code(table.latest.column.text)}) replaces earlier ones and must "
            "not tie with another", name, "column"))
    if table.primary_key:
        subject = each_of(style.names(table.primary_key))
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
        return one_of_words(words)
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
    "text_length": "the length in characters of the text the offsets point into",
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
        text += f" Give {_in_labels(size_words(task.cardinality))} per item."
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
    if w.task.role("text_length") is not None:
        return (f"each span {w.modal} lie inside its text: {start} at least 0, {end} greater than {start} "
                f"and no greater than {w.role('text_length')}")
    if w.task.role("text") is None:
        return f"{start} {w.modal} be at least 0 and {end} {w.modal} be greater than {start}"
    return (f"each span {w.modal} lie inside its text: {start} at least 0, {end} greater than {start} "
            f"and no greater than the length of {w.role('text')}")


def _rating_scale(w: _TaskWords) -> str:
    scale = w.task.scale
    step = f" in steps of {number_text(scale.step)}" if scale.step else ""
    return f"{w.role('rating')} {w.modal} be between {number_text(scale.low)} and {number_text(scale.high)}{step}"


def _cardinality(w: _TaskWords) -> str:
    size = _in_labels(size_words(w.task.cardinality) or "any number of items")
    return f"each {w.role('annotator')} {w.modal} give {size} per {w.role('unit')}"


def _in_labels(size: str) -> str:
    """`size_words` counts items; a task's cardinality counts labels."""
    return size.replace("items", "labels").replace("item", "label")


_LOOSELY = "(ignoring case, punctuation and spacing)"  # how the text checks compare: see checks.tasks

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
                                      + _LOOSELY),
    "response_pii": lambda w: f"{w.role('response')} {w.modal} not contain an e-mail address or a phone number",
    "refusal_phrase": lambda w: (f"{w.role('response')} {w.modal} not be a canned refusal "
                                 "(such as \u201cas an AI language model\u201d)"),
    "duplicate_prompt": lambda w: (f"the same {w.role('prompt')} {w.modal} not appear more than once "
                                   + _LOOSELY),
    "duplicate_response": lambda w: (f"the same {w.role('response')} {w.modal} not appear more than once "
                                     + _LOOSELY),
    "ranking_permutation": lambda w: (f"{w.role('ranking')} {w.modal} order exactly the responses shown in "
                                      f"{w.role('responses')}" + ("" if w.allows("ties") else ", without ties")),
    "chosen_differs": lambda w: f"{w.role('chosen')} and {w.role('rejected')} {w.modal} be different responses",
    "chosen_among_shown": lambda w: (f"{w.role('chosen')} and {w.role('rejected')} {w.modal} be among the "
                                     f"responses shown in {w.role('responses')}"),
    "tie_allowed": lambda w: f"{w.role('tie')} {w.modal} not be set: this task allows no ties",
}
