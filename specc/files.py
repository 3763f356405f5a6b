"""Writing output files (reports, schemas, a starter spec) so that a reader never sees half
of one, and finding out before a long run whether they can be written at all.

A text goes to a temporary file in the target's directory (same file system, so the rename
is atomic), is flushed to disk, then renamed over the target with `os.replace`. On any error
the temporary file is removed and the target is left as it was. Several files written
together are all staged first and renamed only once every one is on disk, so a failure
(a full disk, a folder that vanished) leaves none of them half-written or replaced.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def write_atomically(path: str | os.PathLike, text: str) -> Path:
    """Write `text` as UTF-8 to `path`, creating missing parent folders; returns the path."""
    return write_all_atomically([(path, text)])[0]


def write_all_atomically(items: list[tuple[str | os.PathLike, str]]) -> list[Path]:
    """Write each (path, text), creating missing parent folders: every text is staged in a
    temporary file beside its target, then all are renamed into place. If staging any of
    them fails, every temporary file is removed and no target changes."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in items:
            target = Path(path)
            staged.append((_stage(target, text), target))
        for temporary, target in staged:
            os.replace(temporary, target)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    return [target for _, target in staged]


def _stage(target: Path, text: str) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary_name(target)
    # os.open with 0o666 lets the umask decide the mode, as a plain open() would.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def unwritable_reason(path: str | os.PathLike) -> str | None:
    """Why `write_atomically(path, …)` would fail, or None when it would succeed.

    Tried for real rather than guessed from permission bits (which say nothing about a
    read-only mount, /proc, or root): a temporary file is created and removed in the
    target's folder, and folders that do not exist yet are created for the try and removed
    again, so nothing is left behind.
    """
    target = Path(path)
    if target.is_dir():
        return "it is a folder"
    missing = _missing_folders(target.parent)
    existing = missing[-1].parent if missing else target.parent
    if not existing.is_dir():
        return f"{existing} is not a folder"
    created: list[Path] = []
    try:
        for folder in reversed(missing):
            try:
                folder.mkdir()
            except OSError as exc:
                return f"cannot create the folder {folder}: {exc.strerror or exc}"
            created.append(folder)
        probe = _temporary_name(target)
        try:
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except OSError as exc:
            return f"cannot create a file in the folder {target.parent}: {exc.strerror or exc}"
        probe.unlink()
    finally:
        for folder in reversed(created):
            folder.rmdir()
    return None


def _missing_folders(folder: Path) -> list[Path]:
    """`folder` and its ancestors that do not exist yet, nearest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing
