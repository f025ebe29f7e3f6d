"""The editor's screens against recorded cassettes: what a person's keystrokes send must be
exactly what was recorded, in order, and every recorded call must be used."""

from __future__ import annotations

from textual.widgets import Input

from tests.tui.replaying import REPLAY_PASSWORD, replayed_editor, scenario_email
from tests.tui.support import edit, open_editor, rows, save, settle
from tui.screens.attributes import AttributesScreen
from tui.screens.dialogs import ErrorDetails
from tui.screens.verify import VerificationScreen

PASSWORD = REPLAY_PASSWORD


async def test_opening_the_editor_replays(tmp_path):
    with replayed_editor("editor-open", tmp_path) as (app, cassette):
        async with app.run_test(size=(80, 24)) as pilot:
            await open_editor(pilot, "replay-main", PASSWORD)
            assert {"email", "given_name", "sub"} <= set(rows(app))
        assert cassette.all_played


async def test_save_and_verify_replays(tmp_path):
    with replayed_editor("editor-save-verify", tmp_path) as (app, cassette):
        async with app.run_test(size=(80, 24)) as pilot:
            await open_editor(pilot, "replay-main", PASSWORD)
            await edit(pilot, "given_name", "Augusta")
            await edit(pilot, "email", scenario_email("augusta@example.com", "editor-save-verify"))
            await save(pilot)
            assert isinstance(app.screen, VerificationScreen)
            app.screen.query_one("#code", Input).value = "123456"
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, AttributesScreen)
        assert cassette.all_played


async def test_rejected_save_replays_and_keeps_the_edit(tmp_path):
    with replayed_editor("editor-save-rejected", tmp_path) as (app, cassette):
        async with app.run_test(size=(80, 24)) as pilot:
            await open_editor(pilot, "replay-main", PASSWORD)
            await pilot.press("a")
            app.screen.query_one("#name", Input).value = "custom:employee_id"
            app.screen.query_one("#value", Input).value = "E-0001"
            app.screen.query_one("#value", Input).focus()
            await pilot.press("enter")
            await save(pilot)
            assert isinstance(app.screen, ErrorDetails)
            assert "InvalidParameterException" in app.screen.title_text
            assert app.session.draft.sets == {"custom:employee_id": "E-0001"}
        assert cassette.all_played


async def test_verification_screen_learns_the_old_value_stays(tmp_path):
    """Without the pool's settings, the reload after the save shows the old email still
    active, and the verification screen says so."""
    with replayed_editor("editor-save-verify", tmp_path) as (app, _):
        async with app.run_test(size=(80, 24)) as pilot:
            await open_editor(pilot, "replay-main", PASSWORD)
            await edit(pilot, "given_name", "Augusta")
            await edit(pilot, "email", scenario_email("augusta@example.com", "editor-save-verify"))
            await save(pilot)
            await settle(pilot)
            assert isinstance(app.screen, VerificationScreen)
            assert app.screen.old_value_stays is True
            assert "keeps the old value active" in str(app.screen.query_one("#note").render())
