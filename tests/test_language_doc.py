"""docs/language.md lists exactly the grammar's reserved words, and its examples parse."""

import re
from pathlib import Path

from specc.fmt import KEYWORDS
from specc.parse import parse_text

DOC = (Path(__file__).resolve().parents[1] / "docs" / "language.md").read_text(encoding="utf-8")


def test_reserved_words_match_the_grammar():
    block = DOC.split("## 12. Reserved words")[1].split("```")[1]
    assert set(block.split()) == set(KEYWORDS)


def test_every_aspec_example_parses():
    examples = re.findall(r"```aspec\n(.*?)```", DOC, flags=re.S)
    # whole declarations only: not sketches with elisions, nor lone rule lines
    declarations = ("spec", "table", "taxonomy", "task", "rules", "metric", "import", "guideline", "record")
    complete = [e for e in examples if " ... " not in e and "…" not in e
                and re.sub(r"#[^\n]*", "", e).split()[:1] and re.sub(r"#[^\n]*", "", e).split()[0] in declarations]
    assert len(complete) >= 10
    for example in complete:
        result = parse_text(example, "example.aspec")
        assert result.spec is not None, [d.render(result.source) for d in result.diagnostics]


def test_the_number_of_examples_is_the_real_one():
    numbers = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15}
    stated = re.search(r"`specs/\*/` holds (\w+) complete, working examples", DOC).group(1)
    shipped = [p for p in (Path(__file__).resolve().parents[1] / "specs").iterdir() if p.is_dir()]
    assert numbers[stated] == len(shipped)
