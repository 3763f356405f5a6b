"""Time limits and interruptions of a run: `--timeout`, `--check-timeout`, SIGINT/SIGTERM.

A statement running inside the engine does not return to Python until it is done, so every
limit stops it through the engine's `interrupt()`, called from another thread:

- **SIGINT / SIGTERM.** A wake-up pipe (`signal.set_wakeup_fd`) is written by the C-level
  signal handler at once, even while the main thread is inside DuckDB; a watcher thread
  reading it interrupts the engine. The Python handler then raises `Interrupted` in the
  main thread, which unwinds through every `finally` (temporary files removed, nothing
  renamed into place) to the CLI: one line, exit 130.
- **The run limit** (`--timeout`): a timer interrupts the engine and raises `RunTimedOut` in
  the main thread (as a simulated SIGALRM): the run ends with exit 2 and no report.
- **The check limit** (`--check-timeout`): each statement the runner sends for a check (or
  for several checks together) is watched; one over the limit is interrupted, and the
  checks it computed are retried alone (the runner's "fails alone"), each under the same
  limit, so only a check that is slow by itself fails, with `CheckTimedOut`'s message; the
  run goes on.
"""

from __future__ import annotations

import _thread
import contextlib
import os
import re
import signal
import threading
from dataclasses import dataclass

from .diagnostics import UsageError

_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", re.IGNORECASE)
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}


def parse_duration(text: str, option: str) -> float:
    """`30`, `30s`, `1.5m`, `2h`, `500ms` in seconds; anything else is a usage error naming the option."""
    match = _DURATION.fullmatch(text or "")
    if not match or float(match.group(1)) <= 0:
        raise UsageError(f"`{option} {text}`: expected a positive duration, e.g. `30s`, `5m`, `1h` or `500ms`")
    return float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "").lower() or None]


def shown_duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:g}ms"
    return f"{seconds:g}s" if seconds < 120 else f"{seconds / 60:g}m"


class Interrupted(BaseException):
    """SIGINT or SIGTERM during a run (a BaseException: no `except Exception` swallows it)."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


class RunTimedOut(BaseException):
    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"the run took longer than its limit of {shown_duration(seconds)} (`--timeout`); "
                         "no report was written")


class CheckTimedOut(UsageError):
    """A statement of a check went over `--check-timeout`: that check fails, the run goes on."""

    def __init__(self, label: str, seconds: float):
        super().__init__(f"took longer than the check limit of {shown_duration(seconds)} (`--check-timeout`)"
                         f" and was stopped ({label})")


@dataclass(frozen=True)
class Limits:
    run_seconds: float | None = None
    check_seconds: float | None = None


class Guard:
    """Installs the handlers and timers around one run; `with Guard(limits) as guard:`.

    The engine is attached once it exists (`guard.attach(engine)`); `guard.watch(label)`
    wraps each statement with the check limit. Only usable from the main thread (signals).
    """

    def __init__(self, limits: Limits = Limits()):
        self.limits = limits
        self.engine = None
        self.expired: str | None = None  # the statement stopped by the check limit
        self._previous: dict[int, object] = {}
        self._timers: list[threading.Timer] = []
        self._pipe: tuple[int, int] | None = None
        self._old_wakeup = -1
        self.signalled: int | None = None  # SIGINT/SIGTERM seen, even if the engine swallowed the exception

    # ---- lifetime ----------------------------------------------------------------------

    def __enter__(self) -> "Guard":
        if threading.current_thread() is not threading.main_thread():
            return self  # signals can only be handled in the main thread; the limits still work
        read_end, write_end = os.pipe()
        os.set_blocking(write_end, False)
        self._pipe = (read_end, write_end)
        self._old_wakeup = signal.set_wakeup_fd(write_end)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):
            self._previous[signum] = signal.signal(signum, self._on_signal)
        threading.Thread(target=self._watch_signals, args=(read_end,), daemon=True, name="specc-signals").start()
        if self.limits.run_seconds:
            self._start_timer(self.limits.run_seconds, self._run_over)
        return self

    def __exit__(self, kind=None, *exc) -> None:
        for timer in self._timers:
            timer.cancel()
        if kind is not None and issubclass(kind, (Interrupted, RunTimedOut)) and self.engine is not None:
            # stop and free the engine's threads now: a process that exits while they still
            # unwind an interrupted statement aborts (SIGABRT) instead of exiting cleanly
            self._interrupt()
            with contextlib.suppress(Exception):
                self.engine.close()
        if self._pipe is not None:
            signal.set_wakeup_fd(self._old_wakeup)
            for signum, handler in self._previous.items():
                signal.signal(signum, handler)
            os.close(self._pipe[1])  # the watcher's read ends with EOF
            self._pipe = None

    def attach(self, engine) -> None:
        self.engine = engine

    # ---- the check limit ---------------------------------------------------------------

    @contextlib.contextmanager
    def watch(self, label: str):
        """Run one statement under the check limit; raises CheckTimedOut if it was stopped by it."""
        seconds = self.limits.check_seconds
        if not seconds or self.engine is None:
            yield
            return
        self._raise_if_signalled()
        stopped = threading.Event()

        def over() -> None:
            stopped.set()
            self._interrupt()

        timer = threading.Timer(seconds, over)
        timer.daemon = True
        timer.start()
        try:
            yield
        except Exception:
            # the engine may turn our handler's exception into its own "interrupted" error
            self._raise_if_signalled()
            if stopped.is_set():
                self.expired = label
                raise CheckTimedOut(label, seconds) from None
            raise
        finally:
            timer.cancel()

    # ---- signals and the run limit -----------------------------------------------------

    def _start_timer(self, seconds: float, action) -> None:
        timer = threading.Timer(seconds, action)
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def _run_over(self) -> None:
        self._run_expired = True
        _thread.interrupt_main(signal.SIGALRM)  # raised in the main thread at its next step
        self._interrupt()  # … which comes at once if it is inside the engine

    def _interrupt(self) -> None:
        engine = self.engine
        if engine is not None:
            with contextlib.suppress(Exception):
                engine.interrupt()

    def _raise_if_signalled(self) -> None:
        if self.signalled is not None:
            raise Interrupted(self.signalled)

    def _watch_signals(self, read_end: int) -> None:
        try:
            while received := os.read(read_end, 16):
                # the wake-up fd receives each signal's number, one byte each
                stops = [n for n in received if n in (signal.SIGINT, signal.SIGTERM)]
                if stops and self.signalled is None:
                    self.signalled = stops[0]
                self._interrupt()
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                os.close(read_end)

    def _on_signal(self, signum, frame) -> None:
        if signum == signal.SIGALRM:
            if getattr(self, "_run_expired", False):
                raise RunTimedOut(self.limits.run_seconds)
            return
        self.signalled = self.signalled or signum
        raise Interrupted(signum)
