"""Writes a seeded vendor delivery for specs/vendor_audit: annotations, gold, items, spans.

    python specs/vendor_audit/generate.py --rows 600 --out specs/vendor_audit/dirty --format csv
    python specs/vendor_audit/generate.py --rows 1000000 --out ~/.cache/specc-bench/1M

Each item is labelled by three annotators (of up to 200, from four vendors) who give the
item's true topic with their own accuracy; a tenth of the items (half, in small deliveries)
have a gold answer. A dirty delivery (the default) carries the faults a real one does, each
at a known rate: empty and out-of-taxonomy labels, answers submitted too fast, resubmissions
(a later row for the same item and annotator, a few tied on `created_at`), items with two
annotators, one careless annotator, spans ending beyond their text or starting before it,
and overlapping spans. `--clean` writes none of them. The figures specc must find are
counted from the written files by count.py, never here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

TOPICS = ["billing", "shipping", "returns", "account", "product", "other"]
TOPIC_SHARES = [0.30, 0.20, 0.15, 0.15, 0.10, 0.10]
INVALID_TOPICS = ["refund", "Billing"]
ENTITIES = ["PRODUCT", "ORDER", "PERSON", "DATE"]
VENDORS = ["acme", "globex", "initech", "umbrella"]
START = np.datetime64("2026-03-01T00:00:00", "s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True, help="about how many annotation rows")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the four tables into")
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--clean", action="store_true", help="no faults: a delivery that passes")
    args = parser.parse_args()
    tables = delivery(args.rows, args.seed, dirty=not args.clean)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        write(frame, args.out / f"{name}.{args.format}", args.format)


def delivery(rows: int, seed: int, dirty: bool = True) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    items = max(rows // 3, 10)
    annotators = min(200, max(12, rows // 5000))
    truth = rng.choice(len(TOPICS), size=items, p=TOPIC_SHARES)
    text_len = rng.integers(50, 2000, size=items)

    # three distinct annotators per item: offsets from the first in two disjoint ranges
    first = rng.integers(0, annotators, size=items)
    second = (first + rng.integers(1, annotators // 2, size=items)) % annotators
    third = (first + rng.integers(annotators // 2, annotators, size=items)) % annotators
    item_of = np.repeat(np.arange(items), 3)
    annotator_of = np.stack([first, second, third], axis=1).reshape(-1)
    if dirty:  # one item in a hundred keeps only two annotators
        keep = ~((np.arange(item_of.size) % 3 == 2) & (rng.random(item_of.size) < 0.01))
        item_of, annotator_of = item_of[keep], annotator_of[keep]

    accuracy = np.full(annotators, 0.95 if not dirty else 0.9)
    if dirty:
        accuracy[0] = 0.55  # the careless annotator
    label = _answers(rng, truth[item_of], accuracy[annotator_of])
    assigned = START + rng.integers(0, 30 * 86400, size=item_of.size).astype("timedelta64[s]")
    duration = 5 + rng.exponential(60, size=item_of.size).astype(np.int64)
    if dirty:
        fast = rng.random(item_of.size) < 0.01
        duration[fast] = rng.integers(0, 5, size=fast.sum())
    submitted = assigned + duration.astype("timedelta64[s]")
    created = submitted.copy()
    labels = np.array(TOPICS, dtype=object)[label]

    if dirty:
        labels[rng.random(labels.size) < 0.005] = None
        invalid = rng.random(labels.size) < 0.005
        labels[invalid] = rng.choice(INVALID_TOPICS, size=invalid.sum())
        # resubmissions: a later answer for 3% of (item, annotator) pairs, one in twenty tied
        again = np.flatnonzero(rng.random(item_of.size) < 0.03)
        later = rng.integers(60, 36000, size=again.size).astype("timedelta64[s]")
        later[rng.random(again.size) < 0.05] = 0
        resubmitted = _answers(rng, truth[item_of[again]], accuracy[annotator_of[again]])
        item_of = np.concatenate([item_of, item_of[again]])
        annotator_of = np.concatenate([annotator_of, annotator_of[again]])
        labels = np.concatenate([labels, np.array(TOPICS, dtype=object)[resubmitted]])
        assigned = np.concatenate([assigned, assigned[again]])
        created = np.concatenate([created, created[again] + later])
        submitted = np.concatenate([submitted, created[-again.size:]])

    order = rng.permutation(item_of.size)
    annotations = pd.DataFrame({
        "item_id": _item_ids(item_of[order]),
        "annotator": _annotator_ids(annotator_of[order]),
        "vendor": np.array(VENDORS, dtype=object)[annotator_of[order] % len(VENDORS)],
        "label": labels[order],
        "created_at": created[order],
        "assigned_at": assigned[order],
        "submitted_at": submitted[order],
    })
    gold_count = items // 2 if rows < 10000 else items // 10
    gold_items = np.sort(rng.choice(items, size=gold_count, replace=False))
    gold = pd.DataFrame({"item_id": _item_ids(gold_items), "label": np.array(TOPICS, dtype=object)[truth[gold_items]]})
    item_table = pd.DataFrame({"item_id": _item_ids(np.arange(items)), "text_len": text_len})
    return {"annotations": annotations, "gold": gold, "items": item_table,
            "spans": _spans(rng, item_of, annotator_of, text_len, rows, dirty)}


def _answers(rng, truth: np.ndarray, accuracy: np.ndarray) -> np.ndarray:
    """The true topic with the annotator's accuracy, else one of the other five at random."""
    wrong = (truth + rng.integers(1, len(TOPICS), size=truth.size)) % len(TOPICS)
    return np.where(rng.random(truth.size) < accuracy, truth, wrong)


def _spans(rng, item_of, annotator_of, text_len, rows: int, dirty: bool) -> pd.DataFrame:
    """About 0.3 spans per annotation row, on the (item, annotator) pairs of the delivery.
    A clean delivery puts at most one span on a pair, so none overlap; a dirty one draws
    pairs with replacement (so some overlap) and pushes some spans outside their text."""
    pairs = item_of.size
    count = min(int(rows * 0.3), pairs) if not dirty else int(rows * 0.3)
    chosen = rng.choice(pairs, size=count, replace=dirty)
    item, annotator = item_of[chosen], annotator_of[chosen]
    length = text_len[item]
    start = rng.integers(0, length - 20)
    end = start + rng.integers(1, 20, size=count)
    if dirty:  # a span marked twice, the copy shifted: they overlap unless it moved past the end
        twins = rng.random(count) < 0.04
        item, annotator = np.concatenate([item, item[twins]]), np.concatenate([annotator, annotator[twins]])
        length = np.concatenate([length, length[twins]])
        start = np.concatenate([start, start[twins] + rng.integers(0, 10, size=twins.sum())])
        end = np.concatenate([end, end[twins] + rng.integers(0, 10, size=twins.sum())])
        count = start.size
        beyond = rng.random(count) < 0.01
        end[beyond] = length[beyond] + rng.integers(1, 10, size=beyond.sum())
        before = rng.random(count) < 0.003
        start[before] = -rng.integers(1, 5, size=before.sum())
    return pd.DataFrame({
        "item_id": _item_ids(item),
        "annotator": _annotator_ids(annotator),
        "start": start,
        "end": end,
        "entity": np.array(ENTITIES, dtype=object)[rng.integers(0, len(ENTITIES), size=count)],
    })


def _item_ids(numbers: np.ndarray) -> np.ndarray:
    return np.char.add("i", np.char.zfill(numbers.astype(str), 7)).astype(object)


def _annotator_ids(numbers: np.ndarray) -> np.ndarray:
    return np.char.add("a", np.char.zfill(numbers.astype(str), 3)).astype(object)


def write(frame: pd.DataFrame, path: Path, file_format: str) -> None:
    con = duckdb.connect()
    con.register("frame", frame)
    options = "(FORMAT parquet)" if file_format == "parquet" else "(HEADER, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S')"
    quoted = str(path).replace("'", "''")  # COPY takes no parameters; the path is ours
    con.execute(f"COPY frame TO '{quoted}' {options}")
    con.close()


if __name__ == "__main__":
    main()
