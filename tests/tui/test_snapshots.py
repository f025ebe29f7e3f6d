"""Every screen at 80x24, as pictures. The editor runs against recorded cassettes, so what
it shows is deterministic (placeholders and fakes, never a secret).

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the SVGs before committing them.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from tests.tui.replaying import REPLAY_PASSWORD, replayed_editor, scenario_email
from tests.tui.support import edit, open_editor, save, select, settle

PASSWORD = REPLAY_PASSWORD


# the cursor held steady in every picture (the fixture is in conftest.py)
pytestmark = pytest.mark.usefixtures("steady_cursor")


def test_sign_in_screen(snap_compare, tmp_path):
    with replayed_editor(None, tmp_path, username="ada") as (app, _):
        assert snap_compare(app)


def test_sign_in_failure_keeps_the_form(snap_compare, tmp_path):
    async def run(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#password", Input).value = "Wrong-passw0rd!"
        pilot.app.screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        await settle(pilot)

    with replayed_editor("signin-srp-wrong-password", tmp_path) as (app, _):
        assert snap_compare(app, run_before=run)


def open_attributes(then: Any = None) -> Any:
    async def run(pilot: Any) -> None:
        await open_editor(pilot, "replay-main", PASSWORD)
        if then is not None:
            await then(pilot)
        await pilot.pause()

    return run


def test_attribute_table(snap_compare, tmp_path):
    with replayed_editor("editor-open", tmp_path) as (app, _):
        assert snap_compare(app, run_before=open_attributes())


def test_attribute_table_read_only(snap_compare, tmp_path):
    with replayed_editor("editor-open", tmp_path, read_only=True) as (app, _):
        assert snap_compare(app, run_before=open_attributes())


def test_edit_dialog_with_a_problem(snap_compare, tmp_path):
    async def then(pilot: Any) -> None:
        await select(pilot, "email")
        await pilot.press("enter")
        await pilot.pause()
        pilot.app.screen.query_one(Input).value = "ada@"

    with replayed_editor("editor-open", tmp_path) as (app, _):
        assert snap_compare(app, run_before=open_attributes(then))


def test_add_dialog_offers_the_custom_prefix(snap_compare, tmp_path):
    async def then(pilot: Any) -> None:
        await pilot.press("a")
        await pilot.pause()
        pilot.app.screen.query_one("#name", Input).value = "department"

    with replayed_editor("editor-open", tmp_path) as (app, _):
        assert snap_compare(app, run_before=open_attributes(then))


def test_pending_changes_and_save_diff(snap_compare, tmp_path):
    async def then(pilot: Any) -> None:
        await edit(pilot, "given_name", "Augusta")
        await select(pilot, "email")
        await pilot.press("d")
        await pilot.press("ctrl+s")

    with replayed_editor("editor-open", tmp_path) as (app, _):
        assert snap_compare(app, run_before=open_attributes(then))


def test_verification_screen(snap_compare, tmp_path):
    async def then(pilot: Any) -> None:
        await edit(pilot, "given_name", "Augusta")
        await edit(pilot, "email", scenario_email("augusta@example.com", "editor-save-verify"))
        await save(pilot)
        await settle(pilot)

    with replayed_editor("editor-save-verify", tmp_path) as (app, _):
        assert snap_compare(app, run_before=open_attributes(then))


def test_error_details_after_a_refused_save(snap_compare, tmp_path):
    async def then(pilot: Any) -> None:
        await pilot.press("a")
        pilot.app.screen.query_one("#name", Input).value = "custom:employee_id"
        pilot.app.screen.query_one("#value", Input).value = "E-0001"
        pilot.app.screen.query_one("#value", Input).focus()
        await pilot.press("enter")
        await save(pilot)

    with replayed_editor("editor-save-rejected", tmp_path) as (app, _):
        assert snap_compare(app, run_before=open_attributes(then))


def test_help_lists_keys_and_binding_ids(snap_compare, tmp_path):
    async def then(pilot: Any) -> None:
        await pilot.press("question_mark")

    with replayed_editor("editor-open", tmp_path) as (app, _):
        assert snap_compare(app, run_before=open_attributes(then))


def test_quit_with_pending_edits_asks(snap_compare, tmp_path):
    async def then(pilot: Any) -> None:
        await edit(pilot, "given_name", "Augusta")
        await pilot.press("q")

    with replayed_editor("editor-open", tmp_path) as (app, _):
        assert snap_compare(app, run_before=open_attributes(then))


def test_journal_restore_offer(snap_compare, tmp_path):
    from tui.core.journal import Journal, JournalKey

    with replayed_editor("editor-open", tmp_path) as (app, _):
        # what a crashed session left: written in the place the editor will look
        key = JournalKey(
            "https://cognito-idp.us-east-1.amazonaws.com",
            app.session.settings.pool_id or "",
            "user-r1",
        )
        journal = Journal(key, tmp_path / "journal")
        journal.write({"sets": {"given_name": "Augusta"}, "deletes": ["nickname"]}, {})
        record = json.loads(journal.path.read_text())
        record["saved_at"] = time.mktime((2026, 11, 26, 9, 30, 0, 0, 0, -1))
        journal.path.write_text(json.dumps(record))
        assert snap_compare(app, run_before=open_attributes())


def challenge(scenario: str, snap_compare: Any, tmp_path: Path) -> bool:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#username", Input).value = "replay-user"
        screen.query_one("#password", Input).value = PASSWORD
        screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        await settle(pilot)

    with replayed_editor(scenario, tmp_path) as (app, _):
        return bool(snap_compare(app, run_before=run))


def test_totp_challenge_screen(snap_compare, tmp_path):
    assert challenge("signin-totp", snap_compare, tmp_path)


def test_new_password_challenge_screen(snap_compare, tmp_path):
    assert challenge("signin-new-password", snap_compare, tmp_path)


def test_select_mfa_challenge_screen(snap_compare, tmp_path):
    assert challenge("signin-select-mfa", snap_compare, tmp_path)


def test_email_code_challenge_screen(snap_compare, tmp_path):
    assert challenge("signin-otp", snap_compare, tmp_path)


def test_whole_value_view(snap_compare, tmp_path):
    async def then(pilot: Any) -> None:
        await edit(pilot, "given_name", "A very long given name " * 6)
        await select(pilot, "given_name")
        await pilot.press("v")

    with replayed_editor("editor-open", tmp_path) as (app, _):
        assert snap_compare(app, run_before=open_attributes(then))


def test_client_metadata_editor(snap_compare, tmp_path):
    async def then(pilot: Any) -> None:
        await pilot.press("m")
        await pilot.pause()
        pilot.app.screen.query_one("TextArea").text = "source=cognito-tui\nticket OPS-1234"

    with replayed_editor("editor-open", tmp_path) as (app, _):
        assert snap_compare(app, run_before=open_attributes(then))


# -- any size: 60x20 to 120x40, and the Linux console -------------------------------------

SIZES = [(60, 20), (80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_attribute_table_at_any_size(snap_compare, tmp_path, size):
    """The State column is always on screen, the value column takes the spare width, the
    header never cuts a word, the footer keeps Quit and Keys."""
    with replayed_editor("editor-open", tmp_path) as (app, _):
        assert snap_compare(app, run_before=open_attributes(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_wrong_password_message_is_whole_at_any_size(snap_compare, tmp_path, size):
    async def run(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#password", Input).value = "Wrong-passw0rd!"
        pilot.app.screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        await settle(pilot)

    with replayed_editor("signin-srp-wrong-password", tmp_path) as (app, _):
        assert snap_compare(app, run_before=run, terminal_size=size)


def test_linux_console_gets_ascii_frames_and_glyphs(snap_compare, tmp_path, monkeypatch):
    from textual.scrollbar import ScrollBarRender

    # the app switches the scrollbars for the whole process: restored after the test
    monkeypatch.setattr(ScrollBarRender, "VERTICAL_BARS", list(ScrollBarRender.VERTICAL_BARS))
    monkeypatch.setattr(ScrollBarRender, "HORIZONTAL_BARS", list(ScrollBarRender.HORIZONTAL_BARS))
    monkeypatch.setenv("TERM", "linux")

    async def then(pilot: Any) -> None:
        await edit(pilot, "given_name", "A very long given name " * 3)
        await select(pilot, "email")
        await pilot.press("enter")
        await pilot.pause()

    with replayed_editor("editor-open", tmp_path) as (app, _):
        assert snap_compare(app, run_before=open_attributes(then), terminal_size=(60, 20))


def test_demo_outbox(snap_compare, tmp_path):
    from tui.embedded.outbox import Delivery

    sent = [
        Delivery("maria", "email", "EMAIL", "maria@example.org", "123456", "verify email", 0.0),
        Delivery("sofia", "phone_number", "SMS", "+15550100004", "654321", "sign-in", 0.0),
    ]

    async def then(pilot: Any) -> None:
        await pilot.press("ctrl+o")
        await pilot.pause()

    with replayed_editor("editor-open", tmp_path, outbox=lambda: sent) as (app, _):
        assert snap_compare(app, run_before=open_attributes(then))
