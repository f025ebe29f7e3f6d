"""Keys that arrive in one burst (a slow SSH link releasing what it held, tmux, a fast
typist) are applied in the order they were typed, deletions included (tui/widgets/inputs.py).
The keys are posted to the app together, as the terminal driver posts a burst it read in
one go; `pilot.press` would wait between them and hide the problem."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from tests.tui.support import (
    editor,
    new_user,
    open_editor,
    select,
    settle,
    status,
    type_at_once,
)
from tui.screens.attributes import AttributesScreen
from tui.screens.dialogs import ClientMetadataEditor, EditValue
from tui.screens.signin import SignInScreen


async def test_a_burst_of_edits_in_a_value_keeps_every_key_in_order(backend, tmp_path):
    username, password = new_user(backend, given_name="Ada")
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await select(pilot, "given_name")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EditValue)
        field = app.screen.query_one(Input)
        field.action_end()
        # clear, type, take one back, type again, then apply: all in one read
        type_at_once(app, "ctrl+u", "G", "r", "x", "backspace", "a", "c", "e")
        await settle(pilot)
        assert field.value == "Grace"
        type_at_once(app, "ctrl+w", "L", "o", "v", "e", "enter")
        await settle(pilot)
        assert app.session.draft.value("given_name") == "Love"


async def test_a_burst_in_the_client_metadata_editor_keeps_every_key_in_order(backend, tmp_path):
    username, password = new_user(backend)
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        app.push_screen(ClientMetadataEditor({"team": "ops"}))
        await pilot.pause()
        area = app.screen.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        type_at_once(app, "backspace", "backspace", "backspace", "d", "e", "v", "backspace", "x")
        await settle(pilot)
        assert area.text == "team=dex"


async def test_username_enter_and_password_in_one_burst_sign_in(backend, tmp_path):
    """Typed before the sign-in screen was up, or held back by a slow link: the password
    goes to the password field (it used to land in the username field, shown in clear)."""
    username, password = new_user(backend)
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        type_at_once(app, *username, "enter", *password, "enter")
        await settle(pilot)
        assert isinstance(app.screen, AttributesScreen), status(app)
        assert app.session.username == username
