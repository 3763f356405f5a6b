"""specc's own scratch folder: where DuckDB spills what does not fit in `--memory-limit`.

Each run gets a fresh folder `run-PID-TOKEN` under one root per user
(`<system temp>/specc-scratch-UID`, mode 0700, refused if it is a symlink or another user's),
with a `pid` file holding the run's process id and that process's start time. The folder is
removed when the run ends, whatever the ending (`with Scratch() as folder:`). A run killed
with SIGKILL cannot clean up, so every run first removes the folders of runs that are over:
a folder is taken as stale only if its `pid` file names a process that no longer exists (or
a different process that reuses the id: the start times differ). Folders without a readable
`pid` file, or not owned by this user, are never touched.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import tempfile
from pathlib import Path

from .diagnostics import UsageError

PID_FILE = "pid"
PREFIX = "run-"


def scratch_root() -> Path:
    return Path(tempfile.gettempdir()) / f"specc-scratch-{os.getuid()}"


def lock_folder() -> Path:
    """Where report locks live (specc.paths): beside the scratch folders, private to this user."""
    return _own_root() / "locks"


def process_started(pid: int) -> str | None:
    """The start time of process `pid` in clock ticks since boot (Linux), '' if unknown, None if gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # it exists, run by someone else
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            # field 22 (starttime); the command name (field 2) may hold spaces: split after its ')'
            return handle.read().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return ""


def _own_root() -> Path:
    root = scratch_root()
    try:
        root.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = root.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise UsageError(f"specc's scratch folder {root} is not a folder of this user; "
                         "remove it, or set TMPDIR elsewhere")
    return root


def _is_stale(folder: Path) -> bool:
    try:
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            return False
        pid_text, _, started = (folder / PID_FILE).read_text(encoding="ascii").strip().partition(" ")
        pid = int(pid_text)
    except (OSError, ValueError):
        return False
    now = process_started(pid)
    return now is None or (bool(now) and bool(started) and now != started)


def remove_stale(root: Path | None = None) -> list[Path]:
    """Remove the scratch folders of runs that are over; returns those removed."""
    root = root or scratch_root()
    removed = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for folder in entries:
        if folder.name.startswith(PREFIX) and _is_stale(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


class Scratch:
    """`with Scratch() as folder:` a private, empty folder removed on exit."""

    def __init__(self) -> None:
        self.path: Path | None = None

    def __enter__(self) -> Path:
        root = _own_root()
        remove_stale(root)
        folder = root / f"{PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        folder.mkdir(mode=0o700)
        (folder / PID_FILE).write_text(f"{os.getpid()} {process_started(os.getpid()) or ''}\n", encoding="ascii")
        self.path = folder
        return folder

    def __exit__(self, *exc) -> None:
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            self.path = None
