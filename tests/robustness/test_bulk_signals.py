"""`cognito-tui bulk apply` hung up on: SIGHUP (the SSH connection of the terminal running it
drops) in the middle of a run, then the same command again. Every row must end up applied
exactly once. (kill -9 and SIGTERM mid-run are the bulk tests' own: tests/bulk/test_crash.py.)

The bulk command handles SIGTERM and Ctrl+C; SIGHUP is not handled, so the process ends
wherever it is, as with kill -9 but by the signal a dropped session really sends. The
backend runs in this process and `CallLog` counts every write it carried out per user,
whichever process sent it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.bulk.support import (
    CallLog,
    admin,
    aws_env,
    cli_args,
    journal_records,
    sent,
    values_of,
    write_csv,
)

USERS = 60


@pytest.fixture(scope="module")
def bulk_backend() -> Iterator[Any]:
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="empty", users=USERS, strict=True) as running:
        yield running
        assert running.spec_violations == []


def test_sighup_mid_run_then_resume_applies_every_row_exactly_once(bulk_backend, tmp_path):
    users = [f"user{i:05d}" for i in range(1, USERS + 1)]
    path = write_csv(tmp_path / "hup.csv", [f"{u},nickname,Hup {u}" for u in users])
    journal = tmp_path / "hup.jsonl"
    env = {**os.environ, **aws_env(tmp_path / "state")}
    args = cli_args(bulk_backend, path, "--rate", "40", journal=journal)
    command = [sys.executable, "-m", "tui.cli", *args]
    log = CallLog(bulk_backend)
    try:
        first = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while len(sent(journal_records(journal))) < 5:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        first.send_signal(signal.SIGHUP)
        first.wait(timeout=10)
        assert 5 <= len(log.writes) < len(users), "the hang-up must land mid-run"

        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "resuming:" in second.stderr
        assert log.per_user() == dict.fromkeys(users, 1)
    finally:
        log.close()
    conn = admin(bulk_backend)
    for user in users[:: USERS // 6]:
        assert values_of(conn, bulk_backend, user)["nickname"] == f"Hup {user}"
