"""The core runner as another caller (a future editor screen) would use it: progress on the
calling thread, cancel, resume from the journal, and the verification note."""

from __future__ import annotations

import threading

from tests.bulk.support import LOCAL, admin, values_of
from tui.core.bulk import BulkJournal, BulkRunner, build_plan, csv_digest, parse_csv, preview
from tui.core.service import PoolAdmin


def plan_for(backend, lines: list[str]):
    data = ("username,attribute,value\n" + "\n".join(lines) + "\n").encode()
    conn = admin(backend)
    schema = PoolAdmin(conn, backend.user_pool_id).describe_pool()
    return conn, data, build_plan(parse_csv(data), schema)


def test_cancel_stops_cleanly_and_the_journal_resumes(backend, take, calls, tmp_path):
    users = take(30)
    conn, data, plan = plan_for(backend, [f"{u},nickname,Cancelled {u}" for u in users])
    pool = str(backend.user_pool_id)
    digest = csv_digest(data, pool)
    threads: set[str] = set()
    runner: BulkRunner

    def on_progress(progress) -> None:
        threads.add(threading.current_thread().name)
        if progress.done >= 5:
            runner.cancel()

    journal = BulkJournal(tmp_path / "j.jsonl", digest, pool)
    runner = BulkRunner(
        conn, pool, plan, journal=journal, rate=40, on_progress=on_progress, tick=0.02
    )
    report = runner.run()

    assert threads == {threading.current_thread().name}  # progress comes to the caller
    assert report.interrupted and report.not_reached > 0
    assert len(report.applied) == len(report.results) >= 5
    state = BulkJournal(tmp_path / "j.jsonl", digest, pool).load()
    assert state.uncertain == set()  # calls in flight finished and were journaled
    assert set(state.finished) == {r.row.line for r in report.applied}

    again = BulkRunner(
        conn,
        pool,
        plan,
        journal=BulkJournal(tmp_path / "j.jsonl", digest, pool),
        state=state,
        rate=200,
    ).run()
    assert not again.interrupted and again.exit_code == 0
    assert again.earlier == len(report.applied)
    assert len(again.applied) == len(users) - len(report.applied)
    assert calls.per_user() == dict.fromkeys(users, 1)
    for user in users[::7]:
        assert values_of(conn, backend, user)["nickname"] == f"Cancelled {user}"


def test_a_new_email_in_a_verify_first_pool_gets_a_note(backend, take):
    a, b = take(2)
    _, _, plan = plan_for(
        backend,
        [
            f"{a},email,new-{a}@example.com",
            f"{b},email,new-{b}@example.com",
            f"{b},email_verified,true",
        ],
    )
    assert len(plan.notes) == 1
    assert plan.notes[0].startswith("1 user(s) get a new email")
    assert "email_verified" in plan.notes[0]


def test_preview_reads_without_writing(backend, take, calls):
    [a] = take(1)
    conn, _, plan = plan_for(backend, [f"{a},nickname,Preview"])
    [diff] = preview(conn, str(backend.user_pool_id), plan)
    assert diff.username == a and diff.error is None
    assert diff.rows[0].current is None and diff.rows[0].changes
    assert calls.writes == []


class FailingJournal(BulkJournal):
    """A journal whose disk fills up after `allowed` records."""

    def __init__(self, *args, allowed: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def _append(self, record) -> None:
        if self.allowed <= 0:
            raise OSError(28, "No space left on device")
        self.allowed -= 1
        super()._append(record)


def test_a_journal_that_cannot_be_written_stops_the_run(backend, take, calls, tmp_path):
    """Without its journal a resume could not know what was sent, so the run stops: rows
    already sent stay reported as applied, nothing more is sent."""
    users = take(12)
    conn, data, plan = plan_for(backend, [f"{u},nickname,Full {u}" for u in users])
    pool = str(backend.user_pool_id)
    journal = FailingJournal(
        tmp_path / "j.jsonl", csv_digest(data, pool), pool, allowed=1 + 2 * 3
    )  # the run record and three calls' intent and done
    report = BulkRunner(conn, pool, plan, journal=journal, rate=200, workers=1).run()
    assert len(report.applied) == 3
    assert report.failed and all(r.code == "JournalError" for r in report.failed)
    assert "No space left on device" in report.failed[0].reason
    assert len(calls.writes) == 3  # the fourth intent failed: its call was never sent


def test_a_service_failure_outlasting_botocores_attempts_gets_another_round(backend, take):
    """Four HTTP 500 answers spend botocore's four attempts; the runner's own round (a 5xx
    is the service's failure, worth retrying) then applies the row, once."""
    from tests.robustness.proxy import Fault, FaultProxy
    from tui.core.connection import Connection, ConnectionSettings

    (user,) = take(1)
    _, _, plan = plan_for(backend, [f"{user},nickname,After 500s"])
    with FaultProxy(backend.endpoint_url) as proxy:
        through = Connection(
            ConnectionSettings(region=backend.region, endpoint_url=proxy.endpoint_url),
            credentials=LOCAL,
        )
        proxy.inject("AdminUpdateUserAttributes", *[Fault.error(500)] * 4)
        report = BulkRunner(through, str(backend.user_pool_id), plan, rate=40, backoff=0.01).run()
        sent = proxy.count("AdminUpdateUserAttributes")
    assert len(report.applied) == 1 and not report.failed
    assert sent == 5  # four refused, then the runner's round
    assert values_of(admin(backend), backend, user)["nickname"] == "After 500s"
