"""`specc lint` as its users meet it: exit codes, located messages, JSON, never a traceback.

Most tests drive `specc.cli.cli` through click's `CliRunner` (click >= 8.2 keeps stderr
apart: `result.output` is what a terminal shows, `result.stderr` the error stream); the
acceptance case also runs the installed `specc` script in a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from specc.cli import cli

REPO = Path(__file__).resolve().parent.parent
TOUR = REPO / "tests" / "fixtures" / "tour" / "tour.aspec"
SHIPPED = sorted(REPO.glob("specs/*/*.aspec"))
SPECC = Path(sys.executable).parent / "specc"
GARBAGE = "this line is garbage { ]"


def lint(*args: str, cwd: Path = REPO):
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, ["lint", *args], catch_exceptions=False)
    finally:
        os.chdir(previous)


def copy_beside(spec: Path, directory: Path) -> Path:
    """Copy a spec as `copy.aspec` together with the specs and taxonomies it may import."""
    for sibling in spec.parent.iterdir():
        if sibling.is_file() and sibling.suffix in (".aspec", ".yaml", ".yml"):
            shutil.copy(sibling, directory / sibling.name)
    copy = directory / "copy.aspec"
    shutil.copy(spec, copy)
    return copy


def append_garbage(copy: Path) -> int:
    """Append a line no spec can contain; returns its line number."""
    text = copy.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    copy.write_text(text + GARBAGE + "\n", encoding="utf-8")
    return text.count("\n") + 1


def assert_points_at_line(output: str, line: int) -> None:
    assert re.search(rf"^copy\.aspec:{line}:\d+: error\[E00\d\]: ", output, re.M), output
    source_line = f"{line:>4} | {GARBAGE}"
    assert source_line in output, output
    caret_line = output.splitlines()[output.splitlines().index(source_line) + 1]
    assert re.fullmatch(r" {5}\| +\^~*", caret_line), caret_line
    assert "Traceback" not in output


# ---- acceptance: a garbage line appended to a shipped spec --------------------------------

ACCEPTANCE = [TOUR, *SHIPPED]


@pytest.mark.parametrize("spec", ACCEPTANCE, ids=lambda p: p.stem)
def test_garbage_line_is_located(spec: Path, tmp_path: Path) -> None:
    line = append_garbage(copy_beside(spec, tmp_path))
    result = lint("copy.aspec", cwd=tmp_path)
    assert result.exit_code == 2
    assert_points_at_line(result.output, line)
    assert "1 file checked: 1 error" in result.stderr


@pytest.mark.parametrize("spec", ACCEPTANCE, ids=lambda p: p.stem)
def test_garbage_line_subprocess(spec: Path, tmp_path: Path) -> None:
    line = append_garbage(copy_beside(spec, tmp_path))
    done = subprocess.run([str(SPECC), "lint", "copy.aspec"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert_points_at_line(done.stdout + done.stderr, line)


def test_tour_lints_clean() -> None:
    result = lint(TOUR.relative_to(REPO).as_posix())
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


@pytest.mark.skipif(not SHIPPED, reason="no specs/*/*.aspec yet")
def test_shipped_specs_lint_clean() -> None:
    result = lint(*(p.relative_to(REPO).as_posix() for p in SHIPPED))
    assert result.exit_code == 0, result.output
    assert f"{len(SHIPPED)} files checked: 0 errors" in result.output


# ---- located mistakes ---------------------------------------------------------------------


def test_label_typo_is_located_with_a_suggestion(tmp_path: Path) -> None:
    copy = copy_beside(TOUR, tmp_path)
    text = copy.read_text(encoding="utf-8")
    assert 'label in ["PER", "ORG"]' in text
    text = text.replace('label in ["PER", "ORG"]', 'label in ["PERS", "ORG"]')
    copy.write_text(text, encoding="utf-8")
    offset = text.index('"PERS"')
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    result = lint("copy.aspec", cwd=tmp_path)
    assert result.exit_code == 2
    assert f"copy.aspec:{line}:{column}: error[E105]: `PERS` is not a label of taxonomy `Entity`" in result.output
    assert "= hint: did you mean `PER`?" in result.output
    assert f"{line:>4} | " in result.output
    assert "Traceback" not in result.output


def test_every_error_in_several_files_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.aspec").write_text("spec a\ntable t { x integer }\n", encoding="utf-8")
    (tmp_path / "b.aspec").write_text("spec b\ntable t { x int }\nrules for u {\n  error e: x > 0\n}\n",
                                      encoding="utf-8")
    (tmp_path / "ok.aspec").write_text("spec ok\ntable t { x int }\n", encoding="utf-8")
    result = lint("a.aspec", "ok.aspec", "b.aspec", cwd=tmp_path)
    assert result.exit_code == 2
    assert "a.aspec:2:13: error[E103]" in result.output
    assert "b.aspec:3:11: error[E102]" in result.output
    assert result.output.index("a.aspec:2:13") < result.output.index("b.aspec:3:11")
    assert "3 files checked: 2 errors, 0 warnings" in result.output


# ---- streams and exit codes ---------------------------------------------------------------


def test_errors_go_to_stderr(tmp_path: Path) -> None:
    (tmp_path / "s.aspec").write_text("spec s\ntable t { x integer }\n", encoding="utf-8")
    result = lint("s.aspec", cwd=tmp_path)
    assert result.exit_code == 2
    assert "error[E103]" in result.stderr
    assert result.stdout == ""


def test_warnings_go_to_stdout_and_pass(tmp_path: Path) -> None:
    (tmp_path / "s.aspec").write_text("spec s\ntaxonomy T { a }\ntable t { x int }\n", encoding="utf-8")
    result = lint("s.aspec", cwd=tmp_path)
    assert result.exit_code == 0
    assert "warning[W101]" in result.stdout
    assert "1 file checked: 0 errors, 1 warning" in result.stdout
    assert result.stderr == ""


def test_clean_spec_says_so(tmp_path: Path) -> None:
    (tmp_path / "s.aspec").write_text("spec s\ntable t { x int }\n", encoding="utf-8")
    result = lint("s.aspec", cwd=tmp_path)
    assert (result.exit_code, result.output) == (0, "1 file checked: 0 errors, 0 warnings\n")


def test_missing_file(tmp_path: Path) -> None:
    result = lint("nowhere.aspec", cwd=tmp_path)
    assert result.exit_code == 2
    assert "nowhere.aspec:1:1: error[E109]: no such spec file" in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_among_good_ones(tmp_path: Path) -> None:
    (tmp_path / "s.aspec").write_text("spec s\ntable t { x int }\n", encoding="utf-8")
    result = lint("s.aspec", "nowhere.aspec", cwd=tmp_path)
    assert result.exit_code == 2
    assert "nowhere.aspec:1:1: error[E109]: no such spec file" in result.output
    assert "2 files checked: 1 error" in result.output


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = lint(".", cwd=tmp_path)
    assert result.exit_code == 2
    assert "directory" in result.output
    assert "Traceback" not in result.output


def test_no_file_is_a_usage_error() -> None:
    result = lint()
    assert result.exit_code == 2
    assert "Missing argument" in result.output


def test_internal_error_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    # A number too large for a length bound crashes the AST builder today (see
    # test_fuzz.py::test_known_crash); whatever breaks, the script must not show a traceback.
    (tmp_path / "s.aspec").write_text("spec s\ntable t { x string length 1e400..3 }\n", encoding="utf-8")
    done = subprocess.run([str(SPECC), "lint", "s.aspec"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "error" in done.stderr


# ---- JSON -----------------------------------------------------------------------------------


def test_json_lists_codes_and_locations(tmp_path: Path) -> None:
    (tmp_path / "a.aspec").write_text(
        'spec a\ntaxonomy Tone { positive negative }\ntable t { tone Tone  n int }\n'
        'rules for t {\n  error e1: tone = "postive"\n  error e2: n > "3"\n}\n', encoding="utf-8")
    (tmp_path / "b.aspec").write_text("spec b\ntaxonomy Unused { a }\n", encoding="utf-8")
    result = lint("--format", "json", "a.aspec", "b.aspec", cwd=tmp_path)
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["files"] == ["a.aspec", "b.aspec"]
    assert (report["errors"], report["warnings"]) == (2, 1)
    found = [(d["code"], d["file"], d["line"], d["column"]) for d in report["diagnostics"]]
    assert found == [("E105", "a.aspec", 5, 20), ("E201", "a.aspec", 6, 13), ("W101", "b.aspec", 2, 10)]
    first = report["diagnostics"][0]
    assert first["severity"] == "error"
    assert first["hint"] == "did you mean `positive`?"
    assert (first["end_line"], first["end_column"]) == (5, 29)


def test_json_for_a_clean_spec(tmp_path: Path) -> None:
    (tmp_path / "s.aspec").write_text("spec s\ntable t { x int }\n", encoding="utf-8")
    result = lint("--format", "json", "s.aspec", cwd=tmp_path)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"files": ["s.aspec"], "errors": 0, "warnings": 0, "diagnostics": []}


def test_json_for_a_syntax_error(tmp_path: Path) -> None:
    copy = copy_beside(TOUR, tmp_path)
    line = append_garbage(copy)
    result = lint("--format", "json", "copy.aspec", cwd=tmp_path)
    assert result.exit_code == 2
    (diagnostic,) = json.loads(result.stdout)["diagnostics"]
    assert (diagnostic["code"], diagnostic["file"], diagnostic["line"]) == ("E001", "copy.aspec", line)


def test_json_names_a_missing_file(tmp_path: Path) -> None:
    result = lint("--format", "json", "nowhere.aspec", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert report["errors"] == 1
    assert [d["file"] for d in report["diagnostics"]] == ["nowhere.aspec"]
