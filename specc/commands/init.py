"""`specc init --task KIND`: write a starter spec that lints clean, to edit from there."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..diagnostics import UsageError
from ..fmt import format_source
from ..files import write_atomically
from ..starters import KINDS, starter_spec


@click.command()
@click.option("--task", "kind", type=click.Choice(KINDS), required=True, help="The kind of annotation task.")
@click.option("--name", default=None, help="The spec's name (letters, digits, underscores); default from FILE.")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def init(kind: str, name: str | None, file: Path | None) -> None:
    """Write a starter spec for a task KIND to FILE (default NAME.aspec); never overwrites."""
    name = name or (file.stem if file else f"my_{kind}")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise UsageError(f"`{name}` is not a spec name: use letters, digits and underscores")
    target = file or Path(f"{name}.aspec")
    if target.exists():
        raise UsageError("already exists; specc init never overwrites a file", where=str(target))
    text = format_source(starter_spec(kind, name), str(target))
    write_atomically(target, text)
    click.echo(f"wrote {target}: a {kind} spec; next: edit it, then `specc lint {target}`")
