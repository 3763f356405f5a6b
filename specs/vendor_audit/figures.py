"""The figures of a vendor audit read from a specc JSON report, in count.py's shape, and how
two sets of figures differ. Used by tests/engine/test_vendor_audit.py and bench/run.py."""

from __future__ import annotations

import math

# the figures of each metric that every route computes
ALPHA = ("value", "observed_disagreement", "expected_disagreement", "pairable_values")


def from_report(report: dict, exit_code: int) -> dict:
    inputs = {}
    for bound in report["inputs"]:
        inputs[bound["table"]] = {"rows": bound["rows"]}
        if "resubmissions" in bound:
            inputs[bound["table"]]["resubmissions"] = bound["resubmissions"]
    checks = {c["id"]: {"violations": c["violations"], "checked": c["checked"]}
              for c in report["checks"] if c["kind"] != "metric"}
    metrics = {c["id"]: c["details"] for c in report["checks"] if c["kind"] == "metric"}
    alpha, gold = metrics["agreement"], metrics["gold_accuracy"]
    compliance = report["scores"]["compliance"]
    return {
        "exit": exit_code,
        "inputs": inputs,
        "checks": checks,
        "metrics": {
            "agreement": {**{k: alpha[k] for k in ALPHA}, "population_rows": alpha["population"]["rows"]},
            "gold_accuracy": {
                "value": gold["accuracy"], "compared": gold["compared"], "correct": gold["correct"],
                "units": gold["units"], "population_rows": gold["population"]["rows"],
                "per_annotator": {a["coder"]: {k: a[k] for k in ("compared", "correct", "accuracy")}
                                  for a in gold["per_annotator"]},
                "failing_annotators": sorted(g["value"] for g in gold["failing_groups"]),
            },
        },
        "compliance": {"tables": {t: v["passing_rows"] for t, v in compliance["tables"].items()},
                       "overall": compliance["overall"]},
    }


def differences(expected, found, path: str = "", keys_of_expected_only: bool = False) -> list[str]:
    """Where `found` differs from `expected` (floats to 1e-9, as reports round to 12 digits);
    with `keys_of_expected_only`, keys `found` has beyond `expected` are not differences."""
    if isinstance(expected, dict) and isinstance(found, dict):
        missing = [f"{path}/{k}: missing" for k in expected if k not in found]
        extra = [] if keys_of_expected_only else [f"{path}/{k}: unexpected" for k in found if k not in expected]
        return missing + extra + [d for k in expected if k in found
                                  for d in differences(expected[k], found[k], f"{path}/{k}", keys_of_expected_only)]
    if isinstance(expected, float) or isinstance(found, float):
        if isinstance(expected, (int, float)) and isinstance(found, (int, float)) and \
                math.isclose(expected, found, rel_tol=1e-9, abs_tol=1e-9):
            return []
    elif expected == found:
        return []
    return [f"{path}: expected {expected!r}, found {found!r}"]
