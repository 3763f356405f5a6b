"""The report's `drift` section, and the drift metrics judged against the baseline.

Without a baseline a drift metric is **not evaluated**: it warns (never passes silently) but
does not fail the gate even with a `fail` bound, because a first delivery has no baseline and a
spec that failed it would be edited until the bound was gone. With a baseline, a figure the
baseline cannot give (it predates label counts, or lacks the metric) is undefined and gates
like any undefined metric: a `fail` bound fails (specc.metric_gate).
"""

from __future__ import annotations

import dataclasses

from ..checks.base import MetricCheck
from ..metric_gate import judge_metric
from ..metric_kinds import metric_kind
from ..results import WARNED, CheckResult
from .baseline import Baseline
from .stats import chi_square, js_distance

NO_BASELINE = "not evaluated: no `--baseline REPORT` given (a drift metric compares with an earlier report)"


def is_drift_metric(metric: MetricCheck) -> bool:
    return bool(getattr(metric_kind(metric.metric), "needs_baseline", False))


def not_evaluated(common: dict) -> CheckResult:
    return CheckResult(**common, status=WARNED, details={"not_evaluated": NO_BASELINE})


def apply_baseline(baseline: Baseline | None, metrics: tuple[MetricCheck, ...], checks: list[CheckResult],
                   distributions, breakdowns) -> tuple[list[CheckResult], dict | None]:
    """The checks with the drift metrics judged, and the drift section; unchanged without a baseline."""
    if baseline is None:
        return checks, None
    section = drift_section(baseline, checks, distributions, breakdowns)
    by_id = {m.id: m for m in metrics if is_drift_metric(m)}
    judged = [_judge(by_id[c.id], c, section) if c.id in by_id else c for c in checks]
    return judged, section


def drift_section(baseline: Baseline, checks: list[CheckResult], distributions, breakdowns) -> dict:
    report = baseline.report
    return {
        "baseline": {"path": baseline.path, "report_version": baseline.version,
                     "spec_version": report["spec"].get("version"),
                     "inputs": [{k: i.get(k) for k in ("table", "rows", "sha256")} for i in report.get("inputs", [])
                                if isinstance(i, dict)]},
        "labels": _labels(baseline, distributions),
        "metrics": _metrics(baseline, [c for c in checks if c.kind == "metric" and "not_evaluated" not in c.details]),
        "annotators": _annotators(baseline, breakdowns),
        "checks": _checks(baseline, [c for c in checks if c.kind != "metric"]),
    }


# ---- the section's parts ------------------------------------------------------------------------


def _labels(baseline: Baseline, distributions) -> list[dict]:
    before_all = baseline.distributions()
    rows = []
    for current in distributions:
        after = current.as_dict()
        row = {"task": current.task, "table": current.table, "column": current.column, "after": after}
        before = None if before_all is None else before_all.get((current.task, current.column))
        if before is None:
            row.update(before=None, js_distance=None, chi_square=None,
                       undefined_reason=_missing_counts(baseline, before_all))
        else:
            test = chi_square(before, after)
            row.update(before=before, js_distance=js_distance(before, after),
                       chi_square=dataclasses.asdict(test) if test else None)
        rows.append(row)
    return rows


def _missing_counts(baseline: Baseline, before_all) -> str:
    if before_all is None:
        return (f"the baseline report (version {baseline.version}) has no label counts; "
                "re-run the baseline delivery with this specc")
    return "the baseline report has no label counts for this task"


def _metrics(baseline: Baseline, metrics: list[CheckResult]) -> list[dict]:
    before = baseline.checks()
    rows = []
    for metric in metrics:
        old = before.get(metric.id)
        old_value = old.get("value") if old else None
        old_groups = {(g.get("by"), _key(g.get("value"))): g.get("metric")
                      for g in ((old or {}).get("details") or {}).get("groups", []) if isinstance(g, dict)}
        groups = [{"by": g["by"], "value": g["value"], "before": old_groups.get((g["by"], _key(g["value"]))),
                   "after": g.get("metric"), "units": g.get("units")}
                  for g in metric.details.get("groups", [])]
        for group in groups:
            group["change"] = _change(group["before"], group["after"])
        rows.append({"id": metric.id, "before": old_value, "after": metric.value,
                     "change": _change(old_value, metric.value), "in_baseline": old is not None, "groups": groups})
    return rows


def _annotators(baseline: Baseline, breakdowns) -> list[dict]:
    before = baseline.annotators()
    rows = []
    for breakdown in (b for b in breakdowns if b.role == "annotator"):
        now = [g["value"] for g in breakdown.groups]
        then = before.get((breakdown.table, breakdown.column), [])
        now_keys, then_keys = {_key(v) for v in now}, {_key(v) for v in then}
        rows.append({"table": breakdown.table, "column": breakdown.column,
                     "new": sorted((v for v in now if _key(v) not in then_keys), key=_key),
                     "departed": sorted((v for v in then if _key(v) not in now_keys), key=_key),
                     "kept": len(now_keys & then_keys)})
    return rows


def _checks(baseline: Baseline, checks: list[CheckResult]) -> list[dict]:
    before = baseline.checks()
    rows = []
    for check in checks:
        old = before.get(check.id)
        old_rate = _rate(old.get("violations"), old.get("checked")) if old else None
        rate = _rate(check.violations, check.checked)
        rows.append({"id": check.id, "before": old_rate, "after": rate, "change": _change(old_rate, rate),
                     "violations_before": old.get("violations") if old else None, "violations_after": check.violations})
    return rows


def _rate(violations, checked) -> float | None:
    return violations / checked if isinstance(violations, (int, float)) and checked else None


def _change(before, after) -> float | None:
    return after - before if isinstance(before, (int, float)) and isinstance(after, (int, float)) else None


def _key(value) -> str:
    return str(value)


# ---- judging the drift metrics -------------------------------------------------------------------


def _judge(metric: MetricCheck, placeholder: CheckResult, section: dict) -> CheckResult:
    if metric.metric == "label_drift":
        value, details = _label_drift(metric, section)
    else:
        value, details = _metric_change(metric, section)
    status, details = judge_metric(metric, value, details)
    return dataclasses.replace(placeholder, status=status, value=value, details=details)


def _label_drift(metric: MetricCheck, section: dict) -> tuple[float | None, dict]:
    task = _task_of(metric, section)
    if task is None:
        return None, {"undefined_reason": "the task has no answer column to count"}
    details = {"task": task["task"], "column": task["column"], "chi_square": task["chi_square"]}
    if task["js_distance"] is None:
        details["undefined_reason"] = task.get("undefined_reason") or "a delivery has no labels"
    return task["js_distance"], details


def _task_of(metric: MetricCheck, section: dict) -> dict | None:
    label_column = next((metric.roles[r][0] for r in ("label", "rating", "tag") if metric.roles.get(r)), None)
    column = label_column.split(".")[-1] if label_column else None
    return next((t for t in section["labels"] if t["table"] == metric.table and t["column"] == column), None)


def _metric_change(metric: MetricCheck, section: dict) -> tuple[float | None, dict]:
    row = next((m for m in section["metrics"] if m["id"] == metric.follows), None)
    if row is None:
        return None, {"follows": metric.follows, "undefined_reason": f"`{metric.follows}` was not computed"}
    details = {"follows": metric.follows, "before": row["before"], "after": row["after"]}
    if row["groups"]:
        details["groups"] = [{"by": g["by"], "value": g["value"], "metric": g["change"], "units": g["units"]}
                             for g in row["groups"] if g["change"] is not None]
    if row["change"] is None:
        details["undefined_reason"] = (f"the baseline report has no metric `{metric.follows}`" if not row["in_baseline"]
                                       else f"`{metric.follows}` is undefined in one of the two deliveries")
    return row["change"], details
