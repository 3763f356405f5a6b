"""Benchmark: how long `specc lint` and `specc compile` take on a spec with 1,000 rules.

    python bench/lint_rules.py                 # 1,000 rules, best of 5
    python bench/lint_rules.py --rules 5000 --repeat 3

Generates one spec: a 24-column table, a 20-column table it is joined with, a 3-level
taxonomy, a record and a classification task, then rules that cycle through every kind a
spec writer uses — row rules (comparisons, arithmetic, durations, `in` lists and subtrees,
`matches`, `between`, functions, null tests), group rules (`count distinct … per`, `sum`/`avg`
`… per`), table rules (`share of`, `share where`, `count`), `unique`, raw SQL, joined-table
rules, tolerances and graded bounds — and times `specc.resolve.resolve_file` on it (the
whole of `specc lint` but the printing), then the same resolution followed by compiling to
SQL (`--target sql`) and to JSON Schemas (`--target jsonschema`) — the whole of `specc compile`
but the printing and the resolved-spec cache, which this bypasses. Reports the best of N runs,
since a laptop's background work only ever adds time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from specc.backends import get_backend  # noqa: E402
from specc.resolve import resolve_file  # noqa: E402

HEADER = '''spec bench_rules "Lint benchmark"
version 1.0.0

taxonomy Topic "Topics" {
  NEWS "News" { POLITICS { ELECTIONS POLICY } ECONOMY { MARKETS JOBS } }
  SPORT "Sport" { FOOTBALL TENNIS CYCLING }
  CULTURE "Culture" { FILM MUSIC BOOKS }
  OTHER "Other" deprecated
}

record Offset { start int >= 0  end int >= 0 }

table items "One row per item and annotator" {
  primary key item_id, annotator
  item_id      string  required
  annotator    string  required pattern "^[a-z]{2,12}$"
  vendor       string  one of ["acme", "globex", "initech"]
  topic        Topic   required
  subtopic     Topic   leaves
  news_topic   Topic   under "NEWS"
  text         string  length 1..20000
  title        string
  language     string  pattern "^[a-z]{2}$"
  score        float   between 0 and 1
  confidence   float
  rating       int     between 1 and 5
  tokens       int     >= 0
  seconds      float   >= 0
  assigned_at  timestamp
  submitted_at timestamp
  reviewed     bool
  flags        list of string items <= 5
  offsets      list of Offset
  batch        string
  url          string
  notes        string  optional
  duplicate_of string  references gold.item_id
}

table gold {
  item_id   string key
  topic     Topic
  score     float between 0 and 1
  rating    int
  language  string
  batch     string
  text      string
  title     string
  url       string
  checked   bool
  checked_at timestamp
  c1 int  c2 int  c3 int  c4 int  c5 float  c6 float  c7 string  c8 string  c9 bool
}

task topics "Topic labelling": classification on items {
  unit item_id  annotator annotator  label topic  vendor vendor  seconds seconds
}

'''

# Each template is one rule body; {i} keeps ids and literals distinct.
ROW_RULES = [
    'score >= 0 and score <= 1',
    'rating between 1 and 5',
    'seconds >= 1 and seconds < {h}00',
    'submitted_at - assigned_at <= {h}h',
    'submitted_at > assigned_at',
    'topic in ["NEWS", "SPORT", "CULTURE"] or topic in subtree "NEWS"',
    'news_topic in subtree "ECONOMY" or news_topic = "POLICY"',
    'subtopic in leaves',
    'lower(trim(language)) matches "^[a-z]{{2}}$"',
    'length(text) >= {i} and words(text) < 5000',
    'title is not null or notes is not null',
    'not (reviewed = false and confidence < 0.{d})',
    'tokens * 2 + {i} > length(text) / 10',
    'coalesce(confidence, 0.5) between 0 and 1',
    'url matches "^https?://" and length(url) < 2048',
    'abs(score - confidence) <= 0.{d}5',
    'vendor not in ["unknown", "test"]',
    'round(seconds) >= 0 and length(flags) <= 5',
]
GROUP_RULES = [
    'count distinct annotator per item_id >= 2',
    'avg(seconds) per annotator >= {d}',
    'sum(tokens) per batch <= 1000000',
    'max(rating) per item_id - min(rating) per item_id <= 3',
    'count per annotator <= 5000',
    'avg(score) per vendor between 0.2 and 0.9',
]
TABLE_RULES = [
    'share of topic <= {p}%',
    'share where (confidence < 0.5) <= {p}%',
    'share where (topic = "OTHER") <= 1%',
    'count >= 100',
    'avg(seconds) >= 3',
    'count distinct annotator >= 5',
]
JOIN_RULES = [
    'gold.checked = true or gold.checked is null',
    'abs(score - gold.score) <= 0.{d}',
    'rating = gold.rating or gold.rating is null',
    'language = gold.language',
]
OTHER_RULES = [
    'unique (item_id, annotator)',
    'sql """select * from items where seconds < 0"""',
]
SUFFIXES = ["", " tolerate {p}", " tolerate 0.{d}%", " at most {p}% of rows"]


def rule_line(i: int, template: str, graded: bool) -> str:
    values = {"i": i, "d": 1 + i % 9, "h": 24 + i % 48, "p": 1 + i % 40}
    body = template.format(**values)
    if graded:
        return f'  rule r{i} "graded check {i}": {body} warn above {values["d"]}% fail above {values["d"] + 10}%'
    severity = "error" if i % 3 else "warn"
    suffix = SUFFIXES[i % len(SUFFIXES)].format(**values) if not body.startswith(("unique", "sql")) else ""
    return f'  {severity} r{i} "check number {i}": {body}{suffix}'


def generate(rules: int) -> str:
    kinds = [ROW_RULES] * 5 + [GROUP_RULES] * 2 + [TABLE_RULES] * 2 + [OTHER_RULES] + [JOIN_RULES]
    plain, joined = [], []
    for i in range(rules):
        templates = kinds[i % len(kinds)]
        line = rule_line(i, templates[(i // len(kinds)) % len(templates)], graded=i % 17 == 0)
        (joined if templates is JOIN_RULES else plain).append(line)
    blocks = [HEADER, "rules for items {", *plain, "}", "",
              "rules for items with gold on item_id {", *joined, "}", "",
              "metric topic_alpha: alpha nominal on topics warn below 0.8 fail below 0.667", ""]
    return "\n".join(blocks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench_rules.aspec"
        text = generate(args.rules)
        path.write_text(text, encoding="utf-8")
        checked, diagnostics, _ = resolve_file(path)  # warm-up: builds the parser once
        errors = [d for d in diagnostics if d.is_error]
        if errors:
            sys.exit("the generated spec does not lint:\n" + "\n".join(f"{d.span}: {d.message}" for d in errors[:10]))
        timings, compile_timings = [], {"sql": [], "jsonschema": []}
        for _ in range(args.repeat):
            start = time.perf_counter()
            resolve_file(path)
            timings.append(time.perf_counter() - start)
        for target, target_timings in compile_timings.items():
            for _ in range(args.repeat):
                start = time.perf_counter()
                compiled, _, _ = resolve_file(path)
                artifacts = get_backend(target).write(compiled, Path(scratch) / target)
                target_timings.append(time.perf_counter() - start)
            if not artifacts:
                sys.exit(f"compile --target {target} wrote nothing")
    rule_count = sum(len(block.rules) for block in checked.rule_blocks)
    print(f"spec: {rule_count} rules, {len(text.splitlines())} lines, {len(text) / 1024:.0f} KiB")
    print(f"resolve_file (parse + resolve): best of {args.repeat}: {min(timings) * 1000:.1f} ms "
          f"({min(timings) / rule_count * 1e6:.0f} µs per rule); median {sorted(timings)[len(timings) // 2] * 1000:.1f} ms")
    for target, target_timings in compile_timings.items():
        print(f"resolve_file + compile --target {target}: best of {args.repeat}: {min(target_timings) * 1000:.1f} ms; "
              f"median {sorted(target_timings)[len(target_timings) // 2] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
