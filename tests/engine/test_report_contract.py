"""Two `specc check` runs over the same inputs give byte-identical JSON once timings are
removed, and every format renders a real run through the CLI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from specc.cli import cli

ROOT = Path(__file__).resolve().parents[2]
NER = ROOT / "specs" / "news_ner"


def _run(*extra):
    return CliRunner().invoke(cli, ["check", str(NER / "news_ner.aspec"), "--data", str(NER / "dirty"), *extra])


def test_json_is_byte_identical_without_timings(tmp_path):
    outputs = []
    for index in range(2):
        out = tmp_path / f"report{index}.json"
        assert _run("--format", "json", "--out", str(out)).exit_code == 1
        report = json.loads(out.read_text())
        report.pop("timings")
        outputs.append(json.dumps(report, sort_keys=False))
    assert outputs[0] == outputs[1]
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(json.loads((tmp_path / "report0.json").read_text()))


def test_json_report_content():
    report = json.loads(_run("--format", "json", "--samples", "1").stdout)
    assert report["spec"]["name"] == "news_ner" and report["spec"]["version"] == "1.2.0"
    assert report["spec"]["sha256"].startswith("sha256:")
    assert {i["table"]: i["rows"] for i in report["inputs"]} == {"documents": 7, "spans": 47}
    order = next(c for c in report["checks"] if c["id"] == "order")
    assert (order["status"], order["violations"], order["checked"], order["severity"]) == ("failed", 2, 47, "error")
    assert order["samples"] == [{"row": 7, "end": 37, "start": 37}]
    assert order["source"]["line"] == 76 and order["sql"].startswith("-- one scan of spans")
    assert report["scores"]["compliance"]["tables"]["documents"]["score"] == 1.0
    annotators = next(b for b in report["breakdowns"] if b["role"] == "annotator")
    assert [g["value"] for g in annotators["groups"]] == ["Ben", "ana", "ben", "chen"]


def test_junit_markdown_github_render_a_real_run():
    junit = _run("--format", "junit").stdout
    root = ElementTree.fromstring(junit)
    cases = root.findall(".//testcase")
    failures = root.findall(".//testcase/failure")
    report = json.loads(_run("--format", "json").stdout)
    assert len(cases) == len(report["checks"])
    assert len(failures) == sum(c["status"] == "failed" for c in report["checks"])
    markdown = _run("--format", "markdown").stdout
    assert "order" in markdown and len(markdown.splitlines()) <= 60
    github = _run("--format", "github").stdout.splitlines()
    assert any(line.startswith("::error file=") and "title=specc order" in line for line in github)
    assert any(line.startswith("::warning") and "balance" in line for line in github)


@pytest.mark.parametrize("fail_on, code", [("error", 0), ("warn", 1)])
def test_fail_on_warn(fail_on, code, project):
    spec_path, data = project("""
        spec w
        table t { x int }
        rules for t { warn small "x should be small": x < 10 }
        """, {"t.csv": "x\n1\n50\n"})
    result = CliRunner().invoke(cli, ["check", str(spec_path), "--data", str(data), "--fail-on", fail_on])
    assert result.exit_code == code
