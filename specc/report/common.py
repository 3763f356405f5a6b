"""Wording and number formats shared by the reports people read (text, Markdown, JUnit, GitHub).

Every format states a check's counts, share and threshold the same way, so one phrase means
one thing wherever a reader meets it. Sample values come from the delivery, which is
untrusted: `clean` escapes control and bidi characters before they reach a terminal, a
CI log or an XML file.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from ..results import ERRORED, FAILED, PASSED, WARNED, CheckResult, RunResult
from .escape import terminal
from .json_report import json_safe

ROW_KEY = "row"  # a sample's 1-based row number in its input, as the engine names it
MAX_GROUPS = 10  # rows of a per-annotator table
MAX_VALUE_WIDTH = 60  # characters of one sample value


def clean(text: str) -> str:
    """`text` for a terminal or a log: control, format (bidi) and separator characters
    written as escapes, so it is always one line (see `escape.terminal`)."""
    return terminal(text)


def shorten(text: str, width: int = MAX_VALUE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def message_lines(text: str) -> list[str]:
    """A message split at its line breaks, each line cleaned; never empty."""
    return [clean(line) for line in (text or "").splitlines()] or [""]


# numbers -------------------------------------------------------------------------------


def count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def number(value: float | None) -> str:
    """A threshold or setting: as few digits as it was written with (0.85, 600, 0.7)."""
    if value is None:
        return "—"
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def metric_value(value: float | None, unit: str | None = None) -> str:
    """A computed statistic: three decimals, so a column of them lines up; a duration as one."""
    if value is not None and unit == "seconds":
        return duration(value)
    return "—" if value is None else f"{value:.3f}"


_DURATION_PARTS = (("d", 86400), ("h", 3600), ("m", 60))


def duration(seconds: float) -> str:
    """Seconds as the spec writes a duration, exactly to the millisecond: `10m 24s`, `9m`,
    `1d 2h 5s`, `0.25s`."""
    sign = "-" if seconds < 0 else ""
    rest = round(abs(seconds), 3)
    parts = []
    for unit, size in _DURATION_PARTS:
        whole = int(rest // size)
        if whole:
            parts.append(f"{whole}{unit}")
            rest = round(rest - whole * size, 3)
    if rest or not parts:
        parts.append(f"{rest:.3f}".rstrip("0").rstrip(".") + "s")
    return sign + " ".join(parts)


def unit_of(check: "CheckResult") -> str | None:
    """`seconds` for a metric whose value is a duration (its details say so)."""
    return check.details.get("unit") if isinstance(check.details, dict) else None


def percent(share: float | None) -> str:
    """A share in [0, 1] as a percentage that never rounds a violation away (<0.01%)."""
    if share is None:
        return "—"
    if 0 < share < 0.0001:
        return "<0.01%"
    if 0.9999 < share < 1:
        return ">99.99%"
    return f"{share * 100:.2f}".rstrip("0").rstrip(".") + "%"


def plural(amount: int, noun: str) -> str:
    return f"{amount:,} {noun}" if amount == 1 else f"{amount:,} {noun}s"


def resubmissions(table_input) -> str:
    """How `latest by` resolved a table's resubmissions ("" for a table that resolves none):
    the rows that are their key's answer, the earlier ones, and those tied for the latest."""
    if table_input.current_rows is None:
        return ""
    text = f"{table_input.current_rows:,} current, {table_input.superseded_rows:,} superseded"
    if table_input.tied_rows:
        text += f", {table_input.tied_rows:,} tied for the latest (none taken)"
    return text


# checks --------------------------------------------------------------------------------

_UNIT_NOUNS = {"group": "group", "metric": "unit", "table": "table"}
# What a summary statistic's `units` count, read from the `statistic` its details name.
_STATISTIC_NOUNS = {"avg": "value", "median": "value", "share of first-shown responses chosen": "judgement"}
MEASURED_KEY = "measured"  # a whole-table rule's details: {comparison as written: the measured side}


def unit_noun(check: CheckResult) -> str:
    """What `checked` counts: rows for most scopes, groups for group rules, the table for a
    whole-table rule, units for metrics (values or judgements for a summary statistic)."""
    if is_metric(check) and isinstance(check.details, dict):
        return _STATISTIC_NOUNS.get(str(check.details.get("statistic")), "unit")
    return _UNIT_NOUNS.get(check.scope, "row")


def is_metric(check: CheckResult) -> bool:
    return check.kind == "metric"


def share(check: CheckResult) -> float | None:
    if check.value is not None:
        return check.value
    if check.violations is not None and check.checked:
        return check.violations / check.checked
    return None


def describe_counts(check: CheckResult) -> str:
    """`3 of 48,310 rows (<0.01%)` for a rule, `16.29% measured for share where (…) <= 5%`
    for a whole-table one, `value 0.812 over 120 units` for a metric."""
    if check.status == ERRORED:
        return "could not run"
    if is_metric(check):
        return _metric_counts(check)
    if measured(check):
        return describe_measured(check)
    if check.violations is None:
        return "not computed"
    if check.scope == "sql":  # every row the query returns is a violation: there is no "of"
        return f"{plural(check.violations, 'row')} returned"
    if check.checked is None:
        return plural(check.violations, unit_noun(check))
    return f"{check.violations:,} of {plural(check.checked, unit_noun(check))} ({percent(share(check))})"


def _metric_counts(check: CheckResult) -> str:
    """`value 0.912 over 400 units (1,199 ratings)`."""
    value = metric_value(check.value, unit_of(check)) if check.value is not None else _undefined(check)
    counted = metric_counted(check)
    return f"value {value} over {counted}" if counted else f"value {value}"


def metric_counted(check: CheckResult) -> str:
    """What a metric was computed over: `400 units (1,199 ratings)`, units and ratings apart
    where both are known; empty when the engine did not say."""
    if check.checked is None:
        return ""
    ratings = check.details.get("ratings") if isinstance(check.details, dict) else None
    extra = f" ({plural(ratings, 'rating')})" if isinstance(ratings, int) and not isinstance(ratings, bool) else ""
    return f"{plural(check.checked, unit_noun(check))}{extra}"


def _undefined(check: CheckResult) -> str:
    if isinstance(check.details, dict) and "not_evaluated" in check.details:  # a drift metric, no baseline
        return "not evaluated (no --baseline)"
    reason = check.details.get("undefined_reason") if isinstance(check.details, dict) else None
    return f"undefined ({clean(str(reason))})" if reason else "undefined"


def measured(check: CheckResult) -> list[tuple[str, object]]:
    """A whole-table rule's measured figures: (its comparison as written, the measured side)."""
    found = check.details.get(MEASURED_KEY) if isinstance(check.details, dict) else None
    return [(str(condition), value) for condition, value in found.items()] if isinstance(found, dict) else []


def describe_measured(check: CheckResult) -> str:
    """`16.29% measured for share where (confidence < 0.5) <= 5%`; a share as a percentage."""
    parts = []
    for condition, value in measured(check):
        figure = percent(value) if condition.startswith("share") and _is_number(value) else measured_value(value)
        parts.append(f"{figure} measured for {clean(condition)}")
    return "; ".join(parts)


def measured_value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.timedelta):
        return duration(value.total_seconds())
    if isinstance(value, bool) or not _is_number(value):
        return clean(shorten(str(value)))
    return f"{value:,}" if isinstance(value, int) else number(float(value))


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def describe_violations(check: CheckResult) -> str:
    """The GitHub/JUnit phrasing: `3 violations of 48,310 rows`."""
    if is_metric(check):
        return describe_counts(check)
    if measured(check):
        return describe_measured(check)
    if check.violations is None:
        return "violations not computed"
    text = plural(check.violations, "violation")
    if check.scope == "sql":
        return f"{text} (rows returned by the query)"
    return text if check.checked is None else f"{text} of {plural(check.checked, unit_noun(check))}"


def higher_is_better(check: CheckResult) -> bool:
    """Which way a metric falls short: below its levels (agreement, accuracy) or above them
    (a bias, a time); a metric without levels is read as higher-is-better."""
    side = check.threshold.fail_side or check.threshold.warn_side
    return side != "above"


def describe_threshold(check: CheckResult) -> str:
    """What the check is held to, in the spec's own words: `tolerance 1%, warn above 2%`."""
    threshold = check.threshold
    parts = []
    if threshold.tolerance is not None:
        parts.append("tolerance " + _tolerance(check))
    for level, side, value in (("warn", threshold.warn_side, threshold.warn_value),
                               ("fail", threshold.fail_side, threshold.fail_value)):
        if side is not None:
            parts.append(f"{level} {side} {_level_value(check, level, value)}")
    if parts:
        return ", ".join(parts)
    if is_metric(check):
        return "no threshold"
    return "must hold" if check.scope == "table" else "no violations allowed"


def _level_value(check: CheckResult, level: str, value: float | None) -> str:
    """A metric's level as a number; a rule's as a share (`1%`) or a count (`10 rows`).

    `Threshold` does not say yet which one a rule's level is (`warn_is_share` is proposed);
    until it does, a level under 1 is a share: a count of violations is a whole number.
    """
    if is_metric(check) or value is None:
        return duration(value) if value is not None and unit_of(check) == "seconds" else number(value)
    as_share = getattr(check.threshold, f"{level}_is_share", None)
    if as_share is None:
        as_share = value < 1
    return percent(value) if as_share else _count_of(check, value)


def _count_of(check: CheckResult, value: float) -> str:
    whole = int(value) if float(value).is_integer() else value
    return f"{number(whole)} {unit_noun(check)}{'' if whole == 1 else 's'}"


def _tolerance(check: CheckResult) -> str:
    value = check.threshold.tolerance
    return percent(value) if check.threshold.tolerance_is_share else _count_of(check, value)


def error_text(check: CheckResult) -> str:
    """Why a check could not run: `details.error` when the engine recorded it."""
    error = check.details.get("error") if isinstance(check.details, dict) else None
    return str(error) if error else ""


def verdict_summary(result: RunResult) -> str:
    """`3 failed, 1 error, 2 warnings, 12 passed`: the zero counts left out."""
    counts = result.counts()
    parts = [
        f"{counts[FAILED]:,} failed" if counts[FAILED] else "",
        plural(counts[ERRORED], "error") if counts[ERRORED] else "",
        plural(counts[WARNED], "warning") if counts[WARNED] else "",
        f"{counts[PASSED]:,} passed" if counts[PASSED] else "",
    ]
    return ", ".join(p for p in parts if p) or "no checks"


EXIT_MEANINGS = {
    0: "the gate passed",
    1: "the gate failed",
    2: "a check could not run, so the gate cannot vouch for the data",
}


def exit_line(result: RunResult) -> str:
    code = result.exit_code
    return f"exit code {code}: {EXIT_MEANINGS.get(code, 'specc could not do its job')}"


def spec_title(result: RunResult) -> str:
    spec = result.spec
    parts = [clean(spec.name)]
    if spec.title:
        parts.append(json.dumps(clean(spec.title), ensure_ascii=False))
    if spec.version:
        parts.append(f"version {clean(spec.version)}")
    return " ".join(parts)


def location(check: CheckResult) -> str:
    return str(check.source) if check.source else ""


# sample rows ---------------------------------------------------------------------------


def sample_value(value) -> str:
    """One data value as a reader should see it: NULL, numbers plainly, odd strings quoted."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and not isinstance(value, Enum):
        return _string_value(value)
    if isinstance(value, dt.timedelta):
        return duration(value.total_seconds())
    safe = json_safe(value)  # the same text the JSON report holds: Decimal, dates, NaN
    if isinstance(safe, (str, int, float)):
        return clean(shorten(str(safe)))
    return clean(shorten(json.dumps(safe, ensure_ascii=False)))


def _string_value(value: str) -> str:
    """Plain when it reads unambiguously, else quoted with escapes; cut before escaping, so an
    escape sequence is never cut in half."""
    short = shorten(value)
    if value and value.isprintable() and not any(c in value for c in " =\"'\\"):
        return clean(short)  # printable, but it may still spell a CI command
    return '"' + clean(short.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def sample_line(sample: dict) -> str:
    """`row 12: doc_id=d3 start=10 end=4`; without a row number, just the columns."""
    cells = " ".join(f"{_string_value(str(key))}={sample_value(value)}" for key, value in sample.items() if key != ROW_KEY)
    row = sample.get(ROW_KEY)
    return f"row {row}: {cells}" if row is not None else cells


def detail_lines(check: CheckResult, max_samples: int | None) -> list[str]:
    """What explains a check that fell short: why it could not run, sample rows, breakdowns.

    The error text may quote the data, so it stays on one line, its line breaks escaped.
    """
    if check.status == ERRORED:
        return [f"error: {clean(error_text(check) or 'no error text recorded')}"]
    lines = [sample_line(sample) for sample in check.samples[:max_samples]]
    left_out = len(check.samples) - len(lines)
    if left_out > 0:
        lines.append(f"… and {plural(left_out, 'more sample')}")
    for table in group_tables(check.details, higher_is_better(check)) if is_metric(check) else []:
        cells = [list(table.columns)] + [list(row) for row in table.rows]
        lines.append(f"{table.heading}:")
        lines.extend("  " + line for line in align(cells, right=numeric_columns(cells)))
        if table.left_out:
            lines.append(f"  … and {table.left_out:,} more")
    return lines


# per-group tables in a metric's details --------------------------------------------------

MAX_GROUP_COLUMNS = 10
# The figure a per-group record is judged by, most specific first: the metric itself (per
# column), a pair's F1, an annotator's accuracy or agreement with the others.
SCORE_COLUMNS = ("metric", "scores.f1", "f1", "accuracy", "kappa_with_others", "agreement_with_others",
                 "agreement", "value")


@dataclass(frozen=True)
class GroupTable:
    """One breakdown of a metric (per annotator, per vendor…), worst group first."""

    title: str  # "per annotator", "per vendor"
    score: str | None  # the column the groups are sorted on, None when none is numeric
    records: tuple[dict, ...]  # every group, flattened, worst first
    columns: tuple[str, ...]  # the scalar columns shown, cleaned
    rows: tuple[tuple[str, ...], ...]  # cells of the first MAX_GROUPS records
    left_out: int  # groups not in `rows`: the best ones

    @property
    def heading(self) -> str:
        return f"{self.title}, worst {clean(self.score)} first" if self.score else self.title


def group_tables(details: dict, higher_is_better: bool = True) -> list[GroupTable]:
    """A metric's breakdowns, each sorted worst first by its score, from `details`.

    The engine stores them as `per_annotator` (a list of objects, one per annotator or pair)
    and `per` (column name -> a list of `{"value", "metric", "units"}`). Scalar fields become
    columns; an object nested one level (a pair's `scores`) adds dotted columns (`scores.f1`).
    The score is the first of SCORE_COLUMNS that is a number, else the first fractional
    column; "worst" is its lowest value when higher is better, else its highest; groups
    without a value come last, so a cut after MAX_GROUPS rows hides the best groups.
    """
    found = []
    if isinstance(details, dict):
        found.append(("per annotator", details.get("per_annotator")))
        per = details.get("per")
        if isinstance(per, dict):
            found.extend((f"per {clean(str(column))}", records) for column, records in per.items())
    tables = []
    for title, records in found:
        records = [flatten(r) for r in records] if _is_records(records) else []
        columns = _scalar_columns(records)
        if columns:
            score = score_column(records)
            ordered = worst_first(records, score, higher_is_better)
            rows = tuple(tuple(table_cell(record.get(c)) for c in columns) for record in ordered[:MAX_GROUPS])
            tables.append(GroupTable(title, score, tuple(ordered), tuple(clean(c) for c in columns), rows,
                                     len(ordered) - len(rows)))
    return tables


def score_column(records: list[dict]) -> str | None:
    """The figure worth sorting and charting: a known one, else the first column of fractions."""
    columns = list(dict.fromkeys(key for record in records for key in record))
    numeric = [c for c in columns if all(finite(r.get(c)) is not None or r.get(c) is None for r in records)
               and any(isinstance(r.get(c), float) for r in records)]
    preferred = [c for c in SCORE_COLUMNS if c in numeric]
    return (preferred or numeric or [None])[0]


def worst_first(records: list[dict], score: str | None, higher_is_better: bool = True) -> list[dict]:
    """`records` by `score`, worst first; those without a value last; engine order among equals."""
    if score is None:
        return list(records)
    sign = 1 if higher_is_better else -1

    def key(record: dict) -> tuple:
        value = finite(record.get(score))
        return (value is None, sign * value if value is not None else 0.0)

    return sorted(records, key=key)


def finite(value) -> float | None:
    """`value` as a float when it is a finite number, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def worst_groups_first(groups) -> list[dict]:
    """A compliance breakdown's groups, lowest compliance first, then most violating rows;
    groups without rows last; ties by value, so the order is stable."""
    def key(group: dict) -> tuple:
        compliance = finite(group.get("compliance"))
        return (compliance is None, compliance if compliance is not None else 0.0,
                -(group.get("violating_rows") or 0), sample_value(group.get("value")))

    return sorted(groups, key=key)


def _is_records(value) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(isinstance(item, dict) for item in value)


def flatten(record) -> dict:
    """One level of nesting spelled out: `{"scores": {"f1": 0.9}}` -> `{"scores.f1": 0.9}`."""
    if not isinstance(record, dict):
        return {}
    flat = {}
    for key, value in record.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{inner}": item for inner, item in value.items()})
        else:
            flat[str(key)] = value
    return flat


def _is_scalar(value) -> bool:
    return value is None or isinstance(value, (str, int, float, Decimal))


def _scalar_columns(records: list[dict]) -> list[str]:
    columns = list(dict.fromkeys(key for record in records for key in record))
    scalar = [c for c in columns if all(_is_scalar(record.get(c)) for record in records)]
    return scalar[:MAX_GROUP_COLUMNS]


def table_cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return metric_value(value)
    return clean(shorten(str(value), 30))


COLUMN_GAP = "  "  # between the columns `align` lays out


def align(rows: list[list[str]], right: set[int] = frozenset()) -> list[str]:
    """Rows of cells padded to columns two spaces apart; numeric columns right-aligned."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append(COLUMN_GAP.join(cells).rstrip())
    return lines


def numeric_columns(rows: list[list[str]]) -> set[int]:
    """Columns whose cells (headers aside) all look like numbers, to right-align them."""
    if len(rows) < 2:
        return set()
    return {i for i in range(len(rows[0])) if all(_looks_numeric(row[i]) for row in rows[1:])}


def _looks_numeric(cell: str) -> bool:
    text = cell.replace(",", "").replace("%", "").lstrip("-<>")
    return cell == "—" or text.replace(".", "", 1).isdigit()
