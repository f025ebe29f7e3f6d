"""The screens no cassette can draw, at 80x24, as pictures: admin mode (pools, the identity
switch, the users list and a search, export, bulk changes, a user's attributes), which
checks its IAM identity with STS first, and the question `c` asks before a code is sent,
which needs an unverified value at sign-in.

They run against the embedded backend over HTTP, made steady: the demo pool restored from
a state file with fixed ids and subs, in an account of its own (no other test's pool in the
list), with a fixed creation date, and maria's phone number unverified. Update with
`pytest tests/tui/test_snapshots_backend.py --snapshot-update` and look at the SVGs before
committing them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from tests.tui.support import admin, editor, open_editor, select, settle
from tui.screens.attributes import AttributesScreen
from tui.screens.bulk import BulkScreen
from tui.screens.dialogs import ConfirmSendCode
from tui.screens.pools import PoolsScreen
from tui.screens.users import UsersScreen

pytestmark = pytest.mark.usefixtures("steady_cursor")

ACCOUNT = "111122223333"
POOL_ID = "us-east-1_SnapShot1"
CLIENT_ID = "5nap5h0tc1ient0000000000a"
CREATED = datetime(2026, 11, 2, 9, 30)


@pytest.fixture(scope="module")
def steady_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tui.embedded import EmbeddedCognito

    state = tmp_path_factory.mktemp("demo-state") / "pool.json"
    with EmbeddedCognito(seed="demo", account_id=ACCOUNT, state_file=state):
        pass  # writes the demo pool's state: users, attributes, random ids
    saved = json.loads(state.read_text())
    saved["pool_id"], saved["client_id"] = POOL_ID, CLIENT_ID
    for n, user in enumerate(saved["users"], 1):
        for attribute in user["attributes"]:
            if attribute["Name"] == "sub":
                attribute["Value"] = f"00000000-0000-4000-8000-{n:012d}"
    state.write_text(json.dumps(saved))
    with EmbeddedCognito(seed="demo", strict=True, account_id=ACCOUNT, state_file=state) as running:
        assert running.user_pool_id == POOL_ID
        with running._app.ctx.lock:
            pool = running._app.ctx.moto.backend(running.region).user_pools[POOL_ID]
            pool.creation_date = pool.last_modified_date = CREATED
        admin(running).call(
            "AdminUpdateUserAttributes",
            UserPoolId=POOL_ID,
            Username="maria",
            UserAttributes=[{"Name": "phone_number_verified", "Value": "false"}],
        )
        yield running
        assert running.spec_violations == []


def admin_app(backend: Any, tmp_path: Path, pool: bool = True) -> Any:
    app = editor(backend, tmp_path, admin=True)
    if not pool:
        app.options.settings = app.options.settings.with_(pool_id=None)
        app.session.settings = app.options.settings
    return app


def test_pools_screen(snap_compare, steady_backend, tmp_path):
    async def run(pilot: Any) -> None:
        await settle(pilot)
        assert isinstance(pilot.app.screen, PoolsScreen)

    assert snap_compare(admin_app(steady_backend, tmp_path, pool=False), run_before=run)


def test_switch_identity_dialog(snap_compare, steady_backend, tmp_path):
    async def run(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()

    assert snap_compare(admin_app(steady_backend, tmp_path, pool=False), run_before=run)


async def users(pilot: Any) -> None:
    await settle(pilot)
    assert isinstance(pilot.app.screen, UsersScreen)


def test_users_screen(snap_compare, steady_backend, tmp_path):
    assert snap_compare(admin_app(steady_backend, tmp_path), run_before=users)


def test_users_search_result(snap_compare, steady_backend, tmp_path):
    async def run(pilot: Any) -> None:
        await users(pilot)
        await pilot.press("slash")
        pilot.app.screen.query_one(Input).value = "custom:level=7"
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(admin_app(steady_backend, tmp_path), run_before=run)


def test_export_dialog(snap_compare, steady_backend, tmp_path):
    async def run(pilot: Any) -> None:
        await users(pilot)
        await pilot.press("x")
        await pilot.pause()

    assert snap_compare(admin_app(steady_backend, tmp_path), run_before=run)


def test_admin_user_attributes(snap_compare, steady_backend, tmp_path):
    async def run(pilot: Any) -> None:
        await users(pilot)
        await pilot.press("enter")  # the first user: maria
        await settle(pilot)
        assert isinstance(pilot.app.screen, AttributesScreen) and pilot.app.screen.admin

    assert snap_compare(admin_app(steady_backend, tmp_path), run_before=run)


def test_bulk_screen_validated_file(snap_compare, steady_backend, tmp_path, monkeypatch):
    # a relative path, so the picture does not show the test's temporary folder
    monkeypatch.chdir(tmp_path)
    Path("changes.csv").write_text(
        "username,attribute,value,action\n"
        "maria,custom:department,Research,set\n"
        "maria,nickname,,delete\n"
        "james,custom:level,11,set\n"
    )

    async def run(pilot: Any) -> None:
        await users(pilot)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BulkScreen)
        pilot.app.screen.query_one("#path", Input).value = "changes.csv"
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(admin_app(steady_backend, tmp_path), run_before=run)


def test_confirm_send_code_dialog(snap_compare, steady_backend, tmp_path):
    maria = next(u for u in steady_backend.users if u.username == "maria")

    async def run(pilot: Any) -> None:
        await open_editor(pilot, "maria", maria.password)
        await select(pilot, "phone_number")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmSendCode)

    app = editor(steady_backend, tmp_path, username="maria")
    assert snap_compare(app, run_before=run)
