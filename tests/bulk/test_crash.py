"""kill -9 in the middle of a bulk run, then the same command again: every row ends up
applied exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter

from tests.bulk.support import (
    CallLog,
    admin,
    aws_env,
    cli_args,
    in_flight,
    journal_records,
    sent,
    values_of,
    write_csv,
)

UPDATE, DELETE = "AdminUpdateUserAttributes", "AdminDeleteUserAttributes"
USERS = 200


def test_kill_9_mid_run_then_resume_applies_every_row_exactly_once(tmp_path):
    """How this proves "no row lost, none applied twice".

    The backend runs in this process and `CallLog` wraps its request handler, so every
    AdminUpdateUserAttributes and AdminDeleteUserAttributes it actually carried out is
    counted per user, whichever process sent it and whether or not that process lived to
    journal it. Each user's rows travel in one update call (plus one delete call for every
    fifth user), so "applied exactly once" is: exactly one update call per user and one
    delete call per deleting user, over both runs. A row redone after the kill (its done
    record lost, or a finished row not recognised) makes a count 2; a row lost makes it 0
    and leaves the old value, which the final AdminGetUser check also catches: every
    department value is unique to this run and user. The journal is audited too: each
    CSV line ends with exactly one `done` record whose outcome is applied.

    The kill comes once the first run has journaled at least 40 calls and before it has
    finished (asserted), aimed at a moment when the journal shows a call between its
    intent and done records (usually hit; the kill goes ahead after two seconds anyway).
    That a call caught there is then checked with AdminGetUser rather than re-sent blindly
    is also pinned down deterministically in
    test_apply.test_resume_checks_uncertain_rows_and_skips_finished_ones.
    """
    from tui.embedded import EmbeddedCognito

    token = uuid.uuid4().hex[:8]
    users = [f"user{i:05d}" for i in range(1, USERS + 1)]
    deleting = users[::5]
    rows: list[str] = []
    for i, user in enumerate(users):
        rows.append(f"{user},custom:department,Crash {token} {user}")
        if i % 4 == 0:
            rows.append(f"{user},nickname,Nick {token}")
        if user in deleting:
            rows.append(f"{user},locale,,delete")
    path = write_csv(tmp_path / "crash.csv", rows)
    journal = tmp_path / "crash.jsonl"
    env = {**os.environ, **aws_env(tmp_path / "state")}
    calls_total = len(users) + len(deleting)

    with EmbeddedCognito(seed="empty", users=USERS, strict=True) as backend:
        log = CallLog(backend)
        args = cli_args(backend, path, "--rate", "80", "--workers", "4", journal=journal)
        command = [sys.executable, "-m", "tui.cli", *args]
        first = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 60
            while len(sent(journal_records(journal))) < 40:
                assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
                assert time.monotonic() < deadline, "the first run made no progress"
                time.sleep(0.01)
            # aim for a moment when a call is between its intent and done records
            aim = time.monotonic() + 2
            while not in_flight(journal_records(journal)) and time.monotonic() < aim:
                time.sleep(0.001)
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
            if first.stderr is not None:
                first.stderr.close()
        assert first.returncode == -signal.SIGKILL
        carried_out = len(log.writes)
        assert 40 <= carried_out < calls_total, "the kill must land mid-run"
        before_resume = journal_records(journal)

        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "resuming:" in second.stderr

        assert log.per_user(UPDATE) == dict.fromkeys(users, 1)
        assert log.per_user(DELETE) == dict.fromkeys(deleting, 1)
        conn = admin(backend)
        for i, user in enumerate(users):
            now = values_of(conn, backend, user)
            assert now["custom:department"] == f"Crash {token} {user}"
            if i % 4 == 0:
                assert now["nickname"] == f"Nick {token}"
            assert ("locale" in now) == (user not in deleting)

        # the journal agrees: every line finished once, as applied
        final: Counter[int] = Counter()
        for record in journal_records(journal):
            if record.get("type") == "done" and record["outcome"] == "applied":
                final.update(record["lines"])
        assert final == Counter(range(2, len(rows) + 2))

        # a third run finds everything finished and sends nothing
        writes = len(log.writes)
        third = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert third.returncode == 0, third.stdout + third.stderr
        assert len(log.writes) == writes
        log.close()
        caught = len(in_flight(before_resume))
        print(f"killed after {carried_out} of {calls_total} calls; {caught} rows in flight")
    assert backend.spec_violations == []


def test_sigterm_stops_after_the_calls_in_flight_and_the_run_resumes(
    backend, take, calls, tmp_path
):
    """SIGTERM (as from a supervisor or a closing session) finishes the calls in flight,
    journals them, prints the report and exits 130; the same command then finishes."""
    users = take(40)
    path = write_csv(tmp_path / "term.csv", [f"{u},nickname,Term {u}" for u in users])
    journal = tmp_path / "term.jsonl"
    env = {**os.environ, **aws_env(tmp_path / "state")}
    args = cli_args(backend, path, "--rate", "20", journal=journal)
    command = [sys.executable, "-m", "tui.cli", *args]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(sent(journal_records(journal))) < 5:
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    first.send_signal(signal.SIGTERM)
    out, _ = first.communicate(timeout=30)
    assert first.returncode == 130
    assert "interrupted:" in out.decode() and "run the same command again" in out.decode()
    assert in_flight(journal_records(journal)) == set()
    assert 5 <= len(calls.writes) < len(users)

    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0, second.stdout + second.stderr
    assert calls.per_user() == dict.fromkeys(users, 1)
