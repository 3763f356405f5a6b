"""Writes the generated deliveries of the larger verdict cases (deterministic; run from this folder).

The expected figures in each case's expected.json are counted here, independently of specc."""

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = ["a", "b", "c"]


def write(path: Path, header: list[str], rows: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def wrong(label: str) -> str:
    return LABELS[(LABELS.index(label) + 1) % 3]


def per_annotator_gate() -> None:
    rng = random.Random(8)
    gold = [(f"g{i:03d}", rng.choice(LABELS)) for i in range(88)]
    answers = []
    correct_of = {"good1": 86, "good2": 86, "good3": 86, "good4": 86, "bad": 25}
    for annotator, correct in correct_of.items():
        right = set(rng.sample(range(88), correct))
        for i, (item, label) in enumerate(gold):
            answers.append([item, annotator, label if i in right else wrong(label)])
    answers += [[gold[0][0], "newbie", wrong(gold[0][1])], [gold[1][0], "newbie", wrong(gold[1][1])]]
    for folder in ("per_annotator_gate", "per_annotator_gate_min_support"):
        (HERE / folder).mkdir(exist_ok=True)
        write(HERE / folder / "answers.csv", ["item", "annotator", "label"], answers)
        write(HERE / folder / "gold.csv", ["item", "label"], [list(g) for g in gold])
    total = sum(correct_of.values())
    print("pooled", total, "of", 88 * 5 + 2, "=", total / (88 * 5 + 2))


def per_vendor_gate() -> None:
    """Two vendors of three annotators each on 40 items: acme agrees everywhere, zeta on 24."""
    rng = random.Random(9)
    rows = []
    for vendor, agreeing in (("acme", 40), ("zeta", 24)):
        for i in range(40):
            truth = rng.choice(LABELS)
            for k in range(3):
                label = truth if i < agreeing or k == 0 else (wrong(truth) if k == 1 else wrong(wrong(truth)))
                rows.append([f"{vendor}-{i:02d}", f"{vendor}{k}", vendor, label])
    write(HERE / "per_vendor_gate" / "answers.csv", ["item", "annotator", "vendor", "label"], rows)


def group_rule_sets_aside() -> None:
    """Four annotators of 30 rows each, one vendor each; 8 rows carry a mistyped vendor."""
    rows, n = [], 0
    for annotator, vendor in (("ann", "acme"), ("bo", "acme"), ("cy", "zeta"), ("di", "zeta")):
        for i in range(30):
            n += 1
            typo = annotator in ("ann", "cy") and i % 8 == 3  # rows 4, 12, 20, 28 of each
            rows.append([f"r{n:03d}", annotator, (vendor + "e") if typo else vendor])
    for folder in ("group_rule_sets_aside_outliers", "group_rule_sets_aside_group"):
        write(HERE / folder / "answers.csv", ["id", "annotator", "vendor"], rows)


def gold_missing_is_wrong() -> None:
    """One annotator answers 46 gold items: 36 right, 2 wrong, 8 left empty."""
    rng = random.Random(10)
    gold = [(f"g{i:02d}", rng.choice(LABELS)) for i in range(46)]
    answers = []
    for i, (item, label) in enumerate(gold):
        given = label if i < 36 else (wrong(label) if i < 38 else "")
        answers.append([item, "sam", given])
    write(HERE / "gold_missing_is_wrong" / "answers.csv", ["item", "annotator", "label"], answers)
    write(HERE / "gold_missing_is_wrong" / "gold.csv", ["item", "label"], [list(g) for g in gold])


if __name__ == "__main__":
    per_annotator_gate()
    per_vendor_gate()
    group_rule_sets_aside()
    gold_missing_is_wrong()
