"""A Markdown summary for a pull-request comment: the verdict first, only what needs a look.

It stays short on any delivery (about 60 lines at most): the failed, unrunnable and warned
checks in one table, the metrics in another, compliance in one line, and sample rows folded
into `<details>`; each list is cut with "… and N more". The JSON report has everything.
Values from the data are escaped, or shown inside a code block, so a vendor's rows cannot
inject links, images or HTML into the comment.
"""

from __future__ import annotations

import re

from ..results import ERRORED, FAILED, PASSED, WARNED, CheckResult, RunResult
from . import common
from .escape import log_text, markdown_cell
from .options import RenderOptions

EMOJI = {PASSED: "✅", WARNED: "⚠️", FAILED: "❌", ERRORED: "💥"}
ATTENTION_ORDER = {FAILED: 0, ERRORED: 1, WARNED: 2}
MAX_CHECK_ROWS = 15
MAX_METRIC_ROWS = 8
MAX_TABLES_IN_LINE = 6
MAX_SAMPLE_LINES = 16  # inside the folded block, so a big report still fits a screen or two
MAX_SAMPLES_PER_ENTRY = 3
_HTML_SPECIAL = re.compile(r"([<>&])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")


def render(result: RunResult, options: RenderOptions = RenderOptions()) -> str:
    attention = sorted((c for c in result.checks if c.status in ATTENTION_ORDER),
                       key=lambda c: ATTENTION_ORDER[c.status])  # stable: engine order within a status
    blocks = [
        _heading(result),
        _checks_table(result, [c for c in attention if not common.is_metric(c)]),
        _metrics_table(result.metrics()),
        _drift(result),
        _samples(attention, options),
    ]
    return log_text("\n\n".join("\n".join(block) for block in blocks if block) + "\n")


def _heading(result: RunResult) -> list[str]:
    passed = result.verdict == PASSED
    spec = result.spec
    name = escape(spec.name) + (f" {escape(spec.version)}" if spec.version else "")
    return [
        f"<!-- specc:{_comment_safe(spec.name)} -->",
        f"### {EMOJI[PASSED] if passed else EMOJI[FAILED]} specc {'passed' if passed else 'failed'}: {name}",
        "",
        f"**{common.verdict_summary(result)}** · {_compliance(result)} · {common.exit_line(result)}",
    ]


def _compliance(result: RunResult) -> str:
    tables = [f"{escape(t.table)} {common.percent(t.score)}" for t in result.compliance[:MAX_TABLES_IN_LINE]]
    more = len(result.compliance) - MAX_TABLES_IN_LINE
    if more > 0:
        tables.append(f"and {more:,} more")
    detail = f" ({', '.join(tables)})" if tables else ""
    return f"compliance {common.percent(result.overall_compliance)}{detail}"


def _checks_table(result: RunResult, checks: list[CheckResult]) -> list[str]:
    if not checks:
        return [f"All {common.plural(len(result.rules()), 'check')} passed."]
    lines = ["| | check | table | violations | threshold | message |", "|:-:|---|---|---|---|---|"]
    for check in checks[:MAX_CHECK_ROWS]:
        violations = escape(common.describe_counts(check))  # a measured figure quotes the spec's condition
        error = common.error_text(check)  # may quote the data: kept on one line
        why = message(check.message) + (f"<br>{escape(common.clean(error))}" if error else "")
        lines.append(_row(EMOJI[check.status], code(check.id), escape(check.table or "—"), violations,
                          escape(common.describe_threshold(check)), why))
    return lines + _more(len(checks) - MAX_CHECK_ROWS, "failed or warned check")


def _metrics_table(metrics: list[CheckResult]) -> list[str]:
    if not metrics:
        return []
    lines = ["| | metric | value | over | threshold | message |", "|:-:|---|--:|---|---|---|"]
    for metric in metrics[:MAX_METRIC_ROWS]:
        value = "could not run" if metric.status == ERRORED else common.metric_value(metric.value)
        if "not_evaluated" in metric.details:  # a drift metric without `--baseline`
            value = "not evaluated"
        counted = common.metric_counted(metric) if metric.status != ERRORED else ""
        lines.append(_row(EMOJI[metric.status], code(metric.id), value, escape(counted or "—"),
                          escape(common.describe_threshold(metric)), message(metric.message)))
    return lines + _more(len(metrics) - MAX_METRIC_ROWS, "metric")


def _drift(result: RunResult) -> list[str]:
    if result.drift is None:
        return []
    from . import drift

    lines = [f"**Drift** {escape(drift.baseline_line(result.drift))}"]
    tables = [*drift.label_tables(result.drift), drift.metric_table(result.drift), drift.check_table(result.drift)]
    for table in (t for t in tables if t is not None):
        lines += ["", f"*{escape(table.title)}*", ""]
        if table.rows:
            lines.append(_row(*(escape(h) for h in table.header)))
            lines.append("|" + "|".join("--:" if i in table.right else "---" for i in range(len(table.header))) + "|")
            lines += [_row(*(escape(cell) for cell in row)) for row in table.rows]
        if table.note:
            lines += ["", escape(table.note)]
    lines += [""] + [f"- {escape(line)}" for line in drift.annotator_lines(result.drift)]
    return lines


def _samples(checks: list[CheckResult], options: RenderOptions) -> list[str]:
    entries = [entry for entry in (_sample_entry(c, options) for c in checks) if entry]
    body: list[str] = []
    shown = 0
    for entry in entries:
        if body and len(body) + len(entry) > MAX_SAMPLE_LINES:
            break
        body.extend(entry)
        shown += 1
    if not body:
        return []
    if len(entries) > shown:
        body.append(f"… and {len(entries) - shown:,} more with samples (see the JSON or text report)")
    fence = "`" * max(3, _longest_backtick_run(body) + 1)
    return ["<details><summary>Sample violating rows</summary>", "", fence + "text", *body, fence, "", "</details>"]


def _sample_entry(check: CheckResult, options: RenderOptions) -> list[str]:
    """A check's id and table, then a few sample rows, or a metric's first breakdown."""
    limit = min(options.max_samples if options.max_samples is not None else MAX_SAMPLES_PER_ENTRY,
                MAX_SAMPLES_PER_ENTRY)
    lines = ["  " + common.sample_line(s) for s in check.samples[:limit]]
    left_out = len(check.samples) - len(lines)
    if common.is_metric(check):
        for table in common.group_tables(check.details, common.higher_is_better(check))[:1]:
            cells = [list(table.columns)] + [list(row) for row in table.rows[:limit]]
            aligned = common.align(cells, right=common.numeric_columns(cells))
            lines = [f"  {table.heading}:"] + ["    " + line for line in aligned]
            left_out = len(table.records) - (len(cells) - 1)
    if not lines:
        return []
    tail = [f"  … and {left_out:,} more"] if left_out > 0 else []
    return [f"{common.clean(check.id)} ({common.clean(check.table or 'metric')})", *lines, *tail]


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _more(left_out: int, noun: str) -> list[str]:
    return ["", f"… and {left_out:,} more {noun}{'' if left_out == 1 else 's'}"] if left_out > 0 else []


def escape(text: str) -> str:
    """Text for a table cell: Markdown and HTML characters literal, line breaks as <br>."""
    return markdown_cell(text)


def message(text: str) -> str:
    """A spec author's message for a cell: their `code` and *emphasis* kept, HTML shown as text.

    The spec is reviewed input, so its Markdown is honoured; outside code spans `<`, `>` and
    `&` are escaped so no tag is ever rendered, and `|` never ends the cell.
    """
    lines = []
    for line in common.message_lines(text):
        parts = _CODE_SPAN.split(line)  # even indexes: prose; odd: the backticks; then the code
        out = []
        for index, part in enumerate(parts):
            if index % 3 == 0:
                out.append(_HTML_SPECIAL.sub(r"\\\1", part).replace("|", "\\|"))
            elif index % 3 == 1:
                out.append(part + parts[index + 1].replace("|", "\\|") + part)
        lines.append("".join(out))
    return "<br>".join(lines)


def code(text: str) -> str:
    text = common.clean(text)
    if "`" in text:
        return escape(text)
    return "`" + text.replace("|", "\\|") + "`"


def _comment_safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def _longest_backtick_run(lines: list[str]) -> int:
    return max((len(run) for line in lines for run in re.findall("`+", line)), default=0)
