"""The demo pool kept across runs: same ids, users and attributes; new passwords; no
secret in the state file; a change saved while the backend runs survives a kill."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tui.core.auth import Authenticator
from tui.core.connection import Connection, ConnectionSettings
from tui.embedded import EmbeddedCognito

CREDENTIALS = ("AKIDCOGNITOTUITEST00", "test-secret-not-a-credential")


def _admin(backend: EmbeddedCognito) -> Connection:
    settings = ConnectionSettings(region=backend.region, endpoint_url=backend.endpoint_url)
    return Connection(settings, credentials=CREDENTIALS)


def _attributes(backend: EmbeddedCognito, username: str) -> dict[str, str]:
    answer = _admin(backend).call(
        "AdminGetUser", UserPoolId=backend.user_pool_id, Username=username
    )
    return {a["Name"]: a["Value"] for a in answer["UserAttributes"]}


def test_a_saved_change_is_there_next_time_with_the_same_ids(tmp_path: Path) -> None:
    state = tmp_path / "pool.json"
    with EmbeddedCognito(seed="demo", state_file=state) as first:
        assert not first.restored
        user = first.users[0]
        _admin(first).call(
            "AdminUpdateUserAttributes",
            UserPoolId=first.user_pool_id,
            Username=user.username,
            UserAttributes=[{"Name": "nickname", "Value": "kept"}],
        )
        ids = (first.user_pool_id, first.client_id)
        before = _attributes(first, user.username)
        old_password = user.password
    with EmbeddedCognito(seed="demo", state_file=state) as second:
        assert second.restored
        assert (second.user_pool_id, second.client_id) == ids
        assert second.users[0].username == user.username
        after = _attributes(second, user.username)
        assert after == before  # sub included
        assert after["nickname"] == "kept"
        again = second.users[0]
        assert again.password != old_password
        auth = Authenticator(_admin(second), second.user_pool_id, str(second.client_id))
        tokens = auth.sign_in_password(again.username, again.password)
        assert getattr(tokens, "access_token", None)


def test_the_state_file_holds_no_secret(tmp_path: Path) -> None:
    state = tmp_path / "pool.json"
    with EmbeddedCognito(seed="demo", state_file=state) as backend:
        secrets = {u.password for u in backend.users} | {
            u.totp_secret for u in backend.users if getattr(u, "totp_secret", None)
        }
    text = state.read_text()
    assert secrets and not any(secret in text for secret in secrets)
    assert state.stat().st_mode & 0o077 == 0


def test_a_change_is_saved_while_the_backend_runs(tmp_path: Path) -> None:
    """A killed demo (no stop()) still keeps what was saved more than a second before."""
    state = tmp_path / "pool.json"
    backend = EmbeddedCognito(seed="demo", state_file=state).start()
    try:
        username = backend.users[0].username
        _admin(backend).call(
            "AdminUpdateUserAttributes",
            UserPoolId=backend.user_pool_id,
            Username=username,
            UserAttributes=[{"Name": "nickname", "Value": "written-live"}],
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "written-live" not in state.read_text():
            time.sleep(0.1)
        saved = json.loads(state.read_text())
        user = next(u for u in saved["users"] if u["username"] == username)
        assert {"Name": "nickname", "Value": "written-live"} in user["attributes"]
    finally:
        backend.stop()


def test_an_unreadable_state_file_starts_afresh(tmp_path: Path) -> None:
    state = tmp_path / "pool.json"
    state.write_text("{not json")
    with EmbeddedCognito(seed="demo", state_file=state) as backend:
        assert not backend.restored
        assert json.loads(state.read_text())["pool_id"] == backend.user_pool_id
