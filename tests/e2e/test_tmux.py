"""The installed command, end to end, as a person uses it: a terminal of 80x24 (tmux), a
running `cognito-tui embedded`, typing, and the result checked with AdminGetUser."""

from __future__ import annotations

import pytest

from tests.e2e.support import TMUX, Terminal, editor_command, terminal_env

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def test_sign_in_edit_save_confirm_in_a_real_terminal(embedded, tmp_path):
    user = embedded["users"][0]  # the demo user who signs in with no challenge
    term = Terminal(editor_command(embedded, user["username"]), terminal_env(tmp_path))
    try:
        term.wait_for("Sign in")
        term.keys(user["password"], literal=True)
        term.keys("Enter")
        screen = term.wait_for("No pending changes")
        assert "given_name" in screen and user["username"] in screen
        term.keys("Enter")  # the first row is given_name
        term.wait_for("Edit given_name")
        term.keys("C-u")
        term.keys("Ada Augusta", literal=True)
        term.keys("Enter")
        term.wait_for("1 pending change")
        term.keys("C-s")
        term.wait_for("Save 1 change(s) to Cognito?")
        term.keys("y")
        term.wait_for("Saved 1 change(s)")
        term.keys("q")
    finally:
        term.close()

    from tui.core.connection import Connection, ConnectionSettings

    admin = Connection(
        ConnectionSettings(region=embedded["region"], endpoint_url=embedded["endpoint_url"]),
        credentials=("AKIDCOGNITOTUITEST00", "test-secret-not-a-credential"),
    )
    got = admin.call("AdminGetUser", UserPoolId=embedded["user_pool_id"], Username=user["username"])
    values = {a["Name"]: a["Value"] for a in got["UserAttributes"]}
    assert values["given_name"] == "Ada Augusta"


def test_a_dropped_connection_keeps_the_pending_edits(embedded, tmp_path):
    """Closing the terminal sends SIGHUP, as a dropped SSH connection does; the next start
    offers the edit again and restores it."""
    user = embedded["users"][0]
    env = terminal_env(tmp_path)
    term = Terminal(editor_command(embedded, user["username"]), env)
    try:
        term.wait_for("Sign in")
        term.keys(user["password"], literal=True)
        term.keys("Enter")
        term.wait_for("No pending changes")
        term.keys("Enter")
        term.wait_for("Edit given_name")
        term.keys("C-u")
        term.keys("Interrupted", literal=True)
        term.keys("Enter")
        term.wait_for("1 pending change")
    finally:
        term.close()  # SIGHUP to the editor
    journals = list((tmp_path / "state" / "cognito-tui" / "journal").glob("*.json"))
    assert len(journals) == 1
    assert "Interrupted" in journals[0].read_text()
    assert user["password"] not in journals[0].read_text()
    again = Terminal(editor_command(embedded, user["username"]), env)
    try:
        again.wait_for("Sign in")
        again.keys(user["password"], literal=True)
        again.keys("Enter")
        again.wait_for("Unsaved edits from")
        again.keys("r")
        screen = again.wait_for("1 pending change")
        assert "changed" in screen
        again.keys("q")
        again.wait_for("unsaved change")
        again.keys("d")  # quit and discard
    finally:
        again.close()


@pytest.mark.parametrize(
    ("term", "no_color"),
    [("xterm-256color", False), ("screen-256color", False), ("linux", False), ("xterm", True)],
)
def test_legible_in_every_terminal(embedded, tmp_path, term, no_color):
    user = embedded["users"][0]
    env = terminal_env(tmp_path, term)
    if no_color:
        env["NO_COLOR"] = "1"
    session = Terminal(editor_command(embedded, user["username"]), env)
    try:
        session.wait_for("USER_SRP_AUTH")
        screen = session.wait_for(user["username"])  # the prefilled field, drawn
        assert "Sign in" in screen
        session.keys(user["password"], literal=True)
        session.keys("Enter")
        session.wait_for("No pending changes")
        # the footer is recomposed a frame after the screen's bindings change
        screen = session.wait_for("Quit", timeout=5)
        assert "given_name" in screen and "read-write" in screen and "No pending" in screen
    finally:
        session.close()


def test_a_refused_token_without_a_client_id_says_what_to_pass(embedded, tmp_path):
    """The command, in a terminal: a revoked token (COGNITO_ACCESS_TOKEN) and no app
    client to sign in with a password: one line on stderr, a non-zero exit status."""
    from tui.core.connection import Connection, ConnectionSettings
    from tui.core.session import EditorSession

    user = embedded["users"][0]
    settings = ConnectionSettings(
        region=embedded["region"],
        endpoint_url=embedded["endpoint_url"],
        pool_id=embedded["user_pool_id"],
        client_id=embedded["client_id"],
    )
    session = EditorSession(settings)
    session.sign_in(user["username"], user["password"])
    assert session.tokens is not None
    token = str(session.tokens.access_token)
    Connection(settings).call("GlobalSignOut", AccessToken=token)
    env = {**terminal_env(tmp_path), "COGNITO_ACCESS_TOKEN": token}
    command = editor_command(embedded, user["username"])
    del command[command.index("--client-id") : command.index("--client-id") + 2]
    err = tmp_path / "stderr.txt"
    shell = " ".join(f"'{part}'" for part in command) + f" 2>'{err}'; echo exit=$?; sleep 60"
    term = Terminal(["sh", "-c", shell], env)
    try:
        term.wait_for("exit=1")
    finally:
        term.close()
    # the last of stderr, after the screen Textual drew there and gave back
    assert err.read_text().endswith(
        "cognito-tui: The access token was refused. Cognito said: Access Token has been "
        "revoked (NotAuthorizedException). Get a new token, or pass --client-id to sign in "
        "with a password.\n"
    )


def test_a_username_and_password_typed_ahead_sign_in(embedded, tmp_path):
    """Typed as the editor starts, before it is up: the keys go to the username field
    (they used to reach the form's scrolling body, focused first, and were lost), and an
    Enter typed
    while the terminal was still in line mode (read as ctrl+j) counts as Enter (the
    password used to go on into the username field, in clear)."""
    user = embedded["users"][0]
    command = editor_command(embedded, user["username"])[:-2]  # no --username: type it
    term = Terminal(command, terminal_env(tmp_path))
    try:
        term.keys(user["username"], "Enter", user["password"], "Enter")
        screen = term.wait_for("No pending changes")
        assert user["username"] in screen and user["password"] not in screen
    finally:
        term.close()


def test_the_shell_echoes_again_after_the_editor(embedded, tmp_path):
    """The editor turns the terminal's echo off first thing, so that keys typed ahead
    are not echoed onto the shell's screen (tests/tui/test_echo.py); the shell gets it
    back when the editor quits."""
    user = embedded["users"][0]
    term = Terminal(["bash", "--norc", "--noprofile"], terminal_env(tmp_path))
    try:
        term.keys("PS1='shell> '", literal=True)
        term.keys("Enter")
        term.wait_for("shell>")
        term.keys("clear; " + " ".join(editor_command(embedded, user["username"])), literal=True)
        term.keys("Enter")
        term.wait_for("USER_SRP_AUTH")
        term.keys("C-q")
        term.wait_for("shell>")
        term.keys("echo back", literal=True)
        term.wait_for("shell> echo back")
    finally:
        term.close()
