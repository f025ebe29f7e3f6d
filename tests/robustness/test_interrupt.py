"""SIGHUP and SIGTERM during a save, with the installed `cognito-tui` in an 80x24 tmux against
a running `cognito-tui embedded`, and `FaultProxy` between them holding the save's answer
(the save stays in flight until the signal arrives).

Two cases decide whether anything is applied twice: the update reached the backend and
only its answer was lost, or it never reached the backend. The proxy counts what reached
the backend, per operation, so "nothing applied twice" is counted at the wire: after the
restart the journal restores the edits, the draft drops those the server already holds,
and the save sends only what is still missing.

Each signal must also leave promptly and cleanly: the editor exits within seconds while
its save is stuck and gives the terminal back (alternate screen off), for SIGTERM as for
SIGHUP. It used not to: the exit a SIGHUP handler queued was not acted on until the idle
event loop woke for something else, and then waited for the worker thread stuck in
botocore's read (up to a minute with the defaults); SIGTERM killed the process with the
terminal still in the alternate screen; and editors whose terminal had been closed by
these tests were found still running an hour later, one of them spinning a core.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from tests.e2e.support import BIN, TMUX, editor_command, terminal_env
from tests.robustness.proxy import Fault, FaultProxy
from tests.robustness.terminal import Editor
from tests.tui.support import new_user, server_attributes

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
UPDATE, DELETE = "UpdateUserAttributes", "DeleteUserAttributes"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """`cognito-tui embedded` in a process of its own (its stderr, where it prints the codes
    it delivers, goes to a file nobody reads)."""
    log = tmp_path_factory.mktemp("embedded") / "stderr.txt"
    with open(log, "w") as err:
        proc = subprocess.Popen(
            [str(BIN / "cognito-tui"), "embedded", "--seed", "demo"],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        yield SimpleNamespace(**info)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def start_editor(served: Any, proxy: FaultProxy, username: str, env: dict[str, str]) -> Editor:
    where = {**vars(served), "endpoint_url": proxy.endpoint_url}
    term = Editor(editor_command(where, username), env)
    term.wait_for("Sign in")
    return term


def sign_in(term: Editor, password: str) -> None:
    term.keys(password, literal=True)
    term.keys("Enter")


def until(check: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


# Each signal once and each case once in `make test` (a run costs 6 s of terminal time);
# COGNITO_TUI_ALL_SIGNALS=1 (bench/robustness.py sets it) runs every pairing.
PAIRS = [(signal.SIGTERM, True), (signal.SIGHUP, False)]
if os.environ.get("COGNITO_TUI_ALL_SIGNALS") == "1":
    PAIRS += [(signal.SIGHUP, True), (signal.SIGTERM, False)]


@pytest.mark.parametrize(
    ("sig", "applied"),
    PAIRS,
    ids=[f"{s.name}-{'after' if a else 'before'}-apply" for s, a in PAIRS],
)
def test_a_signal_during_a_save_loses_nothing_and_applies_nothing_twice(
    served, tmp_path, sig, applied
):
    username, password = new_user(served, given_name="Ada", nickname="ada")
    env = terminal_env(tmp_path)
    journal = tmp_path / "state" / "cognito-tui" / "journal"
    with FaultProxy(served.endpoint_url) as proxy:
        # every attempt of the update is held: applied (forward) or not, never answered
        proxy.inject(UPDATE, *[Fault.stall(None, forward=applied)] * 4)
        term = start_editor(served, proxy, username, env)
        try:
            sign_in(term, password)
            term.edit_given_name("Signalled")
            term.keys("Down")
            term.keys("d")
            term.wait_for("2 pending change")
            term.keys("C-s")
            term.wait_for("Save 2 change(s) to Cognito?")
            term.keys("y")
            until(lambda: proxy.count(UPDATE) == 1)
            time.sleep(0.2)
            os.kill(term.pid(), sig)
            took = term.wait_dead(timeout=5)
            assert took < 3, f"{sig.name}: the editor took {took:.1f} s to leave"
            assert term.pane("#{alternate_on}") == "0", "the terminal was not given back"
        finally:
            term.close()
        proxy.clear()
        assert proxy.count(UPDATE, forwarded=True) == int(applied)
        assert proxy.count(DELETE) == 0
        got = server_attributes(served, username)
        assert got["given_name"] == ("Signalled" if applied else "Ada")
        assert got["nickname"] == "ada"
        (saved,) = journal.glob("*.json")
        assert json.loads(saved.read_text())["draft"] == {
            "sets": {"given_name": "Signalled"},
            "deletes": ["nickname"],
        }
        # the restart: the journal offers the edits; what the server holds is not re-sent
        again = start_editor(served, proxy, username, env)
        try:
            sign_in(again, password)
            again.wait_for("Unsaved edits from")
            again.keys("r")
            again.wait_for("1 pending change" if applied else "2 pending change")
            again.keys("C-s")
            again.wait_for("Save 1 change(s)" if applied else "Save 2 change(s)")
            again.keys("y")
            again.wait_for("Saved 1 change" if applied else "Saved 2 change")
            again.keys("q")
            again.wait_dead(timeout=5)
        finally:
            again.close()
        assert proxy.count(UPDATE, forwarded=True) == 1  # applied exactly once
        assert proxy.count(DELETE, forwarded=True) == 1
    got = server_attributes(served, username)
    assert got["given_name"] == "Signalled" and "nickname" not in got
    assert list(journal.glob("*.json")) == []  # saved: nothing left to offer
