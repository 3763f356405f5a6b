"""`specc fmt`: rewrite specs in the canonical layout, or with `--check` say which would change.

Each file that changes (or would) is named on its own line, and a last line sums up:
`12 files already formatted`, `2 of 12 files would be reformatted`, `2 of 12 files
reformatted`, plus `1 of 12 files could not be formatted` when one could not.

A file is replaced only by a complete new copy (a temporary file in the same directory,
then `os.replace`), so an interrupted run leaves either the old spec or the new one. A file
that cannot be read, parsed or formatted is left untouched and reported on stderr.

Exit codes, as everywhere in specc: 0 nothing to report, 1 `--check` found files that would
be reformatted, 2 some file could not be handled.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import click

from ..diagnostics import UsageError
from ..fmt import FormatError, format_parse_result, parsed_cleanly
from ..parse import parse_text

UNCHANGED, CHANGED, FAILED = "unchanged", "changed", "failed"


@click.command("fmt")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if any file would be reformatted.")
@click.pass_context
def fmt(ctx: click.Context, files: tuple[Path, ...], check: bool) -> None:
    """Rewrite each FILE in the canonical spec layout (comments are kept)."""
    outcomes = [_format_file(path, check) for path in files]
    click.echo(summary(outcomes, check), err=FAILED in outcomes)
    ctx.exit(_exit_code(outcomes, check))


def summary(outcomes: list[str], check: bool) -> str:
    total = len(outcomes)
    files = "file" if total == 1 else "files"
    changed, failed = outcomes.count(CHANGED), outcomes.count(FAILED)
    if not changed and not failed:
        return f"{total} {files} already formatted"
    parts = []
    if changed:
        parts.append(f"{changed} of {total} {files} {'would be reformatted' if check else 'reformatted'}")
    if failed:
        parts.append(f"{failed} of {total} {files} could not be formatted")
    return "; ".join(parts)


def _exit_code(outcomes: list[str], check: bool) -> int:
    if FAILED in outcomes:
        return 2
    return 1 if check and CHANGED in outcomes else 0


def _format_file(path: Path, check: bool) -> str:
    try:
        return _format_readable_file(path, check)
    except UsageError as problem:
        click.echo(problem.render(), err=True)
        return FAILED


def _format_readable_file(path: Path, check: bool) -> str:
    original = _read(path)
    formatted = _formatted(path, original)
    if formatted is None:
        return FAILED
    if formatted.encode("utf-8") == original:
        return UNCHANGED
    if check:
        click.echo(f"would reformat {path}")
    else:
        _replace_contents(path, formatted.encode("utf-8"))
        click.echo(f"reformatted {path}")
    return CHANGED


def _read(path: Path) -> bytes:
    if not path.exists():
        raise UsageError("no such file", str(path))
    if not path.is_file():
        raise UsageError("not a file", str(path))
    try:
        return path.read_bytes()
    except OSError as problem:
        raise UsageError(f"cannot read the file: {problem.strerror}", str(path)) from None


def _formatted(path: Path, original: bytes) -> str | None:
    """The new text, or None after printing why there is none."""
    try:
        # Strict decoding: a spec rewritten from replacement characters would lose bytes.
        text = original.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise UsageError(f"not UTF-8 text (byte {problem.start})", str(path)) from None
    result = parse_text(text, str(path))
    if not parsed_cleanly(result):
        for diagnostic in result.diagnostics:
            click.echo(diagnostic.render(result.source), err=True)
        return None
    try:
        return format_parse_result(result)
    except FormatError as problem:
        raise UsageError(str(problem), str(path)) from None


def _replace_contents(path: Path, data: bytes) -> None:
    target = path.resolve()  # through a symlink, so that the link stays a link
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        shutil.copymode(target, temporary)  # mkstemp creates the file private to its owner
        os.replace(temporary, target)
    except OSError as problem:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise UsageError(f"cannot write the file: {problem.strerror}", str(path)) from None
