"""Starter specs for `specc init --task KIND`: a small, valid spec a lead edits from there.

Each starter declares one table with the columns the kind's roles need, the task, a couple of
rules and a fitting metric, so `specc lint` passes on it at once and every construct a lead
needs next is already in front of them.
"""

from __future__ import annotations

_HEADER = '''# A starter spec for a {kind} task: rename, then describe your own data.
spec {name} "{title}"
version 0.1.0
owner "you@example.com"

guideline """
Say here, in a few sentences, what annotators must do and what they must not do.
"""
'''

_LABELS = '''
taxonomy Label "Labels" {{
  {first} "{first_title}" "When to use it."
    example "An example that gets this label."
  {second} "{second_title}" "When to use it."
}}
'''

_TABLE_START = '''
table {table} {{
  primary key {keys}
  item_id    string  required
  annotator  string  required  pattern "[a-z0-9_.-]+"
  seconds    float   >= 0
'''

_BODIES = {
    "classification": dict(
        labels=("positive", "Positive", "negative", "Negative"), table="labels", keys="item_id, annotator",
        columns="  label      Label   required\n",
        roles="unit item_id  annotator annotator  label label",
        rules='  error coverage "Every item needs three annotators": count distinct annotator per item_id >= 3\n'
              '  warn  balance  "No label above 80% of all answers": share of label <= 80%\n',
        metric="alpha nominal  warn below 0.80  fail below 0.67"),
    "multilabel": dict(
        labels=("billing", "Billing", "shipping", "Shipping"), table="labels", keys="item_id, annotator, label",
        columns="  label      Label   required\n",
        roles="unit item_id  annotator annotator  label label\n  cardinality 1..3",
        rules='  error coverage "Every item needs two annotators": count distinct annotator per item_id >= 2\n',
        metric=None),
    "spans": dict(
        labels=("PER", "Person", "ORG", "Organisation"), table="spans", keys="item_id, annotator, start, end",
        columns="  start      int     required  >= 0\n  end        int     required\n  label      Label   required\n",
        roles="unit item_id  annotator annotator  span start..end  label label",
        rules='  error order    "A span must end after it starts": end > start\n'
              '  error coverage "Every item needs two annotators": count distinct annotator per item_id >= 2\n',
        metric="span_f1 exact  warn below 0.85  fail below 0.70"),
    "rating": dict(
        labels=None, table="ratings", keys="item_id, annotator",
        columns="  rating     int     required  between 1 and 5\n",
        roles="unit item_id  annotator annotator  rating rating\n  scale 1..5 step 1",
        rules='  error coverage "Every item needs three ratings": count distinct annotator per item_id >= 3\n',
        metric="alpha ordinal  warn below 0.75  fail below 0.60"),
    "text": dict(
        labels=None, table="pairs", keys="item_id, annotator",
        columns="  prompt     string  required  length 10..4000\n  response   string  required  length 20..8000\n",
        roles="unit item_id  annotator annotator  prompt prompt  response response",
        rules='  warn  wordy "Responses should stay under 600 words": words(response) <= 600  tolerate 5%\n',
        metric=None),
    "ranking": dict(
        labels=None, table="rankings", keys="item_id, annotator",
        columns="  responses  list of string  required  items 4..4\n  ranking    list of string  required\n",
        roles="unit item_id  annotator annotator  responses responses  ranking ranking",
        rules='  error coverage "Every prompt needs three rankings": count distinct annotator per item_id >= 3\n',
        metric="kendall_w  warn below 0.6"),
    "preference": dict(
        labels=None, table="preferences", keys="item_id, annotator",
        columns="  shown      list of string  required  items 2..2\n  chosen     string  required\n"
                "  rejected   string  required\n  tie        bool    required\n",
        roles="unit item_id  annotator annotator  responses shown  chosen chosen  rejected rejected  tie tie\n"
              "  allow ties",
        rules='  warn  ties "Ties should stay rare": share where (tie) <= 20%\n',
        metric="position_bias per annotator  warn above 0.65"),
}

KINDS = tuple(_BODIES)


def starter_spec(kind: str, name: str) -> str:
    """A starter spec for one task kind (one of `KINDS`)."""
    body = _BODIES[kind]
    parts = [_HEADER.format(kind=kind, name=name, title=name.replace("_", " ").title())]
    if body["labels"]:
        first, first_title, second, second_title = body["labels"]
        parts.append(_LABELS.format(first=first, first_title=first_title, second=second, second_title=second_title))
    table = body["table"]
    parts.append(_TABLE_START.format(table=table, keys=body["keys"]) + body["columns"] + "}\n")
    parts.append(f"\ntask {name}: {kind} on {table} {{\n  {body['roles']}\n  seconds seconds\n}}\n")
    parts.append(f"\nrules for {table} {{\n{body['rules']}}}\n")
    if body["metric"]:
        parts.append(f"\nmetric agreement: {body['metric']}\n")
    return "".join(parts)
