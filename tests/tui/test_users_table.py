"""The users list widget on its own: packed columns, only visible lines drawn, the cursor."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from textual.app import App, ComposeResult

from contracts.checker.spec import default_spec
from tui.core.packed import PackedStrings
from tui.screens.users import _user_columns
from tui.widgets.columns import Width
from tui.widgets.users_table import Column, UsersTable

COLUMNS = [
    Column("name", "Name", Width.fixed(12), lambda r: r.name),
    Column("kind", "Kind", Width.fixed(6), lambda r: r.kind, coded=True),
    Column("note", "Note", Width.fill_rest(min=8), lambda r: r.note),
]


def records(n: int, start: int = 0) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(name=f"u{i:06d}", kind="even" if i % 2 == 0 else "odd", note=f"n{i}")
        for i in range(start, start + n)
    ]


def test_packed_strings_round_trip_and_stay_compact():
    text, coded = PackedStrings(), PackedStrings(coded=True)
    values = ["", "ada", "Zoë \x1b[31m", "\U0001f600 wide", "x" * 2048]
    for value in values * 1000:
        text.append(value)
        coded.append(value)
    assert [text[i] for i in range(5)] == values == [coded[i] for i in range(5)]
    assert text[4999] == values[-1] and len(text) == len(coded) == 5000
    assert coded.nbytes() == 2 * 5000  # a 16-bit code a row
    assert text.nbytes() < 5000 * 8 + sum(len(v.encode()) for v in values) * 1000 + 1


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield UsersTable(COLUMNS)


async def test_a_hundred_thousand_rows_keys_and_drawing():
    app = Host()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(UsersTable)
        table.focus()
        for start in range(0, 100_000, 60):  # pages, as ListUsers sends them
            table.append(records(min(60, 100_000 - start), start))
        await pilot.pause()
        assert table.row_count == 100_000 and table.cursor_key == "u000000"
        page = table.scrollable_content_region.height - 1
        await pilot.press("end")
        assert table.cursor_key == "u099999" and round(table.scroll_y) == 100_000 - page
        last = table.render_line(page).text
        assert last.split() == ["u099999", "odd", "n99999"]
        await pilot.press("pageup", "up")
        assert table.cursor_row == 99_999 - page - 1
        await pilot.press("home", "down", "down")
        assert table.cursor_key == "u000002" and table.scroll_y == 0
        header = table.render_line(0).text
        assert (
            header.split() == ["Name", "Kind", "Note"]
            and len(header) == table.scrollable_content_region.width
        )
        assert table.render_line(3).text.split()[0] == "u000002"


async def test_control_characters_are_drawn_as_pictures():
    app = Host()
    async with app.run_test(size=(40, 6)) as pilot:
        table = app.query_one(UsersTable)
        table.append([SimpleNamespace(name="ev\x1b]52;c\x07", kind="k", note="\x9b2J")])
        await pilot.pause()
        line = table.render_line(1).text
        assert "\x1b" not in line and "\x07" not in line and "\x9b" not in line
        assert "ev␛]52;c␇" in line


# -- the users list: statuses are whole words ---------------------------------------------

STATUSES = default_spec().schema_for("UserStatusType")["$defs"]["UserStatusType"]["enum"]


class UsersHost(App[None]):
    def compose(self) -> ComposeResult:
        yield UsersTable(_user_columns())


def user(i: int, status: str) -> SimpleNamespace:
    return SimpleNamespace(
        username=f"{status.lower()}-{i:04d}-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        status=status,
        enabled=True,
        attributes={"email": f"user{i}@example.com"},
        created=1764547200.0 + i,  # 2025-12-01T00:00:00Z
    )


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40), (200, 60)])
async def test_every_cognito_status_is_shown_whole_at_any_size(size: tuple[int, int]):
    """Every UserStatusType of the service model, on screen whole: the username narrows
    first, and the email keeps at least 12 cells."""
    app = UsersHost()
    async with app.run_test(size=size) as pilot:
        table = app.query_one(UsersTable)
        table.append([user(i, s) for i, s in enumerate(STATUSES * 5)])
        await pilot.pause()
        width = table.scrollable_content_region.width
        widths = table.widths(width)
        keys = [c.key for c in table.columns]
        assert widths[keys.index("status")] == max(map(len, STATUSES))
        assert widths[keys.index("email")] >= 12
        assert sum(w + 1 for w in widths if w) <= width  # a separator before each shown
        for y in range(1, len(STATUSES) + 1):
            shown = table.render_line(y).text.split()
            assert shown[1] == STATUSES[y - 1] and shown[2] == "yes"
            assert shown[-1].startswith("user")


async def test_the_status_column_is_as_wide_as_the_widest_status_listed():
    app = UsersHost()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(UsersTable)
        table.append([user(1, "CONFIRMED")])
        await pilot.pause()
        assert table.widths(78)[1] == len("CONFIRMED")
        table.append([user(2, "FORCE_CHANGE_PASSWORD")])  # a later page brings a longer one
        await pilot.pause()
        assert table.widths(78)[1] == len("FORCE_CHANGE_PASSWORD")
        assert "FORCE_CHANGE_PASSWORD" in table.render_line(2).text


async def test_a_line_too_narrow_for_a_status_cuts_it_after_a_word():
    app = UsersHost()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(UsersTable)
        table.append([user(1, "FORCE_CHANGE_PASSWORD")])
        await pilot.pause()
        line = table.render_line(1).text
        assert " FORCE… " in line and "FORCE_CH" not in line and "user1@exampl" in line


def test_a_users_column_is_one_entry():
    columns = [*_user_columns(), Column("sub", "Sub", Width.fixed(8), lambda u: u.sub)]
    assert [c.title for c in columns][-1] == "Sub"


@pytest.mark.parametrize(("size", "shown"), [((80, 24), False), ((120, 40), True)])
async def test_the_creation_day_is_shown_on_wide_lines_only(size: tuple[int, int], shown: bool):
    app = UsersHost()
    async with app.run_test(size=size) as pilot:
        table = app.query_one(UsersTable)
        table.append([user(1, "CONFIRMED")])
        await pilot.pause()
        header, row = table.render_line(0).text.split(), table.render_line(1).text.split()
        if shown:
            assert header == ["Username", "Status", "On", "Created", "Email"]
            assert row[1:] == ["CONFIRMED", "yes", "2025-12-01", "user1@example.com"]
        else:
            assert header == ["Username", "Status", "On", "Email"] and "2025-12-01" not in row
