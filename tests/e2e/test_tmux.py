"""The installed command, end to end, as a person uses it: a terminal of 80x24 (tmux), a
running `cognito-tui embedded`, typing, and the result checked with AdminGetUser."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BIN = Path(sys.executable).parent
TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


@pytest.fixture
def embedded() -> Iterator[dict[str, Any]]:
    proc = subprocess.Popen(
        [str(BIN / "cognito-tui"), "embedded", "--seed", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        yield info
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Terminal:
    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.name = f"cognito-tui-e2e-{secrets.token_hex(4)}"
        shell = " ".join(f"'{part}'" for part in command)
        subprocess.run(
            [TMUX, "new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", shell],
            check=True,
            env=env,
        )

    def screen(self) -> str:
        done = subprocess.run(
            [TMUX, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return done.stdout

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        args = [TMUX, "send-keys", "-t", self.name]
        if literal:
            args.append("-l")
        subprocess.run([*args, *keys], check=True)
        time.sleep(0.15)

    def close(self) -> None:
        subprocess.run([TMUX, "kill-session", "-t", self.name], capture_output=True)


def test_sign_in_edit_save_confirm_in_a_real_terminal(embedded, tmp_path):
    user = embedded["users"][0]  # the demo user who signs in with no challenge
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("NO_COLOR", None)
    term = Terminal(
        [
            str(BIN / "cognito-tui"),
            "--endpoint-url",
            embedded["endpoint_url"],
            "--region",
            embedded["region"],
            "--pool-id",
            embedded["user_pool_id"],
            "--client-id",
            embedded["client_id"],
            "--username",
            user["username"],
        ],
        env,
    )
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
