"""docs/api.md runs as written: each Python block, in order, in one namespace, prints exactly
the text block under it. Then the figures it computed are held against the hand counts of
specs/news_ner/expected.json, and the API's JSON against the CLI's `--format json`."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import specc
from specc.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "api.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def examples() -> list[tuple[str, str | None]]:
    """(code, the output shown under it or None) for each Python block of docs/api.md."""
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    found = []
    for index, (language, body) in enumerate(blocks):
        if language == "python":
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            found.append((body, following[1] if following and following[0] == "text" else None))
    return found


@pytest.fixture(scope="module")
def namespace(tmp_path_factory):
    """Every example run in a copy of the shipped specs, so the reports it writes stay there."""
    work = tmp_path_factory.mktemp("api_doc")
    shutil.copytree(ROOT / "specs", work / "specs")
    with contextlib.chdir(work):
        values: dict = {"__name__": "api_doc"}
        for code, shown in examples():
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(code, str(DOC), "exec"), values)
            if shown is not None:
                assert printed.getvalue() == shown, code
        values["__work__"] = work
        yield values


def test_the_doc_has_examples_with_output():
    found = examples()
    assert len(found) == 10
    assert all(shown for _, shown in found)


def test_figures_match_the_hand_counts(namespace):
    expected = json.loads((ROOT / "specs" / "news_ner" / "expected.json").read_text())
    result = namespace["result"]
    found = {c.id: c.violations for c in result.checks if c.violations}
    found.pop("span_agreement", None)  # the metric: no violations, a value
    assert found == expected["dirty"]["violations"]
    assert specc.exit_code(result) == expected["dirty_exit"]
    assert specc.exit_code(namespace["clean"]) == 0


def test_orchestrator_task_wrote_its_reports(namespace):
    reports = namespace["__work__"] / "out" / "api"
    junit = (reports / "junit.xml").read_text(encoding="utf-8")
    assert 'failures="16"' in junit
    assert "<!DOCTYPE html>" in (reports / "audit.html").read_text(encoding="utf-8")[:200]


def test_json_is_the_clis(namespace):
    runner = CliRunner()
    done = runner.invoke(cli, ["check", "specs/news_ner/news_ner.aspec", "--data", "specs/news_ner/dirty",
                               "--format", "json", "--samples", "2"])
    assert done.exit_code == 1
    from_cli = json.loads(done.stdout)
    from_api = json.loads(specc.to_json(namespace["result"]))
    from_cli.pop("timings"), from_api.pop("timings")
    assert from_api == from_cli


def test_missing_spec_file_and_unknown_format():
    with pytest.raises(specc.UsageError, match="no such spec file"):
        specc.load_spec("specs/nope.aspec")
    result = specc.check(ROOT / "specs/news_ner/news_ner.aspec", ROOT / "specs/news_ner/clean", samples=0)
    with pytest.raises(specc.UsageError, match="unknown report format 'pdf'; formats: text, json"):
        specc.render_report(result, "pdf")
    with pytest.raises(specc.UsageError, match="fail_on must be 'error' or 'warn', not 'never'"):
        specc.check(ROOT / "specs/news_ner/news_ner.aspec", fail_on="never")


def test_check_takes_the_read_settings_details_and_profile_of_the_cli(tmp_path):
    import specc

    spec = tmp_path / "s.aspec"
    spec.write_text('spec s\ntable answers {\n  id int key\n  label string required\n}\n', encoding="utf-8")
    (tmp_path / "answers.csv").write_text("id;label\n1;NA\n2;pos\n", encoding="utf-8")
    result = specc.check(spec, {"answers": tmp_path / "answers.csv"},
                         read={"delimiter": ";", "answers.null": "NA"}, profile=True)
    assert {c.id: c.violations for c in result.checks}["answers.label.required"] == 1
    assert set(result.timings["phases"]) == {"load", "checks", "metrics", "compliance"}
    with pytest.raises(specc.UsageError, match="unknown read setting `delimter`"):
        specc.check(spec, {"answers": tmp_path / "answers.csv"}, read={"delimter": ";"})
