"""Paths a hostile delivery may play with: symlinks out of the folder, outputs over inputs,
two runs writing the same place."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from specc.cli import cli

SPEC = "spec s\ntable t {\n  x int key\n  y string required\n}\n"


@pytest.fixture
def delivery(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    (tmp_path / "s.aspec").write_text(SPEC)
    data = tmp_path / "data"
    data.mkdir()
    (data / "t.csv").write_text("x,y\n1,a\n2,b\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(*args):
    return CliRunner().invoke(cli, ["check", "s.aspec", *args])


def test_a_symlink_out_of_the_delivery_is_refused(delivery):
    secret = delivery / "secret.csv"
    secret.write_text("x,y\n1,TOPSECRET-KEY\n")
    os.remove(delivery / "data" / "t.csv")
    os.symlink(secret, delivery / "data" / "t.csv")
    result = _check("--data", "data")
    assert result.exit_code == 2
    assert "data/t.csv: error: this file of table `t` is a symlink leading outside the delivery folder data" \
           in result.output
    assert "--follow-symlinks" in result.output and "TOPSECRET" not in result.output
    followed = _check("--data", "data", "--follow-symlinks")
    assert followed.exit_code == 0, followed.output


def test_proc_environ_through_a_symlink_is_refused(delivery):
    os.remove(delivery / "data" / "t.csv")
    os.symlink("/proc/self/environ", delivery / "data" / "t.csv")
    result = _check("--data", "t=data/t.csv")
    assert result.exit_code == 2 and "symlink leading outside the delivery folder" in result.output
    assert "PATH=" not in result.output


def test_a_symlinked_table_folder_is_refused(delivery):
    outside = delivery / "elsewhere"
    outside.mkdir()
    (outside / "part.csv").write_text("x,y\n1,a\n")
    os.remove(delivery / "data" / "t.csv")
    os.symlink(outside, delivery / "data" / "t")
    result = _check("--data", "data")
    assert result.exit_code == 2 and "symlink leading outside the delivery folder data" in result.output


def test_a_symlink_inside_the_delivery_is_fine(delivery):
    os.rename(delivery / "data" / "t.csv", delivery / "data" / "real.csv")
    os.symlink("real.csv", delivery / "data" / "t.csv")
    assert _check("--data", "data").exit_code == 0


@pytest.mark.parametrize("out", ["data/../data/t.csv", "link.csv", "hard.csv"])
def test_out_never_overwrites_an_input(delivery, out):
    os.symlink(delivery / "data" / "t.csv", delivery / "link.csv")
    os.link(delivery / "data" / "t.csv", delivery / "hard.csv")
    before = (delivery / "data" / "t.csv").read_bytes()
    result = _check("--data", "data", "--out", out)
    assert result.exit_code == 2 and "would overwrite an input of this run" in result.output
    assert (delivery / "data" / "t.csv").read_bytes() == before


@pytest.mark.parametrize("quarantine", ["data", "data/../data", "./data/"])
def test_the_quarantine_is_never_the_delivery_folder(delivery, quarantine):
    result = _check("--data", "data", "--quarantine", quarantine)
    assert result.exit_code == 2 and "`--quarantine` names a folder this run reads its data from" in result.output
    assert sorted(os.listdir(delivery / "data")) == ["t.csv"]


SLOW = 'rules for t {\n  error slow: sql """SELECT a.x FROM t a, range(100000000) r, range(1000000) q WHERE r.range * q.range = -1"""\n}\n'


def test_two_runs_cannot_write_one_quarantine_folder(delivery):
    (delivery / "slow.aspec").write_text(SPEC + SLOW)
    env = {**os.environ, "TMPDIR": str(delivery)}
    first = subprocess.Popen([sys.executable, "-m", "specc.cli", "check", "slow.aspec", "--data", "data",
                              "--quarantine", "q", "--check-timeout", "60s"], cwd=delivery, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(200):
        if (delivery / "q" / ".specc.lock").exists():
            break
        time.sleep(0.05)
    second = subprocess.run([sys.executable, "-m", "specc.cli", "check", "s.aspec", "--data", "data",
                             "--quarantine", "q"], cwd=delivery, env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 2
    assert f"another specc run (pid {first.pid}) is writing the quarantine folder q" in second.stderr
    first.send_signal(signal.SIGINT)
    first.communicate(timeout=60)
    assert first.returncode == 130
    assert sorted(os.listdir(delivery / "q")) == [".specc.lock"]
    again = subprocess.run([sys.executable, "-m", "specc.cli", "check", "s.aspec", "--data", "data",
                            "--quarantine", "q"], cwd=delivery, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr  # the lock went with the first run


def test_two_runs_cannot_write_one_report(delivery):
    (delivery / "slow.aspec").write_text(SPEC + SLOW)
    env = {**os.environ, "TMPDIR": str(delivery)}
    first = subprocess.Popen([sys.executable, "-m", "specc.cli", "check", "slow.aspec", "--data", "data",
                              "--out", "r.json", "--format", "json", "--check-timeout", "60s"], cwd=delivery,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(400):  # its lock is taken once its scratch folder exists
        if list((delivery / f"specc-scratch-{os.getuid()}").glob("run-*")):
            break
        time.sleep(0.05)
    second = subprocess.run([sys.executable, "-m", "specc.cli", "check", "s.aspec", "--data", "data",
                             "--report", "json=./r.json"], cwd=delivery, env=env, capture_output=True, text=True,
                            timeout=60)
    assert second.returncode == 2 and f"another specc run (pid {first.pid}) is writing the report" in second.stderr
    first.send_signal(signal.SIGINT)
    first.communicate(timeout=60)
    assert first.returncode == 130 and not (delivery / "r.json").exists()
