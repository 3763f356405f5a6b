"""Time limits, interruptions and the scratch folder, with real `specc` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from specc.diagnostics import UsageError
from specc.limits import parse_duration
from specc.scratch import PID_FILE, Scratch, remove_stale

SLOW_SPEC = '''spec slow
table t {
  x int key
  y string required
}
rules for t {
  error slow: sql """SELECT a.x FROM t a, range(100000000) r, range(1000000) q WHERE r.range * q.range = -1"""
  error positive: t.x > 0
}
'''


@pytest.fixture
def slow(tmp_path, monkeypatch):
    (tmp_path / "s.aspec").write_text(SLOW_SPEC)
    (tmp_path / "t.csv").write_text("x,y\n1,a\n2,b\n")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    return tmp_path


def _specc(folder: Path, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "specc.cli", "check", "s.aspec", "--data", "t=t.csv", *args],
                            cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ}, **kwargs)


def _scratch_folders(folder: Path) -> list[str]:
    root = folder / "tmp" / f"specc-scratch-{os.getuid()}"
    return sorted(p.name for p in root.glob("run-*")) if root.exists() else []


def _wait_for_scratch(folder: Path, process: subprocess.Popen) -> None:
    for _ in range(200):  # the run has started once its scratch folder exists
        if _scratch_folders(folder):
            time.sleep(0.5)
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the run never started")


@pytest.mark.parametrize("text, seconds", [("30", 30), ("30s", 30), ("1.5m", 90), ("2h", 7200), ("500ms", 0.5)])
def test_durations(text, seconds):
    assert parse_duration(text, "--timeout") == seconds


@pytest.mark.parametrize("text", ["", "0", "-3s", "ten", "5 days"])
def test_bad_durations_are_usage_errors(text):
    with pytest.raises(UsageError, match="expected a positive duration"):
        parse_duration(text, "--timeout")


def test_a_check_over_its_limit_fails_alone(slow):
    process = _specc(slow, "--check-timeout", "1s", "--format", "json")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "check `slow` could not run: spec line 7: took longer than the check limit of 1s (`--check-timeout`)" in err
    import json

    checks = {c["id"]: c["status"] for c in json.loads(out)["checks"]}
    assert checks["slow"] == "error" and checks["positive"] == "passed" and checks["t.x.unique"] == "passed"
    assert _scratch_folders(slow) == []


def test_the_run_limit_ends_the_run(slow):
    began = time.monotonic()
    process = _specc(slow, "--timeout", "1s", "--out", "report.json", "--format", "json")
    out, err = process.communicate(timeout=60)
    assert time.monotonic() - began < 30
    assert process.returncode == 2
    assert err.strip() == "error: the run took longer than its limit of 1s (`--timeout`); no report was written"
    assert not (slow / "report.json").exists() and _scratch_folders(slow) == []


def test_sigint_mid_run_exits_130_and_leaves_nothing(slow):
    process = _specc(slow, "--out", "report.json", "--format", "json", "--quarantine", "q")
    _wait_for_scratch(slow, process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert err.strip().splitlines() == ["specc: interrupted (SIGINT); no report was written"]
    assert not (slow / "report.json").exists()
    assert sorted(os.listdir(slow / "q")) == [".specc.lock"]  # the lock file only
    assert sorted(os.listdir(slow)) == ["q", "s.aspec", "t.csv", "tmp"]  # no temporary file beside the report
    assert _scratch_folders(slow) == []


def test_the_next_run_removes_what_a_killed_run_left(slow):
    process = _specc(slow, "--out", "report.json", "--format", "json")
    _wait_for_scratch(slow, process)
    left = _scratch_folders(slow)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert len(left) == 1 and _scratch_folders(slow) == left  # SIGKILL: nothing could clean up
    assert not (slow / "report.json").exists()
    again = _specc(slow, "--check-timeout", "200ms", "--out", "report.json", "--format", "json")
    again.communicate(timeout=60)
    assert again.returncode == 2 and (slow / "report.json").exists()
    assert _scratch_folders(slow) == []


def test_a_live_runs_scratch_folder_is_kept(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with Scratch() as mine:
        root = mine.parent
        foreign = root / "run-1-cafe"  # no pid file: not ours to judge, never removed
        foreign.mkdir()
        dead = root / "run-2-dead"
        dead.mkdir()
        (dead / PID_FILE).write_text("999999999 1\n")
        assert remove_stale(root) == [dead]
        assert mine.exists() and foreign.exists() and not dead.exists()
    assert not mine.exists()


def test_a_check_that_cannot_fit_in_memory_says_so(slow):
    (slow / "s.aspec").write_text(SLOW_SPEC.replace(
        "SELECT a.x FROM t a, range(100000000) r, range(1000000) q WHERE r.range * q.range = -1",
        "SELECT x FROM t WHERE length((SELECT string_agg(repeat('x', 1000), '') FROM range(200000))) < 0"))
    process = _specc(slow, "--memory-limit", "20MB")
    out, err = process.communicate(timeout=120)
    assert process.returncode == 2 and "Traceback" not in err
    assert "check `slow` could not run: spec line 7: Out of Memory Error" in err
    assert "does not fit in the memory DuckDB may use (`--memory-limit`), even spilling to disk" in err
    assert "✓ passed  positive" in out and _scratch_folders(slow) == []
