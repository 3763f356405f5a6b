"""`specc init --task KIND` writes a starter that lints clean, is in canonical layout, and
never overwrites a file."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from specc.cli import cli
from specc.resolve import resolve_file
from specc.starters import KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_starter_lints_clean_and_is_formatted(kind, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["init", "--task", kind])
    assert result.exit_code == 0, result.output
    path = tmp_path / f"my_{kind}.aspec"
    checked, diagnostics, _ = resolve_file(path)
    assert checked is not None and diagnostics == []
    assert [t.kind.text for t in checked.tasks.values()] == [kind]
    assert runner.invoke(cli, ["fmt", "--check", str(path)]).exit_code == 0


def test_init_never_overwrites_and_checks_the_name(tmp_path):
    target = tmp_path / "mine.aspec"
    target.write_text("keep me")
    runner = CliRunner()
    result = runner.invoke(cli, ["init", "--task", "rating", str(target)])
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert target.read_text() == "keep me"
    result = runner.invoke(cli, ["init", "--task", "rating", "--name", "bad-name", str(tmp_path / "x.aspec")])
    assert result.exit_code == 2 and "is not a spec name" in result.stderr
    result = runner.invoke(cli, ["init", "--task", "poetry"])
    assert result.exit_code == 2
