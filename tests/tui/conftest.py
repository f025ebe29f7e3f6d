"""Fixtures for the editor's tests: a real embedded backend over HTTP, the app factory, and
a way to wait until the app's workers and messages have settled."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from tui.app import CognitoApp, Options, make_app
from tui.core.connection import Connection, ConnectionSettings

LOCAL = ("AKIDCOGNITOTUITEST00", "test-secret-not-a-credential")


@pytest.fixture(scope="module")
def backend() -> Iterator[Any]:
    from tui.embedded import EmbeddedCognito

    with EmbeddedCognito(seed="demo", strict=True) as running:
        yield running
        assert running.spec_violations == []


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


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])
