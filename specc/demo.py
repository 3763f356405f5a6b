"""`make demo`: a real audit of a shipped sample delivery, start to finish.

Lints every shipped spec, compiles the NER spec to JSON Schema, then runs `specc check` on
the NER example's dirty delivery (hand-seeded faults) with a quarantine folder, shows the
report, and explains the exit code. The demo itself exits 0 when everything behaved as
expected: the dirty delivery *should* fail the gate.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "out" / "demo"


def _specc(*arguments: str) -> int:
    command = [sys.executable, "-m", "specc.cli", *arguments]
    print(f"\n$ specc {' '.join(arguments)}", flush=True)
    return subprocess.run(command, cwd=ROOT).returncode


def main() -> int:
    specs = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "specs").glob("*/*.aspec"))
    example = "specs/news_ner"
    steps = [
        (("lint", *specs), 0, "every shipped spec is free of errors"),
        (("compile", "--target", "jsonschema", f"{example}/news_ner.aspec", "-o", str(OUT / "schemas")), 0,
         "one JSON Schema per table"),
        (("check", f"{example}/news_ner.aspec", "--data", f"{example}/clean"), 0,
         "the clean delivery passes the gate (exit 0)"),
        (("check", f"{example}/news_ner.aspec", "--data", f"{example}/dirty", "--quarantine", str(OUT / "quarantine"),
          "--samples", "3"), 1,
         "the dirty delivery fails the gate (exit 1); its failing rows are in out/demo/quarantine"),
    ]
    for arguments, expected, meaning in steps:
        code = _specc(*arguments)
        verdict = "as expected" if code == expected else f"UNEXPECTED (wanted {expected})"
        print(f"--> exit {code}: {meaning} — {verdict}", flush=True)
        if code != expected:
            return 1
    print("\nDemo finished: see README.md, 'Reading a report', for what each line means.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
