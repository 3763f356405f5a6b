"""`specc check --engine/--connect`: what each combination asks for, refused with a located
message (exit 2) before anything runs. The engines themselves are tested in tests/engines."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from specc.cli import cli

EXAMPLE = Path(__file__).resolve().parents[1] / "specs" / "news_ner"


@pytest.mark.parametrize("arguments, message", [
    (["--engine", "postgres"], "`--engine postgres` needs `--connect postgresql://USER@HOST:PORT/DATABASE`"),
    (["--connect", "postgresql://x@localhost/db"], "`--connect` is for `--engine postgres` or `--engine spark`"),
    (["--engine", "postgres", "--connect", "postgresql://nobody@127.0.0.1:1/none"], "cannot connect to PostgreSQL:"),
    (["--engine", "postgres", "--connect", "postgresql://x@h/db", "--quarantine", "out/q"],
     "`--quarantine` on `--engine postgres` writes tables beside bound tables, and `documents`, `spans` came "
     "from files"),
])
def test_an_engine_that_cannot_start_is_a_usage_error(arguments, message):
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE / "news_ner.aspec"), "--data", str(EXAMPLE / "clean"),
                                      *arguments])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
