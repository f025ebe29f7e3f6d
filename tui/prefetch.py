"""The first Cognito answer, fetched in a forked child while the parent loads the UI.

Loading Textual and drawing the first frame, and loading botocore, building a client and
calling GetUser, each take a few hundred milliseconds of CPU; threads cannot overlap them
(the interpreter lock), processes can. When the editor may start with a known access
token (or as the demo), `fork_waiting()` forks first thing, before any thread exists and
before the options are read: the child loads botocore, the session code and the compiled
spec while the parent reads its command line, config file and token, then receives the
settings and the token through a pipe and builds an `EditorSession` (the same session
code, the same retries and read-only guard), calls GetUser (and DescribeUserPool when the
editor reads the pool's schema), and sends each result back over a pipe: the parsed
record, or the failure as the project's `CognitoError` value, plus every retry botocore
made on the way (the status line shows them as usual). The parent meanwhile imports
Textual and draws; its session takes the answer as the result of its first `load()`,
and builds its own client later, for every other call. `start()` does the same in one
step once the settings are known (a fork then, or a thread).

Where forking is unavailable or unsafe (no `os.fork`, threads already running, or
`COGNITO_TUI_PREFETCH=thread`), the same work runs in a thread instead: still started
before Textual is imported, so the network wait overlaps the UI's loading.
`COGNITO_TUI_PREFETCH=off` turns early answers off, and so does a process limited to one
CPU (the two processes could only take turns).

Only the standard library is imported here at import time. Nothing secret is written
anywhere: the token reaches the child through the fork's copy of memory or an anonymous
pipe between the two processes, never the process list or a file, and only records and
error values travel back.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import threading
from collections.abc import Callable
from typing import Any

_HEADER = struct.Struct("!I")
ENV = "COGNITO_TUI_PREFETCH"


def _fetch(
    settings: Any,
    token: str | None,
    *,
    read_only: bool,
    credentials: tuple[str, str] | None,
    describe_pool: bool,
    send: Callable[[tuple[str, Any]], None],
    sign_in: tuple[str, str] | None = None,
) -> None:
    """The work, in the child (or the fallback thread): each answer is sent as it comes.
    With `sign_in` (the demo's user and password) the session signs in first and the
    result is sent as "SignIn"; GetUser follows only when it gave tokens."""
    from tui.core.auth import Tokens
    from tui.core.errors import from_botocore
    from tui.core.session import EditorSession

    def retried(notice: Any) -> None:
        send(("retry", notice))

    first = "SignIn" if sign_in else "GetUser"
    try:
        session = EditorSession(
            settings, read_only=read_only, on_retry=retried, credentials=credentials
        )
        if token:
            session.use_access_token(token)
        connection = session.connection
        send(("endpoint", connection.endpoint_url))
    except Exception as exc:
        send((first, _error(from_botocore(exc))))
        return
    if sign_in is not None:
        try:
            result = session.sign_in(*sign_in)
        except Exception as exc:
            send(("SignIn", _error(from_botocore(exc, "InitiateAuth"))))
            return
        send(("SignIn", result))
        if not isinstance(result, Tokens):
            return
    if describe_pool:
        send(("DescribeUserPool", session.load_pool_schema()))
    try:
        send(("GetUser", session.attributes().get_user()))
    except Exception as exc:
        send(("GetUser", _error(from_botocore(exc, "GetUser"))))


def _error(error: Any) -> tuple[str, tuple[Any, ...]]:
    """A CognitoError as plain values (an exception with its own __init__ does not pickle
    back whole)."""
    fields = (error.code, error.aws_message, error.operation, error.status, error.retries)
    try:
        pickle.dumps(error.violations)
        return ("error", (*fields, error.violations))
    except Exception:
        return ("error", (*fields, []))


def _is_error(value: Any) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and value[0] == "error"


def _raise(value: Any) -> Any:
    if _is_error(value):
        from tui.core.errors import CognitoError

        code, message, operation, status, retries, violations = value[1]
        raise CognitoError(code, message, operation, status, retries, violations)
    return value


class EarlyAnswers:
    """Answers fetched ahead of the session that asks for them; each is taken once.

    `take(name)` waits for that answer (GetUser: a UserRecord; DescribeUserPool: a
    PoolSchema or None), raises the CognitoError it came back as, or returns None when
    there is none (the child died, or the answer was already taken): the caller then makes
    the call itself, as it would have without an early answer."""

    def __init__(self, expected: set[str] | None = None) -> None:
        self.expected = set(expected or ())  # the answers that will come
        self._cond = threading.Condition()
        self._answers: dict[str, Any] = {}
        self._taken: set[str] = set()
        self._finished = False
        self.endpoint_url: str | None = None
        self._on_retry: Callable[[Any], None] | None = None
        self._retries: list[Any] = []
        self.how = ""  # "fork" or "thread", for the benchmarks
        self._go: Callable[..., None] | None = None
        self.pid: int | None = None  # the forked child's
        self._unpin: Callable[[], None] | None = None

    def put(self, item: tuple[str, Any]) -> None:
        name, value = item
        if name == "retry":
            with self._cond:
                report = self._on_retry
                if report is None:
                    self._retries.append(value)
            if report is not None:
                with contextlib.suppress(Exception):  # the UI may not be running yet
                    report(value)
            return
        with self._cond:
            if name == "endpoint":
                self.endpoint_url = value
            else:
                self._answers[name] = value
            self._cond.notify_all()

    def report_retries(self, report: Callable[[Any], None] | None) -> None:
        """Where the retries botocore makes for an early answer are reported (the session's
        own `on_retry`), including those made before this was set."""
        with self._cond:
            self._on_retry, earlier, self._retries = report, self._retries, []
        if report is None:
            return
        for notice in earlier:
            with contextlib.suppress(Exception):
                report(notice)

    def finish(self) -> None:
        self.unpin()  # first: whoever waits for the end finds the CPUs given back
        with self._cond:
            self._finished = True
            self._cond.notify_all()

    def unpin(self) -> None:
        """Give the parent back every CPU it may use (see `_fork`): when the child is done,
        or when the editor has shown its first answer, whichever comes first."""
        with self._cond:
            unpin, self._unpin = self._unpin, None
        if unpin is not None:
            unpin()

    def ready(self, name: str) -> bool:
        """Whether that answer has arrived, not taken, and is a result rather than an
        error: `take(name)` would return it at once. The first screen then shows it in
        its first frame instead of a frame later."""
        with self._cond:
            if name in self._taken or name not in self._answers:
                return False
            value = self._answers[name]
        return not _is_error(value)

    def take(self, name: str, timeout: float = 120.0) -> Any:
        with self._cond:
            if name in self._taken:
                return None
            self._taken.add(name)
            self._cond.wait_for(lambda: name in self._answers or self._finished, timeout)
            if name not in self._answers:
                return None
            value = self._answers.pop(name)
        return _raise(value)

    def pending(self, name: str) -> bool:
        """Whether an answer by that name may still be taken."""
        with self._cond:
            if name not in self.expected or name in self._taken:
                return False
            return name in self._answers or not self._finished

    def pending_any(self) -> bool:
        return any(self.pending(name) for name in self.expected)

    def exhausted(self) -> bool:
        """Nothing more can be taken."""
        with self._cond:
            return self._finished and not self._answers

    def go(
        self,
        settings: Any,
        *,
        token: str | None = None,
        sign_in: tuple[str, str] | None = None,
        credentials: Any = None,
        read_only: bool = False,
        describe_pool: bool = False,
    ) -> None:
        """A child forked by `fork_waiting` waits for this: where to connect and what to
        fetch (GetUser with `token`; the demo's sign-in first with `sign_in`)."""
        self.expected = ({"SignIn"} if sign_in else set()) | {"GetUser"}
        if describe_pool:
            self.expected.add("DescribeUserPool")
        work = dict(
            settings=settings,
            token=token,
            sign_in=sign_in,
            credentials=credentials,
            read_only=read_only,
            describe_pool=describe_pool,
        )
        if self._go is not None:
            self._go(work)

    def cancel(self) -> None:
        """Nothing to fetch after all: the waiting child exits without a call."""
        self.expected = set()
        if self._go is not None:
            self._go(None)


def usable_cpus() -> int:
    """CPUs this process may run on: with one, the child could only take turns with the
    parent, so nothing is fetched early."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def fork_is_safe() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1 and os.environ.get(ENV) != "thread"


def _cpu_now() -> int | None:
    """The CPU this thread runs on (field 39 of Linux's /proc/thread-self/stat), or None."""
    try:
        with open("/proc/thread-self/stat", "rb") as fh:
            return int(fh.read().rsplit(b")", 1)[1].split()[36])
    except (OSError, ValueError, IndexError):
        return None


def _fork(answers: EarlyAnswers) -> int:
    """os.fork(), with the parent kept on the CPU it runs on and the child on the others
    until the child is done (`EarlyAnswers.unpin`). On a two-CPU machine, in 21 rounds of
    bench/startup.py's launches: attributes on screen 1.33x a plain botocore script with
    the two left to the scheduler, 1.28x placed apart."""
    cpu = _cpu_now() if hasattr(os, "sched_setaffinity") else None
    allowed: set[int] = set()
    if cpu is not None:
        with contextlib.suppress(OSError):
            allowed = os.sched_getaffinity(0)
    pid = os.fork()
    if cpu is None or cpu not in allowed or len(allowed) < 2:  # nowhere else to go
        answers.pid = pid or None
        return pid
    if pid == 0:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, allowed - {cpu})
        return pid
    answers.pid = pid
    try:
        os.sched_setaffinity(0, {cpu})  # this thread, the only one: see fork_is_safe
    except OSError:
        return pid

    def unpin() -> None:
        # every thread of the parent: those started since the fork inherited the one CPU
        with contextlib.suppress(OSError):
            for tid in os.listdir("/proc/self/task"):
                with contextlib.suppress(OSError, ValueError):
                    os.sched_setaffinity(int(tid), allowed)

    answers._unpin = unpin
    return pid


def start(
    settings: Any,
    token: str,
    *,
    read_only: bool = False,
    credentials: tuple[str, str] | None = None,
    describe_pool: bool = False,
) -> EarlyAnswers | None:
    """Start fetching the signed-in user's attributes; None when turned off."""
    if os.environ.get(ENV) == "off" or usable_cpus() < 2:
        return None
    answers = EarlyAnswers({"GetUser", "DescribeUserPool"} if describe_pool else {"GetUser"})
    work: dict[str, Any] = dict(
        read_only=read_only, credentials=credentials, describe_pool=describe_pool
    )
    if fork_is_safe():
        read_fd, write_fd = os.pipe()
        pid = _fork(answers)
        if pid == 0:  # the child: never returns
            _child(read_fd, write_fd, settings, token, work)
        os.close(write_fd)
        answers.how = "fork"
        # The reader is a thread of the parent, started after the fork.
        threading.Thread(
            target=_read, args=(read_fd, pid, answers), name="cognito-tui-prefetch", daemon=True
        ).start()
        return answers
    answers.how = "thread"

    def run() -> None:
        try:
            _fetch(settings, token, send=answers.put, **work)
        finally:
            answers.finish()

    threading.Thread(target=run, name="cognito-tui-prefetch", daemon=True).start()
    return answers


def fork_waiting() -> EarlyAnswers | None:
    """Fork at once, before the options are read: the child loads botocore, the session
    code and the compiled spec while the parent reads its command line, environment and
    config file (and the token from standard input, or the demo starts its backend), then
    waits for `EarlyAnswers.go()` to make its calls, or for `cancel()` to exit. The work
    and the token reach it through a pipe between the two processes, as its answers come
    back; nothing is written anywhere. Only by fork: a thread would compete for the
    interpreter lock with the parent's start. None where that is not possible."""
    if os.environ.get(ENV) in ("off", "thread") or not fork_is_safe() or usable_cpus() < 2:
        return None
    answers = EarlyAnswers()
    read_fd, write_fd = os.pipe()
    go_read, go_write = os.pipe()
    pid = _fork(answers)
    if pid == 0:  # the child: never returns
        os.close(go_write)
        _waiting_child(read_fd, write_fd, go_read)
    os.close(write_fd)
    os.close(go_read)
    answers.how = "fork"

    def go(work: dict[str, Any] | None) -> None:
        answers._go = None
        # A child that died before its work came (killed, out of memory) closed its end:
        # its answers are then missing, and the session makes the calls itself.
        with contextlib.suppress(OSError), os.fdopen(go_write, "wb") as pipe:
            if work is not None:
                pipe.write(pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL))

    answers._go = go
    threading.Thread(
        target=_read, args=(read_fd, pid, answers), name="cognito-tui-prefetch", daemon=True
    ).start()
    return answers


def _waiting_child(read_fd: int, write_fd: int, go_fd: int) -> None:
    def work(send: Callable[[tuple[str, Any]], None]) -> None:
        import botocore.session  # noqa: F401 - loaded while the parent reads its options

        import tui.core.session  # noqa: F401
        from contracts.checker.spec import default_spec

        with contextlib.suppress(Exception):  # the call itself reports a spec that fails
            default_spec()
        with os.fdopen(go_fd, "rb") as pipe:
            data = pipe.read()
        if not data:  # cancelled, or the parent is gone
            return
        job = pickle.loads(data)
        _fetch(
            job["settings"],
            job["token"],
            read_only=job["read_only"],
            credentials=job["credentials"],
            describe_pool=job["describe_pool"],
            send=send,
            sign_in=job["sign_in"],
        )

    _run_child(read_fd, write_fd, work)


def _child(read_fd: int, write_fd: int, settings: Any, token: str, work: dict[str, Any]) -> None:
    _run_child(read_fd, write_fd, lambda send: _fetch(settings, token, send=send, **work))


def _run_child(
    read_fd: int, write_fd: int, work: Callable[[Callable[[tuple[str, Any]], None]], None]
) -> None:
    code = 0
    try:
        # A short-lived process that mostly allocates what it keeps (botocore's loaders,
        # model and client) and exits after a few calls: the cyclic collector's passes
        # over that growing heap were a third of its time (bench/startup.py: GetUser 38 ms
        # with them, 18 ms without). Memory is given back at exit.
        import gc

        gc.disable()
        os.close(read_fd)
        # The terminal belongs to the parent: the child neither reads nor draws on it.
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.close(null)
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        with os.fdopen(write_fd, "wb") as pipe:

            def send(item: tuple[str, Any]) -> None:
                data = pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
                pipe.write(_HEADER.pack(len(data)) + data)
                pipe.flush()

            work(send)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _read(fd: int, pid: int, answers: EarlyAnswers) -> None:
    try:
        with os.fdopen(fd, "rb") as pipe:
            while True:
                header = pipe.read(_HEADER.size)
                if len(header) < _HEADER.size:
                    break
                (size,) = _HEADER.unpack(header)
                data = pipe.read(size)
                if len(data) < size:
                    break
                answers.put(pickle.loads(data))
    except Exception:  # a broken pipe: whatever was not answered is asked again
        pass
    finally:
        answers.finish()
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, 0)


def wanted(options: Any) -> bool:
    """Whether the editor's start has an answer to fetch early: a known access token, not
    admin mode (which starts with STS and the pools)."""
    return bool(options.access_token) and not options.admin
