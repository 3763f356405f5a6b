"""The terminal report: what a person reads after `specc check`, top to bottom.

Header (spec and inputs), one aligned line per check and per metric with sample rows or a
breakdown under the ones that fell short, compliance, then the verdict and what the exit code
means. Colour is added only when asked for, so piped output and logs stay plain text.
"""

from __future__ import annotations

import click

from ..results import ERRORED, FAILED, PASSED, WARNED, CheckResult, RunResult
from . import common
from .escape import log_text
from .options import RenderOptions

INDENT = "  "
DETAIL_INDENT = "      "
PROFILE_STATEMENTS = 10  # the slowest shown in the text report
MARKS = {PASSED: "✓ passed", WARNED: "! warned", FAILED: "✗ failed", ERRORED: "E error"}
MARK_STYLES = {
    PASSED: {"fg": "green"},
    WARNED: {"fg": "yellow"},
    FAILED: {"fg": "red", "bold": True},
    ERRORED: {"fg": "magenta", "bold": True},
}
MARK_WIDTH = max(len(mark) for mark in MARKS.values())


class _Painter:
    """`click.style` when colour is on, the text unchanged when it is off."""

    def __init__(self, color: bool):
        self.color = color

    def __call__(self, text: str, **style) -> str:
        return click.style(text, **style) if self.color and text else text

    def mark(self, status: str) -> str:
        return self(MARKS.get(status, status).ljust(MARK_WIDTH), **MARK_STYLES.get(status, {}))

    def heading(self, text: str) -> str:
        return self(text, bold=True)


def render(result: RunResult, options: RenderOptions = RenderOptions()) -> str:
    paint = _Painter(options.color)
    sections = [
        _header(result, paint),
        _checks_section("Checks", result.rules(), paint, options),
        _checks_section("Metrics", result.metrics(), paint, options),
        _drift(result, paint),
        *(_breakdown(b, paint) for b in result.breakdowns),
        _compliance(result, paint),
        _profile(result, paint),
        _verdict(result, paint),
    ]
    return log_text("\n\n".join("\n".join(lines) for lines in sections if lines) + "\n")


def _header(result: RunResult, paint: _Painter) -> list[str]:
    spec = result.spec
    lines = [paint.heading(f"specc check: {common.spec_title(result)}")]
    digest = spec.sha256.removeprefix("sha256:")[:12]
    lines.append(f"spec    {common.clean(spec.path)} (sha256 {common.clean(digest)}…)")
    rows = [[common.clean(i.table), common.plural(i.rows, "row"), f"{common.clean(i.path)} ({common.clean(i.format)})"]
            for i in result.inputs]
    width = max((len(row[0]) for row in rows), default=0) + len(common.COLUMN_GAP)  # where the rows column starts
    for n, (table_input, line) in enumerate(zip(result.inputs, common.align(rows, right={1}))):
        lines.append(("inputs  " if n == 0 else " " * 8) + line)
        if resolved := common.resubmissions(table_input):  # under the row count: what `latest by` kept
            lines.append(" " * (8 + width) + f"latest by: {resolved}")
    if not rows:
        lines.append("inputs  none")
    return lines


def _checks_section(title: str, checks: list[CheckResult], paint: _Painter, options: RenderOptions) -> list[str]:
    if not checks:
        return []
    messages = [common.message_lines(c.message) for c in checks]
    cells = [[common.clean(c.id), common.clean(c.table or "—"), common.describe_counts(c), common.describe_threshold(c),
              message[0]] for c, message in zip(checks, messages)]
    lines = [paint.heading(title)]
    for check, aligned, message in zip(checks, common.align(cells), messages):
        lines.append(f"{INDENT}{paint.mark(check.status)}  {aligned}")
        lines.extend(DETAIL_INDENT + line for line in message[1:])
        lines.extend(DETAIL_INDENT + line for line in _check_details(check, options))
    return lines


def _check_details(check: CheckResult, options: RenderOptions) -> list[str]:
    if check.status in (FAILED, WARNED, ERRORED):
        return common.detail_lines(check, options.max_samples)
    return []


def _drift(result: RunResult, paint: _Painter) -> list[str]:
    """With `--baseline`: labels before and now, metric and violation-rate changes, annotators."""
    if result.drift is None:
        return []
    from . import drift

    lines = [paint.heading("Drift ") + common.clean(drift.baseline_line(result.drift))]
    tables = [*drift.label_tables(result.drift), drift.metric_table(result.drift), drift.check_table(result.drift)]
    for table in (t for t in tables if t is not None):
        lines.append(f"{INDENT}{table.title}")
        if table.rows:
            cells = [list(table.header)] + [[common.clean(cell) for cell in row] for row in table.rows]
            lines += [INDENT * 2 + line for line in common.align(cells, right=set(table.right))]
        if table.note:
            lines.append(INDENT * 2 + common.clean(table.note))
    lines += [INDENT + common.clean(line) for line in drift.annotator_lines(result.drift)]
    return lines


def _breakdown(breakdown, paint: _Painter) -> list[str]:
    """Compliance per annotator (vendor…), worst first, so a cut hides the best groups."""
    if not breakdown.groups:  # an empty table: no annotator to rank
        return []
    role = common.clean(breakdown.role)
    heading = f"Compliance by {role} ({common.clean(breakdown.table)}.{common.clean(breakdown.column)}), worst first"
    table = [[role, "rows", "violating rows", "compliance"]]
    groups = common.worst_groups_first(breakdown.groups)
    for group in groups[: common.MAX_GROUPS]:
        table.append([common.sample_value(group.get("value")), common.count(group.get("rows")),
                      common.count(group.get("violating_rows")), common.percent(group.get("compliance"))])
    lines = [paint.heading(heading)] + [INDENT + line for line in common.align(table, right={1, 2, 3})]
    left_out = len(groups) - common.MAX_GROUPS
    if left_out > 0:
        lines.append(f"{INDENT}… and {left_out:,} more, all at least {common.percent(_best_cut(groups))} compliant")
    return lines


def _best_cut(groups: list[dict]) -> float | None:
    """The compliance of the last group shown: every group left out has at least as much."""
    return groups[common.MAX_GROUPS - 1].get("compliance")


def _compliance(result: RunResult, paint: _Painter) -> list[str]:
    if not result.compliance:
        return []
    rows = [[common.clean(t.table), *_table_compliance(t)] for t in result.compliance]
    overall = result.overall_compliance
    rows.append(["overall", "unknown" if overall is None and rows else common.percent(overall), ""])
    return [paint.heading("Compliance")] + [INDENT + line for line in common.align(rows, right={1})]


def _table_compliance(table) -> list[str]:
    """A table whose checks did not all run has no score: say which check is missing, never a %."""
    if table.unknown_because:
        missing = ", ".join(f"`{common.clean(c)}`" for c in table.unknown_because)
        return ["unknown", f"{common.plural(table.rows, 'row')}; could not run {missing}"]
    return [common.percent(table.score), f"{table.passing_rows:,} of {common.plural(table.rows, 'row')} pass"]


def _profile(result: RunResult, paint: _Painter) -> list[str]:
    """`--profile`: seconds per phase, then the slowest statements (the JSON report has them all)."""
    phases = result.timings.get("phases")
    statements = result.timings.get("statements")
    if not phases and not statements:
        return []
    lines = [paint.heading("Profile")]
    rows = [[name, f"{seconds:.3f} s"] for name, seconds in (phases or {}).items()]
    rows.append(["total", f"{result.timings.get('total_seconds', 0):.3f} s"])
    lines += [INDENT + line for line in common.align(rows, right={1})]
    slowest = sorted(statements or [], key=lambda s: -s["seconds"])[:PROFILE_STATEMENTS]
    if slowest:
        lines.append(f"{INDENT}slowest statements ({len(slowest)} of {len(statements)}):")
        statement_rows = [[f"{s['seconds']:.3f} s", common.clean(s["statement"])[:100]] for s in slowest]
        lines += [INDENT * 2 + line for line in common.align(statement_rows, right={0})]
    return lines


def _verdict(result: RunResult, paint: _Painter) -> list[str]:
    passed = result.verdict == PASSED
    word = paint("PASSED" if passed else "FAILED", fg="green" if passed else "red", bold=True)
    return [f"{word} ({common.verdict_summary(result)})", common.exit_line(result)]
