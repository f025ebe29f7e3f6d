"""A closed terminal must not hang the editor's shutdown (tui/terminal_close.py).

Before the fix, a program run as the editor runs (`tui.launch.run_app`) in a pty closed at
a random moment of its drawing and input often did not exit: 9, then 12, of this test's 20
runs with the fix taken out; 93 of 150 in bench/hangup.py, 25 of 40 for the editor. Textual's
output thread died on the hung-up terminal's EIO, or was replaced by the one the SIGCONT
that follows a hang-up starts (and which dies the same way), and the event loop blocked on
the dead thread's full queue (stacks and cause: docs/upstream/textual-writer-thread-hang.md).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.drivers import linux_driver
from textual.drivers._writer_thread import WriterThread

from tests.robustness.hangup import DETACHED, DRAWING_APP, MOMENTS, python_program, run_many
from tui.terminal_close import HANG_UP_GRACE, Terminal, TerminalWriter

ROOT = Path(__file__).resolve().parents[2]
RUNS = 20


def test_closing_the_terminal_at_random_moments_never_hangs(tmp_path):
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    program = python_program(DRAWING_APP, b"drawing frame", env, sys.executable, ROOT)
    moments = [m for m in MOMENTS if m != "save-close"]  # the editor's, in the bench
    tally, outcomes = run_many(
        program, RUNS, tmp_path, seed=1212, moments=moments, wait=2.0, confirm=5.0, longest=0.4
    )
    errors = [o.error for o in outcomes if o.error]
    assert not errors, errors
    assert tally.hung == 0, (
        f"{tally.hung} of {tally.runs} runs did not exit after their terminal closed "
        f"({tally.by_moment}); their main threads waited in {tally.hung_main_threads}:\n"
        f"{tally.example_stacks}"
    )


def test_a_terminal_that_closes_without_a_sighup_still_ends_the_app(tmp_path):
    """The pty is the program's standard streams but not its controlling terminal (a
    launcher that calls setsid): closing it sends no SIGHUP; the failed write does."""
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    program = python_program(DRAWING_APP, b"drawing frame", env, sys.executable, ROOT)
    tally, outcomes = run_many(
        program, 4, tmp_path, seed=7, moments=[DETACHED], wait=2.0, confirm=3.0, longest=0.4
    )
    assert not [o.error for o in outcomes if o.error]
    assert tally.hung == 0, f"{tally.hung} of 4 still ran with their terminal gone"


# -- the writer thread itself, on a pseudo-terminal that stops reading, then closes --------


@pytest.fixture
def stalled() -> Iterator[tuple[int, object]]:
    """A pty whose master nobody reads: (master fd, the slave as a text file)."""
    master, slave = os.openpty()
    file = os.fdopen(slave, "w", encoding="utf-8")
    try:
        yield master, file
    finally:
        file.close()
        with contextlib.suppress(OSError):  # closed by the test already
            os.close(master)


def _fill(writer: WriterThread) -> threading.Thread:
    """A producer (the event loop's part) writing frames until the queue and the terminal
    are full: then it waits in write()."""

    def produce() -> None:
        for n in range(400):
            writer.write(f"frame {n} " + "x" * 4000)

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    deadline = time.monotonic() + 5
    while writer._queue.qsize() < writer._queue.maxsize and time.monotonic() < deadline:
        time.sleep(0.01)
    assert producer.is_alive(), "the terminal never filled up"
    return producer


def test_our_writer_lets_go_when_the_stalled_terminal_closes(stalled):
    master, file = stalled
    terminal = Terminal()
    writer = TerminalWriter(file, terminal)  # type: ignore[arg-type]
    writer.start()
    producer = _fill(writer)
    os.close(master)  # the terminal hangs up: the blocked write fails with EIO
    producer.join(2)
    assert not producer.is_alive(), "write() still waits on a terminal that is gone"
    assert terminal.gone()
    started = time.monotonic()
    writer.stop()
    assert time.monotonic() - started < 1
    writer.write("after the end")  # dropped, never waits


def test_our_writer_lets_go_of_a_stalled_terminal_after_a_hang_up(stalled):
    """SIGHUP while the terminal is open but does not read (frozen): after HANG_UP_GRACE
    writes are dropped and stop() does not wait for the thread blocked in its write."""
    _, file = stalled
    terminal = Terminal()
    writer = TerminalWriter(file, terminal)  # type: ignore[arg-type]
    writer.start()
    producer = _fill(writer)
    terminal.hang_up()  # what hang_up() does to the process's terminal
    producer.join(HANG_UP_GRACE + 2)
    assert not producer.is_alive()
    started = time.monotonic()
    writer.stop()
    assert time.monotonic() - started < 1
    assert writer.is_alive()  # still blocked in its write: a daemon, left behind


def test_after_a_hang_up_a_terminal_still_there_gets_its_writes():
    """`kill -HUP`, or tmux (which signals before it closes the pane): the terminal reads
    on, and what the driver writes to give it back reaches it."""
    master, slave = os.openpty()
    file = os.fdopen(slave, "w", encoding="utf-8")
    terminal = Terminal()
    writer = TerminalWriter(file, terminal)  # type: ignore[arg-type]
    writer.start()
    try:
        terminal.hang_up()
        writer.write("\x1b[?1049l")  # what stop_application_mode writes: alternate screen off
        writer.stop()
        assert not writer.is_alive()
        assert os.read(master, 100) == b"\x1b[?1049l"
    finally:
        file.close()
        os.close(master)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_textual_s_own_writer_still_deadlocks_on_a_closed_terminal(stalled):
    """The upstream bug, in the version this project pins: the thread dies on EIO and the
    producer waits for ever on its full queue. When this fails, Textual fixed it: see
    docs/upstream/textual-writer-thread-hang.md before dropping tui/terminal_close.py."""
    master, file = stalled
    writer = WriterThread(file)  # type: ignore[arg-type]
    writer.start()
    producer = _fill(writer)
    os.close(master)
    writer.join(2)
    assert not writer.is_alive(), "the thread survived the write error"
    producer.join(1)
    try:
        assert producer.is_alive(), "write() no longer waits on a dead writer thread"
    finally:
        while producer.is_alive():  # free the test's thread: nobody else reads that queue
            while not writer._queue.empty():
                writer._queue.get_nowait()
            producer.join(0.05)


def test_the_names_the_fix_replaces_are_still_textual_s():
    """install() swaps `linux_driver.WriterThread` (looked up by start_application_mode) and
    wraps `LinuxDriver._sigcont_application`: a Textual that changes either needs a look."""
    import inspect

    source = inspect.getsource(linux_driver.LinuxDriver.start_application_mode)
    assert "WriterThread(self._file)" in source
    assert "signal.SIGCONT, self._sigcont_application" in inspect.getsource(
        linux_driver.LinuxDriver.__init__
    )
