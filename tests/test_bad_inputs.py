"""The bad-input corpus: every folder of tests/bad_inputs is one hostile or broken delivery.

Each folder holds a `case.yaml` (the `specc check` arguments, the exit code, an excerpt the
output must contain, strings it must never contain, and `setup` steps that make at test time
what should not be committed: big files, symlinks, a named pipe, truncated Parquet), and the
spec and data files. The case runs in a copy of its folder, in process; the only allowed
outcomes are a report or located diagnostics with the expected exit code: never a traceback,
an internal error, an output over 64 KB, or a changed input.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from click.testing import CliRunner

from specc.cli import cli

CORPUS = Path(__file__).parent / "bad_inputs"
REPO = Path(__file__).parent.parent
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.yaml").is_file())
MAX_OUTPUT = 64 * 1024


def _setup(folder: Path, step: dict) -> None:
    if "mkdir" in step:
        (folder / step["mkdir"]).mkdir(parents=True, exist_ok=True)
    elif "symlink" in step:
        os.symlink(step["symlink"], folder / step["at"])
    elif "fifo" in step:
        os.mkfifo(folder / step["fifo"])
    elif "write" in step:
        (folder / step["write"]).parent.mkdir(parents=True, exist_ok=True)
        (folder / step["write"]).write_text(step["text"])
    elif "big_field" in step or "big_header" in step:
        field = "x" * (step["megabytes"] << 20)
        text = (f"id,label,score,{field}\n1,a,0.5,b\n" if "big_header" in step
                else f"id,label,score\n1,{field},0.5\n2,b,0.5\n")
        target = folder / (step.get("big_field") or step["big_header"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    elif "parquet" in step:
        target = folder / step["parquet"]
        target.parent.mkdir(parents=True, exist_ok=True)
        duckdb.connect().execute(f"COPY ({step['sql']}) TO '{target}' (FORMAT parquet)")
        if "truncate" in step:
            data = target.read_bytes()
            target.write_bytes(data[: int(len(data) * step["truncate"])])
    elif "truncate_copy" in step:
        data = Path(step["truncate_copy"].format(repo=REPO)).read_bytes()
        target = folder / step["to"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data[: int(len(data) * step["keep"])])
    else:
        raise AssertionError(f"unknown setup step {step}")


def _fingerprints(folder: Path) -> dict[str, str]:
    found = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.stat().st_size < (64 << 20):
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 60


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name, tmp_path, monkeypatch):
    case = yaml.safe_load((CORPUS / name / "case.yaml").read_text(encoding="utf-8"))
    folder = tmp_path / name
    shutil.copytree(CORPUS / name, folder, symlinks=True)
    for step in case.get("setup", []):
        _setup(folder, step)
    monkeypatch.chdir(folder)
    before = _fingerprints(folder)
    args = [a.format(repo=REPO) for a in case["args"]]
    result = CliRunner().invoke(cli, ["check", *args])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{name}: {type(result.exception).__name__}: {result.exception}\n{output}")
    assert result.exit_code == case["exit"], output
    assert case["message"] in output
    for forbidden in [*case.get("absent", []), "Traceback", "internal error"]:
        assert forbidden not in output, f"{forbidden!r} reached the output"
    assert len(output.encode()) < MAX_OUTPUT, f"{len(output)} characters of output"
    after = _fingerprints(folder)
    assert {k: v for k, v in after.items() if k in before} == before, "an input changed"
