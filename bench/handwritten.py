"""Runs bench/handwritten.sql on one Parquet delivery and prints its figures in the shape of
specs/vendor_audit/count.py, so bench/run.py can compare the three routes.

    python bench/handwritten.py DIR [--memory-limit 1GB]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
MIN_UNITS = 20  # specc's default support for a per-annotator gate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--memory-limit")
    args = parser.parse_args()
    con = duckdb.connect()
    if args.memory_limit:
        con.execute("SET memory_limit = " + "'" + args.memory_limit.replace("'", "''") + "'")
    results = run(con, args.data)
    sys.stdout.write(json.dumps(figures(results), indent=1, sort_keys=True) + "\n")


def run(con, data: Path) -> dict[str, list[dict]]:
    """Each statement of the script in order; the rows of each `-- figure: NAME` query."""
    script = (HERE / "handwritten.sql").read_text(encoding="utf-8")
    folder = "'" + str(data.resolve()).replace("'", "''") + "'"
    results = {}
    for statement in (s.strip() for s in script.split(";\n")):
        body = "\n".join(line for line in statement.splitlines() if not line.startswith("--")).strip()
        if not body:
            continue
        cursor = con.execute(body.replace("$DATA", folder))
        name = next((line.split(":", 1)[1].strip() for line in statement.splitlines()
                     if line.startswith("-- figure:")), None)
        if name is not None:
            columns = [d[0] for d in cursor.description]
            results[name] = [dict(zip(columns, row)) for row in cursor.fetchall()]
    return results


def figures(results: dict[str, list[dict]]) -> dict:
    annotations, spans = results["annotations"][0], results["spans"][0]
    items, gold = results["items"][0], results["gold"][0]
    checks = {}

    def table_checks(table: str, row: dict, names: list[str]) -> None:
        checks[f"{table}.not_empty"] = {"violations": int(row["rows"] == 0), "checked": 1}
        for name in names:
            checked = row.get(f"{name}_checked", row["rows"])
            checks[f"{table}.{name}"] = {"violations": row[name], "checked": checked}

    required = [f"{c}.required" for c in ("item_id", "annotator", "vendor", "label", "created_at", "assigned_at",
                                          "submitted_at")]
    table_checks("annotations", annotations, required + ["vendor.enum", "label.enum", "item_id.references"])
    checks["annotations.primary_key"] = {"violations": annotations["primary_key"],
                                         "checked": annotations["primary_key_checked"]}
    checks["annotations.latest_tie"] = {"violations": annotations["tied_rows"], "checked": annotations["rows"]}
    checks["too_fast"] = {"violations": annotations["too_fast"], "checked": annotations["rows"]}
    checks["coverage"] = results["coverage"][0]
    checks["balance"] = results["balance"][0]
    table_checks("items", items, ["item_id.required", "item_id.unique", "text_len.required", "text_len.range"])
    checks["items.item_id.unique"]["checked"] = items["item_id.unique_checked"]
    table_checks("gold", gold, ["item_id.required", "item_id.unique", "label.required", "label.enum"])
    checks["gold.item_id.unique"]["checked"] = gold["item_id.unique_checked"]
    table_checks("spans", spans, ["item_id.required", "annotator.required", "start.required", "end.required",
                                  "entity.required", "entity.enum", "item_id.references"])
    checks["mentions.span_bounds"] = {"violations": spans["span_bounds"], "checked": spans["rows"]}
    checks["mentions.span_overlap"] = {"violations": spans["span_overlap"], "checked": spans["rows"]}

    agreement = results["agreement"][0]
    agreement["value"] = 1 - agreement["observed_disagreement"] / agreement["expected_disagreement"]
    per_annotator = {r["annotator"]: {"compared": r["compared"], "correct": r["correct"],
                                      "accuracy": r["correct"] / r["compared"]} for r in results["gold_accuracy"]}
    compared = sum(r["compared"] for r in per_annotator.values())
    correct = sum(r["correct"] for r in per_annotator.values())
    failing = sorted(a for a, r in per_annotator.items() if r["compared"] >= MIN_UNITS and r["accuracy"] < 0.8)
    gold_accuracy = {"value": correct / compared, "compared": compared, "correct": correct,
                     "per_annotator": per_annotator, "failing_annotators": failing, **results["gold_units"][0]}
    passing = {t: r["passing_rows"] for t, r in (("annotations", annotations), ("gold", gold), ("items", items),
                                                  ("spans", spans))}
    rows = {t: r["rows"] for t, r in (("annotations", annotations), ("gold", gold), ("items", items), ("spans", spans))}
    superseded = annotations["rows"] - annotations["current_rows"] - annotations["tied_rows"]
    inputs = {t: {"rows": n} for t, n in rows.items()}
    inputs["annotations"]["resubmissions"] = {"current_rows": annotations["current_rows"],
                                              "superseded_rows": superseded, "tied_rows": annotations["tied_rows"]}
    failed = any(c["violations"] for c in checks.values()) or agreement["value"] < 0.667 or failing
    return {"exit": int(bool(failed)), "inputs": inputs, "checks": checks,
            "metrics": {"agreement": agreement, "gold_accuracy": gold_accuracy},
            "compliance": {"tables": passing, "overall": sum(passing.values()) / sum(rows.values())}}


if __name__ == "__main__":
    main()
