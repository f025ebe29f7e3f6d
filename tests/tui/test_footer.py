"""The footer is one line of text (tui/widgets/footer.py): the screen's keys as Textual's
Footer shows them, Quit and Keys kept at any width, a click on a key presses it."""

from __future__ import annotations

from tui.screens.attributes import AttributesScreen
from tui.screens.dialogs import Help
from tui.widgets.footer import KeyFooter

from .support import editor, new_user, open_editor, settle


def _offset_of(footer: KeyFooter, description: str) -> int:
    x = 0
    for item in footer.shown():
        if item.description == description:
            return x + 1  # on the key itself
        x += item.width
    raise AssertionError(f"{description} not in the footer")


async def test_a_click_on_a_key_presses_it_and_narrow_lines_keep_quit_and_keys(backend, tmp_path):
    username, password = new_user(backend)
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        assert isinstance(app.screen, AttributesScreen)
        footer = app.screen.query_one(KeyFooter)
        shown = [item.description for item in footer.shown()]
        assert shown[:3] == ["Edit", "Add", "Delete"] and shown[-2:] == ["Keys", "Quit"]
        line = footer.render().plain
        assert "q Quit" in line and "? Keys" in line
        await pilot.click(KeyFooter, offset=(_offset_of(footer, "Keys"), 0))
        await settle(pilot)
        assert isinstance(app.screen, Help)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.resize_terminal(30, 20)
        await settle(pilot)
        narrow = [item.description for item in footer.shown()]
        assert narrow[-2:] == ["Keys", "Quit"] and len(narrow) < len(shown)
        assert sum(item.width for item in footer.shown()) <= 30
        await pilot.click(KeyFooter, offset=(_offset_of(footer, "Quit"), 0))
        await settle(pilot)
        assert not app.is_running
