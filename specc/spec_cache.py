"""Resolved specs kept between runs: a CI gate checks every batch against the same spec, and
parsing and resolving it (with importing Lark to do so) is most of a check's start-up.

An entry is named by a digest of specc's own code (its modules, its grammar, the Python that
runs it), the spec's path as given and as it resolves, and the spec's text. It holds the
`CheckedSpec`, whose `read_from` lists every file the spec was read from — itself, imported
specs, YAML taxonomies — with the digest of the bytes read; each must still match when the
entry is used. Anything unexpected — no entry, a damaged one, a changed import, a cache
folder someone else could write (`specc.user_cache`) — means the spec is resolved again: the
cache changes how fast a verdict comes, never the verdict. Only specs that resolve cleanly
are kept (with their warnings); a spec with errors is resolved, and reported, on every run.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from .source import SourceFile
from .user_cache import private_folder

# The entries kept: a store beyond this removes the oldest down to KEEP_AFTER_PRUNING.
MAX_ENTRIES = 200
KEEP_AFTER_PRUNING = 150
_FORMAT = 1  # bumped when an entry's layout changes


def lookup(path: str | Path):
    """The cached `CheckedSpec` of the spec at `path`, or None (never raises)."""
    try:
        folder = private_folder("specs")
        if folder is None:
            return None
        text = SourceFile.read(path).text
        entry = os.path.join(folder, _entry_name(path, text))
        with open(entry, "rb") as handle:
            version, checked = pickle.load(handle)
        if version != _FORMAT or not _unchanged(checked.read_from):
            return None
        return checked
    except Exception:  # a missing or damaged entry, an unreadable file: resolve the spec again
        return None


def store(path: str | Path, checked) -> None:
    """Keep `checked`, the resolution of the spec at `path`, for the next run (never raises:
    a full disk or a read-only cache costs speed, never the run)."""
    folder = private_folder("specs")
    source = checked.sources.get(str(path))
    if folder is None or source is None:
        return
    written = None
    try:
        data = pickle.dumps((_FORMAT, checked), protocol=pickle.HIGHEST_PROTOCOL)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".entry-", delete=False) as handle:
            written = handle.name
            handle.write(data)
        os.replace(written, os.path.join(folder, _entry_name(path, source.text)))
        written = None
        _prune(folder)
    except Exception:
        if written is not None:
            try:
                os.unlink(written)
            except OSError:
                pass


def _unchanged(read_from) -> bool:
    from .resolve import bytes_digest

    return all(bytes_digest(Path(real_path).read_bytes()) == digest for real_path, digest in read_from)


def _entry_name(path: str | Path, text: str) -> str:
    digest = hashlib.sha256()
    for part in (_code_fingerprint(), str(path), str(Path(path).resolve()), text):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest() + ".pickle"


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """A digest of the code that resolves a spec: another specc, or a changed one, never
    reads an entry written by this one."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(sys.version.encode("utf-8"))
    files = sorted(package.rglob("*.py")) + sorted((package.parent / "grammars").glob("*.lark"))
    for file in files:
        digest.update(str(file.relative_to(package.parent)).encode("utf-8") + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _prune(folder: str) -> None:
    entries = [e for e in os.scandir(folder) if e.name.endswith(".pickle")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime)
    for entry in entries[: len(entries) - KEEP_AFTER_PRUNING]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass
