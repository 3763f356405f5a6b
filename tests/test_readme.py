"""Every `specc …` command of the README's shell blocks runs as written, from the root of a
fresh copy of the shipped examples, and exits as the README says: `# … exit 1` where it says
so, else 0. What they write lands in that copy, never in the repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    """The `specc` command lines of the README's ```sh blocks, continuation lines joined."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        commands += [line.strip() for line in joined.splitlines() if line.strip().startswith("specc ")]
    return commands


def stated_exit(command: str) -> int:
    found = re.search(r"#.*\bexit (\d)\b", command)
    return int(found.group(1)) if found else 0


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> tuple[Path, dict[str, subprocess.CompletedProcess]]:
    """Every command run once, in order, in a fresh copy of `specs/`: (the copy, results).
    `specc` on the PATH runs this checkout's code, whatever else is installed."""
    work = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "specs", work / "specs")
    shim = tmp_path_factory.mktemp("bin") / "specc"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m specc.cli "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment["PATH"] = f"{shim.parent}{os.pathsep}{environment.get('PATH', '')}"
    environment["PYTHONPATH"] = str(ROOT)
    results = {command: subprocess.run(["bash", "-c", command], cwd=work, capture_output=True, text=True,
                                       env=environment, timeout=300)
               for command in readme_commands()}
    return work, results


def test_the_readme_has_its_commands():
    commands = readme_commands()
    assert len(commands) == 14
    assert [stated_exit(c) for c in commands].count(1) == 3
    assert {c.split()[1] for c in commands} == {"init", "lint", "fmt", "compile", "check", "agree", "consensus"}


@pytest.mark.parametrize("command", readme_commands(), ids=lambda c: " ".join(c.split()[:3])[:40])
def test_command_runs_as_written(command, ran):
    done = ran[1][command]
    assert done.returncode == stated_exit(command), done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_what_the_commands_wrote(ran):
    """The files the README promises."""
    work = ran[0]
    out = work / "out"
    assert "\nspec my_project \"My Project\"\n" in (work / "my_project.aspec").read_text(encoding="utf-8")
    assert sorted(p.name for p in (out / "quarantine").iterdir() if p.name != ".specc.lock") == [
        "documents.clean.parquet", "documents.violating.parquet", "spans.clean.parquet", "spans.violating.parquet"]
    assert 'failures="16"' in (out / "junit.xml").read_text(encoding="utf-8")
    assert (out / "summary.md").stat().st_size > 0 and (out / "audit.html").stat().st_size > 0
    assert any(p.suffix == ".json" for p in (out / "schemas").iterdir())
    assert (work / "labels.parquet").stat().st_size > 0
