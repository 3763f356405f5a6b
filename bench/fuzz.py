"""`make fuzz`: specc against generated and mutated input, far past what the test suite runs.

1. Specs: `--specs N` (default 100,000) seeded mutants of every shipped spec, the tour, the
   error files and their YAML taxonomies (the mutations of tests/test_fuzz.py), each put
   through lint (`resolve_file`), fmt (`format_source`, which must be idempotent on what it
   formats) and, when it lints clean, every compile target (`render`), in process.
2. Deliveries: `--deliveries N` (default 1,000) mutants of the shipped examples' deliveries
   (a cell value, a header name, a line dropped, doubled, cut or joined, hostile bytes)
   through `specc check` in process, with `--timeout`.

The only allowed outcomes: a result or diagnostics (specs); exit 0, 1 or 2 with a report or a
located message and no traceback (deliveries); and every input done within `--bound`
seconds. Prints the counts; exits 1 on any finding, with the seed that reproduces it.
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from click.testing import CliRunner  # noqa: E402
from test_fuzz import ODD_CHARACTERS, SEED, build_corpus, mutate  # noqa: E402

from specc.backends import backend_names, get_backend  # noqa: E402
from specc.cli import cli  # noqa: E402
from specc.fmt import format_source  # noqa: E402

HOSTILE = ["\n::error file=README.md,line=1::PASSED", "\x1b[31m", "<script>x</script>", "\x00", "\"", ",",
           "\r", "\ufeff", "💥", "9" * 40, "-1", "", "NaN", "null", "`", "|"]


class Hang(Exception):
    pass


def _on_alarm(signum, frame):
    raise Hang()


def _bounded(seconds: float, work):
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return work()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


# ---- specs ------------------------------------------------------------------------------------


def fuzz_specs(count: int, bound: float, scratch: Path) -> tuple[Counter, list[str]]:
    targets = build_corpus(scratch)
    backends = [get_backend(name) for name in backend_names()]
    counts: Counter = Counter()
    findings: list[str] = []
    for index in range(count):
        rng = random.Random(SEED * 100_003 + index)
        target = targets[index % len(targets)]
        data = mutate(target.original, rng, raw_bytes=target.target.endswith(".aspec"))

        def one() -> None:
            checked, diagnostics, _ = _resolve(target, data)
            counts["linted"] += 1
            counts["lint clean" if checked is not None else "lint diagnostics"] += 1
            if target.target == target.root:
                text = data.decode("utf-8", errors="replace")
                formatted = format_source(text, "mutant.aspec")
                if formatted is not None:
                    counts["formatted"] += 1
                    if format_source(formatted, "mutant.aspec") != formatted:
                        raise AssertionError("fmt is not idempotent on this mutant")
            if checked is not None:
                for backend in backends:
                    backend.render(checked)
                counts["compiled"] += 1

        try:
            _bounded(bound, one)
        except Hang:
            findings.append(f"spec mutant {index} of {target.label}: over {bound}s")
        except Exception as exc:  # noqa: BLE001 — any exception is the finding
            findings.append(f"spec mutant {index} of {target.label}: {type(exc).__name__}: {exc}")
    return counts, findings


def _resolve(target, data):
    from specc.resolve import resolve_file

    target.directory.joinpath(target.target).write_bytes(data)
    try:
        checked, diagnostics, sources = resolve_file(target.directory / target.root)
    finally:
        if target.target != target.root:
            target.directory.joinpath(target.target).write_text(target.original, encoding="utf-8")
    return checked, diagnostics, sources


# ---- deliveries -------------------------------------------------------------------------------


def delivery_examples() -> list[tuple[Path, Path, list[Path]]]:
    """(spec, dirty delivery folder, its text files) for each shipped example with text data."""
    found = []
    for spec in sorted(REPO.glob("specs/*/*.aspec")):
        dirty = spec.parent / "dirty"
        texts = [p for p in sorted(dirty.rglob("*")) if p.is_file() and p.suffix in (".csv", ".jsonl", ".json", ".conll")]
        if texts:
            found.append((spec, dirty, texts))
    return found


def mutate_delivery(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        choice = rng.randrange(7)
        if choice == 0:  # a cell value
            cells = lines[i].split(",")
            cells[rng.randrange(len(cells))] = rng.choice(HOSTILE + list(ODD_CHARACTERS))
            lines[i] = ",".join(cells)
        elif choice == 1:  # the header
            cells = lines[0].split(",")
            cells[rng.randrange(len(cells))] = rng.choice(HOSTILE + ["id", "ID", cells[0]])
            lines[0] = ",".join(cells)
        elif choice == 2:
            del lines[i]
        elif choice == 3:
            lines.insert(i, lines[i])
        elif choice == 4:  # a line cut short
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        elif choice == 5 and i + 1 < len(lines):  # two lines joined
            lines[i:i + 2] = [lines[i] + lines[i + 1]]
        else:
            at = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:at] + rng.choice(HOSTILE) + lines[i][at:]
    return "\n".join(lines)


def fuzz_deliveries(count: int, bound: float, scratch: Path) -> tuple[Counter, list[str]]:
    examples = delivery_examples()
    counts: Counter = Counter()
    findings: list[str] = []
    runner = CliRunner()
    for index in range(count):
        rng = random.Random(SEED * 7_919 + index)
        spec, dirty, texts = examples[index % len(examples)]
        folder = scratch / f"delivery{index % 4}"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(dirty, folder)
        victim = rng.choice(texts)
        mutated = folder / victim.relative_to(dirty)
        mutated.write_bytes(mutate_delivery(victim.read_text(encoding="utf-8"), rng).encode("utf-8", "surrogatepass"))
        began = time.monotonic()
        result = runner.invoke(cli, ["check", str(spec), "--data", str(folder), "--timeout", f"{bound}s"])
        seconds = time.monotonic() - began
        output = result.output
        problem = None
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problem = f"{type(result.exception).__name__}: {result.exception}"
        elif result.exit_code not in (0, 1, 2):
            problem = f"exit {result.exit_code}"
        elif "Traceback" in output or "internal error" in output:
            problem = "a traceback or internal error in the output"
        elif result.exit_code == 2 and "error" not in output:
            problem = "exit 2 without a message"
        elif seconds > bound * 1.5:
            problem = f"took {seconds:.1f}s"
        counts[f"exit {result.exit_code}"] += 1
        if problem:
            findings.append(f"delivery mutant {index} ({spec.parent.name}, {victim.name}): {problem}\n{output[-500:]}")
    return counts, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=100_000)
    parser.add_argument("--deliveries", type=int, default=1_000)
    parser.add_argument("--bound", type=float, default=20.0, help="seconds allowed for one input")
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _on_alarm)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="specc-fuzz-") as scratch:
        spec_counts, spec_findings = fuzz_specs(args.specs, args.bound, Path(scratch))
        print(f"specs: {args.specs} mutants: " + ", ".join(f"{k} {v}" for k, v in sorted(spec_counts.items()))
              + f"; findings {len(spec_findings)}", flush=True)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # `specc check` installs its own handlers
        delivery_counts, delivery_findings = fuzz_deliveries(args.deliveries, args.bound, Path(scratch))
        print(f"deliveries: {args.deliveries} mutants: "
              + ", ".join(f"{k} {v}" for k, v in sorted(delivery_counts.items()))
              + f"; findings {len(delivery_findings)}")
    print(f"seconds: {time.monotonic() - began:.0f}")
    for finding in (spec_findings + delivery_findings)[:10]:
        print("\n" + finding)
    return 1 if spec_findings or delivery_findings else 0


if __name__ == "__main__":
    sys.exit(main())
