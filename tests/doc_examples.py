"""The ```aspec examples of a Markdown document, with the heading each stands under, linted
as `specc lint` lints a spec (parse, resolve, checks: `specc.api.load_spec_text`).

A block's info string says what it shows:

- ```` ```aspec ```` — a spec, or a fragment of one (a table, rules, metrics without a `spec`
  line). A fragment is linted after `spec doc_example` and the declarations its section's
  `Wrapper` gives (the tables, taxonomies and tasks it names). A block with a `spec` line is
  linted as it is, unless its wrapper says it is an excerpt: then the declarations follow it.
- ```` ```aspec conditions ```` — one rule condition per line, each linted as a row rule of
  the wrapper's `rules_for` table.
- ```` ```aspec sketch ```` — an outline with elisions; not linted, but counted, so a new one
  is a deliberate choice.
- ```` ```aspec error CODE ```` — a spec shown for its mistake: linting it gives exactly CODE.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from specc.api import LoadedSpec, load_spec_text

KINDS = ("spec", "conditions", "sketch", "error")

_HEADING_OR_BLOCK = re.compile(r"^(?P<heading>#{1,6} [^\n]*)$|^```(?P<info>[^\n]*)\n(?P<body>.*?)^```",
                               flags=re.M | re.S)


@dataclass(frozen=True)
class Example:
    doc: str
    line: int
    heading: str
    kind: str
    text: str
    expected_code: str | None = None

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.line} under {self.heading!r}"


@dataclass(frozen=True)
class Wrapper:
    """What a section's fragments need around them to be a spec: `declarations` (what they
    name), `rules_for` (the head of the rules block a `conditions` example's lines go in:
    `work`, `work with reviews on id`), `files` (beside the spec: imports, YAML taxonomies),
    `excerpt` (the section's spec is an excerpt, naming what it leaves out)."""

    declarations: str = ""
    rules_for: str = ""
    files: Mapping[str, str] = field(default_factory=dict)
    excerpt: bool = False


def fenced_blocks(path: Path, language: str) -> list[tuple[int, str, str, str]]:
    """(line, heading, info words after the language, body) of every ```LANGUAGE block, in order."""
    text = path.read_text(encoding="utf-8")
    heading = ""
    found = []
    for match in _HEADING_OR_BLOCK.finditer(text):
        if match["heading"]:
            heading = match["heading"].lstrip("#").strip()
            continue
        words = match["info"].split()
        if words[:1] == [language]:
            line = text.count("\n", 0, match.start()) + 1
            found.append((line, heading, " ".join(words[1:]), match["body"]))
    return found


def examples(path: Path) -> list[Example]:
    """Every ```aspec block of the document; an unknown info string is an error, not a skip."""
    found = []
    for line, heading, info, body in fenced_blocks(path, "aspec"):
        words = info.split() or ["spec"]
        kind, rest = words[0], words[1:]
        if kind not in KINDS or (kind == "error") != bool(rest) or len(rest) > 1:
            raise ValueError(f"{path.name}:{line}: unknown example marker ```aspec {info}")
        found.append(Example(path.name, line, heading, kind, body, rest[0] if rest else None))
    return found


def example_spec(example: Example, wrapper: Wrapper | None) -> str:
    """The spec text that `example` is linted as."""
    wrapper = wrapper or Wrapper()
    if example.kind == "conditions":
        conditions = [line for line in example.text.splitlines() if _first_word(line)]
        rules = "".join(f"  error condition_{n}: {line.strip()}\n" for n, line in enumerate(conditions, 1))
        body = f"rules for {wrapper.rules_for} {{\n{rules}}}\n"
    else:
        body = example.text
    if _first_word(body) == "spec":
        return f"{body}\n{wrapper.declarations}" if wrapper.excerpt else body
    return f"spec doc_example\n{wrapper.declarations}\n{body}"


def lint_example(example: Example, wrapper: Wrapper | None, folder: Path) -> LoadedSpec:
    """Lint the example in `folder`, beside the files its wrapper names."""
    for name, content in (wrapper.files if wrapper else {}).items():
        (folder / name).write_text(content, encoding="utf-8")
    return load_spec_text(example_spec(example, wrapper), folder / "example.aspec")


def has_elision(text: str) -> bool:
    """`...` or `…` outside comments: the mark of a sketch."""
    code = re.sub(r"#[^\n]*", "", text)
    return "..." in code or "…" in code


def _first_word(text: str) -> str:
    words = re.sub(r"#[^\n]*", "", text).split()
    return words[0] if words else ""
