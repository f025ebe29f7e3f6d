"""The fault scenarios, shared by the tests (which run each once) and `bench/robustness.py`
(which runs them many times and counts): the editor under Textual's pilot, its botocore
client pointed at a `FaultProxy` in front of the embedded backend.

Each scenario asserts its properties itself, so a bench round that raises is a fault not
survived, with the reason.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from tests.robustness.proxy import Fault, FaultProxy
from tests.tui.support import LOCAL, edit, save, select, settings_for, settle, status
from tui.app import CognitoApp, Options, make_app
from tui.core.journal import Journal
from tui.screens.attributes import AttributesScreen
from tui.screens.dialogs import ConfirmQuit, ConfirmSave, ErrorDetails
from tui.widgets.status import StatusLine

UPDATE = "UpdateUserAttributes"
READ_TIMEOUT = 0.5  # the tests' botocore read timeout: a stall of 2 s outlasts it

# One fault, then the retry succeeds.
FAULTS = {
    "connection reset": Fault.reset(),
    "stall past the read timeout": Fault.stall(2.0),
    "HTTP 500": Fault.error(500),
    "HTTP 503": Fault.error(503),
    "throttled": Fault.throttle(),
    "reset after the update was applied": Fault.reset(forward=True),
    "stall after the update was applied": Fault.stall(2.0, forward=True),
}
# More faults than attempts: the save fails, bounded, and keeps everything.
STORMS = {
    "mixed storm": [Fault.throttle(), Fault.error(503), Fault.reset(), Fault.error(500)],
    "throttling storm": [Fault.throttle()] * 8,
    "5xx burst": [Fault.error(503), Fault.error(500)] * 4,
    "stall storm": [Fault.stall(2.0)] * 4,
}


def through(proxy: FaultProxy, backend: Any, folder: Path, **changes: Any) -> CognitoApp:
    timeouts = {"read_timeout": READ_TIMEOUT, "connect_timeout": READ_TIMEOUT}
    settings = settings_for(backend).with_(
        endpoint_url=proxy.endpoint_url, **{**timeouts, **changes}
    )
    return make_app(Options(settings=settings, credentials=LOCAL, journal_folder=folder))


async def attributes_of(conn: Any, backend: Any, username: str) -> dict[str, str]:
    """The user's attributes as the backend holds them, read off the loop thread (a call
    made on it would be the test blocking the loop it measures)."""

    def read() -> dict[str, str]:
        user = conn.call("AdminGetUser", UserPoolId=backend.user_pool_id, Username=username)
        return {a["Name"]: a["Value"] for a in user["UserAttributes"]}

    return await asyncio.to_thread(read)


def record_status(app: Any) -> list[str]:
    """Everything said on the attribute screen's status line, in order (observed, not
    replaced: the real method still runs)."""
    said: list[str] = []
    line = app.screen.query_one(StatusLine)
    original = line.say

    def say(message: str, error: bool = False) -> None:
        said.append(message)
        original(message, error)

    line.say = say  # type: ignore[method-assign]
    return said


def journaled(app: Any) -> dict[str, Any]:
    """The journal as a fresh start would read it from disk."""
    record = Journal(app.session.journal.key, app.session.journal.folder).read()
    assert record is not None, "no journal on disk"
    return dict(record["draft"])


async def clean_save(
    pilot: Any, proxy: FaultProxy, check: Any, backend: Any, username: str, n: int
) -> None:
    """The same edit and save as `one_fault`, with no fault: the baseline a faulted save's
    event-loop stall is compared with (bench/robustness.py)."""
    value = f"Ada (clean {n})"
    await edit(pilot, "given_name", value)
    sent = proxy.count(UPDATE)
    await save(pilot)
    assert "Saved 1 change" in status(pilot.app), status(pilot.app)
    assert proxy.count(UPDATE) - sent == 1
    assert (await attributes_of(check, backend, username))["given_name"] == value


async def one_fault(
    pilot: Any, proxy: FaultProxy, check: Any, backend: Any, username: str, kind: str
) -> None:
    """An edit, one fault on its save, one retry: saved, retried once, and said so."""
    app = pilot.app
    said = record_status(app)
    value = f"Ada ({kind})"
    await edit(pilot, "given_name", value)
    sent = proxy.count(UPDATE)
    proxy.inject(UPDATE, FAULTS[kind])
    await save(pilot)
    assert "Saved 1 change" in status(app), (kind, status(app))
    assert proxy.count(UPDATE) - sent == 2, kind  # the fault, then one retry
    assert any("retrying (attempt 2 of 4)" in s for s in said), (kind, said)
    assert (await attributes_of(check, backend, username))["given_name"] == value


async def storm(
    pilot: Any, proxy: FaultProxy, check: Any, backend: Any, username: str, name: str
) -> None:
    """A set and a delete, then more faults than attempts: the save stops at max_attempts,
    says each retry, keeps both edits in the draft and the journal; then it saves once."""
    app = pilot.app
    attempts = app.session.settings.max_attempts
    said = record_status(app)
    before = await attributes_of(check, backend, username)
    value = f"Storm ({name})"
    await edit(pilot, "given_name", value)
    await select(pilot, "nickname")
    await pilot.press("d")
    edits = {"sets": {"given_name": value}, "deletes": ["nickname"]}
    sent = proxy.count(UPDATE)
    faults = STORMS[name]
    proxy.inject(UPDATE, *faults)
    await save(pilot)
    assert isinstance(app.screen, ErrorDetails), app.screen
    assert proxy.count(UPDATE) - sent == attempts  # bounded, counted at the wire
    retries = [s for s in said if "retrying" in s]
    assert [s.split("(attempt ")[1].split(")")[0] for s in retries] == [
        f"{n} of {attempts}" for n in range(2, attempts + 1)
    ], said
    assert app.session.draft.to_journal() == edits  # nothing lost in memory
    assert journaled(app) == edits  # nor on disk
    assert (await attributes_of(check, backend, username)) == before  # nor half applied
    proxy.clear()
    await pilot.press("escape")
    await save(pilot)
    assert "Saved 2 change" in status(app), status(app)
    assert proxy.count(UPDATE) - sent == attempts + 1
    after = await attributes_of(check, backend, username)
    assert after["given_name"] == value and "nickname" not in after
    # put the nickname back for the next round
    await asyncio.to_thread(
        check.call,
        "AdminUpdateUserAttributes",
        UserPoolId=backend.user_pool_id,
        Username=username,
        UserAttributes=[{"Name": "nickname", "Value": "ada"}],
    )
    await pilot.press("r")
    await settle(pilot)


async def quit_while_stuck(pilot: Any, proxy: FaultProxy) -> float:
    """A save held by the network (no answer, ever), a second save refused, then q and y:
    the app is gone at once; returns how long quitting took."""
    app = pilot.app
    await edit(pilot, "given_name", "Stuck")
    proxy.inject(UPDATE, *[Fault.stall(None)] * 4)  # held until the proxy stops
    sent = proxy.count(UPDATE)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmSave)
    await pilot.press("y")
    deadline = time.monotonic() + 5
    while proxy.count(UPDATE) == sent and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert proxy.count(UPDATE) == sent + 1
    # a second save while the first is stuck starts no second call
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(app.screen, AttributesScreen), app.screen
    assert "in progress" in status(app)
    await pilot.press("q")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmQuit)
    started = time.monotonic()
    await pilot.press("y")  # quit, keep the edits
    while app.is_running and time.monotonic() - started < 5:
        await asyncio.sleep(0.01)
    took = time.monotonic() - started
    # about 0.07 s; the bound leaves room for a loaded machine. (That the process itself
    # then ends at once, with its worker still stuck, is test_interrupt's to show.)
    assert not app.is_running and took < 2.0, f"quitting took {took:.1f} s"
    assert proxy.count(UPDATE) == sent + 1
    assert journaled(app) == {"sets": {"given_name": "Stuck"}, "deletes": []}
    return took
