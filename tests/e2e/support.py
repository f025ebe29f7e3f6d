"""What the end-to-end tests share: a tmux terminal of their own, the editor's command
line against a running `cognito-tui embedded`, and a terminal environment."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
TMUX = shutil.which("tmux")


class Terminal:
    """A tmux (80x24 unless told) on a server of its own (-L): a shared tmux server would
    hand the editor its own environment (TERM, XDG_*, NO_COLOR) instead of the test's."""

    NAME = "cognito-tui-e2e"
    TIMEOUT = 20.0  # seconds wait_for waits by default
    POLL = 0.1  # seconds between two looks at the screen
    KEY_PAUSE = 0.15  # seconds after each send-keys
    CLOSE_PAUSE = 0.5  # seconds after kill-server

    def __init__(
        self, command: list[str], env: dict[str, str], size: tuple[int, int] = (80, 24)
    ) -> None:
        self.name = f"{self.NAME}-{secrets.token_hex(4)}"
        self.tmux = [str(TMUX), "-L", self.name]
        shell = " ".join(f"'{part}'" for part in command)
        cols, rows = size
        new = ["new-session", "-d", "-s", self.name, "-x", str(cols), "-y", str(rows)]
        subprocess.run([*self.tmux, *new, shell], check=True, env=env)

    def screen(self) -> str:
        done = subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return done.stdout

    def shows(self, text: str, screen: str) -> bool:
        return text in screen

    def wait_for(self, text: str, timeout: float | None = None) -> str:
        deadline = time.monotonic() + (self.TIMEOUT if timeout is None else timeout)
        while time.monotonic() < deadline:
            screen = self.screen()
            if self.shows(text, screen):
                return screen
            time.sleep(self.POLL)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        args = [*self.tmux, "send-keys", "-t", self.name]
        if literal:
            args.append("-l")
        # `--`: a key or text that starts with "-" (a generated password may) is not an option
        subprocess.run([*args, "--", *keys], check=True)
        time.sleep(self.KEY_PAUSE)

    def close(self) -> None:
        """Kill the session (SIGHUP to the editor, as a dropped SSH connection) and wait
        for the editor to be gone."""
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)
        time.sleep(self.CLOSE_PAUSE)


def editor_command(embedded: dict[str, Any], username: str) -> list[str]:
    return [
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
        username,
    ]


def terminal_env(tmp_path: Path, term: str = "xterm-256color") -> dict[str, str]:
    env = {
        **os.environ,
        "TERM": term,
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env.pop("NO_COLOR", None)
    return env
