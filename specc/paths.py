"""Where a run may read and write: the symlink policy and the locks on output folders.

**Symlinks.** A delivery is read from the folder the user names (`--data DIR`, the folder of
`--data TABLE=PATH`, the fixed part of a glob). A data file whose real path (every symlink on
the way resolved) lies outside that folder's real path is refused before anything is read,
with exit 2, so a vendor's `labels.csv -> /proc/self/environ` or `-> ~/.ssh/id_rsa` can
neither be loaded nor quoted back in a parse error. `--follow-symlinks` allows it, for
deliveries the user assembled with links on purpose. Symlinks that stay inside the folder are
always fine.

**Locks.** Two runs writing the same quarantine folder would mix two deliveries' rows; each
run therefore holds an advisory `fcntl` lock on `QUARANTINE/.specc.lock` from before it
starts until its last file is renamed into place, and a second run fails at once with exit 2
and the first run's pid (a CI job should not block silently). Reports (`--out`, `--report`)
are single files renamed into place whole, so two runs writing the same one leave one
complete report; the same kind of lock, kept in specc's scratch root and keyed by the
report's real path, keeps two runs' sets of reports from mixing.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob as globbing
import hashlib
import os
from pathlib import Path

from .diagnostics import UsageError
from .report.escape import terminal

LOCK_NAME = ".specc.lock"


def delivery_root(target: str) -> Path:
    """The folder a `--data` target names its files from."""
    path = Path(target)
    if globbing.has_magic(target):
        fixed = []
        for part in path.parts:
            if globbing.has_magic(part):
                break
            fixed.append(part)
        return Path(*fixed) if fixed else Path(".")
    return path if path.is_dir() else path.parent


def refuse_escaping_symlinks(bindings) -> None:
    """Refuse every bound file that a symlink leads outside its delivery folder."""
    for binding in bindings.values():
        if binding.root is None:
            continue
        root = os.path.realpath(binding.root)
        for name in binding.files:
            real = os.path.realpath(name)
            if os.path.commonpath([root, real]) != root:
                raise UsageError(f"this file of table `{binding.table}` is a symlink leading outside the delivery "
                                 f"folder {terminal(str(binding.root))}; specc does not follow such links (one "
                                 "could expose any file of this machine): copy the file into the delivery, or "
                                 "pass `--follow-symlinks` if you made the link yourself", where=terminal(name))


class OutputLocks:
    """`with OutputLocks(quarantine, report_paths):` exclusive advisory locks, or a UsageError."""

    def __init__(self, quarantine: Path | None, reports: list[Path]):
        from .scratch import lock_folder

        self.wanted: list[tuple[Path, str]] = []
        if quarantine is not None:
            self.wanted.append((quarantine / LOCK_NAME, f"the quarantine folder {quarantine}"))
        for report in reports:
            key = hashlib.sha256(str(report.resolve()).encode()).hexdigest()[:24]
            self.wanted.append((lock_folder() / f"{key}.lock", f"the report {report}"))
        self.held: list[int] = []

    def __enter__(self) -> "OutputLocks":
        try:
            for path, what in self.wanted:
                path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
                except OSError as exc:
                    raise UsageError(f"cannot lock {terminal(what)}: {exc.strerror or exc}",
                                     where=terminal(str(path))) from None
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    holder = os.read(descriptor, 32).decode("ascii", "replace").strip() or "unknown"
                    os.close(descriptor)
                    raise UsageError(f"another specc run (pid {terminal(holder)}) is writing {terminal(what)}; "
                                     "wait for it to end, or write elsewhere") from None
                os.ftruncate(descriptor, 0)
                os.write(descriptor, f"{os.getpid()}\n".encode())
                self.held.append(descriptor)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for descriptor in self.held:
            with contextlib.suppress(OSError):
                os.close(descriptor)  # closing releases the lock
        self.held = []
