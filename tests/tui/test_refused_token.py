"""A token given with --access-token that Cognito refuses (here revoked by GlobalSignOut on
the embedded backend, over HTTP) offers a way forward: a password sign-in when the app
client is known, else the editor quits with the reason and the options to pass."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from tests.tui.support import editor, new_user, settings_for, settle
from tui.core.connection import Connection
from tui.core.session import EditorSession
from tui.screens.attributes import AttributesScreen
from tui.screens.signin import SignInScreen
from tui.widgets.status import StatusLine

REVOKED = (
    "The access token was refused. Cognito said: Access Token has been revoked "
    "(NotAuthorizedException)."
)


def revoked_token(backend: Any, username: str, password: str) -> str:
    """A real access token of the user, then signed out everywhere (GlobalSignOut)."""
    session = EditorSession(settings_for(backend))
    session.sign_in(username, password)
    assert session.tokens is not None
    token = str(session.tokens.access_token)
    Connection(settings_for(backend)).call("GlobalSignOut", AccessToken=token)
    return token


async def test_a_refused_token_offers_the_password_sign_in(backend, tmp_path):
    username, password = new_user(backend, given_name="Ada")
    app = editor(backend, tmp_path, access_token=revoked_token(backend, username, password))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SignInScreen), screen
        # who refused it, in its words, and what to do, on the sign-in screen
        assert str(screen.query_one(StatusLine).render()) == (
            f"{REVOKED} Sign in with a password to go on."
        )
        assert screen.query_one("#username", Input).value == username
        screen.query_one("#password", Input).value = password
        screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AttributesScreen)
        assert app.session.draft.server["given_name"] == "Ada"
    assert app.return_code in (0, None)


async def test_a_refused_token_without_a_client_id_quits_with_the_option_to_pass(backend, tmp_path):
    username, password = new_user(backend)
    app = editor(backend, tmp_path, access_token=revoked_token(backend, username, password))
    app.session.settings = app.session.settings.with_(client_id=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert app.return_code == 1
    assert app.exit_note == (
        f"{REVOKED} Get a new token, or pass --client-id to sign in with a password."
    )
