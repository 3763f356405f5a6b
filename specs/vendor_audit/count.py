"""Counts what the vendor audit must find in a delivery, with pandas and `krippendorff`, not specc.

    python specs/vendor_audit/count.py DIR                       # the figures, as JSON
    python specs/vendor_audit/count.py --expected specs/vendor_audit  # writes its expected.json

DIR holds annotations, gold, items and spans as CSV or Parquet. The figures mirror each check
of vendor_audit.aspec — violations and what was checked, the resubmissions resolved, alpha
over valid labels, gold accuracy per annotator (a missing answer counts as wrong), span
validity and overlap, the rows each table passes — computed here from the definitions in
docs/language.md and docs/metrics.md. This is also the benchmark's pandas route.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd

TOPICS = ["billing", "shipping", "returns", "account", "product", "other"]
ENTITIES = ["PRODUCT", "ORDER", "PERSON", "DATE"]
VENDORS = ["acme", "globex", "initech", "umbrella"]
TIMESTAMPS = ["created_at", "assigned_at", "submitted_at"]
COLUMNS = {
    "items": {"item_id": "string", "text_len": "int"},
    "annotations": {"item_id": "string", "annotator": "string", "vendor": "string", "label": "string",
                    "created_at": "timestamp", "assigned_at": "timestamp", "submitted_at": "timestamp"},
    "gold": {"item_id": "string", "label": "string"},
    "spans": {"item_id": "string", "annotator": "string", "start": "int", "end": "int", "entity": "string"},
}
MIN_UNITS = 20  # specc's default support for a per-annotator gate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, nargs="?", help="a delivery: print its figures")
    parser.add_argument("--expected", type=Path, help="an example folder: write expected.json for its clean/ and dirty/")
    args = parser.parse_args()
    if args.expected is not None:
        write_expected(args.expected)
    if args.data is not None:
        sys.stdout.write(json.dumps(audit(args.data), indent=1, sort_keys=True) + "\n")


def write_expected(example: Path) -> None:
    """expected.json as tests/engine/test_examples.py reads it, with every figure beside the counts."""
    expected = {"about": "Counted by count.py (pandas and krippendorff, not specc) from the files of clean/ "
                         "and dirty/, which generate.py wrote: see the README of specs/vendor_audit."}
    for delivery in ("clean", "dirty"):
        figures = audit(example / delivery)
        expected[f"{delivery}_exit"] = figures["exit"]
        violations = {k: v["violations"] for k, v in figures["checks"].items() if v["violations"]}
        expected[delivery] = {"violations": violations, "figures": figures}
    (example / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def audit(data: Path) -> dict:
    tables, typed = {}, {}
    for name in COLUMNS:
        tables[name], typed[name] = _read(data, name)
    checks, failing = {}, {}
    for name, frame in tables.items():
        _column_checks(name, frame, typed[name], tables, checks, failing)
    annotations, spans = tables["annotations"], tables["spans"]
    current, inputs = _resolve(annotations, checks, failing)
    _annotation_rules(annotations, current, checks, failing)
    _span_checks(spans, tables["items"], checks, failing)
    inputs.update({name: {"rows": len(frame)} | inputs.get(name, {}) for name, frame in tables.items()})
    passing = {name: int(len(frame) - failing[name].sum()) for name, frame in tables.items()}
    agreement, gold = _alpha(current), _gold(current, tables["gold"])
    # every check of the spec is an error; alpha fails below 0.667, gold accuracy per annotator below 0.8
    failed = any(v["violations"] for v in checks.values()) or agreement["value"] < 0.667 or gold["failing_annotators"]
    return {
        "exit": int(bool(failed)),
        "inputs": inputs,
        "checks": checks,
        "metrics": {"agreement": agreement, "gold_accuracy": gold},
        "compliance": {"tables": passing, "overall": sum(passing.values()) / sum(len(f) for f in tables.values())},
    }


def _read(data: Path, name: str) -> tuple[pd.DataFrame, bool]:
    """The table as delivered and whether its values are text that must be parsed (CSV)."""
    parquet = data / f"{name}.parquet"
    if parquet.exists():
        return pd.read_parquet(parquet), False
    frame = pd.read_csv(data / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])
    return frame, True


def _count(checks: dict, failing: dict, table: str, check_id: str, violating: pd.Series, checked: int) -> None:
    checks[check_id] = {"violations": int(violating.sum()), "checked": int(checked)}
    failing[table] = failing[table] | violating.to_numpy()


def _column_checks(name: str, frame: pd.DataFrame, typed: bool, tables: dict, checks: dict, failing: dict) -> None:
    rows = len(frame)
    failing[name] = np.zeros(rows, dtype=bool)
    checks[f"{name}.not_empty"] = {"violations": int(rows == 0), "checked": 1}
    for column, kind in COLUMNS[name].items():
        if typed and kind != "string":  # `.type`: a value that cannot be read as the declared type
            raw = frame[column]
            parsed = pd.to_datetime(raw, errors="coerce") if kind == "timestamp" else pd.to_numeric(raw, errors="coerce")
            _count(checks, failing, name, f"{name}.{column}.type", raw.notna() & parsed.isna(), rows)
            frame[column] = parsed if kind == "timestamp" else parsed.astype("Int64")
        _count(checks, failing, name, f"{name}.{column}.required", frame[column].isna(), rows)
    allowed = {("annotations", "vendor"): VENDORS, ("annotations", "label"): TOPICS, ("gold", "label"): TOPICS,
               ("spans", "entity"): ENTITIES}
    for (table, column), values in allowed.items():
        if table == name:
            value = frame[column]
            _count(checks, failing, name, f"{name}.{column}.enum", value.notna() & ~value.isin(values), rows)
    if name in ("items", "gold"):  # `item_id key`: every copy of a repeated id counts
        present = frame["item_id"].notna()
        repeated = frame["item_id"].duplicated(keep=False) & present
        _count(checks, failing, name, f"{name}.item_id.unique", repeated, present.sum())
    if name == "items":
        _count(checks, failing, name, "items.text_len.range", (frame["text_len"] < 1).fillna(False).astype(bool), rows)
    if name in ("annotations", "spans"):
        known = set(tables["items"]["item_id"].dropna())
        value = frame["item_id"]
        _count(checks, failing, name, f"{name}.item_id.references", value.notna() & ~value.isin(known), rows)


def _resolve(annotations: pd.DataFrame, checks: dict, failing: dict) -> tuple[pd.DataFrame, dict]:
    """`primary key item_id, annotator` + `latest by created_at`: every copy of a repeated key
    violates; the row with the latest created_at is the answer, unless another shares it
    (a tie: those rows violate and the pair has no answer)."""
    keys = ["item_id", "annotator"]
    present = annotations[keys].notna().all(axis=1)
    repeated = annotations.duplicated(keys, keep=False) & present
    _count(checks, failing, "annotations", "annotations.primary_key", repeated, present.sum())
    latest = annotations.groupby(keys, dropna=False)["created_at"].transform("max")
    at_latest = annotations["created_at"] == latest
    sharing = annotations[at_latest].groupby(keys + ["created_at"], dropna=False)["created_at"].transform("size")
    tied = pd.Series(False, index=annotations.index)
    tied[sharing.index] = sharing > 1
    _count(checks, failing, "annotations", "annotations.latest_tie", tied, len(annotations))
    current_mask = at_latest & ~tied
    current = annotations[current_mask]
    resubmissions = {"current_rows": int(current_mask.sum()), "tied_rows": int(tied.sum()),
                     "superseded_rows": int(len(annotations) - current_mask.sum() - tied.sum())}
    return current, {"annotations": {"resubmissions": resubmissions}}


def _annotation_rules(annotations: pd.DataFrame, current: pd.DataFrame, checks: dict, failing: dict) -> None:
    annotators = annotations.groupby("item_id", dropna=False)["annotator"].nunique()
    checks["coverage"] = {"violations": int((annotators < 3).sum()), "checked": len(annotators)}  # sets nothing aside
    seconds = (annotations["submitted_at"] - annotations["assigned_at"]).dt.total_seconds()
    _count(checks, failing, "annotations", "too_fast", (seconds < 5).fillna(False).astype(bool), len(annotations))
    valid = current["label"][current["label"].isin(TOPICS)]
    shares = valid.value_counts() / len(valid)
    checks["balance"] = {"violations": int((shares > 0.40).sum()), "checked": len(shares)}


def _span_checks(spans: pd.DataFrame, items: pd.DataFrame, checks: dict, failing: dict) -> None:
    """`span_bounds` against the item's text_len (no item row: no known bound), and
    `span_overlap` among the spans inside their bounds, on the later of each pair."""
    length = spans["item_id"].map(items.dropna(subset=["item_id"]).groupby("item_id")["text_len"].min())
    start, end = spans["start"].astype("Float64"), spans["end"].astype("Float64")
    outside = ((start < 0) | (end <= start) | (end > length.astype("Float64"))).fillna(False).astype(bool)
    _count(checks, failing, "spans", "mentions.span_bounds", outside, len(spans))
    inside = spans[~outside.to_numpy()].assign(row=lambda f: f.index)
    ordered = inside.sort_values(["item_id", "annotator", "start", "end", "row"])
    pair = ["item_id", "annotator"]
    furthest = ordered.assign(furthest=ordered.groupby(pair)["end"].cummax())
    earlier_end = furthest.groupby(pair)["furthest"].shift()
    overlapping = pd.Series(False, index=spans.index)
    overlapping[ordered.index] = (ordered["start"] < earlier_end).fillna(False).astype(bool)
    _count(checks, failing, "spans", "mentions.span_overlap", overlapping, len(spans))


def _alpha(current: pd.DataFrame) -> dict:
    """Nominal alpha over the answers with a valid label: units x labels counts, pairable units only."""
    valid = current[current["label"].isin(TOPICS)]
    counts = pd.crosstab(valid["item_id"], valid["label"]).to_numpy()
    per_unit = counts.sum(axis=1)
    pairable = counts[per_unit >= 2]
    n = int(pairable.sum())
    by_label = pairable.sum(axis=0)
    weights = 1.0 / (pairable.sum(axis=1) - 1)
    agreeing = float((pairable * (pairable - 1)).sum(axis=1) @ weights)
    observed = (n - agreeing) / n
    expected = (n * n - float((by_label ** 2).sum())) / (n * (n - 1))
    return {"value": float(krippendorff.alpha(value_counts=pairable, level_of_measurement="nominal")),
            "observed_disagreement": observed, "expected_disagreement": expected, "pairable_values": n,
            "population_rows": len(valid)}


def _gold(current: pd.DataFrame, gold: pd.DataFrame) -> dict:
    answers = gold.dropna(subset=["item_id", "label"]).set_index("item_id")["label"]
    rated = current.dropna(subset=["item_id", "annotator"])
    compared = rated[rated["item_id"].isin(answers.index)]
    correct = compared["label"].eq(compared["item_id"].map(answers)).fillna(False)
    per = pd.DataFrame({"annotator": compared["annotator"], "correct": correct.astype(int)}).groupby("annotator")
    table = per["correct"].agg(["size", "sum"])
    annotators = {a: {"compared": int(r["size"]), "correct": int(r["sum"]), "accuracy": r["sum"] / r["size"]}
                  for a, r in table.iterrows()}
    failing = sorted(a for a, r in annotators.items() if r["compared"] >= MIN_UNITS and r["accuracy"] < 0.8)
    return {"value": float(correct.sum() / len(compared)), "compared": len(compared), "correct": int(correct.sum()),
            "units": int(compared["item_id"].nunique()), "population_rows": len(current),
            "per_annotator": annotators, "failing_annotators": failing}


if __name__ == "__main__":
    main()
