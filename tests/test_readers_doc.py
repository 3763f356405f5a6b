"""docs/readers.md is generated from the readers' docstrings and must not drift from them."""

import os
from pathlib import Path

from specc.readers import READERS, reference_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "readers.md"


def test_readers_doc_is_current():
    if os.environ.get("SPECC_UPDATE_GOLDEN"):
        DOC.write_text(reference_markdown(), encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == reference_markdown()


def test_every_registered_reader_is_documented():
    text = DOC.read_text(encoding="utf-8")
    assert all(f"## `{name}`" in text for name in READERS)
