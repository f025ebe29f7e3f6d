"""The editor's terminal output when the terminal goes away: nothing may wait on it.

Textual's Linux driver (this was written against Textual 8.2.8) sends every write through
a queue of 30 entries to one thread, `textual-output` (textual/drivers/_writer_thread.py),
which writes to the terminal. When the terminal closes under a drawing app (an SSH
connection dropped, a tmux pane killed, a window closed), the app often never exited:

- a write to a terminal that has hung up fails (EIO). The thread does not catch it: it
  dies, and its queue has no reader any more;
- on a hang-up the kernel sends SIGHUP and then SIGCONT to the session leader (the editor,
  in a tmux pane or run by `ssh -t host cognito-tui`). Textual's SIGCONT handler starts
  application mode again, suspended or not: a new output thread, which dies at its first
  write, the old one left idle;
- `driver.write()` puts on that bounded queue without a timeout, on the event loop's
  thread: after 30 more writes (a few frames, or the driver's own shutdown sequences) the
  event loop blocks for ever, and SIGHUP's exit with it. `WriterThread.stop()` also
  joins without a timeout a thread that may be blocked on a terminal that stopped reading.

A terminal that stops reading before it closes (a network link dying before the
connection does) makes it likely: the thread blocks in its write, the queue fills, the
event loop waits in `put`; the close fails the blocked write, the thread dies, and the
event loop waits for good. bench/hangup.py measures it (hundreds of closes, before and
after); the stacks, the cause and a report for Textual are in
docs/upstream/textual-writer-thread-hang.md.

`install()` (before `App.run()`) replaces the driver's writer thread with `TerminalWriter`,
which:

- never dies on a write error: it marks the terminal gone and keeps emptying its queue;
- drops writes once the terminal is gone, instead of queueing them (a producer already
  waiting on the full queue notices within `POLL` seconds);
- on `stop()`, waits for the thread only while the terminal is there;
- writes bytes to the file descriptor itself, so that nothing is left in Python's buffer
  of stderr to fail again at exit, and no buffer lock is held by a thread blocked on a
  stalled terminal when the interpreter finalizes;

keeps Textual's SIGCONT handler from starting application mode again after a hang-up (see
`_unless_gone`), and treats a terminal found gone by a failed write as a hang-up (SIGHUP
to this process, see `_as_a_hang_up`): without a SIGHUP, an app whose terminal had gone
kept running, its input thread spinning on the end of file.

`hang_up()` (called on SIGHUP by tui.launch.leave_on_signals) gives the terminal
`HANG_UP_GRACE` seconds more: a terminal still there (`kill -HUP`, or tmux, which signals
before it closes the pane) gets its state back, as after SIGTERM; one that stopped reading
no longer holds the shutdown until the watchdog ends the process. A hang-up also skips
the SIGCONT restart at once.

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
import time
from collections.abc import Callable
from typing import IO, Any

from textual.drivers import linux_driver
from textual.drivers._writer_thread import MAX_QUEUED_WRITES, WriterThread

TESTED_WITH = "8.2.8"  # Textual's version whose driver this was written against
POLL = 0.05  # seconds a producer waits on a full queue before looking again
HANG_UP_GRACE = 0.5  # seconds the terminal may still take writes after SIGHUP


class Terminal:
    """What is known of a terminal: gone (a write failed, or the grace after a hang-up
    ran out), or hung up (SIGHUP) at some moment."""

    def __init__(self) -> None:
        self.gone_event = threading.Event()
        self.hung_up_at: float | None = None
        # called once, on the writer thread, when a write finds the terminal gone
        self.on_failure: Callable[[], None] | None = None

    def failed(self) -> None:
        if not self.gone_event.is_set():
            self.gone_event.set()
            if self.on_failure is not None:
                self.on_failure()

    def hang_up(self) -> None:
        if self.hung_up_at is None:
            self.hung_up_at = time.monotonic()

    def hung_up(self) -> bool:
        return self.hung_up_at is not None or self.gone_event.is_set()

    def gone(self) -> bool:
        if self.gone_event.is_set():
            return True
        if self.hung_up_at is not None and time.monotonic() - self.hung_up_at > HANG_UP_GRACE:
            self.gone_event.set()
            return True
        return False


_terminal = Terminal()  # this process's


def hang_up() -> None:
    """SIGHUP: the terminal has `HANG_UP_GRACE` seconds left to take writes. Safe in a
    signal handler: it only notes the time."""
    _terminal.hang_up()


class TerminalWriter(WriterThread):
    """Textual's writer thread, made safe against a terminal that fails or stops reading
    (see the module's docstring). Same interface: write(), stop(), fileno(), isatty()."""

    def __init__(self, file: IO[str], terminal: Terminal | None = None) -> None:
        super().__init__(file)
        self._queue: queue.Queue[str | None] = queue.Queue(MAX_QUEUED_WRITES)
        self._terminal = _terminal if terminal is None else terminal
        self._fd = file.fileno()
        self._encoding = getattr(file, "encoding", None) or "utf-8"
        errors = getattr(file, "errors", None)
        # a character the terminal's encoding lacks must not end the thread
        self._errors = "replace" if errors in (None, "strict") else errors

    def _put(self, item: str | None) -> bool:
        """Queue `item` unless the terminal is gone; False when it was dropped."""
        while not self._terminal.gone():
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
        while self.is_alive() and not self._terminal.gone():
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
            if not self._terminal.gone():
                try:
                    self._write_all("".join(parts).encode(self._encoding, self._errors))
                except OSError:  # EIO after a hang-up, EBADF, EPIPE: nobody reads
                    self._terminal.failed()
            if end:
                return

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view and not self._terminal.gone():
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
    # The driver finds WriterThread in its own module's names (it imports it from a
    # private module, not re-exported): that name is the one to replace.
    linux_driver.WriterThread = TerminalWriter  # type: ignore[attr-defined]
    driver = linux_driver.LinuxDriver
    if not getattr(driver._sigcont_application, "_unless_gone", False):
        # a method of Textual's class replaced on purpose (see _unless_gone)
        driver._sigcont_application = _unless_gone(driver._sigcont_application)  # type: ignore[method-assign]
    _terminal.on_failure = _as_a_hang_up
    _stacks_on_sigusr1()


def _as_a_hang_up() -> None:
    """A terminal found gone by a failed write is a hang-up, SIGHUP or not: it does not
    come when the terminal is not the process's controlling terminal (`setsid`, some
    launchers), nor when it was ignored (`nohup`) at the moment of the hang-up. Sent to
    this process only if it handles SIGHUP (tui.launch.leave_on_signals does)."""
    if callable(signal.getsignal(signal.SIGHUP)):
        os.kill(os.getpid(), signal.SIGHUP)


def _unless_gone(resume: Callable[..., None]) -> Callable[..., None]:
    """Textual's SIGCONT handler starts application mode again (new output and input
    threads, the old ones left running) whenever `_auto_restart` is set, suspended or not.
    The kernel sends SIGCONT right after SIGHUP to a session leader whose terminal hangs
    up: on the dead terminal, a new output thread that dies at its first write, and a
    second input thread reading the end of the file beside the first. The SIGHUP handler
    runs first (Python runs pending handlers in signal-number order), so the hang-up is
    known when SIGCONT's runs. A SIGCONT after ctrl+z resumes as before."""

    def sigcont(self: Any, *args: Any) -> None:
        if not _terminal.hung_up():
            resume(self, *args)

    # marks the wrapper, so that a second install() does not wrap it again
    sigcont._unless_gone = True  # type: ignore[attr-defined]
    return sigcont


def _stacks_on_sigusr1() -> None:
    path = os.environ.get("COGNITO_TUI_DEBUG_STACKS")
    if not path:
        return
    import faulthandler

    stacks: Any = open(path, "a")  # noqa: SIM115 - held open for the process's life
    faulthandler.register(signal.SIGUSR1, file=stacks, all_threads=True)
