"""`specc compile --target TARGET SPEC -o DIR`: a spec turned into another tool's files.

The targets come from `specc.backends.BACKENDS`, so a new backend shows up here by itself.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..backends import backend_names, get_backend
from ..backends.sql import SqlBackend
from ..dialects import DIALECTS
from ..diagnostics import SpecError, UsageError
from ..render import render_diagnostics
from ..resolve import load_checked


@click.command("compile")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--target", "-t", required=True, type=click.Choice(backend_names()),
              help="what to generate")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="directory for the generated files (created if missing)")
@click.option("--dialect", type=click.Choice(DIALECTS), default="duckdb", show_default=True,
              help="with --target sql: the engine whose SQL to print (what it cannot express is marked)")
@click.pass_context
def compile(ctx: click.Context, spec: Path, target: str, out_dir: Path | None,  # noqa: A001
            dialect: str) -> None:
    """Compile SPEC to JSON Schemas, SQL, a Label Studio config or a guideline document."""
    if dialect != "duckdb" and target != "sql":
        raise click.UsageError(f"--dialect is for --target sql, not --target {target}")
    backend = SqlBackend(dialect) if target == "sql" else get_backend(target)
    if backend.writes_files and out_dir is None:
        raise click.UsageError(f"--out DIR is required for --target {target}")
    try:
        checked = load_checked(spec)
        if checked.warnings:
            click.echo(render_diagnostics(list(checked.warnings), checked.sources), err=True)
        artifacts = backend.write(checked, out_dir)
    except SpecError as exc:
        click.echo(render_diagnostics(exc.diagnostics, exc.sources), err=True)
        ctx.exit(2)
    except UsageError as exc:
        click.echo(exc.render(), err=True)
        ctx.exit(2)
    except OSError as exc:
        click.echo(f"{exc.filename or out_dir}: error: cannot write: {exc.strerror or exc}", err=True)
        ctx.exit(2)
    for artifact in artifacts:
        click.echo(artifact.path if artifact.path is not None else artifact.content, nl=artifact.path is not None)
