"""Hostile text on the screens themselves: stored values holding terminal escapes and markup,
typed names that are markup, a journal full of both. The editor must not crash (Textual
parses a plain `str` as markup, and `[/]` is a MarkupError), and no control character may
reach the terminal as a character: every line on screen is checked as Textual would write
it."""

from __future__ import annotations

import unicodedata
from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Input, Static

from tests.robustness.hostile import ESCAPES, near_misses
from tests.tui.support import admin, editor, new_user, open_editor, select, settle
from tui.core.journal import Journal
from tui.screens.attributes import AttributesScreen
from tui.screens.dialogs import AddAttribute, ConfirmSave, EditValue, RestoreJournal, ViewValue

# What a hostile user stores in their own attributes (all accepted by Cognito's model).
STORED = {
    "given_name": "Ada\x1b]52;c;aGFja2Vk\x1b\\\x1b[2J",  # OSC 52 clipboard write, clear
    "family_name": "[/][@click=app.quit]Lovelace[/]",  # markup, an action link
    "nickname": "\x1b]2;pwned\x07\x9b31m\u202eevil\u202c",  # title, C1 CSI, bidi override
    "middle_name": "Z\u0351\u0352\u0357" * 40 + "\U0001f600" * 30,  # combining marks, astral
    "custom:department": "\t\r\n\x00\x7f" * 12,  # controls only
}
TYPED_NAMES = [*ESCAPES, *near_misses("custom:department")[:6], "[", "a[/b]"]


def controls_on_screen(app: Any) -> list[str]:
    """Control characters in what the current screen writes to the terminal as text."""
    found = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        for ch in strip.text:
            if unicodedata.category(ch) == "Cc":
                found.append(f"line {y}: U+{ord(ch):04X}")
    return found


async def test_the_detector_sees_a_raw_escape(backend, tmp_path):
    """The check below can fail: a raw ESC in a widget does reach the screen's text."""
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.screen.mount(Static(Text("raw \x1b[2J here")))
        await pilot.pause()
        assert controls_on_screen(app)


async def test_hostile_values_names_and_journal_never_crash_or_reach_the_terminal(
    backend, tmp_path
):
    username, password = new_user(backend)
    admin(backend).call(
        "AdminUpdateUserAttributes",
        UserPoolId=backend.user_pool_id,
        Username=username,
        UserAttributes=[{"Name": k, "Value": v} for k, v in STORED.items()],
    )
    app = editor(backend, tmp_path, describe_pool=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        assert app.session.draft.server["given_name"] == STORED["given_name"]
        assert controls_on_screen(app) == []
        for name in ("given_name", "nickname"):  # every row is on screen already
            await select(pilot, name)
            await pilot.press("v")
            await pilot.pause()
            assert isinstance(app.screen, ViewValue)
            assert controls_on_screen(app) == [], name
            await pilot.press("escape")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, EditValue)
            assert controls_on_screen(app) == [], name
            await pilot.press("enter")  # untouched: the stored value, not its picture
            await pilot.pause()
            assert isinstance(app.screen, AttributesScreen)
            assert not app.session.draft.pending, name
        # names typed into the add dialog: shown back as text, never parsed as markup
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddAttribute)
        for typed in TYPED_NAMES:
            app.screen.query_one("#name", Input).value = typed
            app.screen.query_one("#value", Input).value = typed
            await pilot.pause()
            assert app.is_running and isinstance(app.screen, AddAttribute), repr(typed)
            assert controls_on_screen(app) == [], repr(typed)
        await pilot.press("escape")
        # the diff to confirm, with every stored value changed to a hostile one
        for name in STORED:
            app.session.draft.set(name, STORED[name][::-1])
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmSave)
        assert controls_on_screen(app) == []
        await pilot.press("n")
        await pilot.pause()
        journal_key = app.session.journal.key
    # a journal left by a crash, full of the same: offered again without harm
    Journal(journal_key, tmp_path / "journal").write(
        {"sets": {k: v + "[/]" for k, v in STORED.items()}, "deletes": ["[/]"]}, {}
    )
    again = editor(backend, tmp_path, describe_pool=True)
    async with again.run_test(size=(80, 24)) as pilot:
        await open_editor_to_restore(pilot, username, password)
        assert isinstance(again.screen, RestoreJournal)
        assert controls_on_screen(again) == []
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(again.screen, AttributesScreen)
        assert again.session.draft.sets["family_name"].endswith("[/]")
        assert controls_on_screen(again) == []
        assert again.screen.query_one(DataTable).row_count >= len(STORED)


async def open_editor_to_restore(pilot: Any, username: str, password: str) -> None:
    from tests.tui.support import sign_in

    await settle(pilot)
    await sign_in(pilot, username, password)
    await settle(pilot)
