"""Spec metrics evaluated with `specc.metrics` on the bound tables.

The task says which columns hold unit, annotator and answer; this module shapes the task's
table into the relation each metric expects (a view; rankings and preferences are unnested
or paired in SQL), calls the metric, and returns its value with details for the report.
`per annotator` adds each annotator's agreement with the others; `per COLUMN` (a vendor, a
batch) computes the metric again on each value's rows, the value bound as a parameter.

What the data leaves open makes a metric undefined, with the reason, rather than guessed:
several answers of one annotator to one unit of a single-answer task (which one counts?),
or text categories at ordinal level with no taxonomy to order them. A taxonomy-typed
answer column is ordered as the taxonomy declares its labels.
"""

from __future__ import annotations

import itertools

import duckdb

from .. import metrics as m
from ..sqlsafe import identifier
from .base import MetricCheck

_view_counter = itertools.count()


def _view(con, select_sql: str, parameters=None) -> str:
    name = f"__specc_metric_{next(_view_counter)}"
    if parameters:
        con.execute(f"CREATE TEMP TABLE {identifier(name)} AS {select_sql}", parameters)
    else:
        con.execute(f"CREATE TEMP VIEW {identifier(name)} AS {select_sql}")
    return name


def _role(metric: MetricCheck, role: str) -> str | None:
    columns = metric.roles.get(role)
    return columns[0].split(".")[-1] if columns else None


def _answer_column(metric: MetricCheck) -> str:
    for role in ("label", "rating", "tag"):
        if _role(metric, role):
            return _role(metric, role)
    raise ValueError(f"metric `{metric.id}` needs a task with a label or rating role")


def evaluate_metric(con: duckdb.DuckDBPyConnection, metric: MetricCheck,
                    full_details: bool = False) -> tuple[float | None, dict]:  # fmt: skip
    """The metric's value and details over its population, with every group's figure in
    `details["groups"]` (see specc.metric_gate, which holds each group to the bounds)."""
    source, population = _population(con, metric)
    value, details = _evaluate(con, metric, source)
    groups: list[dict] = []
    if "annotator" in metric.per or _role(metric, "annotator") in metric.per:
        rows = _per_annotator(con, metric, source, details)
        details["per_annotator"] = rows
        groups += _annotator_groups(metric, rows)
    for column in (c for c in metric.per if c not in ("annotator", _role(metric, "annotator"))):
        rows = _per_value(con, metric, source, column)
        details.setdefault("per", {})[column] = rows
        groups += [{"by": column, "value": r["value"], "metric": r["metric"], "units": r["units"]} for r in rows]
    if metric.per:
        details["groups"] = groups
    if population is not None:
        details["population"] = population
    if not full_details:
        _summarise(details)
    return _stable(value), _stable(details)


def _population(con, metric: MetricCheck) -> tuple[str, dict | None]:
    """The rows a metric is computed over: the task's table, only its current rows when
    resubmissions are resolved (`latest by`), and only rows where its `where` holds."""
    conditions = []
    if metric.current_only:
        conditions.append('"__specc_current"')
    if metric.population is not None:
        conditions.append(f"coalesce({metric.population}, FALSE)")
    if not conditions:
        return metric.table, None
    source = _view(con, f"SELECT * FROM {identifier(metric.table)} WHERE {' AND '.join(conditions)}")
    (rows,) = con.execute(f"SELECT count(*) FROM {identifier(source)}").fetchall()[0]
    population = {"rows": int(rows), "latest_only": metric.current_only}
    if metric.population_text is not None:
        population["where"] = metric.population_text
    return source, population


def _summarise(details: dict) -> None:
    """`--details summary` (the default): one confusion matrix per metric, not one per annotator,
    so the report of 200 annotators stays small."""
    for row in details.get("per_annotator", []):
        if isinstance(row, dict):
            row.pop("confusion", None)


def _annotator_groups(metric: MetricCheck, rows: list[dict]) -> list[dict]:
    """Each annotator's figure and support, as the bounds judge it (docs/metrics.md)."""
    if metric.metric == "span_f1":
        return _span_annotators(rows)
    figure, support = _ANNOTATOR_FIGURES.get(metric.metric) or (
        ("value", "rows") if _is_percentile(metric) else (None, None))
    if figure is None:
        return []
    return [{"by": "annotator", "value": row.get("coder"), "metric": row.get(figure), "units": row.get(support)}
            for row in rows]


def _is_percentile(metric: MetricCheck) -> bool:
    return metric.metric[:1] == "p" and metric.metric[1:].isdigit()


# the per-annotator figure held to a `per annotator` metric's bounds, and the units it rests on
_ANNOTATOR_FIGURES = {
    "gold_accuracy": ("accuracy", "compared"),
    "cohen_kappa": ("kappa_with_others", "kappa_units"),
    # alpha and Fleiss' kappa describe a set of annotators; one annotator is judged by the
    # same chance-corrected agreement with each other annotator, weighted by shared units
    "alpha": ("kappa_with_others", "kappa_units"),
    "fleiss_kappa": ("kappa_with_others", "kappa_units"),
    "percent_agreement": ("agreement_with_others", "ratings"),
    "position_bias": ("value", "judgements"),
    "mean": ("value", "rows"),
    "median": ("value", "rows"),
}


def _span_annotators(pairs: list[dict]) -> list[dict]:
    """An annotator's span F1: the mean over the pairs they are in, weighted by shared units."""
    totals: dict = {}
    for pair in pairs:
        f1 = (pair.get("scores") or {}).get("f1")
        if f1 is None:
            continue
        for coder in (pair.get("annotator_a"), pair.get("annotator_b")):
            weighted, units = totals.get(coder, (0.0, 0))
            totals[coder] = (weighted + f1 * pair["units"], units + pair["units"])
    return [{"by": "annotator", "value": coder, "metric": weighted / units if units else None, "units": units}
            for coder, (weighted, units) in sorted(totals.items(), key=lambda item: str(item[0]))]


def _stable(value):
    """Floats to 12 significant digits: DuckDB adds floats in parallel, in an order that can
    change the last bits between runs, and two reports of one delivery must be identical."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {key: _stable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_stable(item) for item in value]
    return value


def _per_value(con, metric: MetricCheck, source: str, column: str) -> list[dict]:
    values = con.execute(
        f"SELECT DISTINCT CAST({identifier(column)} AS VARCHAR) FROM {identifier(source)} ORDER BY 1 NULLS FIRST"
    ).fetchall()
    result = []
    for (value,) in values:
        condition = f"CAST({identifier(column)} AS VARCHAR) IS NOT DISTINCT FROM ?"
        sliced = _view(con, f"SELECT * FROM {identifier(source)} WHERE {condition}", [value])
        slice_value, slice_details = _evaluate(con, metric, sliced)
        result.append({"value": value, "metric": slice_value, "units": slice_details.get("units")})
    return result


# How a spec's author makes each choice a metric cannot make alone (see `metrics.ChoiceNeeded`).
_CHOICE_HINTS = {
    "order": "type the answer column with a taxonomy: its labels in declaration order are the order",
    "placing": "they are not labels of the column's taxonomy (its enum check counts them)",
    "one answer": "keep one answer per unit and annotator, or resolve resubmissions with `latest by COLUMN`",
}

# Tasks where an annotator gives one answer per unit; the others (multilabel, spans, tokens,
# rankings, preferences) have several rows per unit and annotator by design.
_SINGLE_ANSWER_TASKS = ("classification", "rating")


def _evaluate(con, metric: MetricCheck, table: str) -> tuple[float | None, dict]:
    handler = _handler(metric)
    if handler is None:
        raise ValueError(f"metric `{metric.metric}` cannot be computed for this task")
    try:
        return handler(con, metric, table)
    except m.ChoiceNeeded as needed:
        return None, {"undefined_reason": f"{needed}; {_CHOICE_HINTS[needed.needs]}", "units": None}


def _ratings(metric: MetricCheck) -> dict:
    return dict(unit=_role(metric, "unit"), coder=_role(metric, "annotator"), value=_answer_column(metric))


def _single_answers(con, metric: MetricCheck, table: str) -> dict:
    """The ratings of a metric that compares one answer per unit and annotator, after making
    sure a single-answer task's table holds no more than that."""
    columns = _ratings(metric)
    if metric.task_kind in _SINGLE_ANSWER_TASKS and not _one_current_row_per_answer(metric, columns):
        repeated = m.repeated_answers(con, table, **columns)
        if repeated:
            raise m.ChoiceNeeded(repeated.describe("annotator"), needs="one answer")
    return columns


def _one_current_row_per_answer(metric: MetricCheck, columns: dict) -> bool:
    """Current rows of a `latest by` table keyed within (unit, annotator) hold one answer per
    pair by construction: counting repeated pairs again would scan the population for nothing."""
    return metric.current_only and bool(metric.current_keys) and set(metric.current_keys) <= {columns["unit"], columns["coder"]}


def _option(metric: MetricCheck, choices: tuple[str, ...], default: str) -> str:
    return next((o for o in metric.options if o in choices), default)


def _ordered(metric: MetricCheck, level: str, weights: str = "none") -> dict:
    """The taxonomy's order where categories are ranked: ordinal alpha, weighted kappa."""
    ranked = level == "ordinal" or weights != "none"
    return {"order": list(metric.category_order)} if ranked and metric.category_order else {}


def _min_units(metric: MetricCheck) -> int:
    return metric.min_units if metric.min_units is not None else m.MIN_UNITS


def _alpha(con, metric, table):
    level = _option(metric, ("nominal", "ordinal", "interval", "ratio"), "nominal")
    result = m.krippendorff_alpha(con, table, level=level, **_single_answers(con, metric, table),
                                  **_ordered(metric, level))
    return result.value, _details(result, units=result.units)


def _fleiss(con, metric, table):
    result = m.fleiss_kappa(con, table, **_single_answers(con, metric, table))
    return result.value, _details(result, units=result.units)


def _cohen(con, metric, table):
    weights = _option(metric, ("linear", "quadratic"), "none")
    result = m.cohen_kappa(con, table, weights=weights, min_units=_min_units(metric),
                           **_single_answers(con, metric, table), **_ordered(metric, "nominal", weights))
    return result.value, _details(result, units=result.units)


def _percent(con, metric, table):
    form = _option(metric, m.PERCENT_FORMS, "pairs")
    result = m.percent_agreement(con, table, form=form, **_single_answers(con, metric, table))
    return result.value, _details(result, units=result.units)


def _span_f1(con, metric, table):
    start, end = metric.roles["span"]
    mode = _option(metric, tuple(m.SPAN_MODES), "strict")
    average = _option(metric, ("micro", "macro"), "micro")
    result = m.span_agreement(con, table, unit=_role(metric, "unit"), annotator=_role(metric, "annotator"),
                              start=start.split(".")[-1], end=end.split(".")[-1], label=_role(metric, "label"),
                              mode=mode)
    scores = result.micro if average == "micro" else result.macro
    return scores.f1, _details(result, units=result.units, average=average)


def _ranked_rows(con, metric, table) -> str:
    """One row per (unit, annotator, response) with its 1-based rank, from a ranking list."""
    unit, annotator, ranking = (identifier(_role(metric, r)) for r in ("unit", "annotator", "ranking"))
    return _view(con, f"SELECT {unit} AS unit, {annotator} AS annotator, "
                      f"unnest({ranking}) AS response, generate_subscripts({ranking}, 1) AS rank "
                      f"FROM {identifier(table)}")


def _kendall_tau(con, metric, table):
    result = m.kendall_tau(con, _ranked_rows(con, metric, table), unit="unit", annotator="annotator",
                           response="response", rank="rank")
    return result.value, _details(result, units=result.comparisons)


def _kendall_w(con, metric, table):
    result = m.kendalls_w(con, _ranked_rows(con, metric, table), unit="unit", annotator="annotator",
                          response="response", rank="rank")
    return result.value, _details(result, units=len(result.items))


def _preference(con, metric, table):
    """Each judgement as an outcome on the unordered response pair: A (the lower id) won,
    B won, or a tie; agreement is over judgements of the same pair."""
    if metric.task_kind == "ranking":
        rows = _ranked_rows(con, metric, table)
        result = m.ranking_preference_agreement(con, rows, unit="unit", annotator="annotator",
                                                response="response", rank="rank")
    else:
        unit, annotator = identifier(_role(metric, "unit")), identifier(_role(metric, "annotator"))
        chosen, rejected = identifier(_role(metric, "chosen")), identifier(_role(metric, "rejected"))
        tie = f"coalesce({identifier(_role(metric, 'tie'))}, FALSE)" if _role(metric, "tie") else "FALSE"
        pairs = _view(con, (
            f"SELECT CAST({unit} AS VARCHAR) || chr(31) || least({chosen}, {rejected}) || chr(31) || "
            f"greatest({chosen}, {rejected}) AS unit, {annotator} AS annotator, "
            f"CASE WHEN {tie} THEN 'tie' WHEN {chosen} < {rejected} THEN 'A' ELSE 'B' END AS outcome "
            f"FROM {identifier(table)} WHERE {chosen} IS NOT NULL AND {rejected} IS NOT NULL"))
        result = m.preference_agreement(con, pairs, unit="unit", annotator="annotator", outcome="outcome")
    value = result.percent_agreement if _option(metric, ("percent", "alpha"), "percent") == "percent" else result.alpha.value
    return value, _details(result, units=result.units)


def _gold(con, metric, table):
    gold_table, gold_column = metric.against
    missing = "skip" if "missing_left_out" in metric.options else "wrong"
    result = m.gold_accuracy(con, table, gold_table, gold_value=gold_column, missing=missing,
                             **_single_answers(con, metric, table))
    details = _details(result, units=result.units, ratings=result.compared,
                       missing="left out" if missing == "skip" else "counted as wrong")
    return result.accuracy, details


def _first_shown(metric: MetricCheck) -> str:
    """Which response was shown first: a `shown_first` role, else the first of `responses`."""
    if _role(metric, "shown_first"):
        return identifier(_role(metric, "shown_first"))
    if _role(metric, "responses"):
        return f"{identifier(_role(metric, 'responses'))}[1]"
    raise ValueError(f"metric `{metric.id}` needs a `shown_first` or `responses` role on its task")


def _position_bias_sql(metric: MetricCheck, table: str, by_annotator: bool) -> str:
    chosen = identifier(_role(metric, "chosen"))
    tie = f"NOT coalesce({identifier(_role(metric, 'tie'))}, FALSE)" if _role(metric, "tie") else "TRUE"
    first = _first_shown(metric)
    group = f"CAST({identifier(_role(metric, 'annotator'))} AS VARCHAR)" if by_annotator else "NULL"
    return (f"SELECT {group} AS coder, avg(CAST({chosen} = {first} AS DOUBLE)), count(*) "
            f"FROM {identifier(table)} WHERE {tie} AND {chosen} IS NOT NULL AND {first} IS NOT NULL "
            f"GROUP BY 1 ORDER BY 1 NULLS FIRST")


def _position_bias(con, metric, table):
    """Share of (untied) judgements that chose the response shown first; 0.5 is no bias."""
    rows = con.execute(_position_bias_sql(metric, table, False)).fetchall()
    share, judgements = (rows[0][1], rows[0][2]) if rows else (None, 0)
    return share, {"units": judgements, "statistic": "share of first-shown responses chosen"}


def _summary_function(metric: MetricCheck, value: str) -> str:
    """mean, median, or the pNN percentile (continuous: interpolated between values)."""
    if metric.metric == "mean":
        return f"avg({value})"
    if metric.metric == "median":
        return f"median({value})"
    return f"quantile_cont({value}, {int(metric.metric[1:]) / 100!r})"


def _summary(con, metric, table):
    value_sql = metric.of
    value, rows = con.execute(
        f"SELECT {_summary_function(metric, value_sql)}, count({value_sql}) FROM {identifier(table)}").fetchall()[0]
    details = {"units": rows, "statistic": metric.metric}
    if value is None:
        details["undefined_reason"] = "no value to summarise"
    return (float(value) if value is not None else None), details


def _details(result, **extra) -> dict:
    details = result.to_dict()
    details.update(extra)
    return details


def _per_annotator(con, metric: MetricCheck, table: str, details: dict) -> list[dict]:
    try:
        return _annotator_rows(con, metric, table, details)
    except m.ChoiceNeeded:  # the overall figure is undefined for the same reason, and says so
        return []


def _annotator_rows(con, metric: MetricCheck, table: str, details: dict) -> list[dict]:
    """Each annotator against the others (pairwise kappa, majority, alpha without them)."""
    if metric.metric == "span_f1":  # the pairs are in the overall figure's details already
        return details.pop("pairs", [])
    if metric.metric == "gold_accuracy":  # so are the annotators: moved, not computed again
        return details.pop("annotators", [])
    if metric.metric == "position_bias":
        rows = con.execute(_position_bias_sql(metric, table, True)).fetchall()
        return [{"coder": a, "value": v, "judgements": n} for a, v, n in rows]
    if metric.metric in ("mean", "median") or _is_percentile(metric):
        annotator = identifier(_role(metric, "annotator"))
        rows = con.execute(
            f"SELECT CAST({annotator} AS VARCHAR), {_summary_function(metric, metric.of)}, count({metric.of}) "
            f"FROM {identifier(table)} GROUP BY 1 ORDER BY 1 NULLS FIRST").fetchall()
        return [{"coder": a, "value": float(v) if v is not None else None, "rows": n} for a, v, n in rows]
    if metric.metric not in ("alpha", "fleiss_kappa", "cohen_kappa", "percent_agreement"):
        return []
    level = _option(metric, ("nominal", "ordinal", "interval", "ratio"), "nominal")
    weights = _option(metric, ("linear", "quadratic"), "none")
    result = m.per_annotator_agreement(con, table, level=level, weights=weights, min_units=_min_units(metric),
                                       **_single_answers(con, metric, table), **_ordered(metric, level, weights))
    return [a.to_dict() for a in result.annotators]


_HANDLERS = {
    "alpha": _alpha,
    "fleiss_kappa": _fleiss,
    "cohen_kappa": _cohen,
    "percent_agreement": _percent,
    "span_f1": _span_f1,
    "kendall_tau": _kendall_tau,
    "kendall_w": _kendall_w,
    "preference_agreement": _preference,
    "gold_accuracy": _gold,
    "position_bias": _position_bias,
    "mean": _summary,
    "median": _summary,
}


def _handler(metric: MetricCheck):
    return _summary if _is_percentile(metric) else _HANDLERS.get(metric.metric)
