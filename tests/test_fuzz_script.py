"""`make fuzz` keeps working: a short run of bench/fuzz.py finds nothing and counts what it did."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_a_short_fuzz_run_is_clean():
    done = subprocess.run([sys.executable, str(REPO / "bench" / "fuzz.py"), "--specs", "150", "--deliveries", "8"],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    specs = re.search(r"specs: 150 mutants: .*linted 150; findings 0", done.stdout)
    deliveries = re.search(r"deliveries: 8 mutants: (.*); findings 0", done.stdout)
    assert specs and deliveries, done.stdout
    exits = dict(re.findall(r"exit (\d) (\d+)", deliveries.group(1)))
    assert sum(map(int, exits.values())) == 8 and set(exits) <= {"0", "1", "2"}
