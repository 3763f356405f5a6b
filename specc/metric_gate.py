"""How a metric's figures gate: the overall value, every `per` group, and undefined figures.

- The bounds apply to the overall value **and to every group** of a `per` metric: one
  annotator at 0.28 fails `gold_accuracy … per annotator fail below 0.80` even when the pooled
  accuracy is 0.84. A group that rests on fewer units than the metric's minimum support
  (`per annotator min 20 units`; 20 by default) is reported but cannot fail or warn the gate:
  two shared items say more about chance than about the annotator.
- Nothing passes on a figure never computed: an undefined value (no pairable unit, an empty
  table, a choice the data leaves open) fails a metric with a `fail` bound, warns one with
  only a `warn` bound, and is reported as undefined, with its reason, by one with no bound.
"""

from __future__ import annotations

from .checks.base import MetricCheck
from .metric_kinds import DEFAULT_MIN_UNITS
from .results import FAILED, PASSED, WARNED, Threshold

_RANK = {PASSED: 0, WARNED: 1, FAILED: 2}


def metric_threshold(metric: MetricCheck) -> Threshold:
    fields = {}
    for bound in metric.bounds:
        fields[f"{bound.level}_side"] = bound.side
        fields[f"{bound.level}_value"] = bound.value
    return Threshold(**fields)


def judge_value(metric: MetricCheck, value: float | None) -> str:
    """The status of one figure against the metric's bounds; undefined gates like the worst bound."""
    if value is None:
        levels = {b.level for b in metric.bounds}
        return FAILED if "fail" in levels else WARNED if "warn" in levels else PASSED
    for level, status in (("fail", FAILED), ("warn", WARNED)):
        for bound in (b for b in metric.bounds if b.level == level):
            if (value > bound.value) if bound.side == "above" else (value < bound.value):
                return status
    return PASSED


def judge_metric(metric: MetricCheck, value: float | None, details: dict) -> tuple[str, dict]:
    """The metric's status from its value and its groups; groups get their own verdicts."""
    status = judge_value(metric, value)
    if value is None and metric.bounds:
        details.setdefault("undefined_reason", "the figure could not be computed")
    support = metric.min_units if metric.min_units is not None else DEFAULT_MIN_UNITS
    groups = details.get("groups")
    if not groups:
        return status, details
    failing = []
    for group in groups:
        units = group.get("units") or 0
        group["gates"] = group.get("metric") is not None and units >= support
        group["status"] = judge_value(metric, group["metric"]) if group["gates"] else PASSED
        if not group["gates"]:
            group["reason"] = (f"rests on {units} unit{'s' if units != 1 else ''}, fewer than {support}"
                               if group.get("metric") is not None else "undefined")
        if group["status"] != PASSED:
            failing.append({k: group[k] for k in ("by", "value", "metric", "units", "status")})
        if _RANK[group["status"]] > _RANK[status]:
            status = group["status"]
    details["min_units"] = support
    details["failing_groups"] = sorted(failing, key=lambda g: (-_RANK[g["status"]], g["metric"] if metric.higher_is_better
                                                               else -g["metric"]))
    return status, details
