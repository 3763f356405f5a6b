"""What every compile target shares: the `Backend` base class and a safe, repeatable writer.

A backend only turns a `CheckedSpec` into text (`render`); writing is done here once, so
every target gets the same guarantees: files appear atomically (a temporary file in the
same directory, then `os.replace`), the same spec always gives the same bytes, and a
backend can never write outside the output directory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import ClassVar

from ..files import write_atomically
from ..resolve import CheckedSpec


@dataclass(frozen=True)
class Artifact:
    """One generated file: its name relative to the output directory, where it went, its text."""

    name: str
    content: str
    path: Path | None = None  # None when rendered but not written


class Backend:
    """A compile target. Subclasses set `name` and `description` and implement `render`."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    writes_files: ClassVar[bool] = True  # False for a target that prints to stdout

    def render(self, checked: CheckedSpec) -> dict[str, str]:
        """File name (relative, `/`-separated) -> content, for every file of this target."""
        raise NotImplementedError

    def write(self, checked: CheckedSpec, out_dir: Path | None) -> list[Artifact]:
        """Render, then write each file under `out_dir` (created if missing), sorted by name."""
        rendered = self.render(checked)
        artifacts = []
        for name in sorted(rendered):
            path = None
            if out_dir is not None:
                path = _inside(Path(out_dir), name)
                write_atomic(path, rendered[name])
            artifacts.append(Artifact(name, rendered[name], path))
        return artifacts


def canonical_json(data) -> str:
    """JSON text that depends only on `data`: two-space indent, UTF-8, trailing newline.

    Keys keep the order the backend built them in; backends build dicts in a fixed order
    (and sort where order carries no meaning), so the output is stable without
    `sort_keys`, which would scramble column order.
    """
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_atomic(path: Path, content: str) -> None:
    """Readers see the old file or the new one, never half of it."""
    write_atomically(path, content)


def _inside(out_dir: Path, name: str) -> Path:
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"a backend produced the file name {name!r}, which leaves the output directory")
    return out_dir.joinpath(*relative.parts)
