"""Keys typed right after the key that opens a dialog land in the dialog's field.

A terminal delivers what was typed in one read: the editor's input thread posts every key
of it to the app at once. The keys are posted here the same way, with no pause between
them. (Before the opening keys were priority bindings, `a` reached the screen only after
the table had taken every key typed with it: 8 of 8 tries lost them in tmux.)"""

from __future__ import annotations

from textual.widgets import Input, TextArea

from tests.tui.support import editor, new_user, open_editor, select, settle, type_at_once
from tui.screens.dialogs import AddAttribute, ClientMetadataEditor, EditValue


async def test_keys_typed_with_the_edit_key_land_in_the_field(backend, tmp_path):
    username, password = new_user(backend, given_name="Ada")
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await select(pilot, "given_name")
        type_at_once(app, "enter", *"Augusta")
        await settle(pilot)
        assert isinstance(app.screen, EditValue)
        # the field selects its value as it takes the focus: typing replaces it, as it
        # does when the keys come later
        assert app.screen.query_one(Input).value == "Augusta"


async def test_keys_typed_with_the_add_key_land_in_the_name_field(backend, tmp_path):
    username, password = new_user(backend)
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        type_at_once(app, "a", *"nickname")
        await settle(pilot)
        assert isinstance(app.screen, AddAttribute)
        assert app.screen.query_one("#name", Input).value == "nickname"


async def test_keys_typed_with_the_metadata_key_land_in_its_text(backend, tmp_path):
    username, password = new_user(backend)
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        type_at_once(app, "m", *"source=cli")
        await settle(pilot)
        assert isinstance(app.screen, ClientMetadataEditor)
        assert app.screen.query_one(TextArea).text == "source=cli"
