"""Close a program's terminal at a random moment of its drawing and input, and see whether
it exits: the harness of tests/robustness/test_terminal_close.py and bench/hangup.py.

Each run starts the program in a pseudo-terminal of its own (it is the session leader and
the terminal is its controlling terminal, as a login shell's child over SSH), waits for
its first screen, then plays one *moment*:

- `close`: keys arrive and the output is read, the terminal closes (the pty's master is
  closed: the kernel hangs the terminal up and sends SIGHUP, writes fail with EIO, reads
  see the end of file);
- `stalled-close`: keys and resizes arrive but nobody reads the output any more (a network
  link that died before its connection did), then the terminal closes;
- `sighup`: SIGHUP while drawing, the output read, the terminal closed a little later (the
  order tmux's kill-session follows);
- `stalled-sighup`: SIGHUP while the output is not read, and the terminal is left open and
  unread (a frozen terminal);
- `resize-close`: the window resized, and the terminal closed a few milliseconds later;
- `save-close`: (the editor only) an attribute edited and saved, the terminal closed while
  the save may still be in flight.

The program must exit within `wait` seconds. One that does not gets SIGUSR1 (its stacks go
to the file named by COGNITO_TUI_DEBUG_STACKS, see tui/terminal_close.py), then `confirm`
more seconds: still there, it is *hung* (then killed); gone by then, it was *late*.
COGNITO_TUI_NO_WATCHDOG=1 keeps the watchdog of tui.launch.leave_on_signals out of the way:
what is measured is the shutdown itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import re
import select
import signal
import struct
import termios
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FRAME = re.compile(r'File "(?P<path>.+)", line (?P<line>\d+) in (?P<function>\S+)')
MOMENTS = ("close", "stalled-close", "sighup", "stalled-sighup", "resize-close", "save-close")
# the terminal closes, but it is not the program's controlling terminal: no SIGHUP comes
DETACHED = "detached-close"
# keys that make the editor and the drawing app redraw without leaving the screen
DRAWING_KEYS = (b"\x1b[B", b"\x1b[A", b"\x1b[B", b"j", b"k")


@dataclass
class Program:
    """What to run and how to tell it is ready: `ready` is a text of its first screen."""

    command: list[str]
    env: dict[str, str]
    ready: bytes
    # (keys, pause after them) that edit a value and save it; None: no save-close moment
    save: Sequence[tuple[bytes, float]] | None = None
    start_timeout: float = 60.0


@dataclass
class Outcome:
    moment: str
    delay: float  # seconds of drawing and input (or of stall) before the terminal closed
    exited_after: float | None  # seconds from the close (or the signal) to the exit
    status: int | None  # the wait status's exit code, or -signal
    hung: bool = False  # still running `wait + confirm` seconds later
    late: bool = False  # not gone within `wait`, gone within `confirm` more
    stacks: str = ""  # what SIGUSR1 dumped, when it did not exit in time
    error: str = ""  # the run could not be played (the program never became ready)
    sent: int = 0  # keys and resizes sent


@dataclass
class Tally:
    runs: int = 0
    exited: int = 0
    late: int = 0
    hung: int = 0
    errors: int = 0
    by_moment: dict[str, dict[str, int]] = field(default_factory=dict)
    slowest_exit: float = 0.0
    hung_main_threads: dict[str, int] = field(default_factory=dict)
    # the other threads of the hung programs, by where they were (innermost frames)
    hung_other_threads: dict[str, int] = field(default_factory=dict)
    example_stacks: str = ""

    def add(self, outcome: Outcome) -> None:
        self.runs += 1
        counts = self.by_moment.setdefault(
            outcome.moment, {"runs": 0, "exited": 0, "late": 0, "hung": 0, "errors": 0}
        )
        counts["runs"] += 1
        if outcome.error:
            self.errors += 1
            counts["errors"] += 1
            return
        if outcome.hung:
            self.hung += 1
            counts["hung"] += 1
            where = main_thread_waits_in(outcome.stacks)
            self.hung_main_threads[where] = self.hung_main_threads.get(where, 0) + 1
            for other in other_threads_wait_in(outcome.stacks):
                self.hung_other_threads[other] = self.hung_other_threads.get(other, 0) + 1
            if not self.example_stacks:
                self.example_stacks = outcome.stacks
            return
        if outcome.late:
            self.late += 1
            counts["late"] += 1
        else:
            self.exited += 1
            counts["exited"] += 1
        self.slowest_exit = max(self.slowest_exit, outcome.exited_after or 0.0)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def main_thread_waits_in(stacks: str) -> str:
    """The innermost frames of the thread that received SIGUSR1 (the main thread, where
    Python runs signal handlers), as `function (file:line) < caller ...`."""
    lines = stacks.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("Current thread"))
    except StopIteration:
        return "no stacks"
    return _frames(lines[start + 1 :], 4)


def other_threads_wait_in(stacks: str) -> list[str]:
    """The innermost frames of every other thread."""
    lines = stacks.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Thread ")]
    return [_frames(lines[i + 1 :], 3) for i in starts]


def _frames(lines: list[str], count: int) -> str:
    frames = []
    for line in lines:
        found = FRAME.match(line.strip())
        if found is None:
            break
        frames.append(f"{found['function']} ({Path(found['path']).name}:{found['line']})")
        if len(frames) == count:
            break
    return " < ".join(frames)


class _Terminal:
    """The master side of the program's pty: what a terminal emulator or sshd holds."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        # keys sent to a program that no longer reads must not block the harness
        os.set_blocking(fd, False)
        self.output = bytearray()
        self.closed = False

    def read_for(self, seconds: float) -> bool:
        """Read (and keep the tail of) the output for `seconds`; False once the program's
        side is gone (end of file or EIO)."""
        end = time.monotonic() + seconds
        while not self.closed:
            left = end - time.monotonic()
            if left <= 0:
                return True
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.05))
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except BlockingIOError:
                    continue
                except OSError:
                    return False
                if not data:
                    return False
                self.output += data[-4096:]
                del self.output[:-8192]
        return False

    def wait_for(self, text: bytes, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            alive = self.read_for(0.05)
            if text in self.output:
                return True
            if not alive:
                return False
        return False

    def send(self, data: bytes) -> None:
        with contextlib.suppress(OSError):  # a full input buffer: the key is lost
            os.write(self.fd, data)

    def resize(self, rows: int, cols: int) -> None:
        # the kernel sends SIGWINCH to the terminal's foreground process group
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.fd)


_FORKING = threading.Lock()


def _start(program: Program, stacks: Path, controlling: bool = True) -> tuple[int, _Terminal]:
    """The program in a new pty; its config and state (the editor's journal) in a folder of
    this run, beside `stacks`."""
    home = stacks.with_suffix(".home")
    env = {
        **program.env,
        "COGNITO_TUI_NO_WATCHDOG": "1",
        "COGNITO_TUI_DEBUG_STACKS": str(stacks),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    with _FORKING:
        if controlling:
            pid, fd = os.forkpty()
        else:  # a new session, the pty its standard streams but not its terminal
            fd, slave = os.openpty()
            pid = os.fork()
            if pid == 0:
                os.setsid()
                for stream in (0, 1, 2):
                    os.dup2(slave, stream)
            else:
                os.close(slave)
        if pid == 0:  # the child: a new session whose controlling terminal is the pty
            try:
                fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
                os.execve(program.command[0], program.command, env)
            finally:
                os._exit(127)
        # forkpty's master is inheritable: another run's child would hold this terminal
        # open, and closing it here would not hang it up
        os.set_inheritable(fd, False)
    return pid, _Terminal(fd)


def _exit_status(status: int) -> int:
    return os.waitstatus_to_exitcode(status)


def _wait_exit(pid: int, seconds: float) -> int | None:
    end = time.monotonic() + seconds
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return _exit_status(status)
        if time.monotonic() >= end:
            return None
        time.sleep(0.01)


def _busy(term: _Terminal, rng: random.Random, seconds: float, read: bool) -> int:
    """Keys (and now and then a resize) for `seconds`, the output read or not."""
    sent = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        term.send(rng.choice(DRAWING_KEYS))
        sent += 1
        if sent % 7 == 0:
            term.resize(rng.randint(20, 50), rng.randint(70, 160))
        if read:
            term.read_for(0.01)
        else:
            time.sleep(0.01)
    return sent


def hang_up_once(
    program: Program,
    moment: str,
    rng: random.Random,
    stacks: Path,
    wait: float = 2.0,
    confirm: float = 5.0,
    longest: float = 0.6,
) -> Outcome:
    """One run of `program`, its terminal closed at `moment` (see the module's docstring)
    after a random `delay` of up to `longest` seconds."""
    delay = round(rng.uniform(0, longest), 3)
    pid, term = _start(program, stacks, controlling=moment != DETACHED)
    outcome = Outcome(moment=moment, delay=delay, exited_after=None, status=None)
    try:
        if not term.wait_for(program.ready, program.start_timeout):
            outcome.error = f"{program.ready!r} never appeared: {bytes(term.output[-300:])!r}"
            return outcome
        term.read_for(0.2)
        started = time.monotonic()
        if moment in ("close", DETACHED):
            outcome.sent = _busy(term, rng, delay, read=True)
            started = time.monotonic()
            term.close()
        elif moment == "stalled-close":
            outcome.sent = _busy(term, rng, delay, read=False)
            started = time.monotonic()
            term.close()
        elif moment == "sighup":
            outcome.sent = _busy(term, rng, delay, read=True)
            started = time.monotonic()
            os.kill(pid, signal.SIGHUP)
            term.read_for(0.05)
            term.close()
        elif moment == "stalled-sighup":
            outcome.sent = _busy(term, rng, delay, read=False)
            started = time.monotonic()
            os.kill(pid, signal.SIGHUP)  # the terminal stays open, and unread
        elif moment == "resize-close":
            outcome.sent = _busy(term, rng, delay, read=True)
            term.resize(rng.randint(20, 50), rng.randint(70, 160))
            time.sleep(rng.uniform(0, 0.05))
            started = time.monotonic()
            term.close()
        elif moment == "save-close":
            if program.save is None:
                raise ValueError(f"{program.command[0]} has no save keys")
            steps = list(program.save)
            # the terminal closes after a random number of the save's steps, and a random
            # part of the last pause: before, during or after the save's call
            cut = rng.randint(len(steps) // 2, len(steps))
            for keys, pause in steps[:cut]:
                term.send(keys)
                outcome.sent += 1
                term.read_for(pause)
            term.read_for(delay)
            started = time.monotonic()
            term.close()
        else:
            raise ValueError(f"unknown moment {moment!r}")
        code = _wait_exit(pid, wait)
        if code is None:
            os.kill(pid, signal.SIGUSR1)
            time.sleep(0.3)
            code = _wait_exit(pid, confirm)
            outcome.stacks = stacks.read_text(errors="replace") if stacks.exists() else ""
            if code is None:
                outcome.hung = True
                return outcome
            outcome.late = True
        outcome.status = code
        outcome.exited_after = round(time.monotonic() - started, 3)
        return outcome
    finally:
        term.close()
        if outcome.status is None:  # not reaped: hung, or the run failed
            _kill(pid)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def run_many(
    program: Program,
    runs: int,
    folder: Path,
    seed: int = 0,
    moments: Sequence[str] = MOMENTS,
    parallel: int = 2,
    on_outcome: Callable[[Outcome], None] | None = None,
    **options: Any,
) -> tuple[Tally, list[Outcome]]:
    """`runs` runs, `parallel` at a time, cycling through `moments`."""
    rng = random.Random(seed)
    plans = [(moments[i % len(moments)], rng.randrange(2**32)) for i in range(runs)]

    def one(index: int) -> Outcome:
        moment, run_seed = plans[index]
        stacks = folder / f"stacks-{index}.txt"
        outcome = hang_up_once(program, moment, random.Random(run_seed), stacks, **options)
        if on_outcome is not None:
            on_outcome(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        outcomes = list(pool.map(one, range(runs)))
    tally = Tally()
    for outcome in outcomes:
        tally.add(outcome)
    return tally, outcomes


ARMS = ("writer", "sigcont", "hangup")  # the three parts of tui/terminal_close.py


def _prelude(armed: Sequence[str]) -> str:
    """Python run before the program: the parts of tui.terminal_close not in `armed` are
    taken back out (the stacks on SIGUSR1 stay), as they were before the fix."""
    unknown = set(armed) - set(ARMS)
    if unknown:
        raise ValueError(f"unknown parts {sorted(unknown)}")
    return f"""
import tui.terminal_close as t
import textual.drivers.linux_driver as d
ARMED = {sorted(armed)!r}
full = t.install
def install():
    writer, sigcont = d.WriterThread, d.LinuxDriver._sigcont_application
    full()
    if "writer" not in ARMED:
        d.WriterThread = writer
    if "sigcont" not in ARMED:
        d.LinuxDriver._sigcont_application = sigcont
t.install = install
if "hangup" not in ARMED:
    t.hang_up = lambda: None
"""


def python_program(
    code: str,
    ready: bytes,
    env: dict[str, str],
    python: str,
    root: Path,
    armed: Sequence[str] = ARMS,
    save: Sequence[tuple[bytes, float]] | None = None,
) -> Program:
    """`code` run by `python` with the repository `root` first on its path, and only the
    `armed` parts of the fix (all of them unless told)."""
    prelude = f"import sys\nsys.path.insert(0, {str(root)!r})\n"
    if tuple(sorted(armed)) != tuple(sorted(ARMS)):
        prelude += _prelude(armed)
    return Program([python, "-c", prelude + code], env, ready, save=save)


DRAWING_APP = "import runpy\nrunpy.run_module('tests.robustness.drawing_app', run_name='__main__')"
