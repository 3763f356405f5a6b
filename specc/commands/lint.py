"""`specc lint FILE...`: every diagnostic of every spec, located and explained.

`--format text` is for people; `json`, `sarif` (code scanning) and `github` (workflow
annotations) carry the same diagnostics to tools (see `specc.lint_formats`). Exit code 2
if any spec has an error, else 0, whatever the format.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..diagnostics import Diagnostic, error
from ..lint_formats import RENDERERS, summary
from ..render import render_diagnostics
from ..resolve import resolve_file
from ..source import Span


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github"]), default="text",
              show_default=True,
              help="text for people; json for tools; sarif for code scanning; github for workflow annotations")
@click.pass_context
def lint(ctx: click.Context, files: tuple[Path, ...], output_format: str) -> None:
    """Check specs for syntax, name and type mistakes; exit 2 if any has an error."""
    found: list[Diagnostic] = []
    rendered: list[str] = []
    for path in files:
        diagnostics, text = _lint_file(path)
        found.extend(diagnostics)
        rendered.append(text)
    errors = sum(1 for d in found if d.is_error)
    if output_format in RENDERERS:
        click.echo(RENDERERS[output_format](files, found))
    else:
        text = "\n".join(r for r in rendered if r)
        if text:
            click.echo(text, err=errors > 0)
        click.echo(summary(len(files), errors, len(found) - errors), err=errors > 0)
    ctx.exit(2 if errors else 0)


def _lint_file(path: Path) -> tuple[list[Diagnostic], str]:
    """The file's diagnostics, and their text rendering."""
    if not path.is_file():
        missing = error("E109", Span(str(path), 1, 1, 1, 1), "no such spec file" if not path.exists() else "not a file")
        return [missing], missing.render()
    _, diagnostics, sources = resolve_file(path)
    return list(diagnostics), render_diagnostics(diagnostics, sources)
