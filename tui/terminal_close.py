"""The editor's terminal output when the terminal goes away: nothing may wait on it.

Textual's Linux driver (written against Textual 8.2.8, `textual/drivers/_writer_thread.py`)
sends every write through a queue of 30 entries to one thread, `textual-output`, which
writes to the terminal. Two facts make that deadlock when the terminal closes (an SSH
connection dropped, a tmux pane killed):

- a write to a terminal that has hung up fails (EIO). The thread does not catch it: it
  dies, and the queue has no reader any more;
- the queue is bounded and `driver.write()` puts without a timeout, on the event loop's
  thread. Once 30 writes are queued (a few frames, or the driver's own shutdown
  sequences) the event loop blocks for ever, SIGHUP's exit included.

It is most likely after the output stalled first, as it does when a network link dies
before the connection is closed: the terminal stops reading, the thread blocks in its
write, the queue fills, the event loop waits; when the connection is finally closed, the
blocked write fails, the thread dies and the event loop waits for good. Reproduced and
measured by bench/hangup.py; the stacks and the upstream report are in
docs/upstream/textual-writer-thread-hang.md.

`install()` replaces the driver's writer thread with `TerminalWriter`, which:

- never dies on a write error: it marks the terminal gone and keeps emptying its queue;
- drops writes once the terminal is gone, instead of queueing them (a producer already
  waiting on the full queue notices within `POLL` seconds);
- on `stop()`, waits for the thread only while the terminal is there;
- writes bytes to the file descriptor itself, so that nothing is left in Python's buffer
  of stderr (which would fail again at exit) and no buffer lock is held by a thread
  blocked on a stalled terminal when the interpreter finalizes.

and keeps Textual's SIGCONT handler from starting application mode again on a terminal
that is gone (see `_unless_gone`).

`hang_up()` (called on SIGHUP, see tui.launch.leave_on_signals) marks the terminal gone
at once: after a hang-up there is nobody to draw for, and a terminal that stopped reading
would otherwise hold the shutdown until the watchdog ends the process.

For tests and the bench only: COGNITO_TUI_DEBUG_STACKS=FILE makes SIGUSR1 dump every
thread's stack to FILE (faulthandler), to see where a process that did not exit waits.
"""

from __future__ import annotations

import errno
import os
import queue
import select
import signal
import threading
from collections.abc import Callable
from typing import IO, Any

from textual.drivers import linux_driver
from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

TESTED_WITH = "8.2.8"  # Textual's version whose driver this was written against
POLL = 0.05  # seconds a producer waits on a full queue before looking again

_gone = threading.Event()  # this process's terminal: set by hang_up() or a failed write


def terminal_gone() -> bool:
    return _gone.is_set()


def hang_up() -> None:
    """The terminal is gone (SIGHUP): drop every write from now on. Safe in a signal
    handler: it only sets an event."""
    _gone.set()


class TerminalWriter(WriterThread):
    """Textual's writer thread, made safe against a terminal that fails or stops reading
    (see the module's docstring). Same interface: write(), stop(), fileno(), isatty()."""

    def __init__(self, file: IO[str], gone: threading.Event | None = None) -> None:
        super().__init__(file)
        self._queue: queue.Queue[str | None] = queue.Queue(MAX_QUEUED_WRITES)
        self._gone = _gone if gone is None else gone
        self._fd = file.fileno()
        self._encoding = getattr(file, "encoding", None) or "utf-8"
        errors = getattr(file, "errors", None)
        # a character the terminal's encoding lacks must not end the thread
        self._errors = "replace" if errors in (None, "strict") else errors

    def _put(self, item: str | None) -> bool:
        """Queue `item` unless the terminal is gone; False when it was dropped."""
        while not self._gone.is_set():
            try:
                self._queue.put(item, timeout=POLL)
            except queue.Full:
                continue
            return True
        return False

    def write(self, text: str) -> None:
        self._put(text)

    def stop(self) -> None:
        """Let the thread write what is queued and end; wait for it only while the
        terminal is there (a thread blocked on a dead or stalled terminal is a daemon,
        and is left behind)."""
        self._put(None)
        while self.is_alive() and not self._gone.is_set():
            self.join(POLL)

    def run(self) -> None:
        get, get_nowait = self._queue.get, self._queue.get_nowait
        while True:
            text = get()
            if text is None:
                return
            # what is already queued goes out in the same write, as Textual's own thread
            # flushes only when its queue is empty
            parts, end = [text], False
            while not end:
                try:
                    more = get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    end = True
                else:
                    parts.append(more)
            if not self._gone.is_set():
                try:
                    self._write_all("".join(parts).encode(self._encoding, self._errors))
                except OSError:
                    self._gone.set()  # EIO after a hang-up, EBADF, EPIPE: nobody reads
            if end:
                return

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view and not self._gone.is_set():
            try:
                written = os.write(self._fd, view)
            except BlockingIOError:  # someone made the terminal non-blocking: wait for it
                select.select([], [self._fd], [], POLL)
                continue
            except InterruptedError:  # pragma: no cover (retried by Python, PEP 475)
                continue
            if written == 0:
                raise OSError(errno.EIO, "the terminal accepted nothing")
            view = view[written:]


def install() -> None:
    """Make Textual's Linux driver use `TerminalWriter`, and not restart application mode
    on a SIGCONT once the terminal is gone. Call it before `App.run()` (the driver is made
    and started there)."""
    linux_driver.WriterThread = TerminalWriter  # type: ignore[misc]
    driver = linux_driver.LinuxDriver
    if not getattr(driver._sigcont_application, "_unless_gone", False):
        driver._sigcont_application = _unless_gone(driver._sigcont_application)  # type: ignore[method-assign]
    _stacks_on_sigusr1()


def _unless_gone(resume: Callable[..., None]) -> Callable[..., None]:
    """Textual's SIGCONT handler starts application mode again (new output and input
    threads, the old ones left running) whenever `_auto_restart` is set, suspended or not.
    The kernel sends SIGCONT right after SIGHUP to a session leader whose terminal hangs up
    (the editor in a tmux pane, or run by `ssh -t host cognito-tui`): on a dead terminal
    the new output thread died at its first write and the old input thread, which is not
    a daemon, could outlive the app and keep the process alive."""

    def sigcont(self: Any, *args: Any) -> None:
        if not _gone.is_set():
            resume(self, *args)

    sigcont._unless_gone = True  # type: ignore[attr-defined]
    return sigcont


def _stacks_on_sigusr1() -> None:
    path = os.environ.get("COGNITO_TUI_DEBUG_STACKS")
    if not path:
        return
    import faulthandler

    stacks: Any = open(path, "a")  # noqa: SIM115 - held open for the process's life
    faulthandler.register(signal.SIGUSR1, file=stacks, all_threads=True)
