"""The linter's promise: any input gives a clean result or a list of diagnostics, never an
exception.

`test_mutants` feeds 10,000 seeded mutants of every shipped spec, the tour, the error files
and the YAML taxonomies they import to `resolve_file` in-process; `test_arbitrary_text*` let
hypothesis try text of its own. Crashes found so far are fixed and pinned by the tests at
the end; the mutant run tallies those (and only those) instead of failing on them, so that a
corpus change cannot turn a known bug into a red build, and a new crash still does.
"""

from __future__ import annotations

import random
import re
import shutil
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import VisitError

from specc.parse import parse_text
from specc.resolve import resolve_file

REPO = Path(__file__).resolve().parent.parent
SEED = 20240611
MUTANTS = 10_000
TOUR = REPO / "tests" / "fixtures" / "tour"

VOCABULARY = (
    "spec table taxonomy record rules for with on task metric per of against error warn rule fail "
    "above below tolerate at most rows unique sql import from guideline title owner version "
    "description primary key strict source required optional between and or not in is null true "
    "false matches subtree leaves under list one items length pattern references allow scale step "
    "cardinality check off count distinct share where sum avg min max example counterexample alias "
    "deprecated x label doc_id seconds Entity LOC"
).split() + ["{", "}", "(", ")", "[", "]", ":", ",", ".", "..", "%", "=", "!=", "<=", ">", "+", "-", "*", "/",
             '"', '"LOC"', '""', '"""', '"""x"""', "`", "`x`", "#", "0", "-1", "2.5", "1e3", "48h", "1.2.3",
             "5%", "\n", "\t", "\r", "\f"]
TOKEN = re.compile(r'"""(?:.|\n)*?"""|"[^"\n]*"|`[^`\n]*`|\w+|\s+|\.\.|[^\w\s]')
# Code points an editor, a copy-paste or a broken encoding can put in a file.
ODD_CHARACTERS = "\x00\x01\x07\x0b\x0c\x1c\x1b\x7f\x85\xa0\u00e9\u200b\u2028\u2029\u201c\u201d\ufeff\U0001f600"


# ---- mutations ------------------------------------------------------------------------------


def _drop(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text))
    return text[:i] + text[i + 1:]


def _duplicate(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text))
    return text[:i] + text[i] + text[i:]


def _swap(text: str, rng: random.Random) -> str:
    i = rng.randrange(max(len(text) - 1, 1))
    return text[:i] + text[i + 1:i + 2] + text[i:i + 1] + text[i + 2:]


def _swap_tokens(text: str, rng: random.Random) -> str:
    tokens = TOKEN.findall(text)
    i, j = rng.randrange(len(tokens)), rng.randrange(len(tokens))
    tokens[i], tokens[j] = tokens[j], tokens[i]
    return "".join(tokens)


def _shuffle_tokens(text: str, rng: random.Random) -> str:
    tokens = TOKEN.findall(text)
    start = rng.randrange(len(tokens))
    window = tokens[start:start + rng.randint(2, 12)]
    rng.shuffle(window)
    tokens[start:start + len(window)] = window
    return "".join(tokens)


def _delete_line(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines)


def _duplicate_line(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return "\n".join(lines)


def _insert_characters(text: str, rng: random.Random) -> str:
    i = rng.randint(0, len(text))
    pool = (lambda: chr(rng.randrange(32, 127)), lambda: rng.choice(ODD_CHARACTERS),
            lambda: chr(rng.randrange(0x80, 0x3000)))
    inserted = "".join(rng.choice(pool)() for _ in range(rng.randint(1, 4)))
    return text[:i] + inserted + text[i:]


def _insert_word(text: str, rng: random.Random) -> str:
    i = rng.randint(0, len(text))
    return text[:i] + " " + rng.choice(VOCABULARY) + " " + text[i:]


def _replace_token(text: str, rng: random.Random) -> str:
    tokens = TOKEN.findall(text)
    tokens[rng.randrange(len(tokens))] = rng.choice(VOCABULARY)
    return "".join(tokens)


MUTATIONS = (_drop, _duplicate, _swap, _swap_tokens, _shuffle_tokens, _delete_line, _duplicate_line,
             _insert_characters, _insert_word, _replace_token)


def mutate(text: str, rng: random.Random, raw_bytes: bool) -> bytes:
    for _ in range(rng.randint(1, 3)):
        text = rng.choice(MUTATIONS)(text, rng) if text else rng.choice(VOCABULARY)
    data = text.encode("utf-8")
    if raw_bytes and rng.random() < 0.1:  # bytes that are not UTF-8 at all
        i = rng.randint(0, len(data))
        data = data[:i] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 3))) + data[i:]
    return data


# ---- the corpus -----------------------------------------------------------------------------


@dataclass
class Target:
    """One file to mutate, inside a scratch copy of its directory, and the spec to lint."""

    directory: Path
    target: str  # the file that receives the mutant
    root: str  # the spec that is linted (the mutant itself, or a spec importing it)
    original: str

    @property
    def label(self) -> str:
        return f"{self.directory.name}/{self.target} (linting {self.root})"


def corpus_sources() -> list[tuple[Path, str]]:
    """(file, importing spec or "") for every spec and YAML taxonomy we ship or test with."""
    specs = [TOUR / "tour.aspec", TOUR / "common.aspec", *sorted(REPO.glob("specs/*/*.aspec")),
             *sorted(p for p in (REPO / "tests" / "errors").glob("*.aspec") if not p.name.startswith("_"))]
    sources = [(spec, "") for spec in specs]
    for spec in specs:
        for name in re.findall(r'import\s+taxonomy\s+\w+\s+from\s+"([^"]+\.ya?ml)"', spec.read_text(encoding="utf-8")):
            if (spec.parent / name).is_file() and not name.startswith("_"):
                sources.append((spec.parent / name, spec.name))
    return sources


def build_corpus(scratch: Path) -> list[Target]:
    copies: dict[Path, Path] = {}
    targets = []
    for source, importer in corpus_sources():
        if source.parent not in copies:
            copies[source.parent] = scratch / f"d{len(copies)}"
            copies[source.parent].mkdir()
            for sibling in source.parent.iterdir():
                if sibling.is_file() and sibling.suffix in (".aspec", ".yaml", ".yml"):
                    shutil.copy(sibling, copies[source.parent] / sibling.name)
        directory = copies[source.parent]
        text = source.read_text(encoding="utf-8")
        if importer:
            targets.append(Target(directory, source.name, importer, text))
        else:
            targets.append(Target(directory, "mutant.aspec", "mutant.aspec", text))
    return targets


# ---- known crashes --------------------------------------------------------------------------
#
# A crash reported as a known bug would be listed here and counted instead of failing the
# mutant run; every one found so far is fixed (see the test_fixed_crash_* tests).

KNOWN_CRASHES: dict = {}  # every crash found so far is fixed; the tests below pin them


def known_crash(exc: BaseException) -> str | None:
    return next((name for name, matches in KNOWN_CRASHES.items() if matches(exc)), None)


# ---- the mutant run -------------------------------------------------------------------------


def lint_mutant(target: Target, data: bytes):
    path = target.directory / target.target
    path.write_bytes(data)
    try:
        _, diagnostics, _ = resolve_file(target.directory / target.root)
    finally:
        if target.target != target.root:
            path.write_text(target.original, encoding="utf-8")
    return diagnostics


def describe_failure(index: int, target: Target, data: bytes, exc: BaseException) -> str:
    shown = data.decode("utf-8", errors="backslashreplace")
    if len(shown) > 3000:
        shown = shown[:3000] + "\n…"
    trace = "".join(traceback.format_exception(exc)[-6:])
    return (f"mutant {index} (random.Random({SEED} * 100_003 + {index})) of {target.label} raised "
            f"{type(exc).__name__}: {exc}\n--- mutant ---\n{shown}\n--- traceback (end) ---\n{trace}")


def test_mutants(tmp_path: Path) -> None:
    targets = build_corpus(tmp_path)
    failures: list[str] = []
    known: Counter = Counter()
    codes: Counter = Counter()
    clean = 0
    for index in range(MUTANTS):
        rng = random.Random(SEED * 100_003 + index)
        target = targets[index % len(targets)]
        data = mutate(target.original, rng, raw_bytes=target.target.endswith(".aspec"))
        try:
            diagnostics = lint_mutant(target, data)
        except Exception as exc:  # noqa: BLE001 — any exception is the finding
            name = known_crash(exc)
            if name:
                known[name] += 1
            else:
                failures.append(describe_failure(index, target, data, exc))
            continue
        assert isinstance(diagnostics, list)
        clean += not any(d.is_error for d in diagnostics)
        codes.update(d.code for d in diagnostics)
    if known:
        print(f"known crashes hit: {dict(known)}")
    assert not failures, f"{len(failures)} of {MUTANTS} mutants crashed the linter:\n\n" + "\n\n".join(failures[:5])
    # The run is only worth its time if mutants get past the parser into every stage.
    assert clean > MUTANTS // 50, f"only {clean} mutants lint clean"
    assert len(codes) >= 25, f"mutants reached only {sorted(codes)}"


def test_mutation_is_reproducible() -> None:
    text = (TOUR / "tour.aspec").read_text(encoding="utf-8")
    first = [mutate(text, random.Random(SEED * 100_003 + i), True) for i in range(20)]
    again = [mutate(text, random.Random(SEED * 100_003 + i), True) for i in range(20)]
    assert first == again
    assert len(set(first)) == 20


# ---- hypothesis -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hypothesis")


def lint_text(text: str, scratch: Path) -> list:
    result = parse_text(text, "spec.aspec")
    assert result.spec is not None or any(d.is_error for d in result.diagnostics)
    path = scratch / "spec.aspec"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _, diagnostics, _ = resolve_file(path)
    return diagnostics


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_arbitrary_text(text: str, scratch: Path) -> None:
    assert isinstance(lint_text(text, scratch), list)


SPEC_WORDS = st.sampled_from(VOCABULARY + ["t", "u", "y", "int", "string", "float", "timestamp", "bool",
                                           "classification", "alpha", "nominal", '"PER"', "3", " "])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(SPEC_WORDS, max_size=60).map(" ".join))
def test_arbitrary_words(text: str, scratch: Path) -> None:
    assert isinstance(lint_text("spec s\ntable t { x int  y string }\n" + text, scratch), list)


# ---- crashes found by fuzzing, pinned until fixed -------------------------------------------


def lint_files(tmp_path: Path, files: dict[str, str | bytes]) -> list:
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (tmp_path / name).write_bytes(data)
    _, diagnostics, _ = resolve_file(tmp_path / "spec.aspec")
    return diagnostics


def test_fixed_crash_huge_length_bound(tmp_path: Path) -> None:
    diagnostics = lint_files(tmp_path, {"spec.aspec": "spec s\ntable t { x string length 1e400..3 }\n"})
    assert [d.code for d in diagnostics] == ["E010"]


def test_fixed_crash_nul_in_import_path(tmp_path: Path) -> None:
    diagnostics = lint_files(tmp_path, {"spec.aspec": 'spec s\nimport "com\x00mon.aspec"\n'})
    assert [d.code for d in diagnostics] == ["E002"]  # no spec may hold a NUL, a path included


def test_fixed_crash_nul_in_taxonomy_path(tmp_path: Path) -> None:
    diagnostics = lint_files(tmp_path, {"spec.aspec": 'spec s\nimport taxonomy T from "t\x00.yaml"\n'})
    assert [d.code for d in diagnostics] == ["E002"]


def test_fixed_crash_yaml_not_utf8(tmp_path: Path) -> None:
    diagnostics = lint_files(tmp_path, {
        "spec.aspec": 'spec s\nimport taxonomy T from "t.yaml"\ntable u { v T }\n',
        "t.yaml": b"labels:\n  - code: a\n    name: caf\xe9\n",
    })
    assert [(d.code, Path(d.span.file).name, d.span.line) for d in diagnostics] == [("E111", "t.yaml", 3)]


def test_fixed_crash_deep_parentheses(tmp_path: Path) -> None:
    condition = "(" * 400 + "x > 1" + ")" * 400
    diagnostics = lint_files(tmp_path, {"spec.aspec": f"spec s\ntable t {{ x int }}\nrules for t {{\n  error e: {condition}\n}}\n"})
    assert isinstance(diagnostics, list)


def test_fixed_crash_deep_taxonomy(tmp_path: Path) -> None:
    labels = "".join(f"l{i} {{ " for i in range(400)) + "leaf" + " }" * 400
    diagnostics = lint_files(tmp_path, {"spec.aspec": f"spec s\ntaxonomy T {{ {labels} }}\ntable t {{ x T }}\n"})
    assert isinstance(diagnostics, list)


def test_fixed_crash_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "loop.aspec").symlink_to("loop.aspec")
    diagnostics = lint_files(tmp_path, {"spec.aspec": 'spec s\nimport "loop.aspec"\n'})
    assert [d.code for d in diagnostics] == ["E109"]
