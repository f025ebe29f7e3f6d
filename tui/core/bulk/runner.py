"""Running a bulk plan: the dry-run preview and the apply, with progress and a report.

Per user, a worker reads the current values (AdminGetUser), drops the rows already in place
(reported as unchanged, never sent), then sends one AdminUpdateUserAttributes for the sets
and one AdminDeleteUserAttributes for the deletes. Workers are threads sharing one
Connection (botocore clients are thread-safe; its HTTP pool is sized to the workers) and
two token buckets: one for writes (the UserUpdate quota) and one for reads (UserRead).

Throttling is retried twice over: botocore's standard mode retries each call with
backoff; when it gives up (its attempts or its retry quota are spent), the runner waits
with exponential backoff and jitter and tries again, a bounded number of rounds, taking a
fresh token each time. Every throttled answer also slows the shared bucket of its
category (ratelimit.py), so that a --rate above the real quota settles at the quota
instead of feeding a storm of retries. Every retry is counted, whichever layer made it.

The journal (journal.py) gets an intent record after the token is taken and before the
call, and a done record after it; a result is recorded in memory before the done record
is written, and a journal that cannot be written stops the run (a resume without it could
not know what was sent).

Progress goes to a callback, always called from the thread that called `run()`, a few times
a second: a caller with a UI thread (the editor) runs `run()` in a worker and posts the
values on; the CLI draws a bar. Nothing here prints.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tui.core.bulk.journal import BulkJournal, JournalState
from tui.core.bulk.plan import Plan, UserPlan
from tui.core.bulk.ratelimit import TokenBucket
from tui.core.bulk.rows import Row, RowProblem
from tui.core.connection import Connection, RetryNotice
from tui.core.errors import BULK, CognitoError, is_throttling
from tui.core.service import attributes_from_wire

# Cognito's default quotas are 25 requests/s for UserUpdate and 120/s for UserRead (per
# account and region, shared with every application using them): stay below both.
DEFAULT_RATE = 20.0
DEFAULT_READ_RATE = 100.0
DEFAULT_WORKERS = 8
MAX_WORKERS = 64
# Rounds of the runner's own retry, after botocore's attempts in each round.
MAX_ROUNDS = 6
BACKOFF_BASE = 0.5
BACKOFF_CAP = 20.0

UPDATE = "AdminUpdateUserAttributes"
DELETE = "AdminDeleteUserAttributes"
READ = "AdminGetUser"

Outcome = Literal["applied", "unchanged", "failed"]


class Stopped(Exception):
    """The run was cancelled while this call waited: the call was not sent."""


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowResult:
    row: Row
    outcome: Outcome
    reason: str = ""  # failed: the CognitoError's human message
    code: str = ""
    confirmed: bool = False  # sent by an interrupted run, found in place by this one


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    failed: int
    retries: int
    elapsed: float
    final: bool = False

    @property
    def rate(self) -> float:
        """Rows finished per second since the start of this run."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the rate so far; None until there is a rate to go by."""
        if self.done >= self.total:
            return 0.0
        return (self.total - self.done) / self.rate if self.rate > 0 else None


@dataclass
class Report:
    results: list[RowResult] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)
    earlier: int = 0  # rows an earlier run finished (from the journal)
    retries: int = 0
    throttled: int = 0  # TooManyRequests / Throttling answers seen
    # operation -> requests the runner sent (its own retry rounds included, botocore's not)
    calls: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    interrupted: bool = False
    not_reached: int = 0  # rows left for the next run (interrupted)
    journal: Path | None = None

    def _with(self, outcome: Outcome) -> list[RowResult]:
        return [r for r in self.results if r.outcome == outcome]

    @property
    def applied(self) -> list[RowResult]:
        return self._with("applied")

    @property
    def unchanged(self) -> list[RowResult]:
        return self._with("unchanged")

    @property
    def failed(self) -> list[RowResult]:
        return self._with("failed")

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


# -- calls: rate limits and retries ------------------------------------------------------------


class Calls:
    """Cognito calls shared by every worker: paced by a token bucket, throttling retried.

    Hooks the connection's retry callback for its lifetime (the previous one still runs) to
    count botocore's own retries.
    """

    def __init__(
        self,
        connection: Connection,
        stop: threading.Event,
        *,
        max_rounds: int = MAX_ROUNDS,
        backoff: float = BACKOFF_BASE,
    ) -> None:
        self.connection = connection
        self.stop = stop
        self.max_rounds = max_rounds
        self.backoff = backoff
        self.retries = 0
        self.throttled = 0
        self.sent: Counter[str] = Counter()
        # operation -> its bucket, so that botocore's throttled retries slow the right one
        self.limiters: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()
        self._previous = connection.on_retry
        connection.on_retry = self._on_retry

    def close(self) -> None:
        self.connection.on_retry = self._previous

    def _on_retry(self, notice: RetryNotice) -> None:
        with self._lock:
            self.retries += 1
            if is_throttling(notice.code):
                self.throttled += 1
        if is_throttling(notice.code):
            limiter = self.limiters.get(notice.operation)
            if limiter is not None:
                limiter.throttled()
        if self._previous is not None:
            self._previous(notice)

    def call(
        self,
        operation: str,
        limiter: TokenBucket | None,
        before: Callable[[], None] | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        """One call under `limiter`; `before` runs once, after the first token is taken
        and before anything is sent (the journal's intent record). Raises CognitoError
        when the call failed for good, Stopped when the run was cancelled first."""
        rounds = 0
        while True:
            if limiter is not None:
                if not limiter.acquire(self.stop):
                    raise Stopped
            elif self.stop.is_set():
                raise Stopped
            if before is not None:
                before()
                before = None
            with self._lock:
                self.sent[operation] += 1
            try:
                result = self.connection.call(operation, **params)
            except CognitoError as error:
                throttled = is_throttling(error.code)
                if throttled:
                    with self._lock:
                        self.throttled += 1
                    if limiter is not None:
                        limiter.throttled()
                # worth another round: throttling, or the service's own failure (5xx)
                transient = throttled or (error.status or 0) >= 500
                if not transient or rounds >= self.max_rounds:
                    raise
            else:
                if limiter is not None:
                    limiter.succeeded()
                return result
            rounds += 1
            with self._lock:
                self.retries += 1
            delay = min(BACKOFF_CAP, self.backoff * 2 ** (rounds - 1)) * random.uniform(0.5, 1)
            if self.stop.wait(delay):
                raise Stopped


# -- dry run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowDiff:
    row: Row
    current: str | None  # None: the user has no such attribute

    @property
    def changes(self) -> bool:
        if self.row.action == "delete":
            return self.current is not None
        return self.current != self.row.value


@dataclass
class UserDiff:
    username: str
    rows: list[RowDiff] = field(default_factory=list)
    error: CognitoError | None = None


def preview(
    connection: Connection,
    pool_id: str,
    plan: Plan,
    *,
    read_rate: float | None = DEFAULT_READ_RATE,
    workers: int = DEFAULT_WORKERS,
) -> list[UserDiff]:
    """Each user's rows against their current values (AdminGetUser); writes nothing."""
    stop = threading.Event()
    calls = Calls(connection, stop)
    reads = TokenBucket(read_rate, adaptive=True) if read_rate else None
    if reads is not None:
        calls.limiters[READ] = reads

    def one(user: UserPlan) -> UserDiff:
        try:
            found = calls.call(READ, reads, UserPoolId=pool_id, Username=user.username)
        except CognitoError as error:
            return UserDiff(user.username, error=error)
        current = attributes_from_wire(found.get("UserAttributes"))
        return UserDiff(user.username, [RowDiff(r, current.get(r.attribute)) for r in user.rows])

    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="bulk-preview")
    try:
        return list(pool.map(one, plan.users))
    except BaseException:
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        calls.close()


# -- apply -------------------------------------------------------------------------------------


class BulkRunner:
    """Apply a plan; `run()` blocks until done or cancelled and returns the report."""

    def __init__(
        self,
        connection: Connection,
        pool_id: str,
        plan: Plan,
        *,
        journal: BulkJournal | None = None,
        state: JournalState | None = None,
        rate: float | None = DEFAULT_RATE,
        read_rate: float | None = DEFAULT_READ_RATE,
        workers: int = DEFAULT_WORKERS,
        on_progress: Callable[[Progress], None] | None = None,
        tick: float = 0.25,
        max_rounds: int = MAX_ROUNDS,
        backoff: float = BACKOFF_BASE,
    ) -> None:
        self.connection = connection
        self.pool_id = pool_id
        self.plan = plan
        self.journal = journal
        self.state = state or JournalState()
        self.writes = TokenBucket(rate, adaptive=True) if rate else None
        self.reads = TokenBucket(read_rate, adaptive=True) if read_rate else None
        self.workers = max(1, min(MAX_WORKERS, workers))
        self.on_progress = on_progress
        self.tick = tick
        self.max_rounds = max_rounds
        self.backoff = backoff
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._results: dict[int, RowResult] = {}
        self._total = 0
        self._start = 0.0

    def cancel(self) -> None:
        """Stop taking new users; calls in flight finish and are journaled."""
        self._stop.set()

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> Report:
        report = Report(skipped=list(self.plan.invalid))
        report.journal = self.journal.path if self.journal else None
        todo: list[UserPlan] = []
        for user in self.plan.users:
            left = UserPlan(
                user.username,
                [r for r in user.sets if r.line not in self.state.finished],
                [r for r in user.deletes if r.line not in self.state.finished],
            )
            report.earlier += len(user.rows) - len(left.rows)
            if left.rows:
                todo.append(left)
        self._total = sum(len(user.rows) for user in todo)
        if self.journal is not None:
            self.journal.open(rows=self.plan.total)
        calls = Calls(self.connection, self._stop, max_rounds=self.max_rounds, backoff=self.backoff)
        for operation, limiter in (
            (READ, self.reads),
            (UPDATE, self.writes),
            (DELETE, self.writes),
        ):
            if limiter is not None:
                calls.limiters[operation] = limiter
        self._start = time.monotonic()
        self._emit(calls)
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="bulk")
        futures: list[Future[None]] = []
        try:
            futures = [pool.submit(self._user, calls, user) for user in todo]
            pending: Iterable[Future[None]] = futures
            while pending:
                if self._stop.is_set():
                    for future in futures:
                        future.cancel()
                _, pending = wait(pending, timeout=self.tick)
                self._emit(calls)
        except KeyboardInterrupt:
            self._stop.set()
            for future in futures:
                future.cancel()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            calls.close()
            if self.journal is not None:
                self.journal.close()
        report.elapsed = time.monotonic() - self._start
        report.results = sorted(self._results.values(), key=lambda r: r.row.line)
        report.retries, report.throttled = calls.retries, calls.throttled
        report.calls = Counter(calls.sent)
        report.not_reached = self._total - len(report.results)
        report.interrupted = self._stop.is_set() and report.not_reached > 0
        self._emit(calls, final=True)
        return report

    def _emit(self, calls: Calls, final: bool = False) -> None:
        if self.on_progress is None:
            return
        with self._lock:
            done = len(self._results)
            failed = sum(1 for r in self._results.values() if r.outcome == "failed")
        elapsed = time.monotonic() - self._start
        self.on_progress(Progress(done, self._total, failed, calls.retries, elapsed, final))

    def _record(self, rows: Iterable[Row], outcome: Outcome, **details: Any) -> None:
        with self._lock:
            for row in rows:
                self._results[row.line] = RowResult(row, outcome, **details)

    # -- one user --------------------------------------------------------------------------

    def _user(self, calls: Calls, user: UserPlan) -> None:
        if self._stop.is_set():
            return
        try:
            self._apply(calls, user)
        except Stopped:
            return
        except OSError as error:
            # The journal cannot be written (disk full, removed): without it a resume could
            # not know what was sent, so nothing more is sent at all.
            self._stop.set()
            reason = f"the journal could not be written ({error}); the run stopped"
            self._record(self._left(user), "failed", reason=reason, code="JournalError")
        except Exception as error:  # a bug must not lose the report of the other users
            from tui.core.logfile import log_exception

            where = log_exception(error, f"bulk apply, user {user.username}")
            reason = f"internal error (details in {where}); run the same command again"
            self._record(self._left(user), "failed", reason=reason, code="InternalError")

    def _left(self, user: UserPlan) -> list[Row]:
        with self._lock:
            return [r for r in user.rows if r.line not in self._results]

    def _apply(self, calls: Calls, user: UserPlan) -> None:
        try:
            found = calls.call(READ, self.reads, UserPoolId=self.pool_id, Username=user.username)
        except CognitoError as error:
            self._record(user.rows, "failed", reason=error.human(BULK), code=error.code)
            return
        current = attributes_from_wire(found.get("UserAttributes"))
        sets = [r for r in user.sets if current.get(r.attribute) != r.value]
        deletes = [r for r in user.deletes if r.attribute in current]
        in_place = [r for r in user.rows if r not in sets and r not in deletes]
        confirmed = [r for r in in_place if r.line in self.state.uncertain]
        unchanged = [r for r in in_place if r.line not in self.state.uncertain]
        self._record(confirmed, "applied", confirmed=True)
        self._record(unchanged, "unchanged")
        if self.journal is not None:
            if confirmed:
                self.journal.done(user.username, None, confirmed, "applied")
            if unchanged:
                self.journal.done(user.username, None, unchanged, "unchanged")
        if sets:
            values = [{"Name": r.attribute, "Value": r.value} for r in sets]
            self._write(calls, UPDATE, user.username, sets, UserAttributes=values)
        if deletes:
            names = [r.attribute for r in deletes]
            self._write(calls, DELETE, user.username, deletes, UserAttributeNames=names)

    def _write(
        self, calls: Calls, operation: str, username: str, rows: list[Row], **params: Any
    ) -> None:
        journal = self.journal

        def intent() -> None:
            if journal is not None:
                journal.intent(username, operation, rows)

        try:
            calls.call(
                operation,
                self.writes,
                before=intent,
                UserPoolId=self.pool_id,
                Username=username,
                **params,
            )
        except CognitoError as error:
            self._record(rows, "failed", reason=error.human(BULK), code=error.code)
            if journal is not None:
                journal.done(username, operation, rows, "failed", error.code, error.human(BULK))
            return
        self._record(rows, "applied")  # first: it is true even if the journal fails next
        if journal is not None:
            journal.done(username, operation, rows, "applied")
