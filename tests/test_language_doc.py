"""docs/language.md lists exactly the grammar's reserved words, and every ```aspec example of
the language reference, docs/metrics.md and the README lints as `specc lint` lints a spec
(tests/doc_examples.py says how blocks are marked and fragments wrapped)."""

import re
from pathlib import Path

import pytest
from doc_examples import Example, Wrapper, examples, fenced_blocks, has_elision, lint_example

from specc.api import check, load_spec_text
from specc.fmt import grammar_keywords

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE = ROOT / "docs" / "language.md"
DOC = LANGUAGE.read_text(encoding="utf-8")
DOCUMENTS = (LANGUAGE, ROOT / "docs" / "metrics.md", ROOT / "README.md")
EXAMPLES = [example for document in DOCUMENTS for example in examples(document)]

# How many examples of each kind each document holds: a new sketch (or an example that lost
# its marker) changes these on purpose, not by accident.
KIND_COUNTS = {
    "language.md": {"spec": 28, "conditions": 2, "sketch": 0, "error": 1},
    "metrics.md": {"spec": 1},
    "README.md": {"spec": 1},
}

_ENTITY = 'taxonomy Entity { PER "Person"  ORG "Organisation"  LOC "Location" { GPE  FAC }  MISC }\n'
_SPANS = ("table spans {\n  doc_id string  annotator string  start int  end int  label Entity\n"
          "  seconds float  span_text string\n}\n")
_DOCUMENTS = "table documents { doc_id string key  text string  status string }\n"
_WORK = ("table work {\n  id string key  annotator string  seconds float  text string\n"
         "  assigned_at timestamp  submitted_at timestamp\n}\n")
_INTENTS = ('table annotations {\n  ticket_id string  annotator string  vendor string\n'
            '  intent string one of ["billing", "shipping"]\n}\n'
            'table gold { ticket_id string key  intent string }\n'
            'task intents: classification on annotations { unit ticket_id  annotator annotator  label intent }\n')
_SFT = ("table sft { prompt_id string key  annotator string  prompt string  response string  seconds float }\n"
        "task sft: text on sft { unit prompt_id  annotator annotator  prompt prompt  response response"
        "  seconds seconds }\n")

# The declarations each section's fragments name, keyed by (document, heading).
WRAPPERS = {
    ("language.md", "Other spec files"): Wrapper(
        files={"common.aspec": "spec common\ntable documents { doc_id string key  text string }\n"}),
    ("language.md", "Taxonomies kept in YAML"): Wrapper(
        files={"intents.yaml": fenced_blocks(LANGUAGE, "yaml")[0][3]}),
    ("language.md", "7. Tables"): Wrapper(_ENTITY + _DOCUMENTS),
    ("language.md", "8. Tasks"): Wrapper(_ENTITY + _SPANS + _DOCUMENTS),
    ("language.md", "9. Rules"): Wrapper(_ENTITY + _SPANS),
    ("language.md", "Rules across two tables: `with … on`"): Wrapper(_ENTITY + _SPANS + _DOCUMENTS),
    ("language.md", "Scopes and how violations are counted"): Wrapper(_WORK),
    ("language.md", "Group rules: which rows a failing group sets aside"): Wrapper(
        "table answers { item string  annotator string  vendor string  label string }\n"
        "table preferences { prompt_id string  annotator string  chosen string  rejected string  tie bool }\n"
        "table rankings { prompt_id string  annotator string  ranking list of string }\n"),
    ("language.md", "Tolerance"): Wrapper(_WORK),
    ("language.md", "Graded rules"): Wrapper(_SFT),
    ("language.md", "10. Metrics"): Wrapper(
        _ENTITY + _SPANS + "task ner: spans on spans { unit doc_id  annotator annotator  span start..end  label label }\n"
        + _INTENTS + _SFT),
    ("language.md", "Membership and patterns"): Wrapper(
        _ENTITY + _DOCUMENTS + "table reviews { doc_id string  label Entity  stars int  response string }\n",
        rules_for="reviews"),
    ("language.md", "Time"): Wrapper(
        _WORK + "table reviews { id string key  posted_at timestamp }\n"
        "table judgements { id string  judged_at timestamp  assigned_at timestamp  submitted_at timestamp }\n",
        rules_for="judgements with reviews on id"),
    ("metrics.md", "Drift metrics"): Wrapper(
        _INTENTS + "metric agreement: percent_agreement on intents\n"),
    ("README.md", "A five-minute tour"): Wrapper(_DOCUMENTS, excerpt=True),
}


def wrapper_of(example: Example) -> Wrapper | None:
    return WRAPPERS.get((example.doc, example.heading))


def test_reserved_words_match_the_grammar():
    block = DOC.split("## 12. Reserved words")[1].split("```")[1]
    assert set(block.split()) == set(grammar_keywords())


def test_every_document_holds_the_examples_it_should():
    counted = {}
    for example in EXAMPLES:
        kinds = counted.setdefault(example.doc, {kind: 0 for kind in KIND_COUNTS[example.doc]})
        kinds[example.kind] = kinds.get(example.kind, 0) + 1
    assert counted == KIND_COUNTS


def test_only_sketches_have_elisions():
    unmarked = [example.where for example in EXAMPLES if example.kind != "sketch" and has_elision(example.text)]
    assert unmarked == [], "complete these examples, or mark them ```aspec sketch"


def test_every_wrapper_wraps_an_example():
    assert set(WRAPPERS) - {(example.doc, example.heading) for example in EXAMPLES} == set()


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.kind in ("spec", "conditions")],
                         ids=lambda e: f"{e.doc}:{e.line}")
def test_example_lints_without_errors(example, tmp_path):
    loaded = lint_example(example, wrapper_of(example), tmp_path)
    assert [d.code for d in loaded.errors] == [], f"{example.where}:\n{loaded.render()}"
    # the one warning a doc example may give: a taxonomy shown without a table using it
    assert {d.code for d in loaded.warnings} <= {"W101"}, f"{example.where}:\n{loaded.render()}"


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.kind == "error"], ids=lambda e: f"{e.doc}:{e.line}")
def test_error_example_gives_its_code(example, tmp_path):
    loaded = lint_example(example, wrapper_of(example), tmp_path)
    assert [d.code for d in loaded.errors] == [example.expected_code], f"{example.where}:\n{loaded.render()}"


def test_the_valid_values_example_counts_what_the_doc_says(tmp_path):
    """12 rows: billing x4, shipping x3, other x3, the misspelt biling, one empty label."""
    text = next(e.text for e in EXAMPLES if "share of label where (label is valid)" in e.text)
    labels = ["billing"] * 4 + ["shipping"] * 3 + ["other"] * 3 + ["biling", ""]
    data = tmp_path / "answers.csv"
    data.write_text("item,label\n" + "".join(f"{n},{label}\n" for n, label in enumerate(labels, 1)), encoding="utf-8")

    def figures(spec_text):
        checks = {c.id: c for c in check(load_spec_text(f"spec doc_example\n{spec_text}"), {"answers": data}).checks}
        balance, known = checks["balance"], checks["known"]
        return ((balance.status, balance.violations, balance.checked),
                (known.status, known.details["measured"]["share where (label is not valid) <= 2%"]))

    known = ("warned", pytest.approx(2 / 12))
    assert figures(text) == (("passed", 0, 3), known)
    # without `where`, every non-null value is a share of all rows: biling is a fourth
    assert figures(text.replace(" where (label is valid)", "")) == (("passed", 0, 4), known)
    # billing is 4/10 = 40% of the valid labels, 4/12 = 33% of all rows
    stricter = text.replace("<= 40%", "<= 35%")
    assert figures(stricter) == (("warned", 1, 3), known)
    assert figures(stricter.replace(" where (label is valid)", "")) == (("passed", 0, 4), known)


def test_the_number_of_examples_is_the_real_one():
    numbers = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15}
    stated = re.search(r"`specs/\*/` holds (\w+) complete, working examples", DOC).group(1)
    shipped = [p for p in (Path(__file__).resolve().parents[1] / "specs").iterdir() if p.is_dir()]
    assert numbers[stated] == len(shipped)
