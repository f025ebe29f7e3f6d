"""Each flow of the editor, driven by keystrokes, against the embedded backend over HTTP."""

from __future__ import annotations

import time

from textual.widgets import DataTable, Input

from tests.tui.support import (
    admin,
    edit,
    editor,
    new_user,
    open_editor,
    rows,
    save,
    save_with,
    select,
    server_attributes,
    settle,
    sign_in,
    status,
    type_text,
)
from tui.screens.attributes import PENDING, AttributesScreen
from tui.screens.dialogs import (
    ConfirmQuit,
    ConfirmSendCode,
    EditValue,
    ErrorDetails,
    RestoreJournal,
    ViewValue,
)
from tui.screens.signin import ChallengeScreen, SignInScreen
from tui.screens.verify import VerificationScreen
from tui.widgets.status import StatusLine


async def test_sign_in_by_typing_then_edit_and_save(backend, tmp_path):
    username, password = new_user(backend, given_name="Ada")
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password, typing=True)
        assert {"email", "given_name", "sub"} <= set(rows(app))
        assert "email_verified" not in rows(app)  # shown beside email, not as a row
        await edit(pilot, "given_name", "Augusta")
        assert app.session.draft.state("given_name") == "change"
        assert server_attributes(backend, username)["given_name"] == "Ada"  # nothing sent yet
        await save(pilot)
        assert server_attributes(backend, username)["given_name"] == "Augusta"
        assert not app.session.draft.pending
        assert "Saved 1 change" in status(app)


async def test_wrong_password_keeps_the_sign_in_screen(backend, tmp_path):
    username, _ = new_user(backend)
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, username, "Not-the-passw0rd!")
        assert isinstance(app.screen, SignInScreen)
        assert "NotAuthorized" in status(app) or "isn't authorized" in status(app)
        assert app.screen.query_one("#password", Input).value == ""


async def test_invalid_values_cannot_be_applied(backend, tmp_path):
    username, password = new_user(backend)
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await select(pilot, "email")
        await pilot.press("enter")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = "not an email"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EditValue)  # refused, with the reason on screen
        assert "expected an address" in str(app.screen.query_one("#problem").render())
        field.value = "x" * 2049
        await pilot.pause()
        assert "longer than 2048" in str(app.screen.query_one("#problem").render())
        await pilot.press("escape")
        assert not app.session.draft.pending


async def test_add_with_custom_prefix_and_delete_and_undo(backend, tmp_path):
    username, password = new_user(backend, nickname="ada")
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "department")
        await pilot.pause()
        assert "custom:department" in str(app.screen.query_one("#hint").render())
        await pilot.press("ctrl+t")
        await pilot.press("enter")
        await type_text(pilot, "Research")
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.draft.sets == {"custom:department": "Research"}
        await select(pilot, "nickname")
        await pilot.press("d")
        await select(pilot, "sub")
        await pilot.press("d")  # refused: set by Cognito
        assert app.session.draft.deletes == {"nickname"}
        await select(pilot, "nickname")
        await pilot.press("u")
        assert app.session.draft.deletes == set()
        await pilot.press("d")
        await save(pilot)
        got = server_attributes(backend, username)
        assert got["custom:department"] == "Research" and "nickname" not in got


async def test_email_change_is_verified_with_the_delivered_code(backend, tmp_path):
    username, password = new_user(backend)
    app = editor(backend, tmp_path)
    new_email = f"{username}.new@example.com"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await edit(pilot, "email", new_email)
        await save(pilot)
        assert isinstance(app.screen, VerificationScreen)
        assert "***" in str(app.screen.query_one("#deliveries").render())
        # the pool keeps the old, verified email until the new one is verified
        assert server_attributes(backend, username)["email"] == f"{username}@example.com"
        await type_text(pilot, "000000" if backend.latest_code(username) != "000000" else "111111")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, VerificationScreen)
        assert "CodeMismatch" in status(app) or "doesn't match" in status(app)
        await type_text(pilot, backend.latest_code(username, "email"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttributesScreen)
        got = server_attributes(backend, username)
        assert got["email"] == new_email and got["email_verified"] == "true"


async def test_a_new_email_left_for_later_stays_marked_until_verified(backend, tmp_path):
    """Esc on the verification screen: the table still shows the old (active) address, and
    the new one on a row of its own beside it, waiting for its code, until it is verified."""
    username, password = new_user(backend)
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await edit(pilot, "email", f"{username}.new@example.com")
        await save(pilot)
        assert isinstance(app.screen, VerificationScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AttributesScreen)
        table = app.screen.query_one(DataTable)
        assert str(table.get_cell("email", "value")) == f"{username}@example.com"
        assert str(table.get_cell("email", "state")) == "verified"  # the active one
        pending = "email" + PENDING
        assert str(table.get_cell(pending, "value")) == f"{username}.new@example.com"
        assert str(table.get_cell(pending, "state")) == "awaits code"
        assert "new email awaits its code (c)" in status(app)
        await select(pilot, pending)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, VerificationScreen)
        # the code was sent in this session: said so, with no new request
        assert "was sent at" in str(app.screen.query_one(StatusLine).render())
        await type_text(pilot, backend.latest_code(username, "email"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttributesScreen)
        assert str(table.get_cell("email", "state")) == "verified"
        assert str(table.get_cell("email", "value")) == f"{username}.new@example.com"
        assert pending not in rows(app)
        assert "awaits" not in status(app)


async def test_rejected_save_keeps_the_edit_and_explains(backend, tmp_path):
    username, password = new_user(backend)
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await pilot.press("a")
        await type_text(pilot, "custom:employee_id")
        await pilot.press("enter")
        await type_text(pilot, "E1")
        await pilot.press("enter")
        await save(pilot)
        assert isinstance(app.screen, ErrorDetails)
        text = str(app.screen.query_one("Static").render()) + app.screen.title_text
        assert "InvalidParameterException" in text
        await pilot.press("escape")
        assert app.session.draft.sets == {"custom:employee_id": "E1"}
        # once the details are closed, the status line still says what happened
        assert status(app).startswith("Not saved, edits kept: ")
        assert "(InvalidParameterException)" in status(app)


async def test_expired_token_mid_save_asks_to_sign_in_and_then_saves(backend, tmp_path):
    username, password = new_user(backend, given_name="Ada")
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await edit(pilot, "given_name", "Later")
        app.session.tokens.refresh_token = None  # the refresh cannot cure it either
        backend.advance_clock(2 * 3600)  # forward only: later tests sign in afresh
        await save(pilot)
        assert isinstance(app.screen, SignInScreen) and app.screen.reauth
        assert app.session.draft.sets == {"given_name": "Later"}
        await sign_in(pilot, "", password)  # the username is prefilled
        await settle(pilot)
        assert isinstance(app.screen, AttributesScreen)
        assert server_attributes(backend, username)["given_name"] == "Later"


async def test_read_only_refuses_every_write(backend, tmp_path):
    username, password = new_user(backend, given_name="Ada")
    app = editor(backend, tmp_path, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await select(pilot, "given_name")
        for key in ("a", "d", "ctrl+s", "m"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, AttributesScreen), key
            assert status(app).startswith("Read-only session"), key  # said, not silent
        await pilot.press("enter")  # shows the value instead of editing it
        await pilot.pause()
        assert isinstance(app.screen, ViewValue)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AttributesScreen)
        assert not app.session.draft.pending
        # below the UI, the session itself refuses
        app.session.draft.set("given_name", "Forced")
        result = app.session.save()
        assert result.error is not None and result.error.code == "ReadOnlyMode"
        import pytest

        from tui.core.errors import CognitoError

        with pytest.raises(CognitoError, match="read-only"):
            app.session.connection.call(
                "UpdateUserAttributes",
                AccessToken=app.session.tokens.access_token,
                UserAttributes=[{"Name": "given_name", "Value": "Forced"}],
            )
    assert server_attributes(backend, username)["given_name"] == "Ada"


async def test_journal_restores_pending_edits_after_a_crash(backend, tmp_path):
    username, password = new_user(backend, given_name="Ada", nickname="ada")
    first = editor(backend, tmp_path)
    async with first.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await edit(pilot, "given_name", "Countess")
        await select(pilot, "nickname")
        await pilot.press("d")
        journal = first.session.journal.path
        assert journal.exists()
        text = journal.read_text()
        assert "Countess" in text and password not in text
        assert first.session.tokens.access_token not in text
        # the process dies here: no save, no quit
    second = editor(backend, tmp_path)
    async with second.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, username, password)
        await settle(pilot)
        assert isinstance(second.screen, RestoreJournal)
        await pilot.press("r")
        await pilot.pause()
        assert second.session.draft.sets == {"given_name": "Countess"}
        assert second.session.draft.deletes == {"nickname"}


async def test_quit_asks_when_edits_are_pending(backend, tmp_path):
    username, password = new_user(backend, given_name="Ada")
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await edit(pilot, "given_name", "X")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("n")
        assert isinstance(app.screen, AttributesScreen) and app.session.draft.pending
        # ctrl+q quits from anywhere, and asks the same way (Textual's own would not)
        await pilot.press("enter")  # a dialog open over the table
        await pilot.pause()
        assert isinstance(app.screen, EditValue)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and app.session.draft.pending


async def test_the_sign_in_footer_shows_how_to_quit(backend, tmp_path):
    from tui.widgets.footer import KeyFooter

    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        shown = [item.description for item in app.screen.query_one(KeyFooter).shown()]
        assert "Quit" in shown
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_totp_challenge(backend, tmp_path):
    from tui.embedded.mfa import totp

    wei = next(u for u in backend.users if "SOFTWARE_TOKEN_MFA" in u.note)
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, wei.username, wei.password)
        assert isinstance(app.screen, ChallengeScreen)
        await type_text(pilot, totp(wei.totp_secret, time.time()))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttributesScreen)


async def test_new_password_challenge(backend, tmp_path):
    james = next(u for u in backend.users if "NEW_PASSWORD_REQUIRED" in u.note)
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, james.username, james.password)
        assert isinstance(app.screen, ChallengeScreen)
        app.screen.query_one("#answer", Input).value = "Brand-New-Passw0rd!"
        for field in app.screen.query(Input):
            if field.id and field.id.startswith("attr-"):
                field.value = "x@example.com"
        app.screen.query_one("#answer", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttributesScreen)


async def test_select_mfa_then_email_otp(backend, tmp_path):
    amara = next(u for u in backend.users if "SELECT_MFA_TYPE" in u.note)
    from tui.embedded.mfa import totp

    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, amara.username, amara.password)
        assert isinstance(app.screen, ChallengeScreen)
        assert app.screen.challenge.name == "SELECT_MFA_TYPE"
        options = app.screen.query_one("#choice")
        index = next(
            i
            for i in range(options.option_count)
            if options.get_option_at_index(i).id == "SOFTWARE_TOKEN_MFA"
        )
        options.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.challenge.name == "SOFTWARE_TOKEN_MFA"
        await type_text(pilot, totp(amara.totp_secret, time.time()))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttributesScreen)


async def test_email_otp_challenge(backend, tmp_path):
    noah = next(u for u in backend.users if "EMAIL_OTP" in u.note)
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, noah.username, noah.password)
        assert isinstance(app.screen, ChallengeScreen)
        code = [d for d in backend.outbox() if d.username == noah.username][-1].code
        await type_text(pilot, code)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttributesScreen)


async def test_remapped_keys_work_and_are_named_where_hints_name_keys(backend, tmp_path):
    username, password = new_user(backend, given_name="Ada")
    app = editor(backend, tmp_path, keymap={"save": "f2", "undo": "z"})
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await edit(pilot, "given_name", "Augusta")
        assert "f2 save, z undo the selected one" in status(app)
        await pilot.press("z")
        await pilot.pause()
        assert "No pending changes" in status(app)
        await edit(pilot, "given_name", "Augusta")
        await pilot.press("ctrl+s")  # the default no longer saves
        await pilot.pause()
        assert isinstance(app.screen, AttributesScreen)
        await save_with(pilot, "f2")
        assert server_attributes(backend, username)["given_name"] == "Augusta"


async def test_c_says_what_it_will_do_before_sending_anything(backend, tmp_path):
    """A verified email: nothing sent, and what to do instead. An unverified one: asked
    first; the code is requested only once confirmed, and is then 'sent at' this session."""
    username, password = new_user(backend, phone_number="+15555550123")
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        sent_before = len(backend.outbox())
        await select(pilot, "email")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, AttributesScreen)
        assert "already verified: nothing to send" in status(app)
        assert "already sent" not in status(app)
        await select(pilot, "phone_number")  # never verified
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmSendCode)
        assert len(backend.outbox()) == sent_before  # nothing sent while asking
        await pilot.press("escape")
        await pilot.pause()
        assert len(backend.outbox()) == sent_before
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, VerificationScreen)
        assert len(backend.outbox()) == sent_before + 1
        await pilot.press("escape")
        await settle(pilot)
        await select(pilot, "phone_number")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, VerificationScreen)  # no second request
        assert "was sent at" in str(app.screen.query_one(StatusLine).render())
        assert len(backend.outbox()) == sent_before + 1


async def test_undo_and_reload_say_what_they_did(backend, tmp_path):
    username, password = new_user(backend, given_name="Ada")
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await select(pilot, "given_name")
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing to undo on given_name" in status(app)
        await edit(pilot, "given_name", "Augusta")
        admin(backend).call(
            "AdminUpdateUserAttributes",
            UserPoolId=backend.user_pool_id,
            Username=username,
            UserAttributes=[{"Name": "family_name", "Value": "King"}],
        )
        await pilot.press("r")
        await settle(pilot)
        assert "family_name changed on the server" in status(app)
        assert "1 pending change(s) are kept" in status(app)
        assert app.session.draft.sets == {"given_name": "Augusta"}
        await select(pilot, "given_name")
        await pilot.press("u")
        await pilot.pause()
        assert "Undid the change to given_name" in status(app)


async def test_quit_keeping_the_edits_writes_them_before_the_editor_goes(backend, tmp_path):
    """The journal is written (and synced) in a worker; the editor exits once it is on
    disk, and the next start for the same user finds the edit."""
    username, password = new_user(backend, given_name="Ada")
    app = editor(backend, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, username, password)
        await edit(pilot, "given_name", "Kept")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("y")
        await settle(pilot)
        assert not app.is_running
    journals = list((tmp_path / "journal").glob("*.json"))
    assert len(journals) == 1 and "Kept" in journals[0].read_text()
