"""The drift section every human-readable report shows, as plain-text tables.

Cells are plain text, data values included (labels, annotator names): each renderer escapes
them its own way (terminal, Markdown, HTML). Nothing here without `--baseline`.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import common

MAX_NAMES = 20  # annotators listed by name; the JSON report has them all


@dataclass(frozen=True)
class DriftTable:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int] = frozenset()  # numeric columns
    note: str = ""


def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.3f}"


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def p_value(value: float | None) -> str:
    if value is None:
        return "—"
    return "<1e-300" if value == 0 else f"{value:.3g}"


def baseline_line(drift: dict) -> str:
    baseline = drift["baseline"]
    version = baseline.get("spec_version")
    return (f"against {baseline['path']} (report {baseline['report_version']}"
            + (f", spec version {version})" if version else ")"))


def label_tables(drift: dict) -> list[DriftTable]:
    tables = []
    for task in drift["labels"]:
        before, after = task["before"] or {}, task["after"]
        shares_before, shares_after = _shares(before), _shares(after)
        rows = tuple((label, common.count(before.get(label, 0)) if task["before"] is not None else "—",
                      common.percent(shares_before.get(label)) if task["before"] is not None else "—",
                      common.count(after.get(label, 0)), common.percent(shares_after.get(label, 0.0)))
                     for label in ordered_labels(task))
        test = task["chi_square"]
        note = (f"Jensen–Shannon distance {_figure(task['js_distance'])}; chi-square {test['statistic']:.2f} "
                f"on {test['df']} df, p = {p_value(test['p_value'])}" if test else
                f"Jensen–Shannon distance {_figure(task['js_distance'])}; "
                + (task.get("undefined_reason") or "no chi-square test: fewer than two labels"))
        tables.append(DriftTable(f"Labels of {task['task']} ({task['table']}.{task['column']})",
                                 ("label", "before", "share", "now", "share"), rows, frozenset({1, 2, 3, 4}), note))
    return tables


def ordered_labels(task: dict) -> list[str]:
    """Labels by their share now, then by the baseline's, then by name."""
    before, after = task["before"] or {}, task["after"]
    return sorted(set(before) | set(after), key=lambda label: (-after.get(label, 0), -before.get(label, 0), label))


def _shares(counts: dict) -> dict:
    total = sum(counts.values())
    return {label: n / total for label, n in counts.items()} if total else {}


def metric_table(drift: dict) -> DriftTable | None:
    rows = []
    for metric in drift["metrics"]:
        rows.append((metric["id"], _figure(metric["before"]), _figure(metric["after"]), signed(metric["change"])))
        for group in metric["groups"]:
            rows.append((f"  {group['by']} {common.sample_value(group['value'])}", _figure(group["before"]),
                         _figure(group["after"]), signed(group["change"])))
    return DriftTable("Metrics", ("metric", "before", "now", "change"), tuple(rows), frozenset({1, 2, 3})) if rows else None


def check_table(drift: dict) -> DriftTable | None:
    rows = tuple((c["id"], common.percent(c["before"]), common.percent(c["after"]),
                  "—" if c["change"] is None else f"{c['change'] * 100:+.2f} pt")
                 for c in drift["checks"] if c["change"] != 0)
    unchanged = sum(1 for c in drift["checks"] if c["change"] == 0)
    note = f"{common.plural(unchanged, 'check')} with an unchanged violation rate not shown" if unchanged else ""
    return DriftTable("Violation rates", ("check", "before", "now", "change"), rows, frozenset({1, 2, 3}), note)


def annotator_lines(drift: dict) -> list[str]:
    lines = []
    for group in drift["annotators"]:
        where = f"{group['table']}.{group['column']}"
        lines.append(f"{where}: new annotators: {_names(group['new'])}; departed: {_names(group['departed'])}; "
                     f"{group['kept']:,} in both")
    return lines


def _names(values: list) -> str:
    if not values:
        return "none"
    shown = ", ".join(common.sample_value(v) for v in values[:MAX_NAMES])
    return shown + (f" and {len(values) - MAX_NAMES:,} more" if len(values) > MAX_NAMES else "")
