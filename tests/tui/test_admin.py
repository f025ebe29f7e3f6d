"""Admin mode against the embedded backend: identity first, pools, users in lazy pages,
server-side search, a user's page with the admin calls, export, and the identity switch."""

from __future__ import annotations

import csv
import json
from typing import Any

from textual.widgets import DataTable, Input

from tests.tui.conftest import editor, new_user, server_attributes, settle
from tests.tui.test_flows import edit, select
from tui.screens.admin import MAX_ROWS, PoolsScreen, SwitchIdentity, UsersScreen, parse_search
from tui.screens.attributes import AttributesScreen
from tui.screens.modals import ConfirmSave
from tui.widgets.status import SessionHeader, StatusLine


def admin_editor(backend: Any, tmp_path: Any, **options: Any) -> Any:
    return editor(backend, tmp_path, admin=True, **options)


def table_keys(app: Any) -> list[str]:
    return [str(k.value) for k in app.screen.query_one(DataTable).rows]


async def test_identity_then_pools_then_users(backend, tmp_path):
    app = editor(backend, tmp_path, admin=True)
    app.options.settings = app.options.settings.with_(pool_id=None)
    app.session.settings = app.options.settings
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PoolsScreen)
        assert backend.user_pool_id in table_keys(app)
        header = str(app.screen.query_one(SessionHeader).render())
        assert "admin 123456789012" in header
        # 80 columns: the long pool id is shortened, the rest is shown whole
        assert "| no user open | read-write | us-east-1 |" in header and len(header) <= 78
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(backend.user_pool_id))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UsersScreen)
        assert {u.username for u in backend.users} <= set(table_keys(app))


async def test_admin_edit_marks_the_new_email_verified(backend, tmp_path):
    username, _ = new_user(backend, given_name="Ada")
    app = admin_editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, UsersScreen)
        app.screen.query_one(Input).value = f"username = {username}"
        app.screen.action_search()
        await pilot.press("enter")
        await settle(pilot)
        assert table_keys(app) == [username]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttributesScreen) and app.screen.admin
        assert "email_verified" in table_keys(app)  # admins see and set the flags
        await edit(pilot, "email", f"{username}.admin@example.com")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmSave) and app.screen.verifiable == ["email"]
        await pilot.press("v")
        await pilot.press("y")
        await settle(pilot)
        got = server_attributes(backend, username)
        assert got["email"] == f"{username}.admin@example.com"
        assert got["email_verified"] == "true"
        # a schema-aware refusal: the pool says employee_id is immutable
        await select(pilot, "given_name")
        await pilot.press("a")
        app.screen.query_one("#name", Input).value = "custom:employee_id"
        app.screen.query_one("#value", Input).value = "E1"
        await pilot.pause()
        assert "immutable" in str(app.screen.query_one("#problem").render())


async def test_users_load_lazily_and_memory_stays_bounded(tmp_path):
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="empty", users=MAX_ROWS + 150, strict=True) as big:
        app = admin_editor(big, tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, UsersScreen)
            table = screen.query_one(DataTable)
            assert table.row_count == 60 and screen.next_token  # one page, not the pool
            for _ in range(30):  # scroll to the end, page after page
                table.move_cursor(row=table.row_count - 1)
                await pilot.pause()
                on = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
                await settle(pilot)
                # a page appended or the table trimmed: the cursor stays on its user
                assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key == on
                if screen.exhausted:
                    break
            assert screen.exhausted and screen.loaded == MAX_ROWS + 150
            assert screen.dropped > 0 and table.row_count <= MAX_ROWS
            assert screen.dropped + table.row_count == screen.loaded
            # the kept rows are the last ones loaded, in order
            assert [str(k.value) for k in table.rows] == [row[0] for row in screen.window]
            assert "earlier ones dropped" in str(screen.query_one(StatusLine).render())
        assert big.spec_violations == []


async def test_export_streams_every_page(backend, tmp_path):
    app = admin_editor(backend, tmp_path)
    out_csv, out_jsonl = tmp_path / "users.csv", tmp_path / "users.jsonl"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for path in (out_csv, out_jsonl):
            await pilot.press("x")
            await pilot.pause()
            app.screen.query_one(Input).value = str(path)
            await pilot.press("enter")
            await settle(pilot)
    rows = list(csv.DictReader(out_csv.open()))
    lines = [json.loads(line) for line in out_jsonl.read_text().splitlines()]
    names = {u.username for u in backend.users}
    assert names <= {r["username"] for r in rows} and names <= {r["username"] for r in lines}
    assert all(r["email"].endswith("@example.com") for r in rows)
    # times in ISO 8601 (UTC), booleans lower-case, statuses as Cognito's whole words
    import re

    for row in rows:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["created"]), row
        assert row["enabled"] in ("true", "false")
        assert row["status"] in ("CONFIRMED", "FORCE_CHANGE_PASSWORD", "UNCONFIRMED")
    assert all(isinstance(line["enabled"], bool) for line in lines)
    assert {"custom:department", "birthdate"} <= set(rows[0])


async def test_a_failed_switch_keeps_the_identity(backend, tmp_path):
    app = admin_editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = app.session.connection
        await pilot.press("escape")  # back to the pools
        await settle(pilot)
        assert isinstance(app.screen, PoolsScreen)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, SwitchIdentity)
        app.screen.query_one("#profile", Input).value = "no-such-profile"
        app.screen.query_one("#region", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SwitchIdentity)
        assert "previous identity stays active" in str(app.screen.query_one("#problem").render())
        assert app.session.connection is before


def test_search_box_builds_listusers_filters():
    assert parse_search("ada") == ('username ^= "ada"', None)
    assert parse_search('email = "a@b.c"') == ('email = "a@b.c"', None)
    assert parse_search("status ^= CONF") == ('status ^= "CONF"', None)
    assert "custom attributes" in (parse_search("custom:department = R")[1] or "")
    assert "not searchable" in (parse_search("nickname = x")[1] or "")
    assert parse_search("   ") == (None, None)
