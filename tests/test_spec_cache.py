"""A resolved spec is kept between runs and used only while the spec, everything it imports
and specc itself are unchanged (specc/spec_cache.py)."""

import os
import subprocess
import sys

import pytest

from specc import spec_cache
from specc.diagnostics import SpecError
from specc.resolve import load_checked

SPEC = """spec cached

import taxonomy topics from "topics.yaml"
import "shared.aspec"

table answers {
  id     string  key
  label  topics
  score  int
}
"""

SHARED = """spec shared

table extra {
  id  string
}
"""

TOPICS = """labels:
  - code: billing
  - code: shipping
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SPECC_NO_CACHE", raising=False)
    return tmp_path / "cache" / "specc" / "specs"


@pytest.fixture
def spec(tmp_path):
    (tmp_path / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (tmp_path / "shared.aspec").write_text(SHARED, encoding="utf-8")
    path = tmp_path / "cached.aspec"
    path.write_text(SPEC, encoding="utf-8")
    return path


def entries(cache):
    return sorted(p.name for p in cache.glob("*.pickle")) if cache.exists() else []


def test_a_second_load_reads_the_entry_and_equals_a_fresh_resolution(cache, spec, monkeypatch):
    first = load_checked(spec)
    assert len(entries(cache)) == 1
    assert (cache.stat().st_mode & 0o777, (cache / entries(cache)[0]).stat().st_mode & 0o777) == (0o700, 0o600)
    monkeypatch.setattr("specc.resolve.resolve_file", lambda *a, **k: pytest.fail("resolved again"))
    second = load_checked(spec)
    assert second == first
    assert second is not first
    assert sorted(second.taxonomies["topics"].codes()) == ["billing", "shipping"]
    assert {os.path.basename(p) for p, _ in second.read_from} == {"cached.aspec", "shared.aspec", "topics.yaml"}


@pytest.mark.parametrize("changed, text, expect", [
    ("topics.yaml", TOPICS + "  - code: returns\n", ["billing", "returns", "shipping"]),
    ("shared.aspec", SHARED.replace("id  string", "id  string\n  more  int"), ["billing", "shipping"]),
    ("cached.aspec", SPEC.replace("score  int", "score  float"), ["billing", "shipping"]),
])
def test_a_change_to_the_spec_or_anything_it_imports_is_resolved_again(cache, spec, changed, text, expect):
    load_checked(spec)
    (spec.parent / changed).write_text(text, encoding="utf-8")
    again = load_checked(spec)
    assert sorted(again.taxonomies["topics"].codes()) == expect
    assert [c.name.text for c in again.tables["extra"].columns] == (["id", "more"] if changed == "shared.aspec" else ["id"])
    assert again.tables["answers"].column("score").type.name.text == ("float" if changed == "cached.aspec" else "int")


def test_an_import_that_became_unreadable_is_reported_not_served_from_the_cache(cache, spec):
    load_checked(spec)
    (spec.parent / "topics.yaml").unlink()
    with pytest.raises(SpecError) as raised:
        load_checked(spec)
    assert [d.code for d in raised.value.diagnostics] == ["E109"]


def test_a_damaged_entry_is_resolved_again_and_rewritten(cache, spec):
    first = load_checked(spec)
    (name,) = entries(cache)
    (cache / name).write_bytes(b"not a pickle\n")
    assert load_checked(spec) == first
    assert (cache / name).stat().st_size > 1000


def test_another_specc_never_reads_the_entry(cache, spec, monkeypatch):
    load_checked(spec)
    monkeypatch.setattr(spec_cache, "_code_fingerprint", lambda: "another version")
    load_checked(spec)
    assert len(entries(cache)) == 2


def test_the_same_file_named_by_another_path_is_another_entry(cache, spec, monkeypatch):
    load_checked(spec)
    monkeypatch.chdir(spec.parent)
    relative = load_checked("cached.aspec")
    assert relative.path == "cached.aspec"  # data folders are found beside the path as given
    assert len(entries(cache)) == 2


def test_no_cache_when_turned_off_or_when_others_could_write_the_folder(cache, spec, monkeypatch):
    monkeypatch.setenv("SPECC_NO_CACHE", "1")
    load_checked(spec)
    assert entries(cache) == []
    monkeypatch.delenv("SPECC_NO_CACHE")
    cache.mkdir(parents=True)
    os.chmod(cache, 0o777)
    load_checked(spec)
    assert entries(cache) == []


def test_a_spec_with_errors_is_never_kept(cache, tmp_path):
    broken = tmp_path / "broken.aspec"
    broken.write_text("spec broken\n\ntable t {\n  a  nosuchtype\n}\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(SpecError):
            load_checked(broken)
    assert entries(cache) == []


def test_old_entries_are_pruned(cache, spec, monkeypatch):
    monkeypatch.setattr(spec_cache, "MAX_ENTRIES", 3)
    monkeypatch.setattr(spec_cache, "KEEP_AFTER_PRUNING", 2)
    for score in range(5):
        spec.write_text(SPEC.replace("score  int", f"score  int  >= {score}"), encoding="utf-8")
        load_checked(spec)
    assert len(entries(cache)) == 3


def test_a_cached_check_loads_neither_lark_nor_yaml(cache, spec, tmp_path):
    (tmp_path / "answers.csv").write_text("id,label,score\na,billing,1\n", encoding="utf-8")
    (tmp_path / "extra.csv").write_text("id\nx\n", encoding="utf-8")
    program = ("import sys\nfrom specc.cli import main\nsys.argv = ['specc', 'check', sys.argv[1], '--data', sys.argv[2]]\n"
               "try:\n    main()\nexcept SystemExit as end:\n    code = end.code\n"
               "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'lark', 'yaml'}))\n")
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache.parent.parent)}
    runs = [subprocess.run([sys.executable, "-c", program, str(spec), str(tmp_path)], env=environment,
                           capture_output=True, text=True) for _ in range(2)]
    assert [run.stdout.splitlines()[-1] for run in runs] == ["0 ['lark', 'yaml']", "0 []"], [r.stderr for r in runs]
