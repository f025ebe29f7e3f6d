"""Admin mode against the embedded backend: identity first, pools, users in lazy pages,
server-side search, a user's page with the admin calls, export, and the identity switch."""

from __future__ import annotations

import csv
import json
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from tests.tui.support import admin, edit, editor, new_user, select, server_attributes, settle
from tui.core.search import Query, QueryError, parse_query
from tui.screens.attributes import AttributesScreen
from tui.screens.dialogs import ConfirmSave
from tui.screens.pools import PoolsScreen, SwitchIdentity
from tui.screens.users import UsersScreen
from tui.widgets.status import SessionHeader, StatusLine
from tui.widgets.users_table import UsersTable


def admin_editor(backend: Any, tmp_path: Any, **options: Any) -> Any:
    return editor(backend, tmp_path, admin=True, **options)


def table_keys(app: Any) -> list[str]:
    users = app.screen.query(UsersTable)
    if users:
        table = users.first()
        return [table.key_at(i) for i in range(table.row_count)]
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


async def test_users_load_lazily_and_every_row_is_kept(tmp_path):
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="empty", users=400, strict=True) as big:
        app = admin_editor(big, tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, UsersScreen)
            table = screen.query_one(UsersTable)
            assert table.row_count == 60 and screen.next_token  # one page, not the pool
            await pilot.press("end")  # near the end: the next page is fetched
            on = table.cursor_key
            await settle(pilot)
            assert table.row_count == 120 and table.cursor_key == on
            for _ in range(10):  # page down to the end, page after page
                await pilot.press("pagedown", "pagedown", "pagedown", "end")
                await settle(pilot)
                if screen.exhausted:
                    break
            assert screen.exhausted and screen.loaded == table.row_count == 400
            # nothing trimmed: the first and the last users are both still there, in order
            assert table.key_at(0) == "user00001" and table.key_at(399) == "user00400"
            assert table.cursor_key == table.key_at(table.cursor_row)
            assert "400 users, all loaded" in str(screen.query_one(StatusLine).render())
            await pilot.press("home")
            assert table.cursor_row == 0 and table.scroll_y == 0
            page = table.scrollable_content_region.height - 1  # below the column titles
            await pilot.press("pagedown", "pagedown")
            assert table.cursor_row == 2 * page
            # only the visible lines are drawn, and the cursor's row is among them
            lines = [table.render_line(y).text for y in range(page + 1)]
            assert lines[0].split() == ["Username", "Status", "On", "Email"]
            assert any(line.split()[0] == table.cursor_key for line in lines[1:])
            chosen = table.cursor_key
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, AttributesScreen)
            assert app.session.admin_username == chosen
        assert big.spec_violations == []


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_statuses_are_whole_words_at_any_size(backend, tmp_path, size):
    """Issue 10: "FORCE_CHANGE_P…" at 60 columns. Every row's status is Cognito's whole
    word, and the email column is still on screen."""
    listed = admin(backend).call("ListUsers", UserPoolId=backend.user_pool_id)["Users"]
    status = {u["Username"]: u["UserStatus"] for u in listed}
    email = {
        u["Username"]: a["Value"] for u in listed for a in u["Attributes"] if a["Name"] == "email"
    }
    assert "FORCE_CHANGE_PASSWORD" in status.values()  # the demo pool has one
    app = admin_editor(backend, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one(UsersTable)
        page = table.scrollable_content_region.height - 1
        seen: set[str] = set()
        while True:
            top = round(table.scroll_y)
            for y in range(1, min(page, table.row_count - top) + 1):
                username = table.key_at(top + y - 1)
                if username not in status:
                    continue  # created by another test after the listing above
                line = table.render_line(y).text
                assert f" {status[username]} " in line, (size, line)
                assert f" {email.get(username, '')[:12]}" in line  # 12 cells of email at least
                seen.add(status[username])
            if top + page >= table.row_count:
                break
            await pilot.press("pagedown")
        assert "FORCE_CHANGE_PASSWORD" in seen


async def test_fetching_a_page_never_sets_textuals_loading(tmp_path):
    """The screen's own flag for a page in flight is not Textual's `Widget.loading`, which
    it once shadowed: every page then mounted a LoadingIndicator over the whole screen and
    removed it (bench/browse.py: event-loop stalls of 400+ ms, memory growing by ~900 bytes
    per row, as Textual's caches kept the removed indicators' rendered lines)."""
    from textual.widgets import LoadingIndicator

    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="empty", users=100, strict=True) as big:
        app = admin_editor(big, tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, UsersScreen) and screen.next_token
            screen._page()
            assert screen.fetching
            await pilot.pause()
            assert not screen.loading and not app.query(LoadingIndicator)
            await settle(pilot)
            assert screen.exhausted and screen.loaded == 100 and not screen.fetching


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


def test_search_language_server_side_or_scanned():
    def q(text: str) -> Query | None:
        return parse_query(text)

    assert q("ada") == Query("username", "^=", "ada")
    assert q("ada").server_filter == 'username ^= "ada"'  # type: ignore[union-attr]
    assert q('email = "a@b.c"').server_filter == 'email = "a@b.c"'  # type: ignore[union-attr]
    assert q("status ^= CONF").server_filter == 'status ^= "CONF"'  # type: ignore[union-attr]
    # what ListUsers cannot do is scanned on the client
    assert q("custom:department=R&D") == Query("custom:department", "=", "R&D")
    assert not q("custom:department=R&D").server_side  # type: ignore[union-attr]
    assert q("email~=example") == Query("email", "~=", "example")
    assert q("name=~/^Ad(a|am)/") == Query("name", "=~", "^Ad(a|am)")
    assert q("!phone_number") == Query("phone_number", "!")
    assert q('nickname="x"') == Query("nickname", "=", "x")
    assert not q("nickname=x").server_side  # type: ignore[union-attr]
    assert q("   ") is None
    for bad, words in [
        ("nick=x", "not a standard attribute"),
        ("name=~/[/", "regular expression /[/ is invalid"),
        ("name=~abc", "between slashes"),
        ("email^=", "write the text to look for"),
        ("=x", "attribute name is missing"),
        ("two words", "plain text searches usernames"),
        ("custom:" + "d" * 40 + "=x", "custom:"),
    ]:
        with pytest.raises(QueryError, match="Cannot search") as err:
            parse_query(bad)
        assert words in str(err.value), (bad, str(err.value))


def test_matching_on_the_client():
    from tui.core.service import UserRecord

    ada = UserRecord("ada", {"custom:department": "Research", "email": "ada@example.com"})
    bob = UserRecord("bob", {"email": "bob@example.com"}, enabled=False)
    for text, expected in [
        ("custom:department=Research", ["ada"]),
        ("custom:department=research", []),
        ("custom:department^=Res", ["ada"]),
        ("email~=@example", ["ada", "bob"]),
        ("email=~/^b.b@/", ["bob"]),
        ("!custom:department", ["bob"]),
        ("status=Disabled", ["bob"]),
    ]:
        query = parse_query(text)
        assert query is not None
        match = query.matcher()
        assert [u.username for u in (ada, bob) if match(u)] == expected, text


def count_calls(backend: Any, operation: str) -> list[int]:
    """How many `operation` requests the backend handled (a one-item list, updated)."""
    app, seen = backend._app, [0]
    original = app.handle

    def handle(environ: dict[str, Any], op: str) -> Any:
        if op == operation:
            seen[0] += 1
        return original(environ, op)

    app.handle = handle
    return seen


async def test_custom_attribute_search_scans_streams_cancels_and_reuses(tmp_path):
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="empty", users=250, strict=True) as big:
        token = None
        every: dict[str, dict[str, str]] = {}
        while True:
            extra = {"PaginationToken": token} if token else {}
            page = admin(big).call("ListUsers", UserPoolId=big.user_pool_id, Limit=60, **extra)
            for u in page["Users"]:
                every[u["Username"]] = {a["Name"]: a["Value"] for a in u["Attributes"]}
            token = page.get("PaginationToken")
            if not token:
                break
        research = [n for n, a in every.items() if a.get("custom:department") == "Research"]
        assert 0 < len(research) < 250
        calls = count_calls(big, "ListUsers")
        app = admin_editor(big, tmp_path)
        app.options.scan_rate = 200  # a quick test; the default paces below the quota
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, UsersScreen)
            calls[0] = 0
            await pilot.press("slash")
            app.screen.query_one("#search", Input).value = "custom:department=Research"
            await pilot.press("enter")
            await settle(pilot)
            assert sorted(table_keys(app)) == sorted(research)  # in listing order, all of them
            assert calls[0] == 5  # 250 users, 60 a page: every page once
            status = str(screen.query_one(StatusLine).render())
            assert f"{len(research)} users match" in status and "all 250 users" in status
            # a second search reuses what the first fetched: no call at all
            await pilot.press("slash")
            app.screen.query_one("#search", Input).value = "!custom:department"
            await pilot.press("enter")
            await settle(pilot)
            assert calls[0] == 5
            assert table_keys(app) == [n for n, a in every.items() if "custom:department" not in a]
            assert "fetched earlier in this session" in str(screen.query_one(StatusLine).render())
            # a bad filter is refused in words, the list stays
            before = table_keys(app)
            await pilot.press("slash")
            app.screen.query_one("#search", Input).value = "custom:level=~/(/"
            await pilot.press("enter")
            await pilot.pause()
            assert "regular expression" in str(screen.query_one(StatusLine).render())
            assert table_keys(app) == before
        assert big.spec_violations == []


def test_scan_cancel_keeps_what_was_fetched_and_goes_on():
    import threading

    from tui.core.search import ScanCache, scan
    from tui.core.service import PoolAdmin
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="empty", users=150) as big:
        pool = PoolAdmin(admin(big), big.user_pool_id)
        query = parse_query("email~=@")
        assert query is not None
        cache, stop, seen = ScanCache(), threading.Event(), []

        def first_page_then_stop(users: list[Any], progress: Any) -> None:
            seen.extend(u.username for u in users)
            stop.set()

        outcome = scan(pool, query, cache=cache, on_matches=first_page_then_stop, stop=stop)
        assert outcome.cancelled and not outcome.complete
        assert len(cache) == outcome.progress.scanned == len(seen) == 60
        again: list[str] = []
        outcome = scan(
            pool, query, cache=cache, on_matches=lambda u, p: again.extend(x.username for x in u)
        )
        assert outcome.complete and outcome.progress.from_cache == 60
        assert outcome.progress.calls == 2  # the two pages not fetched before
        assert again[:60] == seen and len(again) == len(set(again)) == 150
        assert cache.complete and len(cache) == 150


async def test_escape_cancels_a_scan_and_the_next_search_goes_on(tmp_path):
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="empty", users=300, strict=True) as big:
        app = admin_editor(big, tmp_path)
        app.options.scan_rate = 1  # slow enough to press Escape in the middle
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, UsersScreen)
            await pilot.press("slash")
            app.screen.query_one("#search", Input).value = "email~=@example.com"
            await pilot.press("enter")
            for _ in range(1000):  # until the first page of matches is in
                await pilot.pause(0.01)
                if table_keys(app):
                    break
            assert screen.scanning is not None, str(screen.query_one(StatusLine).render())
            assert screen.query_one("#scan-progress").has_class("-shown")
            await pilot.press("escape")
            await settle(pilot)
            assert screen.scanning is None and isinstance(app.screen, UsersScreen)
            status = str(screen.query_one(StatusLine).render())
            assert "Search cancelled" in status
            kept = len(table_keys(app))
            assert 0 < kept < 300
            cache = app.session.scan_cache(big.user_pool_id)
            assert len(cache) == kept and not cache.complete
            app.options.scan_rate = 500
            await pilot.press("slash")
            app.screen.query_one("#search", Input).value = "email~=@example.com"
            await pilot.press("enter")
            await settle(pilot)
            assert len(table_keys(app)) == 300 and cache.complete
            assert "fetched earlier in this session" in str(screen.query_one(StatusLine).render())


async def test_an_identity_that_cannot_be_checked_is_said_before_anything_else(backend, tmp_path):
    """Admin mode checks the IAM identity first: a profile that does not exist is botocore's
    answer, named as such in a dialog, and closing it ends the app (no pools listed)."""
    from tui.screens.dialogs import ErrorDetails

    app = admin_editor(backend, tmp_path)
    app.options.settings = app.options.settings.with_(profile="no-such-profile-for-tests")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorDetails)
        assert app.screen.title_text == "The IAM identity could not be checked"
        said = app.screen.text
        assert "botocore said:" in said and "no-such-profile-for-tests" in said
        assert not any(isinstance(s, PoolsScreen) for s in app.screen_stack)
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0
