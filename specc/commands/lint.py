"""`specc lint FILE...`: every diagnostic of every spec, located and explained."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..diagnostics import Diagnostic, error
from ..render import render_diagnostics
from ..resolve import resolve_file
from ..source import Span


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for tools")
@click.pass_context
def lint(ctx: click.Context, files: tuple[Path, ...], output_format: str) -> None:
    """Check specs for syntax, name and type mistakes; exit 2 if any has an error."""
    found: list[Diagnostic] = []
    rendered: list[str] = []
    for path in files:
        if not path.is_file():
            missing = error("E109", Span(str(path), 1, 1, 1, 1),
                            "no such spec file" if not path.exists() else "not a file")
            found.append(missing)
            rendered.append(missing.render())
            continue
        _, diagnostics, sources = resolve_file(path)
        found.extend(diagnostics)
        rendered.append(render_diagnostics(diagnostics, sources))
    errors = sum(1 for d in found if d.is_error)
    warnings = len(found) - errors
    if output_format == "json":
        click.echo(json.dumps({
            "files": [str(p) for p in files],
            "errors": errors,
            "warnings": warnings,
            "diagnostics": [d.to_dict() for d in found],
        }, indent=2))
    else:
        text = "\n".join(r for r in rendered if r)
        if text:
            click.echo(text, err=errors > 0)
        summary = f"{len(files)} file{'s' if len(files) != 1 else ''} checked: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
        click.echo(summary, err=errors > 0)
    ctx.exit(2 if errors else 0)
