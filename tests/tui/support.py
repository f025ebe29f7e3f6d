"""Helpers the editor's tests share (the UI tests, robustness and search use them): a user
of its own on the embedded backend, the app factory, a way to wait until the app's
workers and messages have settled, and the keystrokes of the common flows.

The embedded backend itself is the `backend` fixture in tests/tui/conftest.py."""

from __future__ import annotations

import contextlib
import secrets
from typing import Any

from textual import events
from textual.widgets import DataTable, Input

from tui.app import CognitoApp, Options, make_app
from tui.core.connection import Connection, ConnectionSettings
from tui.screens.attributes import AttributesScreen
from tui.screens.dialogs import ConfirmSave, EditValue
from tui.screens.signin import SignInScreen
from tui.widgets.status import StatusLine

LOCAL = ("AKIDCOGNITOTUITEST00", "test-secret-not-a-credential")


def settings_for(backend: Any) -> ConnectionSettings:
    return ConnectionSettings(
        region=backend.region,
        endpoint_url=backend.endpoint_url,
        pool_id=backend.user_pool_id,
        client_id=backend.client_id,
    )


def admin(backend: Any) -> Connection:
    return Connection(settings_for(backend), credentials=LOCAL)


def new_user(
    backend: Any, password: str | None = None, prefix: str = "ui", **attributes: str
) -> tuple[str, str]:
    """A confirmed user of its own for one test (tests share the backend)."""
    username = f"{prefix}-{secrets.token_hex(4)}"
    password = password or "Ui-" + secrets.token_urlsafe(10) + "7a!"
    values = {"email": f"{username}@example.com", "email_verified": "true", **attributes}
    conn = admin(backend)
    conn.call(
        "AdminCreateUser",
        UserPoolId=backend.user_pool_id,
        Username=username,
        TemporaryPassword=password + "x",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in values.items()],
    )
    conn.call(
        "AdminSetUserPassword",
        UserPoolId=backend.user_pool_id,
        Username=username,
        Password=password,
        Permanent=True,
    )
    return username, password


def server_attributes(backend: Any, username: str) -> dict[str, str]:
    user = admin(backend).call("AdminGetUser", UserPoolId=backend.user_pool_id, Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def editor(backend: Any, tmp_path: Any, **options: Any) -> CognitoApp:
    return make_app(
        Options(
            settings=settings_for(backend),
            credentials=LOCAL,
            journal_folder=tmp_path / "journal",
            **options,
        )
    )


async def settle(pilot: Any, rounds: int = 200) -> None:
    """Until no worker runs and the messages they posted have been handled. A cancelled
    worker is normal: the reload after a save cancels the save's Worker (exclusive group)
    while its finished thread winds up."""
    from textual.worker import WorkerCancelled

    app = pilot.app
    for _ in range(rounds):
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            return
    raise AssertionError("the app did not settle")


def type_at_once(app: Any, *keys: str) -> None:
    """Every key posted to the app in one go, as the driver does with what it read at once
    (`pilot.press` waits between keys, which hides what happens to a burst)."""
    for key in keys:
        character = key if len(key) == 1 else {"enter": "\r"}.get(key)
        app.post_message(events.Key(key, character))


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


def rows(app: Any) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(key.value) for key in table.rows]


def status(app: Any) -> str:
    return str(app.screen.query_one(StatusLine).render())


async def select(pilot: Any, name: str) -> None:
    table = pilot.app.screen.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(name))
    await pilot.pause()


async def sign_in(pilot: Any, username: str, password: str, typing: bool = False) -> None:
    """Fill the sign-in form (typed key by key when `typing`; pilot keys cost ~50 ms each,
    so the other tests set the fields) and press Enter."""
    screen = pilot.app.screen
    assert isinstance(screen, SignInScreen)
    if typing:
        await type_text(pilot, username)
        await pilot.press("enter")
        await type_text(pilot, password)
    else:
        if username:
            screen.query_one("#username", Input).value = username
        screen.query_one("#password", Input).value = password
        screen.query_one("#password", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


async def open_editor(pilot: Any, username: str, password: str, typing: bool = False) -> None:
    await settle(pilot)
    await sign_in(pilot, username, password, typing)
    await settle(pilot)
    assert isinstance(pilot.app.screen, AttributesScreen), pilot.app.screen


async def edit(pilot: Any, name: str, value: str) -> None:
    await select(pilot, name)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, EditValue)
    pilot.app.screen.query_one(Input).value = value
    await pilot.press("enter")
    await pilot.pause()


async def save(pilot: Any) -> None:
    await save_with(pilot, "ctrl+s")


async def save_with(pilot: Any, key: str) -> None:
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmSave), pilot.app.screen
    await pilot.press("y")
    await settle(pilot)
