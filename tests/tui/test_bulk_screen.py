"""Bulk changes reached from the editor: import, validation, preview, apply with progress."""

from __future__ import annotations

from textual.widgets import Input

from tests.tui.support import editor, new_user, server_attributes, settle, status
from tui.screens.bulk import BulkScreen
from tui.screens.users import UsersScreen


async def test_import_preview_apply_from_the_editor(backend, tmp_path):
    first, _ = new_user(backend, nickname="one")
    second, _ = new_user(backend, nickname="two")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"username,attribute,value\n{first},custom:level,99\n")
    good = tmp_path / "good.csv"
    good.write_text(
        "username,attribute,value,action\n"
        f"{first},custom:department,Research,set\n"
        f"{second},nickname,,delete\n"
        f"{second},custom:department,Research,set\n"
    )
    app = editor(backend, tmp_path, admin=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, UsersScreen)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, BulkScreen)
        box = app.screen.query_one("#path", Input)
        box.value = str(bad)
        await pilot.press("enter")
        await settle(pilot)
        assert "1 invalid" in str(app.screen.query_one("#summary").render())
        assert "at most 10" in str(app.screen.query_one("#details").render())
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert "skip them" in status(app)  # nothing applied while a row is invalid
        box.value = str(good)
        await pilot.press("enter")
        await settle(pilot)
        assert "3 valid" in str(app.screen.query_one("#summary").render())
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert "3 row(s) change" in status(app)
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert "3 applied" in status(app) and "0 failed" in status(app)
    assert server_attributes(backend, first)["custom:department"] == "Research"
    got = server_attributes(backend, second)
    assert "nickname" not in got and got["custom:department"] == "Research"


async def test_a_journal_that_cannot_be_used_is_named_not_called_an_internal_error(
    backend, tmp_path
):
    """A bulk journal that is not one (here: no run record first) stops the apply with the
    journal's own problem, as `bulk apply` says it, not as a bug of the editor."""
    from tui.core.bulk import csv_digest, default_journal_path

    first, _ = new_user(backend, nickname="one")
    good = tmp_path / "good.csv"
    good.write_text(f"username,attribute,value\n{first},custom:department,Research\n")
    journal = default_journal_path(csv_digest(good.read_bytes(), backend.user_pool_id))
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text('{"type": "intent", "lines": [2]}\n')
    app = editor(backend, tmp_path, admin=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(good)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+a")
        await settle(pilot)
        said = status(app)
        assert "does not start with a run record" in said, said
        assert "Internal error" not in said
    assert "custom:department" not in server_attributes(backend, first)
