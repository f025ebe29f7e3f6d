"""Network faults between botocore and the backend, with the editor running under Textual's
pilot: real HTTP through `FaultProxy` (resets, stalls past the read timeout, 500/503
bursts, throttling storms), and the properties a person relies on:

- no pending edit is lost: after a failed save the draft and the journal on disk still
  hold every edit;
- retries are bounded (counted at the wire: never more than `max_attempts` requests per
  call) and visible (each retry is said on the status line);
- the event loop is never blocked for more than 100 ms while this happens;
- quitting while a save is stuck in a stall is prompt and keeps the edits.

The scenarios themselves are in `scenarios.py`; `bench/robustness.py` runs them many times.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.robustness import scenarios
from tests.robustness.loopwatch import BLOCKED_LIMIT_MS, LoopWatch
from tests.robustness.proxy import FaultProxy
from tests.tui.support import admin, new_user, open_editor, server_attributes


@pytest.fixture
def proxy(backend: Any) -> Iterator[FaultProxy]:
    with FaultProxy(backend.endpoint_url) as running:
        yield running


KINDS = list(scenarios.FAULTS)


@pytest.mark.parametrize("kinds", [KINDS[:4], KINDS[4:]], ids=["a", "b"])
async def test_a_fault_is_retried_visibly_and_the_save_succeeds(backend, proxy, scratch, kinds):
    username, password = new_user(backend, given_name="Ada")
    app = scenarios.through(proxy, backend, scratch)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        check = admin(backend)  # built before the watch: building a client is the test's cost
        watch = LoopWatch(app).start()
        for kind in kinds:
            await scenarios.one_fault(pilot, proxy, check, backend, username, kind)
        await watch.stop()
    assert proxy.faults_injected == len(kinds)
    assert watch.ticks > 50
    assert watch.max_blocked_ms < BLOCKED_LIMIT_MS, watch.explain()


async def test_a_storm_stops_after_max_attempts_and_keeps_every_edit(backend, proxy, scratch):
    username, password = new_user(backend, given_name="Ada", nickname="ada")
    app = scenarios.through(proxy, backend, scratch)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        check = admin(backend)
        watch = LoopWatch(app).start()
        # a throttling storm mixed with 5xx bursts and resets: more faults than attempts
        await scenarios.storm(pilot, proxy, check, backend, username, "mixed storm")
        await watch.stop()
    assert watch.max_blocked_ms < BLOCKED_LIMIT_MS, watch.explain()


async def test_quit_while_a_save_is_stuck_is_prompt_and_keeps_the_edits(backend, proxy, tmp_path):
    username, password = new_user(backend, given_name="Ada")
    # the read timeout is long here: the save is stuck in botocore's read, not retrying.
    # (The journal is in tmp_path: the stuck worker outlives the test, as it would the
    # process, and writes the journal again when the proxy's end fails its save.)
    app = scenarios.through(proxy, backend, tmp_path / "journal", read_timeout=30.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        watch = LoopWatch(app).start()
        await scenarios.quit_while_stuck(pilot, proxy)
        await watch.stop()
    assert server_attributes(backend, username)["given_name"] == "Ada"
    assert watch.max_blocked_ms < BLOCKED_LIMIT_MS, watch.explain()


def test_a_restored_journal_does_not_resend_what_reached_the_server(backend, proxy, scratch):
    """The deletion reached Cognito, every answer was lost (the save failed, the journal
    kept it); the next start restores the journal over the values it reads, and the
    deletion the server already carried out is not pending, so it is not sent again."""
    from tests.robustness.proxy import Fault
    from tests.tui.support import LOCAL, settings_for
    from tui.core.session import EditorSession

    username, password = new_user(backend, given_name="Ada", nickname="ada")
    settings = settings_for(backend).with_(endpoint_url=proxy.endpoint_url, read_timeout=0.5)
    first = EditorSession(settings, credentials=LOCAL, journal_folder=scratch)
    first.sign_in(username, password)
    first.load()
    first.draft.set("given_name", "Once")
    first.draft.delete("nickname")
    first.persist()
    attempts = settings.max_attempts
    proxy.inject("DeleteUserAttributes", *[Fault.reset(forward=True)] * attempts)
    result = first.save()
    assert result.error is not None and result.updated == ["given_name"]
    assert "nickname" not in server_attributes(backend, username)  # applied, unanswered
    assert first.pending_journal()["draft"] == {"sets": {}, "deletes": ["nickname"]}
    sent = proxy.count("DeleteUserAttributes"), proxy.count("UpdateUserAttributes")

    again = EditorSession(settings, credentials=LOCAL, journal_folder=scratch)
    again.sign_in(username, password)
    again.load()
    again.restore_journal(again.pending_journal() or {})
    assert not again.draft.pending
    assert again.save().ok
    assert (proxy.count("DeleteUserAttributes"), proxy.count("UpdateUserAttributes")) == sent
    assert again.pending_journal() is None
