"""How long the UI's event loop goes without running, measured inside the running app.

A task in the app's own asyncio loop sleeps for `interval` and records, at each wake-up,
how late it woke (`max_late_ms`). Lateness has two causes: something in this process kept
the loop from running (a callback, a render, blocking I/O on the loop thread, another
thread holding the GIL), or the operating system kept the runnable loop thread waiting
for a CPU (other processes on a loaded machine: two pytest workers, tmux, the other
engineers' jobs). The second is read from the thread's run-queue wait in
/proc/thread-self/schedstat (Linux) and subtracted: `max_blocked_ms`, the figure asserted,
is the longest the loop was held up by this process. Where /proc has no schedstat the two
are the same. A watchdog thread samples the loop thread's stack whenever a tick is
overdue, so a failure names the code that blocked the loop instead of only how long.

`start()` collects and freezes the heap that exists at that moment (`gc.freeze`), and
`stop()` unfreezes it. Under pytest that heap is the test process's: pytest, hypothesis,
the in-process embedded backend and whatever earlier tests on the same worker left, about
three times the editor's own. A full collection of it takes 100-400 ms, which is the test
harness's pause, not the editor's (a full collection of the editor's own heap, every
module loaded and a client built, takes about 20 ms). Objects made during the watch are
collected as usual, so a save that allocated heavily would still show.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

BLOCKED_LIMIT_MS = 100.0


@dataclass
class LoopWatch:
    app: Any
    interval: float = 0.01
    report_after_ms: float = 60.0  # sample the loop thread's stack once a tick is this late
    max_late_ms: float = 0.0  # how late a tick came, whatever the cause
    max_blocked_ms: float = 0.0  # the same, less the time the OS kept the thread queued
    ticks: int = 0
    stacks: list[tuple[float, str]] = field(default_factory=list)  # (late ms, stack)
    _task: asyncio.Task[None] | None = None
    _last: float = 0.0
    _loop_thread: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> LoopWatch:
        gc.collect()
        gc.freeze()
        self._last = time.perf_counter()
        self._loop_thread = threading.get_ident()
        self._task = asyncio.get_running_loop().create_task(self._run())
        threading.Thread(target=self._watchdog, name="loopwatch", daemon=True).start()
        return self

    async def stop(self) -> LoopWatch:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            gc.unfreeze()
        return self

    def explain(self) -> str:
        """The longest stall and where the loop thread was during it."""
        text = (
            f"event loop blocked {self.max_blocked_ms:.0f} ms "
            f"(a tick came {self.max_late_ms:.0f} ms late, run-queue waits included)"
        )
        if self.stacks:
            late, stack = max(self.stacks)
            text += f"; at {late:.0f} ms the loop thread was in:\n{stack}"
        return text

    async def _run(self) -> None:
        queued = _queued_ns()
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.interval)
            now = time.perf_counter()
            self._last = now
            late = (now - before - self.interval) * 1000
            queued, was = _queued_ns(), queued
            blocked = late - (queued - was) / 1e6
            self.max_late_ms = max(self.max_late_ms, late)
            self.max_blocked_ms = max(self.max_blocked_ms, blocked)
            self.ticks += 1

    def _watchdog(self) -> None:
        """Sample the loop thread's stack once per overdue tick."""
        reported_for = 0.0
        while not self._stop.wait(self.interval):
            last = self._last
            late = (time.perf_counter() - last - self.interval) * 1000
            if late > self.report_after_ms and reported_for != last:
                frame = sys._current_frames().get(self._loop_thread)
                if frame is not None:
                    stack = "".join(traceback.format_stack(frame, limit=12))
                    self.stacks.append((late, stack))
                    reported_for = last


def _queued_ns() -> int:
    """Nanoseconds the calling thread has spent runnable but waiting for a CPU (0 where
    the kernel does not say)."""
    try:
        with open("/proc/thread-self/schedstat") as fh:
            return int(fh.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
