"""Helpers for engine tests: write a spec and its delivery into a temporary folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from specc.inputs import parse_data_arguments
from specc.resolve import load_checked
from specc.runner import RunOptions, run


@pytest.fixture
def project(tmp_path):
    """`project(spec_text, files={name: text})` -> (spec_path, data_dir)."""

    def make(spec_text: str, files: dict[str, str | bytes]) -> tuple[Path, Path]:
        spec_path = tmp_path / "spec.aspec"
        spec_path.write_text(textwrap.dedent(spec_text), encoding="utf-8")
        data = tmp_path / "data"
        data.mkdir(exist_ok=True)
        for name, content in files.items():
            target = data / name
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return spec_path, data

    return make


def run_spec(spec_path: Path, data: Path, **options):
    spec = load_checked(spec_path)
    bindings = parse_data_arguments((str(data),), spec)
    return run(spec, bindings, RunOptions(**options))


def violations(result) -> dict[str, int]:
    return {c.id: c.violations for c in result.checks if c.kind != "metric"}
